#!/usr/bin/env bash
# bangtin's scale benchmark: a province's programme on one box, measured as an operator lives it.
#
#   tests/bench/scale/run.sh BUILD_DIR [ITEMS] [BOARDS]
#
# BUILD_DIR holds a Release build (controller/bangtin, controller/bangtind,
# firmware-bridge/sim/bangtin-panel-sim). Writes ITEMS items (default 20000) for BOARDS boards
# (default 8; make_programme.py says which sizes), each board fed over DDP to a bangtin-panel-sim
# on 127.0.0.1, and prints:
#   validate      wall seconds and peak RSS of `bangtin validate`
#   first frame   seconds from starting bangtind to each board's first play, the slowest board
#   memory        bangtind's RSS once every board plays, and its peak
#   edit on air   seconds from a one-line edit of the item on air on the first board to the
#                 board playing the edited text
#   frames        per board, frames the simulator received in the 6 s around the edit against
#                 fps x time (a board frozen by the reload misses them)
#   plan          wall seconds of `bangtin plan` over a year of every board
# Not part of ctest: it takes a minute or two and wants the machine to itself. Give a baseline
# build as BUILD_DIR to compare; figures are quoted in the closing notes of issue 10.
set -euo pipefail

build=$(cd "${1:?usage: run.sh BUILD_DIR [ITEMS] [BOARDS]}" && pwd)
items=${2:-20000}
boards=${3:-8}
port=${BANGTIN_SCALE_PORT:-24100}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bangtin-scale.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Each line of a program's stderr, stamped with the time it arrived.
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done; }

python3 "$here/make_programme.py" "$work" "$items" "$boards" "$port"
config="$work/bangtin.yaml"
echo "scale: $items items, $boards boards, build $build"

start=$(now)
/usr/bin/time -f "%e %M" -o "$work/validate.time" "$build/controller/bangtin" validate "$config" \
  > "$work/validate.out" 2>&1 || true
read -r validate_seconds validate_kb < "$work/validate.time"
echo "validate: ${validate_seconds} s, peak RSS $((validate_kb / 1024)) MB ($(tail -1 "$work/validate.out"))"

for ((b = 0; b < boards; b++)); do
  size=$(awk -v n="bang-$(printf %02d $b)" '$2 == "name:" && $3 == n { getline; print $2 }' "$config")
  pixel=$(awk -v n="bang-$(printf %02d $b)" '$2 == "name:" && $3 == n { getline; getline; print $2 }' "$config")
  "$build/firmware-bridge/sim/bangtin-panel-sim" --listen off --ddp $((port + b)) --size "$size" \
    --pixel "$pixel" 2>&1 | stamp > "$work/sim-$b.log" &
  pids+=($!)
done
sleep 0.5

start=$(now)
"$build/controller/bangtind" --config "$config" 2>&1 | stamp > "$work/daemon.log" &
pids+=($!)
daemon=""
for _ in $(seq 100); do
  daemon=$(pgrep -f "bangtind --config $config" | head -1 || true)
  [[ -n "$daemon" ]] && break
  sleep 0.05
done

# First frame: the time of each board's first play line (or idle line) in the daemon's log.
deadline=$(( $(date +%s) + 600 ))
while :; do
  started=$(grep -cE "display bang-[0-9]+: (playing|nothing scheduled)" "$work/daemon.log" || true)
  (( started >= boards )) && break
  (( $(date +%s) > deadline )) && { echo "first frame: not every board started in 600 s"; exit 1; }
  sleep 0.05
done
slowest=0
for ((b = 0; b < boards; b++)); do
  t=$(grep -m1 -E "display bang-$(printf %02d $b): (playing|nothing scheduled)" "$work/daemon.log" | cut -d' ' -f1)
  slowest=$(awk -v s="$slowest" -v t="$(elapsed "$start" "$t")" 'BEGIN { print (t > s ? t : s) }')
done
echo "first frame: every board within ${slowest} s of starting bangtind"
sleep 3
rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$daemon/status")
echo "memory: bangtind RSS ${rss} MB with every board playing"

# The edit: the text of the item on air on the first board gets one more word.
on_air=$(grep -E "display bang-00: playing" "$work/daemon.log" | tail -1 | sed -E 's/.*playing ([^ ]+) from.*/\1/')
file=$(grep -l "id: $on_air\$" "$work"/playlists/*.yaml)
counts_before=()
for ((b = 0; b < boards; b++)); do counts_before+=("$(tail -1 "$work/sim-$b.log")"); done
edit_at=$(now)
sed -i "/id: $on_air\$/{n;s/text: \"/text: \"Sửa: /}" "$file"
deadline=$(( $(date +%s) + 120 ))
while ! awk -v t="$edit_at" -v id="$on_air" '$1 > t && $0 ~ "display bang-00: playing " id " " { found = 1 } END { exit !found }' "$work/daemon.log"; do
  (( $(date +%s) > deadline )) && { echo "edit on air: not within 120 s"; exit 1; }
  sleep 0.02
done
shown=$(awk -v t="$edit_at" -v id="$on_air" '$1 > t && $0 ~ "display bang-00: playing " id " " { print $1; exit }' "$work/daemon.log")
echo "edit on air: $on_air on bang-00 with its new text $(elapsed "$edit_at" "$shown") s after the save"
sleep 4.5

# Frames each simulator counted from the last report before the edit to the last one now.
worst=""
for ((b = 0; b < boards; b++)); do
  read -r t0 n0 < <(echo "${counts_before[$b]}" | sed -E 's/^([0-9.]+) .*\(([0-9]+) in all.*/\1 \2/')
  read -r t1 n1 < <(tail -1 "$work/sim-$b.log" | sed -E 's/^([0-9.]+) .*\(([0-9]+) in all.*/\1 \2/')
  expected=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 25 + 0.5 }')
  line="bang-$(printf %02d $b): $((n1 - n0)) of ~$expected frames in $(elapsed "$t0" "$t1") s"
  worst+="$line; "
done
echo "frames around the edit: $worst"
echo "daemon log: $(grep -c . "$work/daemon.log") lines; reloads: $(grep -c 'playlists reloaded' "$work/daemon.log")"
hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$daemon/status")
echo "memory: bangtind peak RSS ${hwm} MB"

/usr/bin/time -f "%e" -o "$work/plan.time" "$build/controller/bangtin" plan --config "$config" \
  --from 2026-01-01 --to 2026-12-31 --csv > /dev/null 2>&1 || true
echo "plan: a year of $boards boards in $(cat "$work/plan.time") s"
