#!/usr/bin/env bash
# One SimpleConvNet epoch on 12 000 images (Fashion-MNIST, batch 100, 120 steps), best of RUNS:
# 1 process × 2 threads, 2 ranks × 1 thread, 4 ranks × 1 thread, on loopback. Prints the
# training seconds that `kiso train --json` reports (data loading and MPI start-up excluded).
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

seconds() { "$@" | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["seconds"], d["test_accuracy"])'; }
best() {
    local label=$1; shift
    local all=() line
    for _ in $(seq "$runs"); do line=$(seconds "$@"); all+=("$line"); done
    printf '%s\n' "${all[@]}" | sort -n | head -1 | while read -r s acc; do
        echo "$label: best ${s} s of [$(printf '%s ' "${all[@]%% *}")] (test accuracy $acc)"
    done
}
best "1 process x 2 threads" env KISO_THREADS=2 "$kiso" "${train[@]}"
best "2 ranks x 1 thread   " "${mpirun[@]}" -np 2 "$kiso" "${train[@]}" --distributed
best "4 ranks x 1 thread   " "${mpirun[@]}" -np 4 "$kiso" "${train[@]}" --distributed
best "1 process x 1 thread " env KISO_THREADS=1 "$kiso" "${train[@]}"
