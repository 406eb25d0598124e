#!/usr/bin/env bash
# Windows service benchmark (issue #10), under wine: a service on a big
# tree with its analysis.db already made; prints the time from `sc start`
# to RUNNING (which the service reports only once its API answers), the
# time from an edit to the edit being visible through the API (p50 and
# max of $EDITS), and the time of `sc stop` with a final backup pending.
# Also: the first edit after a start, a start after changes made while
# stopped, and a stop with nothing changed (no backup is written).
# Asserts nothing.
# usage: bench/service_bench.sh [TREE]
#   TREE  a folder to copy and serve (default: a tree of about 50,000
#         entities made once under the cache from PostgreSQL 15's source and
#         the C folders of Python 3.11's, both from the cache of
#         bench/index_bench.sh)
# Needs build-win/parseltongue.exe (scripts/win-build.sh); PT_EXE names
# another. What wine cannot show: docs/windows-service.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exe_built=${PT_EXE:-$(pwd)/build-win/parseltongue.exe}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"
corpus=${1:-$cache/trees/svc50k}
if [ $# -eq 0 ] && [ ! -d "$corpus" ]; then
  for src in postgresql-15-src python3.11-src; do
    [ -d "$cache/$src" ] || { echo "no $cache/$src: run bench/index_bench.sh first"; exit 1; }
  done
  mkdir -p "$corpus.tmp/python3.11"
  cp -r "$cache/postgresql-15-src" "$corpus.tmp/postgresql-15"
  for d in Objects Python Modules Parser; do
    cp -r "$cache/python3.11-src/$d" "$corpus.tmp/python3.11/$d"
  done
  mv "$corpus.tmp" "$corpus"
fi
[ -d "$corpus" ] || { echo "no $corpus: run bench/index_bench.sh first"; exit 1; }
[ -f "$exe_built" ] || { echo "build it first: scripts/win-build.sh"; exit 1; }

out=$(mktemp -d)
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
name=PtBench
port=17990
trap 'wine sc stop $name >/dev/null 2>&1; wine sc delete $name >/dev/null 2>&1;
      wineserver -k >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
wine wineboot --init >/dev/null 2>&1 && wineserver -w
wineserver -p >/dev/null 2>&1
cp "$exe_built" "$out/parseltongue.exe"
exe="Z:${out//\//\\}\\parseltongue.exe"
cp -r "$corpus" "$out/tree"
root="Z:${out//\//\\}\\tree"

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", (b - a) * 1000}'; }
state() { wine sc query $name 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *//p' | awk '{print $1}'; }
wait_state() { while [ "$(state)" != "$1" ]; do sleep 0.02; done; }

t0=$(now)
wine "$exe" service install --root "$root" --name $name --port $port --start demand \
  > "$out/install.txt" 2>&1 || { tr -d '\r' < "$out/install.txt"; exit 1; }
t1=$(now)
entities=$(wine "$exe" service status --name $name | tr -d '\r' | sed -n 's/^Entities: *//p')
echo "tree: $corpus ($entities entities)"
echo "install with the first index: $(ms "$t0" "$t1") ms"
wine sc stop $name >/dev/null 2>&1; wait_state STOPPED

for i in 1 2 3; do
  t0=$(now)
  wine sc start $name >/dev/null 2>&1
  wait_state RUNNING
  t1=$(now)
  echo "sc start to RUNNING (existing analysis.db), run $i: $(ms "$t0" "$t1") ms"
  [ "$i" = 3 ] || { wine sc stop $name >/dev/null 2>&1; wait_state STOPPED; }
done

file=$(cd "$out/tree" && find . -name '*.c' | sort | sed -n 1p)
# the first edit right after a start (it used to wait for a whole re-parse)
printf '\nint bench_first(void) { return 0; }\n' >> "$out/tree/$file"
t0=$(now)
until curl -s "http://127.0.0.1:$port/code-entities-search-fuzzy?q=bench_first&limit=1" |
      grep -q '"bench_first"'; do sleep 0.005; done
echo "first edit after the start to visible: $(ms "$t0" "$(now)") ms"
sleep 0.5
lat=()
for i in $(seq "${EDITS:-20}"); do
  t0=$(now)
  printf '\nint bench_edit_%d(void) { return %d; }\n' "$i" "$i" >> "$out/tree/$file"
  until curl -s "http://127.0.0.1:$port/code-entities-search-fuzzy?q=bench_edit_$i&limit=1" |
        grep -q "\"bench_edit_$i\""; do sleep 0.005; done
  lat+=("$(ms "$t0" "$(now)")")
  sleep 0.2
done
sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
echo "edit to visible through the API, ${#lat[@]} edits: p50 $(echo "$sorted" |
  sed -n "$(( (${#lat[@]} + 1) / 2 ))p") ms, max $(echo "$sorted" | tail -n1) ms"

printf '\nint bench_last(void) { return 0; }\n' >> "$out/tree/$file"
until curl -s "http://127.0.0.1:$port/code-entities-search-fuzzy?q=bench_last&limit=1" |
      grep -q '"bench_last"'; do sleep 0.005; done
t0=$(now)
wine sc stop $name >/dev/null 2>&1
wait_state STOPPED
echo "sc stop with the final backup pending: $(ms "$t0" "$(now)") ms"

# changes made while stopped: one file edited, one added, one deleted
printf '\nint bench_down(void) { return 1; }\n' >> "$out/tree/$file"
printf 'int bench_new(void) { return 2; }\n' > "$out/tree/bench_new.c"
rm -f "$out/tree/$(cd "$out/tree" && find . -name '*.c' | sort | sed -n 2p)"
t0=$(now)
wine sc start $name >/dev/null 2>&1
wait_state RUNNING
t1=$(now)
until curl -s "http://127.0.0.1:$port/code-entities-search-fuzzy?q=bench_new&limit=1" |
      grep -q '"bench_new"'; do sleep 0.005; done
echo "sc start after 3 changes while stopped: RUNNING $(ms "$t0" "$t1") ms, caught up $(ms "$t0" "$(now)") ms"
wine "$exe" service status --name $name | tr -d '\r' | sed 's/^/  status: /'
sleep 2 # the catch-up's backup is written
t0=$(now)
wine sc stop $name >/dev/null 2>&1
wait_state STOPPED
echo "sc stop with nothing changed since the last backup: $(ms "$t0" "$(now)") ms"
