#!/usr/bin/env bash
# Sources bangtin's completion into this bash and asks it what an operator's TAB would: the
# completions must be exactly these.
set -uo pipefail
bangtin=$1 completion=$2 config=$3
source "$completion"
failures=0

# expect "WORDS AS TYPED" "EXPECTED REPLIES..." : the line's last word is being completed.
expect() {
  local line=$1
  shift
  read -ra COMP_WORDS <<<"$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_WORDS[0]=$bangtin
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _bangtin
  local got expected
  got=$( ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
  expected=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
  if [[ $got != "$expected" ]]; then
    echo "\"$line\": completed to [$got], expected [$expected]"
    failures=$((failures + 1))
  fi
}

expect "bangtin re" render report
expect "bangtin st" status
expect "bangtin --v" --version
expect "bangtin render --s" --scale
expect "bangtin render --d" --display --dots
expect "bangtin plan --c" --config --csv
expect "bangtin user " add passwd role list remove token
expect "bangtin user add admin --role e" editor
expect "bangtin fleet w" withdraw
expect "bangtin help pl" plan
expect "bangtin render --config $config --display " cong-ubnd
expect "bangtin render --config=$config --display c" cong-ubnd
expect "bangtin render --display x" ""
# A config that is not there gives no names, and no error on the terminal.
expect "bangtin render --config /nonexistent.yaml --display " ""

# A config with two displays: both names, and only the ones the typed prefix fits.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/two.yaml" <<'YAML'
displays:
  - {name: cong-ubnd, size: 128x32, link: modbus-tcp://127.0.0.1:1502}
  - {name: cho-trung-tam, size: 64x16, link: ddp://127.0.0.1}
YAML
expect "bangtin plan --config $scratch/two.yaml --display " cong-ubnd cho-trung-tam
expect "bangtin plan --config $scratch/two.yaml --display co" cong-ubnd

((failures == 0)) && echo "bash completion: every case completed as expected"
exit $((failures > 0))
