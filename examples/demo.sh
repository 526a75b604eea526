#!/usr/bin/env bash
# Runs the bundled example: a panel simulator on 127.0.0.1:1502 standing in for the street board,
# and bangtind playing examples/bangtin.yaml to it. The simulator rewrites a PNG of what the board
# shows about once a second at BUILD_DIR/demo/panel.png, and serves the operator console at
# http://127.0.0.1:8080/ (the first run makes an account 'admin' and prints its password once).
# Stops on Ctrl-C, or after DEMO_SECONDS seconds when that is set.
set -euo pipefail
build_dir=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build_dir/demo"
snapshot="$build_dir/demo/panel.png"
rm -f "$snapshot"

"$build_dir/firmware-bridge/sim/bangtin-panel-sim" --listen 127.0.0.1:1502 --size 128x32 \
  --pixel mono --snapshot "$snapshot" --scale 6 &
sim=$!
# The console's first account, once: an admin with a password shown here and nowhere else.
if ! "$build_dir/controller/bangtin" user list --config "$here/bangtin.yaml" 2>/dev/null |
  grep -q '^admin '; then
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$password" |
    "$build_dir/controller/bangtin" user add admin --role admin --config "$here/bangtin.yaml"
  echo "demo: console account 'admin', password $password (shown once; change it with" \
    "'bangtin user passwd admin --config examples/bangtin.yaml')" >&2
fi

"$build_dir/controller/bangtind" --config "$here/bangtin.yaml" &
daemon=$!
trap 'kill $daemon $sim 2>/dev/null; wait $daemon $sim 2>/dev/null || true' EXIT INT TERM

echo "demo: the board's picture is at $snapshot (rewritten every second); the console is at" \
  "http://127.0.0.1:8080/ ; Ctrl-C stops" >&2
if [[ -n "${DEMO_SECONDS:-}" ]]; then
  sleep "$DEMO_SECONDS"
else
  wait $daemon
fi
