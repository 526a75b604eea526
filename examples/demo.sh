#!/usr/bin/env bash
# Runs the bundled example: a panel simulator on 127.0.0.1:1502 standing in for the street board,
# and bangtind playing examples/bangtin.yaml to it. The simulator rewrites a PNG of what the board
# shows about once a second at BUILD_DIR/demo/panel.png. Stops on Ctrl-C, or after
# DEMO_SECONDS seconds when that is set.
set -euo pipefail
build_dir=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build_dir/demo"
snapshot="$build_dir/demo/panel.png"
rm -f "$snapshot"

"$build_dir/firmware-bridge/sim/bangtin-panel-sim" --listen 127.0.0.1:1502 --size 128x32 \
  --pixel mono --snapshot "$snapshot" --scale 6 &
sim=$!
"$build_dir/controller/bangtind" --config "$here/bangtin.yaml" &
daemon=$!
trap 'kill $daemon $sim 2>/dev/null; wait $daemon $sim 2>/dev/null || true' EXIT INT TERM

echo "demo: the board's picture is at $snapshot (rewritten every second); Ctrl-C stops" >&2
if [[ -n "${DEMO_SECONDS:-}" ]]; then
  sleep "$DEMO_SECONDS"
else
  wait $daemon
fi
