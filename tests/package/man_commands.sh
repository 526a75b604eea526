#!/usr/bin/env bash
# Every command `bangtin help` lists has its own subsection in bangtin(1), so the page cannot
# fall behind the program.
set -euo pipefail
bangtin=$1 page=$2
mapfile -t commands < <("$bangtin" help | sed -n 's/^  bangtin \([a-z][a-z-]*\).*/\1/p' | sort -u)
(( ${#commands[@]} >= 8 )) || { echo "only ${#commands[@]} commands in bangtin help"; exit 1; }
missing=0
for command in "${commands[@]}"; do
  if ! grep -qx "\.SS $command" "$page"; then
    echo "bangtin help lists \"$command\" but $page has no \".SS $command\""
    missing=1
  fi
done
exit $missing
