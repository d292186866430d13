#!/usr/bin/env bash
# One SimpleConvNet epoch on 12 000 images (Fashion-MNIST, batch 100, 120 steps), on loopback:
# 1 process × 2 threads, 2 ranks × 1 thread, 4 ranks × 1 thread (oversubscribed on 2 cores),
# 1 process × 1 thread, and 2 ranks × 1 thread over shared memory (Open MPI's vader transport, its
# default between ranks of one host) instead of TCP, interleaved, RUNS rounds; prints every training time that
# `kiso train --json` reports (data loading and MPI start-up excluded) and the best of each.
# Usage: Scripts/mpi-bench.sh DATA_DIR [RUNS]   (after swift build -c release --traits MPI --scratch-path .build-mpi)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: Scripts/mpi-bench.sh DATA_DIR [RUNS]}
runs=${2:-3}
kiso=.build-mpi/release/kiso
if [ "$(id -u)" = 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
mpirun=(mpirun --oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo)
train=(train --model simple-convnet --dataset fashion-mnist --data "$data" --train-limit 12000 --test-limit 1000
       --epochs 1 --batch-size 100 --seed 1 --json --quiet)
labels=("1 process x 2 threads" "2 ranks x 1 thread" "4 ranks x 1 thread" "1 process x 1 thread"
        "2 ranks x 1 thread, shared memory")
run() {
    case $1 in
        0) env KISO_THREADS=2 "$kiso" "${train[@]}" ;;
        1) "${mpirun[@]}" -np 2 "$kiso" "${train[@]}" --distributed ;;
        2) "${mpirun[@]}" -np 4 "$kiso" "${train[@]}" --distributed ;;
        3) env KISO_THREADS=1 "$kiso" "${train[@]}" ;;
        4) mpirun --oversubscribe --mca btl self,vader -np 2 "$kiso" "${train[@]}" --distributed ;;
    esac | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["seconds"], d["test_accuracy"])'
}
declare -A times
for round in $(seq "$runs"); do
    for c in 0 1 2 3 4; do
        read -r s acc < <(run $c)
        times[$c]+="$s "
        echo "round $round, ${labels[$c]}: $s s (test accuracy $acc)"
    done
done
uptime
for c in 0 1 2 3 4; do
    best=$(tr ' ' '\n' <<<"${times[$c]}" | grep . | sort -n | head -1)
    echo "${labels[$c]}: best $best s of ${times[$c]}"
done
