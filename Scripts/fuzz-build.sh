#!/usr/bin/env bash
# Builds Kiso's libFuzzer targets (coverage-guided, AddressSanitizer) into .build-fuzz/bin/.
#
#   Scripts/fuzz-build.sh [TARGET...]      (default: every target of Fuzz/targets)
#
# SwiftPM compiles the library that holds the checks (KisoFuzz, and its dependencies) with
# `-sanitize=fuzzer` coverage and AddressSanitizer into its own scratch path; then swiftc links
# a three-line entry point (LLVMFuzzerTestOneInput) with those objects and libFuzzer's runtime,
# which ships with the Swift toolchain. SwiftPM itself links no fuzzer binary: it would give it
# a renamed `main`, and libFuzzer brings its own.
set -euo pipefail
cd "$(dirname "$0")/.."

table=Fuzz/targets
mapfile -t wanted < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else grep -v '^#' "$table" | awk 'NF {print $1}'; fi)
mkdir -p .build-fuzz/bin .build-fuzz/entry

for name in "${wanted[@]}"; do
    row=$(grep -v '^#' "$table" | awk -v n="$name" '$1 == n')
    [ -n "$row" ] || { echo "Error: no fuzz target '$name' in $table" >&2; exit 1; }
    read -r _ module value _ <<<"$row"
    scratch=.build-fuzz/$module
    # Only `module` and its dependencies are built in this scratch path, so its objects are
    # exactly what the entry point links with.
    swift build -c release --scratch-path "$scratch" --target "$module" \
        --sanitize=address -Xswiftc -sanitize=fuzzer >&2
    bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
    entry=.build-fuzz/entry/$name.swift
    cat >"$entry" <<SWIFT
import $module
@_cdecl("LLVMFuzzerInitialize") public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> Int32 { $value.initialize(); return 0 }
@_cdecl("LLVMFuzzerTestOneInput") public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 { $value.run(data, size); return 0 }
SWIFT
    # The module maps of the C targets (generated) and system libraries (in Sources).
    modulemaps=$(ls "$bin"/*.build/module.modulemap Sources/*/module.modulemap 2>/dev/null | sed "s/^/-Xcc -fmodule-map-file=/")
    # shellcheck disable=SC2046,SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library -O -use-ld=lld "$entry" -module-name "fuzz_$name" \
        -I "$bin/Modules" $modulemaps $(find Sources -path '*/include' -type d | sed 's/^/-Xcc -I/') \
        $(find "$bin" -path '*.build/*.o' | sort) -lz -o ".build-fuzz/bin/fuzz-$name"
    echo ".build-fuzz/bin/fuzz-$name"
done
