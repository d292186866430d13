#!/usr/bin/env bash
# The kiso serve page in a real browser: installs Debian's chromium and chromium-driver when
# missing, makes a virtual environment with Selenium, builds kiso (unless KISO_BROWSER_BINARY names
# one), serves the book's weights on a free loopback port, runs Tests/Browser/draw_digit.py, and
# stops the server. Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

shared="${KISO_SHARED_DATA:-../shared/data}"
weights=()
for file in simple_convnet_params.pkl sample_weight.pkl; do
    [ -f "$shared/book-weights/$file" ] && weights+=(--weights "$shared/book-weights/$file")
done
if [ ${#weights[@]} -eq 0 ]; then
    echo "browser test SKIPPED: no weights in $shared/book-weights (the book's .pkl files)"
    exit 0
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
venv=.build/browser-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check selenium

# .ci/run passes the kiso that `swift test -c release` has just built from this tree (built for
# testing, but the same program); run alone, this script builds its own.
kiso="${KISO_BROWSER_BINARY:-}"
if [ -z "$kiso" ]; then
    swift build -c release --product kiso
    kiso=.build/release/kiso
fi
log=$(mktemp)
"$kiso" serve "${weights[@]}" --port 0 >"$log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
    port=$(grep -o '127\.0\.0\.1:[0-9]*' "$log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    kill -0 $server 2>/dev/null || { cat "$log"; echo "kiso serve did not start"; exit 1; }
    sleep 0.2
done
[ -n "$port" ] || { cat "$log"; echo "kiso serve did not say its port"; exit 1; }

mkdir -p .build/browser
NO_PROXY='*' no_proxy='*' "$venv/bin/python" Tests/Browser/draw_digit.py \
    --url "http://127.0.0.1:$port/" --screenshot .build/browser/serve.png
