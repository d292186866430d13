#!/usr/bin/env bash
# Data-parallel training on Open MPI: installs Open MPI when missing, builds with the `MPI`
# trait in its own scratch path, and runs the distributed tests (mpirun on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v mpirun >/dev/null || ! pkg-config --exists ompi-c 2>/dev/null; then
    if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq openmpi-bin libopenmpi-dev pkg-config
    else
        echo "error: Open MPI is missing and apt-get is not available; install it (docs/DISTRIBUTED.md)" >&2
        exit 1
    fi
fi

# Open MPI refuses to run as root unless told that it is intended (CI containers run as root).
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# One release build with the trait (kiso and the tests, with testable imports as `swift test` builds
# them; a separate `swift build` would compile everything a second time), then the distributed tests.
swift test -c release --traits MPI --scratch-path .build-mpi --filter 'DistributedTrainingTests|KisoDistributedTests|dropoutMasksFollow'
