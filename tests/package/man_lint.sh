#!/usr/bin/env bash
# Formats a man page as man(1) would and fails on any warning: groff's (all of them, -ww) and
# mandoc's (its style notes are advice, not warnings). Its header must carry CMake's version.
set -uo pipefail
page=$1 version=$2
status=0
if ! grep -q "^\.TH .* \"bangtin $version\" " "$page"; then
  echo "$page: its .TH line does not say \"bangtin $version\" (the project's version)"
  status=1
fi
groff_says=$(groff -man -ww -z "$page" 2>&1) || status=1
mandoc_says=$(mandoc -T lint -W warning "$page" 2>&1) || status=1
if [[ -n $groff_says$mandoc_says ]]; then
  printf '%s\n' "$groff_says" "$mandoc_says" | sed '/^$/d'
  status=1
fi
exit $status
