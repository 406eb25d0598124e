#!/usr/bin/env bash
# The Windows build end to end under wine, checked by native tools:
#  1. pt01 indexes the fixture tree with the Windows default (no --db:
#     ingestion in memory, then one SQLite file moved into place as
#     <workspace>/analysis.db), printing the Windows lines of
#     docs/contract/ingestion.md 13;
#  2. the native sqlite3 opens that file; the Linux build's dump of it is
#     the dump of the Linux build's own index of the same tree;
#  3. the Windows pt08 serves it to native curl, answering as the Linux
#     pt08 does on the same file;
#  4. a pt01 killed while it writes the file leaves the previous analysis.db
#     whole, and the next run removes the temporary file it left.
# usage: e2e_wine.sh PARSELTONGUE_EXE NATIVE_PARSELTONGUE FIXTURES_DIR
# WINEPREFIX names a prepared prefix (CTest sets it; see wine_session.sh).
set -euo pipefail
exe=$1
native=$2
fixtures=$3
export WINEDEBUG=-all
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; tr -d '\r' < "$f"; }; done
  exit 1
}
pass=0
ok() { pass=$((pass + 1)); }
# Linux path -> the same file seen from wine (its drive Z: is /).
win() { printf 'Z:%s' "$1"; }
# Runs the Windows program; its stdout and stderr (CRLF) go to $1 as LF.
wpt() {
  local out=$1 rc=0
  shift
  wine "$exe" "$@" > "$out.raw" 2>&1 || rc=$?
  tr -d '\r' < "$out.raw" > "$out"
  rm -f "$out.raw"
  return $rc
}
cd "$work"
tree="$fixtures/lang"

# ---- 1. index with the Windows default ---------------------------------------
mkdir run && cd run
wpt "$work/index.out" index "$(win "$tree")" || fail "index exited non-zero"
cd "$work"
o="$work/index.out"
head -n1 "$o" | grep -qx '  Engine: mem→SQLite (in-memory ingestion, SQLite backup)' ||
  fail "the Engine line does not come first"
grep -qx '  Database: mem' "$o" || fail "ingestion engine is not mem"
grep -qx '  ↓ Saving database to disk...' "$o" || fail "no saving line"
ws=$(sed -n 's/^  Workspace: //p' "$o")
case "$ws" in parseltongue[0-9]*) ;; *) fail "workspace '$ws'";; esac
grep -qx "  ✓ Database saved: $ws/analysis.db" "$o" || fail "no saved line"
grep -qx "    --db \"sqlite:$ws/analysis.db\"" "$o" || fail "next step is not the sqlite: spec"
db="$work/run/$ws/analysis.db"
[ -f "$db" ] || fail "no $db"
[ -z "$(find "$work/run/$ws" -name 'analysis.db.tmp-*')" ] || fail "temporary file left"; ok

# ---- 2. read natively, compare with the Linux build ------------------------------
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
"$native" index "$tree" --db "sqlite:$work/linux.db" -q > linux.out 2>&1 || fail "native index"
n_win=$(sqlite3 "$db" 'SELECT count(*) FROM entities')
n_lin=$(sqlite3 linux.db 'SELECT count(*) FROM entities')
[ "$n_win" -gt 100 ] && [ "$n_win" = "$n_lin" ] || fail "entities: windows $n_win, linux $n_lin"
for t in edges files excluded_tests ignored_files; do
  [ "$(sqlite3 "$db" "SELECT count(*) FROM $t")" = "$(sqlite3 linux.db "SELECT count(*) FROM $t")" ] ||
    fail "$t count differs"
done; ok
# The whole graph, every record and field, in the canonical dump; only the
# indexed root differs (a Windows path there).
"$native" dump --db "sqlite:$db" > win.dump 2> dump.out || fail "dump of the wine file"
"$native" dump --db "sqlite:$work/linux.db" > linux.dump 2>> dump.out || fail "dump"
grep -qx "meta	root	Z:$tree" win.dump || fail "root meta: $(grep -m1 '^meta	root' win.dump)"
diff <(grep -v '^meta	root	' linux.dump) <(grep -v '^meta	root	' win.dump) > dump.diff ||
  fail "dumps differ: $(head -n 20 dump.diff)"; ok
# The Windows build reads what it wrote, and what Linux wrote.
wpt "$work/wdump.out" dump --db "sqlite:$(win "$db")" || fail "windows dump"
diff win.dump wdump.out > /dev/null || fail "the Windows dump differs from the Linux dump"
wpt "$work/wdump2.out" dump --db "sqlite:$(win "$work/linux.db")" || fail "windows dump of linux.db"
diff linux.dump wdump2.out > /dev/null || fail "the Windows dump of linux.db differs"; ok
# A dump whose output cannot be written (a full disk) fails and says why.
rc=0
wine "$exe" dump --db "sqlite:$(win "$db")" > /dev/full 2> full.out || rc=$?
[ $rc -eq 1 ] && tr -d '\r' < full.out |
  grep -qx "Error: cannot write the output: No space left on device" ||
  fail "dump to a full disk: exit $rc: $(cat full.out)"; ok

# Non-ASCII folder and file names (UTF-8 inside, UTF-16 at the Win32
# boundary): a copy of part of the tree under such names indexes the same
# on both builds. LC_ALL: wine turns the arguments into UTF-16 by the locale.
u8="$work/ünï cødé"
mkdir -p "$u8/漢字"
cp -r "$tree/c" "$u8/漢字/"
cp -r "$tree/python" "$u8/"
cp "$tree/c/src/main.c" "$u8/漢字/c/src/mäin_ß.c"
LC_ALL=C.UTF-8 wpt "$work/u8.out" index "$(win "$u8")" --db "sqlite:$(win "$work/ü.db")" -q ||
  fail "index of the non-ASCII tree"
"$native" index "$u8" --db "sqlite:$work/u8-linux.db" -q > /dev/null 2>&1 || fail "native index of it"
"$native" dump --db "sqlite:$work/ü.db" > u8-win.dump 2>> dump.out || fail "dump of ü.db"
"$native" dump --db "sqlite:$work/u8-linux.db" > u8-linux.dump 2>> dump.out || fail "dump of u8-linux.db"
grep -q 'mäin_ß' u8-win.dump || fail "the non-ASCII file is not in the index"
grep -qx "meta	root	Z:$u8" u8-win.dump || fail "root: $(grep -m1 '^meta	root' u8-win.dump)"
diff <(grep -v '^meta	root	' u8-linux.dump) <(grep -v '^meta	root	' u8-win.dump) > u8.diff ||
  fail "non-ASCII dumps differ: $(head -n 20 u8.diff)"; ok

# ---- 3. serve with the Windows pt08 -------------------------------------------
# serve PROGRAM... : starts a server on a free port; its base URL in $base
serve() {
  local out=$1 port
  shift
  : > "$out" # made before the server starts: the poll below may read it first
  "$@" --port 0 > "$out" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do
    tr -d '\r' < "$out" | grep -q '^Ready: listening on 127.0.0.1:' && break
    kill -0 "${pids[-1]}" 2>/dev/null || fail "server exited"
    sleep 0.1
  done
  port=$(tr -d '\r' < "$out" | sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p')
  [ -n "$port" ] || fail "server not ready"
  base="http://127.0.0.1:$port"
}
serve "$work/wserve.out" wine "$exe" serve --db "sqlite:$(win "$db")"
wbase=$base
serve "$work/lserve.out" "$native" serve --db "sqlite:$db"
lbase=$base
get() { curl -sS --max-time 30 -o "$2" -w '%{http_code}' "$1"; }
[ "$(get "$wbase/server-health-check-status" h.json)" = 200 ] || fail health
[ "$(jq -r .data.status h.json)" = ok ] || fail "health body"; ok
[ "$(get "$wbase/codebase-statistics-overview-summary" s.json)" = 200 ] || fail stats
[ "$(jq -r .data.code_entities_total_count s.json)" = "$n_lin" ] || fail "stats count"; ok
callee=$(sqlite3 "$db" "SELECT to_key FROM edges WHERE resolved=1 AND edge_type='Calls' ORDER BY to_key LIMIT 1")
caller=$(sqlite3 "$db" "SELECT from_key FROM edges WHERE resolved=1 AND edge_type='Calls' ORDER BY from_key LIMIT 1")
name=$(sqlite3 "$db" "SELECT name FROM entities WHERE key='$caller'")
# The same answers from both servers on the same file.
for q in "codebase-statistics-overview-summary" "code-entities-list-all" \
         "code-entities-search-fuzzy?q=circle" "dependency-edges-list-all?limit=10000" \
         "reverse-callers-query-graph?entity=$callee" \
         "forward-callees-query-graph?entity=$caller" \
         "blast-radius-impact-analysis?entity=$callee&hops=3" \
         "circular-dependency-detection-scan" "complexity-hotspots-ranking-view?top=50" \
         "strongly-connected-components-analysis" "kcore-decomposition-layering-analysis" \
         "centrality-measures-entity-ranking?method=pagerank&top=20" \
         "leiden-community-detection-clusters" "semantic-cluster-grouping-list" \
         "smart-context-token-budget?focus=$name" "folder-structure-discovery-tree"; do
  [ "$(get "$wbase/$q" w.json)" = 200 ] || fail "windows $q: $(head -c 300 w.json)"
  [ "$(get "$lbase/$q" l.json)" = 200 ] || fail "linux $q: $(head -c 300 l.json)"
  # the database path differs (a Windows path), and the envelope's index
  # (each server's own publication time, watcher and pending changes) and
  # so its tokens
  norm='del(.index, .tokens) | walk(if type == "object" then del(.database_file_path) else . end)'
  jq -S "$norm" w.json > w.norm && jq -S "$norm" l.json > l.norm || fail "$q: not JSON"
  cmp -s w.norm l.norm || fail "$q differs: $(diff l.norm w.norm | head -n 10)"
done; ok
# Walks the indexed root again: a Windows path, so the Windows server only.
[ "$(get "$wbase/ingestion-coverage-folder-report" c.json)" = 200 ] || fail "coverage: $(cat c.json)"
[ "$(jq -r '.data.summary | "\(.root_directory) \(.parsed_files) \(.coverage_pct)"' c.json)" = \
  "Z:$tree $(sqlite3 "$db" 'SELECT count(*) FROM files') 100" ] || fail "coverage body: $(head -c 300 c.json)"; ok
[ "$(get "$wbase/no-such-route" e.json)" = 404 ] || fail "404"
[ "$(jq -r .success e.json)" = false ] || fail "404 body"; ok
# Idle, the Windows server's threads sleep (its watcher included): at most
# two switches in 2 s, where a 100 ms poll would be 20 a thread; and
# Ctrl-C (wine turns SIGINT into the console's CTRL_C_EVENT) still stops
# it at once, cleanly.
wpid=${pids[0]}
switches() { cat /proc/"$wpid"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}'; }
sleep 0.5
s0=$(switches); sleep 2; s1=$(switches)
[ $((s1 - s0)) -le 2 ] || fail "an idle Windows server switched in $((s1 - s0)) times in 2 s"
kill -INT "$wpid"
for _ in $(seq 50); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$wpid" 2>/dev/null || fail "Ctrl-C did not stop the Windows server within 5 s"
tr -d '\r' < "$work/wserve.out" | grep -qx 'Stopped.' || fail "no clean stop after Ctrl-C"; ok
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()

# ---- 4. killed while saving ----------------------------------------------------
# A generated tree big enough that the save takes a while: the temporary
# file is seen, the process killed, the old analysis.db must stay whole.
big="$work/big"
for d in $(seq 40); do
  mkdir -p "$big/m$d"
  awk -v d="$d" 'BEGIN { for (i = 0; i < 300; i++) {
    printf "int f%d_%d(int x) { return f%d_%d(x) + g%d(x); }\n", d, i, d, (i + 1) % 300, i } }' \
    > "$big/m$d/a.c"
done
target="$work/keep/analysis.db"
mkdir -p "$work/keep"
wpt "$work/first.out" index "$(win "$tree")" --db "sqlite:$(win "$target")" -q ||
  fail "first index into $target"
before=$(sqlite3 "$target" 'SELECT count(*) FROM entities')
wine "$exe" index "$(win "$big")" --db "sqlite:$(win "$target")" -q > "$work/killed.out" 2>&1 &
pid=$!
pids+=($pid)
seen=""
while kill -0 "$pid" 2>/dev/null; do
  if compgen -G "$work/keep/analysis.db.tmp-*" > /dev/null; then
    kill -9 "$pid"
    seen=yes
    break
  fi
done
wait "$pid" 2>/dev/null || true
pids=()
[ -n "$seen" ] || fail "the save ended before the temporary file was seen"
compgen -G "$work/keep/analysis.db.tmp-*" > /dev/null || fail "no temporary file left by the kill"
[ "$(sqlite3 "$target" 'PRAGMA integrity_check')" = ok ] || fail "old file damaged"
[ "$(sqlite3 "$target" 'SELECT count(*) FROM entities')" = "$before" ] || fail "old file changed"; ok
wpt "$work/again.out" index "$(win "$big")" --db "sqlite:$(win "$target")" -q || fail "index after the kill"
! compgen -G "$work/keep/analysis.db.tmp-*" > /dev/null || fail "temporary file not cleaned: $(ls "$work/keep")"
[ "$(sqlite3 "$target" 'SELECT count(*) FROM entities')" -gt "$before" ] || fail "new index not saved"; ok

echo "e2e_wine: $pass checks passed"
