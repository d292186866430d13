#!/usr/bin/env bash
# Fuzzing smoke test: builds every libFuzzer target of Fuzz/targets (AddressSanitizer,
# Scripts/fuzz-build.sh) and runs each once over its seeds (Fuzz/corpus/NAME) and past findings
# (Fuzz/regressions/NAME), so a crash, leak or hang they once caused fails CI. Seconds of
# running after the build; needs only the Swift toolchain (which ships libFuzzer) and zlib's
# headers (installed by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(dirname "$(dirname "$(command -v swiftc)")")
if ! find "$toolchain/lib" -name 'libclang_rt.fuzzer*' 2>/dev/null | grep -q .; then
    echo "Error: the Swift toolchain at $toolchain has no libFuzzer runtime (libclang_rt.fuzzer); install a swift.org toolchain" >&2
    exit 1
fi

Scripts/fuzz-build.sh >/dev/null
for name in $(grep -v '^#' Fuzz/targets | awk 'NF {print $1}'); do
    inputs=(Fuzz/corpus/"$name"/*)
    [ -d "Fuzz/regressions/$name" ] && inputs+=(Fuzz/regressions/"$name"/*)
    if ! ".build-fuzz/bin/fuzz-$name" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" >".build-fuzz/smoke-$name.log" 2>&1; then
        echo "Error: fuzz target $name failed on its corpus (log below)" >&2
        tail -40 ".build-fuzz/smoke-$name.log" >&2
        exit 1
    fi
    echo "fuzz smoke $name: ${#inputs[@]} inputs, no crash, leak or timeout"
done
