#!/bin/bash
# Side by side speed of two kiso binaries (e.g. a copy of the release binary before a change and
# the one after it), alternating them so that both meet the same moments of a shared machine.
# For each of `bench convnet` (SimpleConvNet, DeepConvNet) and `bench two-layer` it prints, per
# round and binary, the training wall seconds from the bench's JSON, the process's user +
# system CPU seconds and its peak resident memory in MB (GNU time), then the best of the rounds
# for each (the lowest of each column).
#
# Usage: Benchmarks/before_after.sh BEFORE AFTER [ROUNDS] [DATA_DIR]
#   SIMPLE_ITERATIONS (100), DEEP_ITERATIONS (20), TWO_LAYER_ITERATIONS (3000) set the sizes.
set -euo pipefail
before=$1 after=$2 rounds=${3:-3} data=${4:-${KISO_DATA:-$HOME/.cache/kiso/fashion-mnist}}
simple=${SIMPLE_ITERATIONS:-100} deep=${DEEP_ITERATIONS:-20} twolayer=${TWO_LAYER_ITERATIONS:-3000}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

model() {   # the --model value a binary takes (the names changed from simple/deep to simple-convnet/deep-convnet)
    if "$1" bench convnet --help | grep -q simple-convnet; then echo "$2-convnet"; else echo "$2"; fi
}

run() {   # binary label args...: "label wall cpu rss"
    local bin=$1 label=$2 json cpu
    shift 2
    cpu=$( { /usr/bin/time -f "%U %S %M" "$bin" "$@" --data "$data" --json > "$results.json"; } 2>&1 | tail -1 | awk '{print $1 + $2, int($3 / 1024)}')
    json=$(tail -1 "$results.json")
    echo "$label $(python3 -c 'import json, sys; j = json.loads(sys.argv[1]); print(j["seconds_per_epoch"][0] if "seconds_per_epoch" in j else j["train_seconds"])' "$json") $cpu"
}

for round in $(seq 1 "$rounds"); do
    for side in before after; do
        bin=$before; [ "$side" = after ] && bin=$after
        run "$bin" "$side simple-convnet" bench convnet --model "$(model "$bin" simple)" --iterations "$simple" --no-half
        run "$bin" "$side deep-convnet" bench convnet --model "$(model "$bin" deep)" --iterations "$deep" --no-half
        run "$bin" "$side two-layer" bench two-layer --dataset fashion-mnist --iterations "$twolayer" --quiet
    done
done | tee "$results"
echo "best of $rounds (wall s, CPU s, peak RSS MB):"
awk '{key = $1 " " $2} !(key in wall) || $3 < wall[key] {wall[key] = $3} !(key in cpu) || $4 < cpu[key] {cpu[key] = $4}
     !(key in rss) || $5 < rss[key] {rss[key] = $5} END {for (k in wall) print k, wall[k], cpu[k], rss[k]}' "$results" | sort -k2,2 -k1,1r
