#!/usr/bin/env bash
# Test selection measured against mutants (docs/mcp.md "Test selection"):
# on two Debian source trees with their own suites, toolz (Python, pytest)
# and go-cmp (Go, go test), N functions each (20 unless told) are made to
# return a wrong value one at a time; the tests that then fail are compared
# with those POST /diff-impact-analysis selects for the mutation's diff.
# The sources are unpacked under /var/cache/parseltongue/bench (never in the
# checkout) and copied to a temporary folder for each run. About 10 minutes.
# usage: bench/test_selection.sh [PARSELTONGUE] [N] [HOPS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pt=$(realpath "${1:-$here/../build/parseltongue}")
n=${2:-20}
hops=${3:-3}
command -v go > /dev/null || apt-get install -y -qq golang-go > /dev/null
/usr/bin/python3 -c 'import pytest' 2> /dev/null ||
  apt-get install -y -qq python3-pytest > /dev/null
toolz=$(bash "$here/accuracy/fetch_source.sh" toolz)
gocmp=$(bash "$here/accuracy/fetch_source.sh" golang-github-google-go-cmp)
echo "== toolz (Python, pytest), $n functions, hops $hops"
python3 "$here/test_selection/run.py" "$pt" python "$toolz" "$n" "$hops"
echo "== go-cmp (Go, go test), $n functions, hops $hops"
python3 "$here/test_selection/run.py" "$pt" go "$gocmp" "$n" "$hops"
