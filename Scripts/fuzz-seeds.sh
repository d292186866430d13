#!/usr/bin/env bash
# Rewrites the seed corpora Fuzz/corpus/NAME/seed-* from Kiso's own encoders (each fuzz
# target's `seeds`), for every target of Fuzz/targets or the ones named.
#
#   Scripts/fuzz-seeds.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t names < <(if [ $# -gt 0 ]; then printf '%s\n' "$@"; else grep -v '^#' Fuzz/targets | awk 'NF {print $1}'; fi)
Scripts/fuzz-build.sh "${names[@]}" >/dev/null
for name in "${names[@]}"; do
    rm -f Fuzz/corpus/"$name"/seed-*
    KISO_FUZZ_WRITE_SEEDS=Fuzz/corpus/$name ".build-fuzz/bin/fuzz-$name"
    echo "Fuzz/corpus/$name: $(ls Fuzz/corpus/"$name" | wc -l) seeds"
done
