#!/usr/bin/env bash
# The live index end to end (issue #4): the real server watching a copy of
# the fixtures with real inotify. Files and folders are created, edited,
# renamed and deleted, and the API is polled (bounded wait) until it shows
# each change; then the live graph, written through to SQLite and RocksDB,
# must dump byte for byte like a fresh index of the final tree. Also: the
# watcher's counters, the reindex endpoint's answer and its refusals of
# paths leaving the root (.., absolute, symbolic links).
# usage: e2e_live.sh PARSELTONGUE FIXTURES_DIR
set -euo pipefail
pt=$1
fixtures=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
out=""
fail() { echo "FAIL: $*"; [ -n "$out" ] && [ -f "$out" ] && cat "$out"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }
cd "$work"

# tree DIR: a fresh copy of a few languages of the fixtures
tree() {
  mkdir -p "$1"
  cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$fixtures/lang/go" \
    "$fixtures/lang/rust" "$1/"
}

# serve NAME ARGS...: starts the server (stdout in $work/NAME.out), sets
# $pid, $out and $base
serve() {
  local name=$1
  shift
  out="$work/$name.out"
  : > "$out" # made before the server starts: the poll below may read it first
  "$pt" serve "$@" --port 0 > "$out" 2>&1 &
  pid=$!
  local i p=""
  for i in $(seq 200); do
    p=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
    [ -n "$p" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$p" ] || fail "$name: server not ready"
  base="http://127.0.0.1:$p"
}

# stop: SIGTERM, wait for the clean stop
stop() {
  kill -TERM "$pid"
  wait "$pid" || fail "server exit status $?"
  grep -q '^Stopped.$' "$out" || fail "no clean stop"
  pid=""
}

# get ARGS...: status code; the body in $work/body, checked to be JSON
get() {
  local code
  code=$(curl -s -o "$work/body" -w '%{http_code}' "$@")
  jq -e . "$work/body" >/dev/null || fail "not JSON: $*: $(cat "$work/body")"
  echo "$code"
}
field() { jq -r "$1" "$work/body"; }
post() { get -X POST -H 'X-Parseltongue: 1' "$base/incremental-reindex-file-update?path=$1"; }

# until DESC PATH JQ: polls GET PATH every 50 ms, up to 10 s (ASan builds
# on a busy machine are slow), until the jq test JQ holds on its body
until_api() {
  local desc=$1 path=$2 expr=$3 i
  for i in $(seq 200); do
    if curl -s -o "$work/body" "$base$path" &&
       jq -e "$expr" "$work/body" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.05
  done
  fail "$desc: the API did not show it within 10 s: $(head -c 2000 "$work/body")"
}

# names NAME: jq filter, the search hits named exactly NAME
named() { echo "[.data.entities[] | select(.name == \"$1\")]"; }
search() { echo "/code-entities-search-fuzzy?q=$1&limit=10000"; }

# edits TREE POLL: the sequence of changes; with POLL=1 each is awaited
# through the API (and checked) before the next, with POLL=0 they come in
# one burst and only the last one is awaited
edits() {
  local t=$1 poll=$2
  # a new file with a new function
  printf 'int fresh_live_fn(int x)\n{\n  return x + 1;\n}\n' > "$t/c/src/fresh.c"
  [ "$poll" = 1 ] && { until_api "new file" "$(search fresh_live_fn)" \
    "$(named fresh_live_fn) | length == 1 and .[0].file_path == \"c/src/fresh.c\""; ok; }
  # a function renamed in an existing file
  sed -i 's/split_words/split_tokens/' "$t/c/src/list.c"
  [ "$poll" = 1 ] && { until_api "renamed function" "$(search split_tokens)" \
    "$(named split_tokens) | length == 1 and .[0].file_path == \"c/src/list.c\"";
    [ "$(get "$base$(search split_words)")" = 200 ] || fail "search old name"
    [ "$(field "$(named split_words) | length")" = 0 ] || fail "old name still there"; ok; }
  # a new caller in another file: a resolved edge appears
  printf '\nint call_fresh(void)\n{\n  return fresh_live_fn(2);\n}\n' >> "$t/c/src/main.c"
  [ "$poll" = 1 ] && { until_api "new caller" "/reverse-callers-query-graph?entity=fresh_live_fn" \
    '[.data.callers[] | select(.from_key | contains(":call_fresh:")) | .resolved] == [true]'; ok; }
  # a file renamed: its entities move (file path and key)
  mv "$t/c/src/fresh.c" "$t/c/src/fresh_moved.c"
  [ "$poll" = 1 ] && { until_api "renamed file" "$(search fresh_live_fn)" \
    "$(named fresh_live_fn) | length == 1 and .[0].file_path == \"c/src/fresh_moved.c\" and (.[0].key | contains(\"__c_src_fresh_moved:\"))"
    until_api "caller follows the rename" "/reverse-callers-query-graph?entity=fresh_live_fn" \
      '.data.callers[0].resolved == true and (.data.callers[0].to_key | contains("fresh_moved"))'; ok; }
  # a file deleted: its entities go, the edges into it are unresolved
  rm "$t/c/src/fresh_moved.c"
  [ "$poll" = 1 ] && { until_api "deleted file" "$(search fresh_live_fn)" \
    "$(named fresh_live_fn) | length == 0"
    [ "$(get "$base/forward-callees-query-graph?entity=call_fresh")" = 200 ] || fail "callees"
    [ "$(field '[.data.callees[] | select(.to_key | contains(":fresh_live_fn:")) | .resolved] == [false]')" = true ] ||
      fail "edge into a deleted file: $(cat "$work/body")"; ok; }
  # a folder created with files in it, one importing the other
  mkdir -p "$t/pkgx/sub"
  printf 'def folder_one():\n    return 1\n' > "$t/pkgx/a.py"
  printf 'from pkgx.a import folder_one\n\n\ndef folder_two():\n    return folder_one()\n' > "$t/pkgx/sub/b.py"
  [ "$poll" = 1 ] && { until_api "new folder" "$(search folder_)" \
    '[.data.entities[] | select(.name | startswith("folder_")) | .file_path] | sort == ["pkgx/a.py", "pkgx/sub/b.py"]'; ok; }
  # folders renamed: a new one and one of the fixtures
  mv "$t/pkgx" "$t/pkgy"
  mv "$t/go/shapes" "$t/go/geometry"
  [ "$poll" = 1 ] && { until_api "renamed folder" "$(search folder_)" \
    '[.data.entities[] | select(.name | startswith("folder_")) | .file_path] | sort == ["pkgy/a.py", "pkgy/sub/b.py"]'
    until_api "renamed fixture folder" "$(search Area)" \
      '[.data.entities[] | select(.language == "go" and .name == "Area") | .file_path] | sort == ["go/geometry/circle.go", "go/geometry/shapes.go", "go/geometry/shapes.go"]'; ok; }
  # a folder deleted
  rm -rf "$t/pkgy"
  [ "$poll" = 1 ] && { until_api "deleted folder" "$(search folder_)" \
    '[.data.entities[] | select(.name | startswith("folder_"))] | length == 0'; ok; }
  # an editor's atomic save: a temporary file renamed over the original
  { cat "$t/c/src/list.c"; printf '\nint atomic_saved_fn(void)\n{\n  return 3;\n}\n'; } > "$t/c/src/.list.c.swp"
  mv "$t/c/src/.list.c.swp" "$t/c/src/list.c"
  [ "$poll" = 1 ] && { until_api "atomic save" "$(search atomic_saved_fn)" \
    "$(named atomic_saved_fn) | length == 1 and .[0].file_path == \"c/src/list.c\""; ok; }
  # a folder moved in from outside the root, then one file moved out
  mkdir -p "$t.outside/incoming/deep"
  printf 'def moved_in_fn():\n    return 1\n' > "$t.outside/incoming/deep/m.py"
  printf 'def moved_out_fn():\n    return 2\n' > "$t.outside/incoming/o.py"
  mv "$t.outside/incoming" "$t/python/incoming"
  [ "$poll" = 1 ] && { until_api "folder moved in" "$(search moved_)" \
    '[.data.entities[] | select(.name | startswith("moved_")) | .file_path] | sort == ["python/incoming/deep/m.py", "python/incoming/o.py"]'; ok; }
  mv "$t/python/incoming/o.py" "$t.outside/o.py"
  [ "$poll" = 1 ] && { until_api "file moved out" "$(search moved_)" \
    '[.data.entities[] | select(.name | startswith("moved_")) | .file_path] == ["python/incoming/deep/m.py"]'; ok; }
  # ignore rules as in pt01: an ignored file and a default-excluded folder
  # stay out (checked once a later file shows up), and come in when the
  # rule goes
  printf 'ignored_*.py\n' > "$t/.gitignore"
  printf 'def ignored_fn():\n    return 0\n' > "$t/ignored_one.py"
  mkdir -p "$t/node_modules/m"
  printf 'function nm_fn() { return 1; }\n' > "$t/node_modules/m/index.js"
  printf 'def sentinel_fn():\n    return 0\n' > "$t/sentinel.py"
  [ "$poll" = 1 ] && { until_api "sentinel" "$(search sentinel_fn)" "$(named sentinel_fn) | length == 1"
    [ "$(get "$base$(search ignored_fn)")" = 200 ] && [ "$(field "$(named ignored_fn) | length")" = 0 ] ||
      fail "a .gitignore'd file was indexed"
    [ "$(get "$base$(search nm_fn)")" = 200 ] && [ "$(field "$(named nm_fn) | length")" = 0 ] ||
      fail "a file in node_modules was indexed"; ok; }
  rm "$t/.gitignore"
  [ "$poll" = 1 ] && { until_api "file no longer ignored" "$(search ignored_fn)" \
    "$(named ignored_fn) | length == 1"; ok; }
  # the last change: every run waits for it
  printf 'def final_marker_fn():\n    return sentinel_fn()\n' > "$t/python/final.py"
  until_api "last change" "$(search final_marker_fn)" "$(named final_marker_fn) | length == 1"
  until_api "nothing pending" /file-watcher-status-check '.data.pending_paths_count == 0'
  ok
}

# ---- --db mem: each change seen through the API, the counters ------------
tree "$work/mem"
serve mem --db mem --root "$work/mem"
served_at=$(date +%s)
grep -q '^✓ File watcher started: .* (inotify)$' "$out" || fail "watcher line"
[ "$(get "$base/server-health-check-status")" = 200 ] || fail health
[ "$(field .data.file_watcher_active)" = true ] || fail "health: watcher"; ok
[ "$(get "$base/file-watcher-status-check")" = 200 ] || fail "watcher status"
[ "$(field .data.watcher_backend_name)" = inotify ] || fail backend
[ "$(field .data.events_processed_total_count)" = 0 ] || fail "events before any change"
[ "$(field .data.last_update_time_utc)" = null ] || fail "update time before any change"; ok
edits "$work/mem" 1
[ "$(get "$base/file-watcher-status-check")" = 200 ] || fail "watcher status"
[ "$(field '.data.events_processed_total_count > 0 and .data.files_reindexed_total_count > 0 and .data.files_removed_total_count > 0 and .data.index_updates_total_count > 0')" = true ] ||
  fail "counters did not move: $(cat "$work/body")"
[ "$(field '.data.last_update_time_utc | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")')" = true ] ||
  fail "last update time: $(field .data.last_update_time_utc)"
[ "$(field .data.error_message_value_option)" = null ] || fail "watcher error: $(field .data.error_message_value_option)"
grep -q '^\[FileWatcher\]' "$out" || fail "no [FileWatcher] lines"; ok

# traversal: refused with a JSON 403, nothing read
mkdir -p "$work/outside"
printf 'def secret_fn():\n    return 0\n' > "$work/outside/secret.py"
ln -s /etc/passwd "$work/mem/passwd_link.py"
ln -s "$work/outside" "$work/mem/outlink"
for p in ../x %2Fetc%2Fpasswd a/../../x c/../../x "$(printf %s "$work/outside/secret.py" | jq -sRr @uri)" \
         passwd_link.py outlink/secret.py outlink/gone.py outlink; do
  [ "$(post "$p")" = 403 ] || fail "path=$p: $(cat "$work/body")"
  [ "$(field .success)" = false ] && [ "$(field '.error | length > 0')" = true ] || fail "403 body for $p"
done; ok
# links are not followed by the watcher either (a later file shows up first)
printf 'def sentinel_two():\n    return 0\n' > "$work/mem/sentinel2.py"
until_api "sentinel after links" "$(search sentinel_two)" "$(named sentinel_two) | length == 1"
[ "$(get "$base$(search secret_fn)")" = 200 ] && [ "$(field "$(named secret_fn) | length")" = 0 ] ||
  fail "a linked folder outside the root was indexed"; ok
# the uptime is the server's, not the newest graph's (one was published just now)
[ $(( $(date +%s) - served_at )) -ge 3 ] || sleep 3
printf 'def uptime_marker():\n    return 0\n' > "$work/mem/uptime.py"
until_api "uptime marker" "$(search uptime_marker)" "$(named uptime_marker) | length == 1"
[ "$(get "$base/server-health-check-status")" = 200 ] || fail health
[ "$(field .data.server_uptime_seconds_count)" -ge $(( $(date +%s) - served_at - 2 )) ] ||
  fail "uptime restarted with the last update: $(cat "$work/body")"; ok
# /wait-for-fresh: a change just saved is in the very next answer, whose
# envelope names the newer generation (the pause lets inotify report it)
[ "$(get "$base/server-health-check-status")" = 200 ] || fail health
gen=$(field .index.generation)
[ "$(field '.index.watching and (.index.updated_unix | type) == "number"')" = true ] || fail "index: $(cat "$work/body")"
printf 'def waited_for_fn():\n    return 1\n' > "$work/mem/waited.py"
sleep 0.2
[ "$(get "$base/wait-for-fresh?timeout_ms=20000")" = 200 ] || fail "wait-for-fresh: $(cat "$work/body")"
[ "$(field '[.data.fresh, .data.timed_out, .data.pending_changes_count, .index.pending] | map(tostring) | join("/")')" = true/false/0/false ] ||
  fail "wait body: $(cat "$work/body")"
[ "$(field ".data.generation > $gen and .index.generation == .data.generation")" = true ] || fail "generation: $(cat "$work/body")"
gen=$(field .data.generation)
[ "$(get "$base$(search waited_for_fn)")" = 200 ] && [ "$(field "$(named waited_for_fn) | length")" = 1 ] ||
  fail "the change is not in the next answer"
[ "$(field .index.generation)/$(field .index.pending)" = "$gen/false" ] || fail "next answer's index: $(cat "$work/body")"; ok
[ "$(get "$base/incremental-reindex-file-update?path=c/src/main.c")" = 405 ] || fail "GET on the POST route"
[ "$(field .success)" = false ] || fail "405 body"; ok
[ "$(get -X POST -H 'Content-Type: text/plain' "$base/incremental-reindex-file-update?path=c/src/main.c")" = 403 ] || fail "POST with a text type"; ok
[ "$(get -X POST -H 'Content-Type: application/json' "$base/incremental-reindex-file-update?path=c/src/main.c")" = 200 ] ||
  fail "POST with JSON content type"
[ "$(field .data.hash_changed)" = false ] && [ "$(field .data.entities_added)" = 0 ] || fail "unchanged file"; ok
# idle, the server sleeps: over 2 s its threads (the console, the watcher,
# the update thread, the HTTP server's) switch in at most twice (the
# connection watchman's last look after the requests above), where a
# 100 ms poll would be 20 times each; SIGINT still stops it at once
switches() { cat /proc/"$pid"/task/*/status | awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}'; }
sleep 0.5
s0=$(switches); sleep 2; s1=$(switches)
[ $((s1 - s0)) -le 2 ] || fail "an idle server switched in $((s1 - s0)) times in 2 s"
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid" || fail "exit status $? after SIGINT"
grep -q '^Stopped.$' "$out" || fail "no clean stop after SIGINT"
[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ] || fail "SIGINT took over 2 s to stop an idle server"
pid=""; ok

# ---- --no-watch: POST reindexes synchronously ----------------------------
printf 'def alpha():\n    return 1\n\n\ndef beta():\n    return alpha()\n\n\ndef gamma():\n    return alpha()\n' > "$work/mem/nw.py"
serve nowatch --db mem --root "$work/mem" --no-watch
[ "$(get "$base/file-watcher-status-check")" = 200 ] || fail "watcher status"
[ "$(field .data.file_watching_enabled_flag)/$(field .data.watcher_currently_running_flag)" = false/false ] || fail "watch flags"; ok
[ "$(get "$base$(search gamma)")" = 200 ] && [ "$(field "$(named gamma) | length")" = 1 ] || fail "nw.py indexed at start"
printf 'def alpha():\n    return 1\n\n\ndef beta():\n    x = alpha()\n    return x\n\n\ndef delta():\n    return beta()\n' > "$work/mem/nw.py"
[ "$(post nw.py)" = 200 ] || fail "reindex: $(cat "$work/body")"
[ "$(field .success)" = true ] && [ "$(field .data.file_path)" = nw.py ] && [ "$(field .data.file_in_index)" = true ] || fail "reindex body"
counts=$(field '.data | [.entities_before, .entities_after, .entities_added, .entities_removed, .entities_modified, .edges_added, .edges_removed, .hash_changed] | map(tostring) | join(" ")')
# gamma (and its call of alpha) gone, delta (and its call of beta) new, beta changed
[ "$counts" = "3 3 1 1 1 1 1 true" ] || fail "reindex counts: $counts: $(cat "$work/body")"
[ "$(field '.data.processing_time_ms | type')" = number ] || fail "processing time"; ok
# synchronous: visible in the very next request
[ "$(get "$base$(search delta)")" = 200 ] && [ "$(field "$(named delta) | length")" = 1 ] || fail "delta not visible"
[ "$(get "$base$(search gamma)")" = 200 ] && [ "$(field "$(named gamma) | length")" = 0 ] || fail "gamma still visible"
[ "$(get "$base/reverse-callers-query-graph?entity=beta")" = 200 ] && [ "$(field '[.data.callers[] | select(.from_key | contains(":delta:")) | .resolved] == [true]')" = true ] ||
  fail "edge delta -> beta: $(cat "$work/body")"; ok
# absolute inside the root works the same; an unchanged file changes nothing
[ "$(post "$(printf %s "$work/mem/nw.py" | jq -sRr @uri)")" = 200 ] || fail "absolute path: $(cat "$work/body")"
[ "$(field .data.file_path)" = nw.py ] && [ "$(field .data.hash_changed)" = false ] && [ "$(field .data.entities_modified)" = 0 ] || fail "unchanged"; ok
[ "$(post c/src)" = 400 ] && [ "$(field .success)" = false ] || fail "a folder"; ok
[ "$(post no_such_file.py)" = 404 ] && [ "$(field .success)" = false ] || fail "missing file"; ok
rm "$work/mem/nw.py"
[ "$(post nw.py)" = 200 ] || fail "deleted file: $(cat "$work/body")"
[ "$(field .data.file_in_index)/$(field .data.entities_removed)/$(field .data.entities_after)" = false/3/0 ] || fail "deleted file body: $(cat "$work/body")"
[ "$(get "$base$(search delta)")" = 200 ] && [ "$(field "$(named delta) | length")" = 0 ] || fail "deleted file's entities"; ok
[ "$(post nw.py)" = 404 ] || fail "deleted file, again"; ok
stop

# ---- --parse-budget-ms: the live index's parses keep to it ----------------
mkdir -p "$work/budget"
printf 'int small_fn(void) { return 0; }\n' > "$work/budget/small.c"
serve budget --db mem --root "$work/budget" --no-watch --parse-budget-ms 20
yes 'int v0;' | tr -d '\n' | head -c 2000000 > "$work/budget/oneline.c" || true
[ "$(post oneline.c)" = 200 ] && [ "$(field .data.file_in_index)" = false ] ||
  fail "runaway file reindexed: $(cat "$work/body")"
[ "$(get "$base/ingestion-diagnostics-coverage-report?section=ignored_files")" = 200 ] &&
  [ "$(field '[.data.ignored_files.files[] | select(.filename == "oneline.c") | .reason] | join(",")')" = parse_budget ] ||
  fail "runaway file not left out as parse_budget: $(cat "$work/body")"
stop; ok

# ---- SQLite and RocksDB: the written-through graph equals a fresh index --
# live ENGINE POLL KILL: index a fresh tree, change it before serving (the
# initial scan), serve, change it live, stop (SIGTERM; with KILL=1 SIGKILL:
# what was written through while serving must be enough), compare the dumps
live() {
  local eng=$1 poll=$2 kill=$3 t="$work/t_$1" db="$1:$work/live_$1.db"
  tree "$t"
  "$pt" index "$t" --db "$db" -q >/dev/null 2>&1 || fail "index $db"
  printf '\nint before_serve_fn(void)\n{\n  return 0;\n}\n' >> "$t/c/src/list.c"
  rm "$t/python/shop/cli.py"
  serve "live_$eng" --db "$db"
  # the first pass over a stored index counts as pending: /wait-for-fresh,
  # asked at once, returns only after it, and the next answers show both
  # changes made while the server was down (no polling)
  [ "$(get "$base/wait-for-fresh?timeout_ms=20000")" = 200 ] || fail "$eng: wait-for-fresh: $(cat "$work/body")"
  [ "$(field '[.data.fresh, .data.timed_out] | map(tostring) | join("/")')" = true/false ] ||
    fail "$eng: wait body: $(cat "$work/body")"
  [ "$(get "$base$(search before_serve_fn)")" = 200 ] && [ "$(field "$(named before_serve_fn) | length")" = 1 ] ||
    fail "$eng: the initial scan's addition is not in the answer after /wait-for-fresh: $(head -c 2000 "$work/body")"
  [ "$(get "$base/code-entities-list-all?scope=python&limit=10000")" = 200 ] &&
    [ "$(field '[.data.entities[] | select(.file_path == "python/shop/cli.py")] | length')" = 0 ] ||
    fail "$eng: the initial scan's removal is not in the answer after /wait-for-fresh"; ok
  edits "$t" "$poll"
  # written through while serving, not only at the stop
  until_api "$eng: store written" /file-watcher-status-check '.data.store_writes_total_count > 0'; ok
  if [ "$kill" = 1 ]; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
  else
    stop
  fi
  "$pt" dump --db "$db" > "$work/live_$eng.dump" || fail "dump $db"
  "$pt" dump "$t" > "$work/fresh_$eng.dump" || fail "dump $t"
  diff "$work/fresh_$eng.dump" "$work/live_$eng.dump" > "$work/diff" ||
    fail "$eng: the live graph differs from a fresh index: $(head -40 "$work/diff")"
  grep -q 'final_marker_fn' "$work/live_$eng.dump" || fail "$eng: dump lacks the last change"; ok
}
# SQLite: one burst of changes, saved at the stop; RocksDB: each change
# awaited, every update written at once (killed, not stopped)
live sqlite 0 0
live rocksdb 1 1

echo "$pass passed, 0 failed"
