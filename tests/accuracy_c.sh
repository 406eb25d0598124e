#!/usr/bin/env bash
# The call graph against clang on tests/fixtures/accuracy/c
# (docs/accuracy.md, "Against compilers"): every resolved call edge the
# compiler also resolves must be right (precision 100 %), and recall must
# stay at or above the floor below (every edge). Then the same check must
# fail on a dump with one edge made wrong, and on one with an edge dropped,
# so it can fail.
# usage: tests/accuracy_c.sh PARSELTONGUE
set -euo pipefail
pt=${1:?usage: accuracy_c.sh PARSELTONGUE}
here=$(cd "$(dirname "$0")" && pwd)
bench=$here/../bench/accuracy
fixture=$here/fixtures/accuracy/c
floor=100
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

score() {
  /usr/bin/python3 "$bench/score.py" "$out/oracle.tsv" "$1" c \
    --min-precision 100 --min-recall "$floor" --examples 20
}

/usr/bin/python3 "$bench/oracle_c.py" "$fixture" -j 1 > "$out/oracle.tsv" \
  2> "$out/oracle.err" || { cat "$out/oracle.err"; exit 1; }
grep -q "tu_errors 0" "$out/oracle.err" || { cat "$out/oracle.err"; exit 1; }
"$pt" dump "$fixture" > "$out/dump"
score "$out/dump"

# main's call of its own static helper, pointed at lib/util.c's helper.
util_helper=$(awk -F'\t' '$1 == "entity" && $2 ~ /^c:fn:helper:__lib_util:/ {
  print $2 }' "$out/dump")
awk -F'\t' -v OFS='\t' -v to="$util_helper" '
  $1 == "edge" && $2 ~ /^c:fn:main:/ && $4 ~ /^c:fn:helper:__app_main:/ {
    $4 = to; n++ }
  { print }
  END { if (n != 1) exit 1 }' "$out/dump" > "$out/wrong"
if score "$out/wrong" > "$out/wrong.out"; then
  echo "FAIL: the check passed a dump with a wrong edge"; exit 1
fi
grep -q "FAIL: precision" "$out/wrong.out"

# util_sum's call of helper dropped.
grep -v -P '^edge\tc:fn:util_sum:\S*\tCalls\tc:fn:helper:' "$out/dump" \
  > "$out/missing"
if score "$out/missing" > "$out/missing.out"; then
  echo "FAIL: the check passed a dump with a missing edge"; exit 1
fi
grep -q "FAIL: recall" "$out/missing.out"
echo "accuracy_c: ok"
