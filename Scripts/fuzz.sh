#!/usr/bin/env bash
# Fuzz one of Kiso's file parsers for MINUTES minutes with kiso-fuzz (a seeded mutation loop).
#
#   Scripts/fuzz.sh PARSER MINUTES [SEED]      PARSER: idx safetensors npy npz pickle png
#
# Runs at low priority (nice 19) under a 4 GiB address-space limit, restarting after each
# crash or hang with the next seed. Inputs that crash or hang a parser are kept in
# .build/fuzz/PARSER/ (crash-*.bin, hang-*.bin); turn them into regression tests in
# Tests/KisoDataTests/FuzzRegressionTests.swift. Prints a summary line for FUZZING.md.
set -uo pipefail
cd "$(dirname "$0")/.."

parser=${1:?usage: Scripts/fuzz.sh PARSER MINUTES [SEED]}
minutes=${2:?usage: Scripts/fuzz.sh PARSER MINUTES [SEED]}
seed=${3:-1}

# KISO_FUZZ_BIN: a prebuilt kiso-fuzz (so sources can change while a long run goes on).
if [ -n "${KISO_FUZZ_BIN:-}" ]; then
    fuzz=$KISO_FUZZ_BIN
else
    swift build -c release --product kiso-fuzz >/dev/null || exit 1
    fuzz=$(swift build -c release --show-bin-path)/kiso-fuzz
fi
out=.build/fuzz/$parser
mkdir -p "$out"
state=$out/current.state

deadline=$(( $(date +%s) + minutes * 60 ))
findings=0
executions=0
while [ "$(date +%s)" -lt "$deadline" ]; do
    left=$(( deadline - $(date +%s) ))
    log=$out/run-$seed.log
    ( ulimit -v 4194304; exec nice -n 19 "$fuzz" "$parser" --seconds "$left" --seed "$seed" --state "$state" ) >"$log" 2>&1
    status=$?
    runs=$(grep -o '[0-9]* executions' "$log" | tail -1 | cut -d' ' -f1)
    executions=$(( executions + ${runs:-0} ))
    if [ "$status" -ne 0 ]; then
        kind=crash; [ "$status" -eq 70 ] && kind=hang
        file=$out/$kind-$parser-seed$seed.bin
        "$fuzz" extract "$state" "$file" >/dev/null
        findings=$(( findings + 1 ))
        echo "fuzz $parser: $kind (exit $status) with seed $seed, input kept in $file"
        tail -5 "$log"
    fi
    seed=$(( seed + 1 ))
done
echo "fuzz $parser: $minutes min, about $executions executions (counted at the last progress report of each run), $findings findings"
