#!/usr/bin/env bash
# Re-running pt01 over its own index, and starting the server from it
# (issue #14): for SQLite and RocksDB, a fresh index of a copy of TREE
# (what every re-run cost before), the re-run on the unchanged tree, the
# re-run after a comment was appended to a C++ file whose definitions it
# changes as tree-sitter parses it (SectionMemoryManager.cpp in the
# several tree, CPP_FILE=NAME for another; left out when the tree has no
# such file: the first re-run after the fresh index that needs every
# file's reads), the re-run after one file gained a function, the re-run
# after a comment was added to it (an edit that changes no definition, as
# a body edit), and serve --no-watch from start to Ready.
# Wall and CPU seconds (user + system, every thread), peak RSS, and the
# ratios to the fresh index; the load average beside each figure, since
# wall times on a shared machine follow it. Prints figures only.
# usage: bench/rerun_bench.sh TREE   (e.g. the "several" tree of
#   docs/performance.md: /var/cache/parseltongue/bench/trees/big)
set -euo pipefail
cd "$(dirname "$0")/.."
pt=${PT:-build/parseltongue}; [[ $pt = /* ]] || pt=$PWD/$pt
tree=$(cd "${1:?usage: rerun_bench.sh TREE}" && pwd)
work=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
srv=
# a copy whose files can change without touching TREE: hard links, and a
# changed file is written anew (which breaks its link)
cp -al "$tree" "$work/t"
load() { cut -d' ' -f1 /proc/loadavg; }
# run NAME CMD...: one line of figures; the CPU seconds go to $cpu
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/out" 2>&1
  read -r wall user sys rss < "$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
  printf '%-34s %8.2f s wall %8.2f s CPU %7.0f MB   load %s\n' "$name" "$wall" "$cpu" \
    "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" "$(load)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", a / b}'; }
# ready SPEC: serve from start to Ready, its CPU then
ready() {
  local start ms ut st
  # emptied first: the background job's own > may come after the wait
  # below reads the file, which then still held the last server's Ready
  # (that server's stop, sent at once, came before it caught signals)
  : > "$work/srv"
  start=$(date +%s%N)
  "$pt" serve --db "$1" --port 0 --no-watch > "$work/srv" 2>&1 &
  srv=$!
  until grep -q '^Ready' "$work/srv"; do sleep 0.02; done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  read -r ut st < <(awk '{print $14, $15}' /proc/$srv/stat)
  cpu=$(awk -v t=$((ut + st)) -v hz="$(getconf CLK_TCK)" 'BEGIN {print t / hz}')
  printf '%-34s %8.2f s wall %8.2f s CPU %7.0f MB   load %s\n' "serve: start to Ready" \
    "$(awk -v m=$ms 'BEGIN {print m / 1000}')" "$cpu" \
    "$(awk '/VmRSS/ {print $2 / 1024}' /proc/$srv/status)" "$(load)"
  kill -INT $srv; wait $srv || true; srv=
}
one=$(cd "$work/t" && find . -name '*.c' | sort | sed -n 1p) # all read: no SIGPIPE under pipefail
[ -n "$one" ] || { echo "no C file in $tree to change"; exit 1; }
cpp=$(cd "$work/t" && find . -name "${CPP_FILE:-SectionMemoryManager.cpp}" | sort | sed -n 1p)
# each engine starts from the tree as it was (a file written anew)
cp "$work/t/$one" "$work/one.orig"
[ -z "$cpp" ] || cp "$work/t/$cpp" "$work/cpp.orig"
for engine in sqlite rocksdb; do
  rm "$work/t/$one" && cp "$work/one.orig" "$work/t/$one"
  [ -z "$cpp" ] || { rm "$work/t/$cpp" && cp "$work/cpp.orig" "$work/t/$cpp"; }
  spec=$engine:$work/index.$engine
  echo "== $engine, $(basename "$tree")"
  run "fresh index" "$pt" index "$work/t" --db "$spec" -v; fresh=$cpu
  run "re-run, unchanged" "$pt" index "$work/t" --db "$spec" -v
  grep -q 'Unchanged since the last index' "$work/out" || { cat "$work/out"; exit 1; }
  echo "  CPU ratio to the fresh index: $(ratio "$cpu" "$fresh")"
  if [ -n "$cpp" ]; then
    cp "$work/t/$cpp" "$work/one" && printf '// rerun_bench\n' >> "$work/one"
    mv "$work/one" "$work/t/$cpp"
    run "re-run, C++ definitions changed" "$pt" index "$work/t" --db "$spec" -v
    grep -q '1 file changed' "$work/out" || { cat "$work/out"; exit 1; }
    echo "  CPU ratio to the fresh index: $(ratio "$cpu" "$fresh")"
    grep -E '^  (Duration|Reading)' "$work/out" | sed 's/^/  /'
  fi
  cp "$work/t/$one" "$work/one" && printf '\nint rerun_bench_added(void) { return 1; }\n' >> "$work/one"
  mv "$work/one" "$work/t/$one"
  run "re-run, one file changed" "$pt" index "$work/t" --db "$spec" -v
  grep -q '1 file changed' "$work/out" || { cat "$work/out"; exit 1; }
  echo "  CPU ratio to the fresh index: $(ratio "$cpu" "$fresh")"
  grep -E '^  (Duration|Reading)' "$work/out" | sed 's/^/  /'
  cp "$work/t/$one" "$work/one" && printf '/* rerun_bench */\n' >> "$work/one"
  mv "$work/one" "$work/t/$one"
  run "re-run, no definition changed" "$pt" index "$work/t" --db "$spec" -v
  grep -q '1 file changed' "$work/out" || { cat "$work/out"; exit 1; }
  echo "  CPU ratio to the fresh index: $(ratio "$cpu" "$fresh")"
  grep -E '^  (Duration|Reading)' "$work/out" | sed 's/^/  /'
  ready "$spec"
done
