#!/usr/bin/env bash
# Precision and recall of parseltongue's call edges against a compiler-grade
# oracle on one tree (docs/accuracy.md, "Against compilers"): runs the
# language's oracle, dumps the tree, scores all calls, then each form of
# call the oracle names (call, macro, method, ...) on its own.
# usage: bench/accuracy/measure.sh LANG TREE|PACKAGE [ORACLE_ARGS...]
#   LANG     c | python | go | typescript
#   PACKAGE  a Debian source package, unpacked once by fetch_source.sh
#   ORACLE_ARGS  passed to the oracle (for C: -- COMPILER_FLAGS)
# Environment: PT (the binary, default build/parseltongue), OUT (a folder
# to keep oracle.tsv, dump and score in; default a temporary one),
# EXAMPLES (wrong and missed edges listed per class, default 10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lang=${1:?usage: measure.sh LANG TREE|PACKAGE [ORACLE_ARGS...]}
target=${2:?usage: measure.sh LANG TREE|PACKAGE [ORACLE_ARGS...]}
shift 2
pt=${PT:-$here/../../build/parseltongue}
if [ -d "$target" ]; then tree=$target; else tree=$("$here/fetch_source.sh" "$target"); fi
if [ -n "${OUT:-}" ]; then out=$OUT; mkdir -p "$out"
else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

# need PACKAGE: install a Debian package the oracle runs on
need() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

start=$(date +%s)
case $lang in
  c)
    need python3-clang-14
    /usr/bin/python3 "$here/oracle_c.py" "$tree" "$@" > "$out/oracle.tsv" ;;
  *)
    echo "measure.sh: no oracle for $lang" >&2; exit 2 ;;
esac
echo "oracle: $(wc -l < "$out/oracle.tsv") calls in $(( $(date +%s) - start )) s"
"$pt" dump "$tree" > "$out/dump"
/usr/bin/python3 "$here/score.py" "$out/oracle.tsv" "$out/dump" "$lang" \
  --examples "${EXAMPLES:-10}" | tee "$out/score"
for form in $(cut -f7 "$out/oracle.tsv" | sort -u); do
  echo
  echo "== form $form"
  /usr/bin/python3 "$here/score.py" "$out/oracle.tsv" "$out/dump" "$lang" \
    --form "$form"
done | tee -a "$out/score"
