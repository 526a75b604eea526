#!/usr/bin/env bash
# Runs the demo: a panel simulator on 127.0.0.1:1502 standing in for the street board, and
# bangtind playing examples/demo.yaml to it, whose messages play at any hour (the bundled example,
# examples/bangtin.yaml, schedules them 06:00-22:00, and at night shows only a dim clock). The
# simulator rewrites a PNG of what the board shows about once a second at BUILD_DIR/demo/panel.png,
# and serves the operator console at http://127.0.0.1:8080/ (the first run makes an account
# 'admin' and prints its password once).
# Stops on Ctrl-C, or after DEMO_SECONDS seconds when that is set.
# DEMO_PANEL_PORT and DEMO_CONSOLE_PORT move the simulator and the console to other loopback
# ports (the tests run the demo beside other things); DEMO_OUT is where the demo writes (its PNG
# and, with other ports, its config and state), BUILD_DIR/demo by default.
set -euo pipefail
build_dir=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
panel_port=${DEMO_PANEL_PORT:-1502}
console_port=${DEMO_CONSOLE_PORT:-8080}
out=$(realpath -m "${DEMO_OUT:-$build_dir/demo}")
mkdir -p "$out"
snapshot="$out/panel.png"
rm -f "$snapshot"

config="$here/demo.yaml"
shown_config=examples/demo.yaml
if [[ $panel_port != 1502 || $console_port != 8080 ]]; then
  # The same demo on other ports: a copy of its config, with its own state beside it.
  config="$out/demo.yaml"
  shown_config=$config
  sed -e "s|^playlists: .*|playlists: $here/demo-playlists/|" \
    -e "s|127\.0\.0\.1:1502|127.0.0.1:$panel_port|" \
    -e "s|127\.0\.0\.1:8080|127.0.0.1:$console_port|" "$here/demo.yaml" >"$config"
fi

echo "demo: playing $shown_config, whose messages play at any hour: moving text on the board" \
  "within seconds, now as at $(TZ=Asia/Ho_Chi_Minh date +%H:%M) in Vietnam" >&2

"$build_dir/firmware-bridge/sim/bangtin-panel-sim" --listen "127.0.0.1:$panel_port" \
  --size 128x32 --pixel mono --snapshot "$snapshot" --scale 6 &
sim=$!
# The console's first account, once: an admin with a password shown here and nowhere else.
if ! "$build_dir/controller/bangtin" user list --config "$config" 2>/dev/null |
  grep -q '^admin '; then
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$password" |
    "$build_dir/controller/bangtin" user add admin --role admin --config "$config"
  echo "demo: console account 'admin', password $password (shown once; change it with" \
    "'bangtin user passwd admin --config $shown_config')" >&2
fi

"$build_dir/controller/bangtind" --config "$config" &
daemon=$!
children="$daemon $sim"
trap 'kill $children 2>/dev/null; wait $children 2>/dev/null || true' EXIT
trap 'exit 0' INT TERM  # a stop asked for; the EXIT trap stops them all

echo "demo: the board's picture is at $snapshot (rewritten every second); the console is at" \
  "http://127.0.0.1:$console_port/ ; Ctrl-C stops" >&2
if [[ -n "${DEMO_SECONDS:-}" ]]; then
  # In the background, so that a signal stops the demo at once, not when the sleep ends.
  sleep "$DEMO_SECONDS" &
  children="$children $!"
  wait $!
else
  wait $daemon
fi
