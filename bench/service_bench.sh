#!/usr/bin/env bash
# Windows service benchmark (issue #10's "Numbers"), under wine's service
# manager. Prints each aim's figure with MET or MISSED beside it, and the
# figures around them:
#  1. a fixture-sized tree (a copy of tests/fixtures): the time from an
#     edit to the edit being visible through the API, over $FIXTURE_EDITS
#     edits (default 100): p50, p99 (aim: under 300 ms), max;
#  2. the big tree (default: about 50,000 entities, PostgreSQL 15 plus the
#     C folders of Python 3.11): its index made once under wine with
#     `parseltongue index`, then `service install` on it; three `sc start`
#     to RUNNING with that index (aim: under 2 s each); the first edit after
#     a start; $EDITS edits (default 20); `sc stop` with a final backup
#     pending (aim: under 5 s); a start after three changes made while
#     stopped; a stop with nothing changed (no backup is written).
# Beside each start and stop: the service process's CPU seconds, and the
# service log's own timing lines (index opened, running, stopping took).
# Exits 0 when it ran, whatever the figures; 1 when it could not run (no
# exe, no tree, a step that never ended).
# usage: bench/service_bench.sh [TREE]
#   TREE  the big tree to copy and serve (default: made once under the cache
#         from the sources bench/index_bench.sh caches)
# Needs build-win/parseltongue.exe (scripts/win-build.sh); PT_EXE names
# another. What wine cannot show: docs/windows-service.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exe_built=${PT_EXE:-$(pwd)/build-win/parseltongue.exe}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"
corpus=${1:-$cache/trees/svc50k}
fixtures=$(pwd)/tests/fixtures
cant() { echo "could not run: $*"; exit 1; }
if [ $# -eq 0 ] && [ ! -d "$corpus" ]; then
  for src in postgresql-15-src python3.11-src; do
    [ -d "$cache/$src" ] || cant "no $cache/$src: run bench/index_bench.sh first"
  done
  mkdir -p "$corpus.tmp/python3.11"
  cp -r "$cache/postgresql-15-src" "$corpus.tmp/postgresql-15"
  for d in Objects Python Modules Parser; do
    cp -r "$cache/python3.11-src/$d" "$corpus.tmp/python3.11/$d"
  done
  mv "$corpus.tmp" "$corpus"
fi
[ -d "$corpus" ] || cant "no $corpus: run bench/index_bench.sh first"
[ -f "$exe_built" ] || cant "build it first: scripts/win-build.sh"

out=$(mktemp -d)
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
names=()
cleanup() {
  for n in "${names[@]}"; do
    wine sc stop "$n" >/dev/null 2>&1 || true
    wine sc delete "$n" >/dev/null 2>&1 || true
  done
  wineserver -k >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
wine wineboot --init >/dev/null 2>&1 && wineserver -w
wineserver -p >/dev/null 2>&1
cp "$exe_built" "$out/parseltongue.exe"
exe="Z:${out//\//\\}\\parseltongue.exe"
winpath() { printf 'Z:%s' "$1" | tr '/' '\\'; }
data_of() { printf '%s/drive_c/ProgramData/Parseltongue/%s' "$WINEPREFIX" "$1"; }

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", (b - a) * 1000}'; }
# aim FIGURE_MS LIMIT_MS: MET or MISSED
aim() { [ "$1" -lt "$2" ] && echo MET || echo MISSED; }
state() { wine sc query "$1" 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *//p' | awk '{print $1}'; }
wait_state() { # NAME STATE: at most 10 minutes
  local end=$(( $(date +%s) + 600 ))
  while [ "$(state "$1")" != "$2" ]; do
    [ "$(date +%s)" -lt "$end" ] || cant "$1 never reached $2"
    sleep 0.02
  done
}
# GET PATH from service NAME on PORT, with its bearer token when it has one.
api() { # NAME PORT PATH
  local tok
  tok="$(data_of "$1")/token"
  if [ -f "$tok" ]; then
    curl -s -H "Authorization: Bearer $(tr -d '\r\n' < "$tok")" "http://127.0.0.1:$2$3"
  else
    curl -s "http://127.0.0.1:$2$3"
  fi
}
# Waits until service NAME on PORT finds the name WHAT (at most 10 minutes).
wait_visible() { # NAME PORT WHAT
  local end=$(( $(date +%s) + 600 ))
  until api "$1" "$2" "/code-entities-search-fuzzy?q=$3&limit=1" | grep -q "\"$3\""; do
    [ "$(date +%s)" -lt "$end" ] || cant "$3 never became visible on port $2"
    sleep 0.005
  done
}
# CPU seconds (user + system) of the running service process NAME.
svc_cpu() {
  local pid
  pid=$(pgrep -f -n "parseltongue.exe service run .*--name $1" || true)
  [ -n "$pid" ] || { echo "?"; return; }
  awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$pid/stat"
}
# The service log's timing lines since line $2 of NAME's log.
log_times() {
  tail -n +"$2" "$(data_of "$1")/service.log" | tr -d '\r' |
    grep -E 'index opened|running:|following the root|stopping took' |
    sed 's/^/    log: /'
}
log_len() { wc -l < "$(data_of "$1")/service.log" 2>/dev/null || echo 0; }
# percentile Q of the numbers on stdin (nearest rank)
pct() { sort -n | awk -v q="$1" '{a[NR]=$1} END {r=int(q*NR); if (r < q*NR) r++; print a[r]}'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. the fixture tree: edit to visible -----------------------------------
fix=PtBenchFix
fport=17991
cp -r "$fixtures" "$out/fix"
names+=("$fix")
wine "$exe" service install --root "$(winpath "$out/fix")" --name $fix \
  --port $fport --start demand > "$out/install-fix.txt" 2>&1 ||
  { tr -d '\r' < "$out/install-fix.txt"; cant "service install on the fixture tree"; }
fentities=$(api $fix $fport /codebase-statistics-overview-summary |
  sed -n 's/.*"code_entities_total_count":\([0-9]*\).*/\1/p')
ffile=$(cd "$out/fix" && find . -name '*.c' | sort | sed -n 1p)
# the first pass after the start is done before the edits are timed
api $fix $fport "/wait-for-fresh?timeout_ms=30000" >/dev/null || true
sleep 1
lat=()
for i in $(seq "${FIXTURE_EDITS:-100}"); do
  t0=$(now)
  printf '\nint fix_edit_%d(void) { return %d; }\n' "$i" "$i" >> "$out/fix/$ffile"
  wait_visible $fix $fport "fix_edit_$i"
  lat+=("$(ms "$t0" "$(now)")")
  sleep 0.2
done
p99=$(printf '%s\n' "${lat[@]}" | pct 0.99)
echo "fixture tree: tests/fixtures ($fentities entities), ${#lat[@]} edits to visible" \
  "through the API: p50 $(printf '%s\n' "${lat[@]}" | pct 0.5) ms," \
  "p99 $p99 ms, max $(printf '%s\n' "${lat[@]}" | pct 1) ms [aim p99 under 300 ms:" \
  "$(aim "$p99" 300)]"
wine sc stop $fix >/dev/null 2>&1; wait_state $fix STOPPED
wine sc delete $fix >/dev/null 2>&1

# ---- 2. the big tree --------------------------------------------------------
name=PtBench
port=17990
cp -r "$corpus" "$out/tree"
root=$(winpath "$out/tree")
mkdir -p "$(data_of $name)"
t0=$(now)
wine "$exe" index "$root" --db "sqlite:C:\\ProgramData\\Parseltongue\\$name\\analysis.db" \
  -q > "$out/index.txt" 2>&1 || { tr -d '\r' < "$out/index.txt"; cant "index of $corpus"; }
echo "big tree: index under wine (pt01): $(ms "$t0" "$(now)") ms"
names+=("$name")
t0=$(now)
wine "$exe" service install --root "$root" --name $name --port $port --start demand \
  > "$out/install.txt" 2>&1 || { tr -d '\r' < "$out/install.txt"; cant "service install"; }
t1=$(now)
entities=$(wine "$exe" service status --name $name | tr -d '\r' | sed -n 's/^Entities: *//p')
echo "big tree: $corpus ($entities entities); install with its index: $(ms "$t0" "$t1") ms"
wine sc stop $name >/dev/null 2>&1; wait_state $name STOPPED

for i in 1 2 3; do
  l=$(log_len $name)
  t0=$(now)
  wine sc start $name >/dev/null 2>&1
  wait_state $name RUNNING
  t1=$(now)
  c=$(svc_cpu $name)
  echo "sc start to RUNNING (existing analysis.db), run $i: $(ms "$t0" "$t1") ms," \
    "service CPU $c s [aim under 2000 ms: $(aim "$(ms "$t0" "$t1")" 2000)]"
  log_times $name "$l"
  if [ "$i" != 3 ]; then wine sc stop $name >/dev/null 2>&1; wait_state $name STOPPED; fi
done

file=$(cd "$out/tree" && find . -name '*.c' | sort | sed -n 1p)
# the first edit right after a start (it waits for the first pass)
printf '\nint bench_first(void) { return 0; }\n' >> "$out/tree/$file"
t0=$(now)
wait_visible $name $port bench_first
echo "first edit after the start to visible: $(ms "$t0" "$(now)") ms"
sleep 0.5
lat=()
for i in $(seq "${EDITS:-20}"); do
  t0=$(now)
  printf '\nint bench_edit_%d(void) { return %d; }\n' "$i" "$i" >> "$out/tree/$file"
  wait_visible $name $port "bench_edit_$i"
  lat+=("$(ms "$t0" "$(now)")")
  sleep 0.2
done
echo "big tree: ${#lat[@]} edits to visible through the API: p50" \
  "$(printf '%s\n' "${lat[@]}" | pct 0.5) ms, max $(printf '%s\n' "${lat[@]}" | pct 1) ms"

printf '\nint bench_last(void) { return 0; }\n' >> "$out/tree/$file"
wait_visible $name $port bench_last
l=$(log_len $name)
c=$(svc_cpu $name)
t0=$(now)
wine sc stop $name >/dev/null 2>&1
wait_state $name STOPPED
t=$(ms "$t0" "$(now)")
echo "sc stop with the final backup pending: $t ms (service CPU before the stop" \
  "$c s) [aim under 5000 ms: $(aim "$t" 5000)]"
log_times $name "$l"

# changes made while stopped: one file edited, one added, one deleted
printf '\nint bench_down(void) { return 1; }\n' >> "$out/tree/$file"
printf 'int bench_new(void) { return 2; }\n' > "$out/tree/bench_new.c"
rm -f "$out/tree/$(cd "$out/tree" && find . -name '*.c' | sort | sed -n 2p)"
l=$(log_len $name)
t0=$(now)
wine sc start $name >/dev/null 2>&1
wait_state $name RUNNING
t1=$(now)
wait_visible $name $port bench_new
echo "sc start after 3 changes while stopped: RUNNING $(ms "$t0" "$t1") ms, caught up $(ms "$t0" "$(now)") ms"
log_times $name "$l"
wine "$exe" service status --name $name | tr -d '\r' | sed 's/^/  status: /'
# the catch-up's backup is written once changes pause for a second
until wine "$exe" service status --name $name | tr -d '\r' |
      grep -q '^Last backup: [0-9]'; do sleep 0.5; done
l=$(log_len $name)
t0=$(now)
wine sc stop $name >/dev/null 2>&1
wait_state $name STOPPED
echo "sc stop with nothing changed since the last backup: $(ms "$t0" "$(now)") ms"
log_times $name "$l"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
