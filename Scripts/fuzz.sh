#!/usr/bin/env bash
# Fuzzes one of Kiso's parsers for MINUTES minutes with libFuzzer under AddressSanitizer.
#
#   Scripts/fuzz.sh TARGET MINUTES      TARGET: a name in Fuzz/targets (idx safetensors npy npz pickle png)
#
# Builds the target (Scripts/fuzz-build.sh), then runs it at nice 10 from the seeds in
# Fuzz/corpus/TARGET with the dictionary Fuzz/dict/TARGET.dict, under limits: 2 GiB of memory
# (-rss_limit_mb, -malloc_limit_mb) and 10 s per input (-timeout). The corpus it grows is kept in
# .build-fuzz/corpus/TARGET (a later run resumes from it). libFuzzer stops at a finding; the
# script keeps the input (.build-fuzz/findings/TARGET/crash-*, leak-*, timeout-*, oom-*) and
# restarts until the time is up. Each finding becomes a test in
# Tests/KisoDataTests/ParserRegressionTests.swift. Ends with a summary line for FUZZING.md.
# KISO_FUZZ_MAX_LEN sets the largest input (default 16384 bytes).
set -uo pipefail
cd "$(dirname "$0")/.."

usage="usage: Scripts/fuzz.sh TARGET MINUTES"
target=${1:?$usage}
minutes=${2:?$usage}
[[ $minutes =~ ^[0-9]+$ ]] || { echo "Error: MINUTES must be a whole number, not '$minutes'" >&2; exit 1; }

Scripts/fuzz-build.sh "$target" >/dev/null || exit 1
fuzzer=.build-fuzz/bin/fuzz-$target
corpus=.build-fuzz/corpus/$target
findings=.build-fuzz/findings/$target
logs=.build-fuzz/logs
mkdir -p "$corpus" "$findings" "$logs"
dict=()
[ -f "Fuzz/dict/$target.dict" ] && dict=(-dict="Fuzz/dict/$target.dict")

deadline=$(( $(date +%s) + minutes * 60 ))
executions=0 found=0 cov="" ft=""
while left=$(( deadline - $(date +%s) )); [ "$left" -gt 0 ]; do
    log=$logs/$target-$(date +%Y%m%d-%H%M%S).log
    nice -n 10 "$fuzzer" "$corpus" "Fuzz/corpus/$target" "${dict[@]}" \
        -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="${KISO_FUZZ_MAX_LEN:-16384}" -artifact_prefix="$findings/" \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    runs=$(grep -o 'number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    executions=$(( executions + ${runs:-0} ))
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    if [[ $last =~ cov:\ ([0-9]+)\ ft:\ ([0-9]+) ]]; then cov=${BASH_REMATCH[1]} ft=${BASH_REMATCH[2]}; fi
    if [ "$status" -ne 0 ]; then
        found=$(( found + 1 ))
        echo "fuzz $target: finding (exit $status), log $log:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|Fatal error|.*fuzz check failed)' "$log" | head -8
        sleep 1
    fi
done
echo "fuzz $target: $minutes min, $executions executions, cov: ${cov:-?} ft: ${ft:-?}, $found findings (in $findings)"
