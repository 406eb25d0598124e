#!/usr/bin/env bash
# Precision and recall of parseltongue's call edges against a compiler-grade
# oracle on one tree (docs/accuracy.md, "Against compilers"): runs the
# language's oracle, dumps the tree, scores all calls, then the recall of
# each form of call the oracle names (call, macro, method, ...) on its own.
# usage: bench/accuracy/measure.sh LANG TREE|PACKAGE[:FOLDER] [ORACLE_ARGS...]
#   LANG     c | cpp | python | go | typescript | javascript
#   PACKAGE  a Debian source package, unpacked once by fetch_source.sh;
#            with :FOLDER, only that folder of it, copied once as a folder
#            of its own (python3.11:Lib/email is a tree holding email/)
#   ORACLE_ARGS  passed to the oracle (for C and C++: -- COMPILER_FLAGS)
# Environment: PT (the binary, default build/parseltongue), OUT (a folder
# to keep oracle.tsv, dump and score in; default a temporary one),
# EXAMPLES (wrong and missed edges listed per class, default 10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lang=${1:?usage: measure.sh LANG TREE|PACKAGE [ORACLE_ARGS...]}
target=${2:?usage: measure.sh LANG TREE|PACKAGE [ORACLE_ARGS...]}
shift 2
pt=${PT:-$here/../../build/parseltongue}
if [ -d "$target" ]; then
  tree=$target
elif [[ $target == *:* ]]; then
  src=$("$here/fetch_source.sh" "${target%%:*}")
  sub=${target#*:}
  tree="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench/accuracy/${target%%:*}-${sub//\//_}"
  if [ ! -d "$tree" ]; then
    mkdir -p "$tree.tmp" && cp -r "$src/$sub" "$tree.tmp/" && mv "$tree.tmp" "$tree"
  fi
else
  tree=$("$here/fetch_source.sh" "$target")
fi
if [ -n "${OUT:-}" ]; then out=$OUT; mkdir -p "$out"
else out=$(mktemp -d); trap 'rm -rf "$out"' EXIT; fi

# need PACKAGE: install a Debian package the oracle runs on
need() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

# ts_modules: the pinned typescript package (package-lock.json here),
# installed once outside the checkout by the lock's hash; prints the folder
ts_modules() {
  local key mods tmp
  key=$(sha256sum "$here/package-lock.json" | cut -c1-16)
  mods="${PT_CACHE_DIR:-/var/cache/parseltongue}/accuracy-npm-$key/node_modules"
  if [ ! -f "$mods/typescript/package.json" ]; then
    tmp=$(mktemp -d)
    cp "$here/package.json" "$here/package-lock.json" "$tmp/"
    (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
    mkdir -p "$(dirname "$mods")"
    rm -rf "$mods"
    mv "$tmp/node_modules" "$mods"
    rm -rf "$tmp"
  fi
  echo "$mods"
}

start=$(date +%s)
case $lang in
  c|cpp)
    need python3-clang-14
    /usr/bin/python3 "$here/oracle_c.py" "$tree" "$@" > "$out/oracle.tsv" ;;
  python)
    need python3-jedi
    /usr/bin/python3 "$here/oracle_python.py" "$tree" "$@" > "$out/oracle.tsv" ;;
  go)
    need golang-go
    go run "$here/oracle_go.go" "$tree" "$@" > "$out/oracle.tsv" ;;
  typescript|javascript)
    NODE_PATH=$(ts_modules) node "$here/oracle_ts.js" "$tree" "$@" > "$out/oracle.tsv" ;;
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
