#!/usr/bin/env bash
# End to end through the real binary: pt01 into every engine, console lines,
# exit codes, the error log, the SQLite file read by the sqlite3 shell, and
# determinism (index twice, dumps equal byte for byte).
# usage: e2e_cli.sh PARSELTONGUE FIXTURES_DIR
set -euo pipefail
pt=$1
fixtures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }

cp -r "$fixtures/lang" "$work/src"
# the console is checked in UTF-8; plain ASCII has its own checks below
export LC_ALL=C.UTF-8
unset NO_COLOR
export TERM=xterm
# invalid UTF-8: decoded lossily, the file indexed, a warning names the line
printf 'def f():\n    return "\xff"\n\ndef g():\n    return "\xfe\xfd"\n' > "$work/src/broken.py"
cd "$work"
no_workspace() { ! ls -d "${1:-.}"/parseltongue2* >/dev/null 2>&1; }

# no arguments: usage on stderr, exit 2
set +e
"$pt" > out.txt 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && [ ! -s out.txt ] && grep -q '^Usage: parseltongue' err.txt ||
  fail "no arguments: exit $rc"; ok

"$pt" --version | grep -qx 'parseltongue 1.7.2' || fail "--version"; ok
"$pt" --help | grep -q 'pt01-folder-to-cozodb-streamer' || fail "--help"; ok
"$pt" index --help | grep -q -- '--db ENGINE' || fail "index --help"; ok
"$pt" index --help | grep -q 'Default here: rocksdb:<workspace>/analysis.db$' ||
  fail "index --help names the default engine"; ok
set +e
"$pt" index --bogus >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "unknown option '--bogus'" err.txt || fail "bad flag exit $rc"; ok
set +e
"$pt" index /nonexistent/dir >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "'/nonexistent/dir': no such folder" err.txt || fail "missing dir exit $rc"; ok
set +e
"$pt" index src/broken.py >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "is not a folder" err.txt || fail "file as dir exit $rc"; ok
set +e
"$pt" index src --db postgres:x >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "error: --db: unknown store spec .*; use mem, sqlite:PATH or rocksdb:PATH" err.txt || fail "bad engine exit $rc"; ok
# none of the failed runs above left a workspace
no_workspace || fail "a failed run left a workspace"; ok
set +e
"$pt" dump src --db mem >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "either a folder or --db" err.txt || fail "dump DIR --db exit $rc"; ok

# default engine: RocksDB in a new workspace
"$pt" pt01-folder-to-cozodb-streamer src > out.txt 2> err.txt || fail "default index: $(cat err.txt)"
ws=$(sed -n 's/^  Workspace: //p' out.txt)
[ -n "$ws" ] && [ -d "$ws/analysis.db" ] || fail "no rocksdb folder in workspace '$ws'"; ok
grep -q '^  Database: rocksdb:'"$ws"'/analysis.db$' out.txt || fail "Database line"; ok
grep -q '^Errors encountered: 0$' out.txt || fail "error count"; ok
[ ! -e "$ws/ingestion-errors.txt" ] || fail "error log without errors"; ok
grep -qx '⚠ Warning: broken.py:2: invalid UTF-8, 3 bytes read as U+FFFD' err.txt ||
  fail "no UTF-8 warning: $(cat err.txt)"; ok
"$pt" dump src --brief > brief.txt 2> err3.txt
grep -q '^entity function broken.py:g ' brief.txt || fail "broken.py not indexed"; ok
grep -qx 'Warning: broken.py:2: invalid UTF-8, 3 bytes read as U+FFFD' err3.txt || fail "dump warning"; ok
# a file that cannot be read (not as root): listed in the error log, in a
# workspace made for it even with --db elsewhere
if [ "$(id -u)" != 0 ]; then
  mkdir unreadable && printf 'int f(void) { return 0; }\n' > unreadable/u.c && chmod 000 unreadable/u.c
  (cd unreadable && "$pt" index . --db sqlite:"$work/u.db" > ../out8.txt 2>&1) || fail "unreadable: $(cat out8.txt)"
  grep -q '^Errors encountered: 1$' out8.txt || fail "unreadable error count"; ok
  grep -q 'u.c' unreadable/parseltongue2*/ingestion-errors.txt || fail "error log"; ok
  chmod 644 unreadable/u.c
fi
grep -q -- '--db "rocksdb:'"$ws"'/analysis.db"' out.txt || fail "next step hint"; ok
grep -q '^  └─ Resolved: [1-9]' out.txt || fail "resolved count"; ok
grep -q 'ignored_files table' out.txt && fail "names a table users never see"; ok

# sqlite backup, readable by the sqlite3 shell; -q prints nothing but
# errors; with --db given and nothing failing, no workspace is made
"$pt" index src --db sqlite:"$work/g.db" -q > out2.txt 2>&1 || fail "sqlite index: $(cat out2.txt)"
[ -f g.db ] || fail "no sqlite file"; ok
mkdir -p q/src && cp -r src/c src/python q/src # a small tree
(cd q && "$pt" index src --db sqlite:"$work/gq.db" -q > ../out2.txt 2> ../err2.txt) ||
  fail "sqlite index: $(cat err2.txt)"
[ ! -s out2.txt ] && [ ! -s err2.txt ] || fail "-q printed: $(cat out2.txt err2.txt)"; ok
no_workspace q || fail "workspace made with --db and no errors"; ok
if command -v sqlite3 >/dev/null; then
  n=$(sqlite3 g.db 'select count(*) from entities')
  [ "$n" -gt 50 ] || fail "sqlite entities $n"; ok
fi
ls g.db.tmp* 2>/dev/null && fail "temp file left behind"; ok

# the three engines and a fresh in-memory index agree, and a rerun is identical
"$pt" dump src > mem1.txt 2>/dev/null
"$pt" dump src --threads 1 > mem2.txt 2>/dev/null
cmp -s mem1.txt mem2.txt || fail "1 vs N threads differ"; ok
"$pt" dump --db sqlite:g.db > sq.txt
"$pt" dump --db "rocksdb:$ws/analysis.db" > rk.txt
cmp -s mem1.txt sq.txt || fail "sqlite dump differs from the in-memory index"; ok
cmp -s mem1.txt rk.txt || fail "rocksdb dump differs from the in-memory index"; ok
"$pt" index src --db sqlite:"$work/g2.db" -q >/dev/null 2>&1
"$pt" dump --db sqlite:g2.db > sq2.txt
cmp -s sq.txt sq2.txt || fail "two runs differ"; ok

# the folder of the SQLite file is created, its parents are not; a place
# that cannot be written fails before any indexing
"$pt" index q/src --db sqlite:"$work/new/x.db" -q >/dev/null 2>&1 || fail "sqlite in a new folder"
[ -f "$work/new/x.db" ] || fail "no sqlite file in the new folder"; ok
set +e
"$pt" index src --db sqlite:"$work/a/b/x.db" > out4.txt 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "$work/a does not exist" err.txt || fail "missing parents exit $rc: $(cat err.txt)"; ok
[ ! -e "$work/a" ] || fail "created the missing parents"; ok
for bad in /proc/pt-no/x.db /proc/x.db; do
  set +e
  "$pt" index src --db sqlite:$bad > out4.txt 2> err.txt; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "cannot save to sqlite:$bad" err.txt || fail "bad sqlite path $bad exit $rc"; ok
  grep -q "Parallel Streaming Summary" out4.txt && fail "indexed before failing ($bad)"; ok
done

# what is not a parseltongue index is never replaced, unless --force
printf 'my notes\n' > notes.db
set +e
"$pt" index src --db sqlite:notes.db > out5.txt 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "notes.db is not a parseltongue index" err.txt &&
  grep -q -- "--force" err.txt || fail "overwrote a text file: exit $rc"; ok
[ "$(cat notes.db)" = "my notes" ] || fail "notes.db changed"; ok
grep -q "Parallel Streaming Summary" out5.txt && fail "indexed before refusing"; ok
if command -v sqlite3 >/dev/null; then
  sqlite3 other.db 'create table mine(x); insert into mine values(42)'
  set +e
  "$pt" index src --db sqlite:other.db >/dev/null 2> err.txt; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "another program's SQLite database" err.txt || fail "overwrote a SQLite file: exit $rc"; ok
  [ "$(sqlite3 other.db 'select x from mine')" = 42 ] || fail "other.db changed"; ok
fi
"$pt" index q/src --db sqlite:notes.db --force -q 2>/dev/null || fail "--force"
"$pt" dump --db sqlite:notes.db > notes.txt && grep -q '^entity' notes.txt || fail "--force index"; ok
# a second index run over our own index is fine
"$pt" index q/src --db sqlite:notes.db -q 2>/dev/null || fail "index over an index"; ok

# a re-run over the index it made: an unchanged tree writes nothing; one
# changed, one added and one removed file give exactly a fresh index
cp -r q/src re
"$pt" index re --db sqlite:"$work/re.db" -q
"$pt" index re --db "rocksdb:$work/re.rdb" -q
cp -p re.db re-before.db
"$pt" index re --db sqlite:"$work/re.db" > out9.txt 2>&1 || fail "re-run: $(cat out9.txt)"
grep -q '^✓ Unchanged since the last index: nothing written$' out9.txt ||
  fail "unchanged re-run: $(cat out9.txt)"; ok
cmp -s re.db re-before.db && [ "$(stat -c %Y.%y re.db)" = "$(stat -c %Y.%y re-before.db)" ] ||
  fail "an unchanged re-run wrote the database"; ok
grep -q 'Starting PARALLEL' out9.txt && fail "an unchanged re-run parsed"; ok
"$pt" index re --db "rocksdb:$work/re.rdb" > out9.txt 2>&1 || fail "rocksdb re-run"
grep -q 'Unchanged since the last index: nothing written' out9.txt || fail "rocksdb unchanged"; ok
c=$(cd re && find . -name '*.c' | sort | head -1); c=${c#./}
p=$(cd re && find . -name '*.py' | sort | head -1); p=${p#./}
printf '\nint added_fn(void) { return 7; }\n' >> "re/$c"
printf 'def brand_new():\n    return 1\n' > re/brand_new.py
rm "re/$p"
"$pt" dump re > re-fresh.txt
for spec in sqlite:re.db rocksdb:re.rdb; do
  "$pt" index re --db "$spec" > out9.txt 2>&1 || fail "$spec re-run: $(cat out9.txt)"
  grep -qx "  1 file changed: $c" out9.txt && grep -qx '  1 file added: brand_new.py' out9.txt &&
    grep -qx "  1 file removed: $p" out9.txt || fail "$spec: what changed: $(cat out9.txt)"; ok
  grep -q 'Reused from the stored index: [1-9][0-9]* of' out9.txt || fail "$spec reused nothing"; ok
  "$pt" dump --db "$spec" | cmp -s - re-fresh.txt || fail "$spec re-run differs from a fresh index"; ok
done
ls re.db.tmp* 2>/dev/null && fail "temp file left behind by a re-run"; ok
# --force indexes everything again
"$pt" index re --db sqlite:re.db --force > out9.txt 2>&1
grep -q 'Comparing' out9.txt && fail "--force compared"; ok
"$pt" dump --db sqlite:re.db | cmp -s - re-fresh.txt || fail "--force index differs"; ok
if command -v sqlite3 >/dev/null; then
  # an edge row that cannot be read, met while the re-run's tables are
  # made beside the edges' load: the run indexes everything, once
  cp "re/$c" c-was.txt
  printf '/* edited */\n' >> "re/$c"
  "$pt" dump re > re-fresh2.txt
  sqlite3 re.db "UPDATE edge_rows SET to_id = 1000000000 WHERE at = (SELECT max(at) FROM edge_rows)"
  "$pt" index re --db sqlite:re.db > out9.txt 2>&1 || fail "damaged edge: $(cat out9.txt)"
  grep -q 'The stored index cannot be reused' out9.txt || fail "damaged edge: $(cat out9.txt)"; ok
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh2.txt || fail "damaged edge: differs"; ok
  cp c-was.txt "re/$c"
  "$pt" index re --db sqlite:re.db -q || fail "after the damaged edge"
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh.txt || fail "after the damaged edge: differs"; ok
  # an index of an older version, or a damaged one, is indexed again whole
  sqlite3 re.db "ALTER TABLE files DROP COLUMN reuse; ALTER TABLE files DROP COLUMN mtime_ns;
                 UPDATE meta SET value = '2' WHERE name = 'schema_version'; PRAGMA user_version = 2"
  "$pt" index re --db sqlite:re.db > out9.txt 2>&1 || fail "older index: $(cat out9.txt)"
  grep -q 'Indexing everything: the stored index was made by an older version' out9.txt ||
    fail "older index: $(cat out9.txt)"; ok
  [ "$(sqlite3 re.db 'PRAGMA user_version')" = 8 ] || fail "older index not rewritten"; ok
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh.txt || fail "older index: differs"; ok
  # schema 7 kept the edge rows in the graph's order, with a unique index
  # over their key: a re-run reuses the files and writes the index whole,
  # as schema 8
  to7="DROP VIEW edges; CREATE TABLE e7(from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
       type INTEGER NOT NULL, file_id INTEGER, line INTEGER NOT NULL, resolved INTEGER NOT NULL,
       resolution INTEGER NOT NULL, candidates TEXT);
       INSERT INTO e7 SELECT from_id, to_id, type, file_id, line, resolved, resolution,
       candidates FROM edge_rows ORDER BY at; DROP TABLE edge_rows;
       ALTER TABLE e7 RENAME TO edge_rows;
       CREATE UNIQUE INDEX edge_rows_key ON edge_rows(from_id, to_id, type);
       CREATE VIEW edges(from_key, to_key, edge_type, source_location, file_path, line, resolved,
       resolution, confidence, n_candidates) AS SELECT f.text, t.text, y.name,
       p.text || ':' || r.line, p.text, r.line, r.resolved, h.name, h.confidence,
       CAST(r.candidates AS INTEGER) FROM edge_rows r JOIN strings f ON f.id = r.from_id
       JOIN strings t ON t.id = r.to_id JOIN edge_types y ON y.id = r.type
       JOIN resolutions h ON h.id = r.resolution LEFT JOIN strings p ON p.id = r.file_id;
       UPDATE meta SET value = '7' WHERE name = 'schema_version'; PRAGMA user_version = 7;"
  sqlite3 re.db "$to7"
  printf '/* edited */\n' >> "re/$c"
  "$pt" dump re > re-fresh3.txt
  "$pt" index re --db sqlite:re.db > out9.txt 2>&1 || fail "schema 7 index: $(cat out9.txt)"
  grep -q 'Reused from the stored index: [1-9][0-9]* of' out9.txt ||
    fail "schema 7 index reused nothing: $(cat out9.txt)"; ok
  [ "$(sqlite3 re.db 'PRAGMA user_version')" = 8 ] || fail "schema 7 index not rewritten"; ok
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh3.txt || fail "schema 7 index: differs"; ok
  cp c-was.txt "re/$c"
  "$pt" index re --db sqlite:re.db -q || fail "after the schema 7 index"
  # schema 6 kept each entity's code in its row: a re-run reuses the files
  # and writes the index whole, as schema 8
  sqlite3 re.db "$to7"
  sqlite3 re.db "DROP VIEW entities; UPDATE entity_rows SET code = CAST(substr(CAST((SELECT h.code
                 FROM entity_rows h WHERE h.key_id = entity_rows.code_in) AS BLOB), code_at + 1,
                 code_len) AS TEXT) WHERE code_in IS NOT NULL;
                 ALTER TABLE entity_rows DROP COLUMN code_in; ALTER TABLE entity_rows DROP COLUMN code_at;
                 ALTER TABLE entity_rows DROP COLUMN code_len;
                 UPDATE meta SET value = '6' WHERE name = 'schema_version'; PRAGMA user_version = 6"
  printf '/* edited */\n' >> "re/$c"
  "$pt" dump re > re-fresh3.txt
  "$pt" index re --db sqlite:re.db > out9.txt 2>&1 || fail "schema 6 index: $(cat out9.txt)"
  grep -q 'Reused from the stored index: [1-9][0-9]* of' out9.txt ||
    fail "schema 6 index reused nothing: $(cat out9.txt)"; ok
  [ "$(sqlite3 re.db 'PRAGMA user_version')" = 8 ] || fail "schema 6 index not rewritten"; ok
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh3.txt || fail "schema 6 index: differs"; ok
  cp c-was.txt "re/$c"
  "$pt" index re --db sqlite:re.db -q || fail "after the schema 6 index"
  # schema 4 kept no candidates of ambiguous edges: indexed again whole too
  sqlite3 re.db "$to7"
  sqlite3 re.db "DROP VIEW edges; ALTER TABLE edge_rows DROP COLUMN candidates;
                 UPDATE meta SET value = '4' WHERE name = 'schema_version'; PRAGMA user_version = 4"
  "$pt" index re --db sqlite:re.db > out9.txt 2>&1 || fail "schema 4 index: $(cat out9.txt)"
  grep -q 'Indexing everything: the stored index was made by an older version' out9.txt ||
    fail "schema 4 index: $(cat out9.txt)"; ok
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh.txt || fail "schema 4 index: differs"; ok
  # a damaged file is refused as it is; --force indexes it again
  head -c 70000 re.db > re-cut.db && mv re-cut.db re.db && cp re.db re-cut.db
  set +e; "$pt" index re --db sqlite:re.db > out9.txt 2> err.txt; rc=$?; set -e
  [ $rc -eq 1 ] && grep -q 'cannot save to sqlite:re.db: .*malformed' err.txt &&
    cmp -s re.db re-cut.db || fail "damaged index: exit $rc: $(cat err.txt)"; ok
  "$pt" index re --db sqlite:re.db --force -q || fail "damaged index --force"
  "$pt" dump --db sqlite:re.db | cmp -s - re-fresh.txt || fail "damaged index: differs"; ok
fi

# read commands create nothing
for spec in rocksdb:typo/db sqlite:typo2/x.db rocksdb:typo3; do
  set +e
  "$pt" dump --db "$spec" > /dev/null 2> err.txt; rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "nothing has been saved there yet" err.txt || fail "dump $spec exit $rc"; ok
done
[ ! -e typo ] && [ ! -e typo2 ] && [ ! -e typo3 ] || fail "dump created folders"; ok
# output that cannot be written (a full disk) is an error, never a short
# dump with exit 0
set +e
"$pt" dump --db sqlite:g.db > /dev/full 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "^Error: cannot write the output: No space left on device" err.txt ||
  fail "dump to a full disk: exit $rc: $(cat err.txt)"; ok
set +e
timeout 20 "$pt" serve --db rocksdb:typo4 --no-watch > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && [ ! -e typo4 ] || fail "serve rocksdb:typo4 exit $rc: $(cat err.txt)"; ok

# workspaces are unique: two runs in the same second get one each
mkdir twice && cp -r q/src twice/src
(cd twice && { "$pt" index src -q & "$pt" index src -q; wait; }) || fail "two runs"
[ "$(ls -d twice/parseltongue2* | wc -l)" = 2 ] || fail "two runs share a workspace: $(ls twice)"; ok
for w in twice/parseltongue2*; do [ -d "$w/analysis.db" ] || fail "no index in $w"; done; ok
# from a folder nothing can be written in, --db elsewhere works
(cd /proc && "$pt" index "$work/q/src" --db sqlite:"$work/ro.db" -q) || fail "index from a read-only folder"
[ -f ro.db ] || fail "no ro.db"; ok
set +e
(cd /proc && "$pt" index "$work/q/src" > /dev/null 2> "$work/err.txt"); rc=$?
set -e
[ $rc -eq 1 ] && grep -q "cannot create the workspace" err.txt || fail "workspace in /proc: exit $rc"; ok

# progress is drawn on a terminal only
grep -q 'Indexing:' out.txt err.txt && fail "progress drawn without a terminal"; ok
if command -v script >/dev/null; then
  script -qec "'$pt' index src --db mem -q" /dev/null > tty.txt 2>&1 || fail "index on a terminal"
  grep -q 'Indexing: [0-9]*/[0-9]* files' tty.txt || fail "no progress on a terminal"; ok
fi

# --db mem saves nothing but still reports, and its hint works
"$pt" index q/src --db mem -v > out3.txt 2>&1 || fail "mem index"
grep -q '^  Database: mem$' out3.txt || fail "mem Database line"; ok
grep -q -- '--db mem --root "q/src"$' out3.txt || fail "mem next step hint"; ok
# -v timings come before the hints
[ "$(grep -n '^  Duration: .*walk' out3.txt | cut -d: -f1)" -lt \
  "$(grep -n '^Next step' out3.txt | cut -d: -f1)" ] || fail "-v timings after the hints"; ok

# singular and plural
mkdir one && printf 'int f(void) { return 0; }\n' > one/f.c
"$pt" index one --db mem --threads 1 > out6.txt 2>&1 || fail "one-file index"
grep -q '(1 thread)' out6.txt || fail "1 thread"; ok
# (a rate is plural whatever its figure: a slow machine's "1 files/s" is right)
grep -qE '(^|[^0-9.])1 (threads|entities)\b|(^|[^0-9.])1 files($|[^/])' out6.txt &&
  fail "plural for one: $(cat out6.txt)"; ok

# plain ASCII when the locale is not UTF-8, NO_COLOR is set or TERM=dumb
for env in "LC_ALL=C q/src" "NO_COLOR=1 q/src" "LC_ALL=POSIX one" "TERM=dumb one"; do
  env ${env% *} "$pt" index "${env#* }" --db mem > out7.txt 2>&1 || fail "index with $env"
  LC_ALL=C grep -q '[^[:print:][:space:]]' out7.txt && fail "not ASCII with $env: $(LC_ALL=C grep '[^[:print:][:space:]]' out7.txt | head -3)"; ok
done
grep -q '✓' out.txt || fail "no UTF-8 glyphs in a UTF-8 locale"; ok

# servers: start_server OUT ARGS... starts one, waits until it is ready and
# sets srv (its pid) and port
start_server() {
  local out=$1; shift
  "$pt" serve --port 0 "$@" > "$out" 2>&1 &
  srv=$!
  for _ in $(seq 600); do grep -q '^Ready' "$out" && break; sleep 0.1; done # ASan: slow
  port=$(sed -n 's/^Ready: listening on .*:\([0-9]*\) .*/\1/p' "$out")
  [ -n "$port" ] || fail "server not ready: $(cat "$out")"
}
stop_server() { kill -INT "$srv"; wait "$srv" || true; }

# a RocksDB index a server holds: dump reads it, a writer is told who holds it
start_server srv.txt --db "rocksdb:$ws/analysis.db" --no-watch
grep -q PARSELTONGUE_URL srv.txt && fail "names a variable nothing reads"; ok
"$pt" dump --db "rocksdb:$ws/analysis.db" | cmp -s - rk.txt || fail "dump while served"; ok
set +e
"$pt" index src --db "rocksdb:$ws/analysis.db" > /dev/null 2> err.txt; rc=$?
set -e
stop_server
[ $rc -eq 1 ] && grep -q "is in use by a parseltongue server (pid $srv, port $port)" err.txt ||
  fail "busy message: exit $rc: $(cat err.txt)"; ok

# --bind: localhost works, an IPv6 address is bracketed in the URLs
start_server srv2.txt --db sqlite:g.db --no-watch --bind localhost
curl -fsS "http://127.0.0.1:$port/server-health-check-status" > /dev/null || fail "--bind localhost"; ok
stop_server
if [ -s /proc/net/if_inet6 ]; then # IPv6 loopback configured
  start_server srv3.txt --db sqlite:g.db --no-watch --bind ::1
  grep -q "^HTTP Server running at: http://\[::1\]:$port$" srv3.txt || fail "IPv6 URL: $(cat srv3.txt)"; ok
  stop_server
fi

# --port 0 takes a free port and names it; a chosen port in use fails at
# once with the reason; only the default port moves on to a free one
start_server srv7.txt --db sqlite:g.db --no-watch
grep -q "^HTTP Server running at: http://127.0.0.1:$port$" srv7.txt || fail "--port 0 URL: $(cat srv7.txt)"; ok
[ "$(curl -fsS "http://127.0.0.1:$port/server-health-check-status" | jq .data.server_port)" = "$port" ] ||
  fail "health does not name the port"; ok
set +e
timeout 60 "$pt" serve --db sqlite:g.db --no-watch --port "$port" > busy.out 2> busy.err; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "^Error: port $port is in use on 127.0.0.1 (choose another with --port N, or --port 0" busy.err ||
  fail "busy --port: exit $rc: $(cat busy.err)"; ok
grep -q Trying busy.out && fail "a chosen port walked on"; ok
for bad in 65536 -1 x; do
  set +e; "$pt" serve --db sqlite:g.db --port "$bad" > /dev/null 2> err.txt; rc=$?; set -e
  [ $rc -eq 2 ] && grep -q "from 0 to 65535, got '$bad'" err.txt || fail "--port $bad: exit $rc"; ok
done
first=$port; first_srv=$srv
"$pt" serve --db sqlite:g.db --no-watch > dflt.txt 2>&1 & srv=$!
for _ in $(seq 600); do grep -q '^Ready' dflt.txt && break; sleep 0.1; done
p1=$(sed -n 's/^Ready: listening on .*:\([0-9]*\) .*/\1/p' dflt.txt)
[ -n "$p1" ] && [ "$p1" -ge 7777 ] && [ "$p1" -le 7876 ] || fail "default port: $(cat dflt.txt)"
"$pt" serve --db sqlite:g.db --no-watch > dflt2.txt 2>&1 & srv2=$!
for _ in $(seq 600); do grep -q '^Ready' dflt2.txt && break; sleep 0.1; done
p2=$(sed -n 's/^Ready: listening on .*:\([0-9]*\) .*/\1/p' dflt2.txt)
kill -INT "$srv2"; wait "$srv2" || true
stop_server
srv=$first_srv; stop_server
# the second walks on past the first (or takes a lower port freed since)
[ -n "$p2" ] && [ "$p2" != "$p1" ] && [ "$p2" -le 7876 ] &&
  { [ "$p2" -lt "$p1" ] || grep -q "^Trying $p1\.\.\. in use, trying next\.\.\.$" dflt2.txt; } ||
  fail "default port walk: $(cat dflt2.txt)"; ok
# and serve's console is plain ASCII when the locale is not UTF-8
LC_ALL=C "$pt" serve --db sqlite:g.db --no-watch > ascii.txt 2>&1 & srv=$!
for _ in $(seq 600); do grep -q '^Ready' ascii.txt && break; sleep 0.1; done
stop_server
grep -q '^Trying [0-9]*\.\.\. ok$' ascii.txt || fail "no ASCII port line: $(cat ascii.txt)"; ok
LC_ALL=C grep -q '[^[:print:][:space:]]' ascii.txt && fail "serve not ASCII: $(LC_ALL=C grep '[^[:print:][:space:]]' ascii.txt | head -3)"; ok

# a server on a SQLite file never overwrites a newer index pt01 saved there
cp -r q/src live5
"$pt" index live5 --db sqlite:live.db -q
start_server srv5.txt --db sqlite:live.db
sleep 1.5 # the first pass: nothing changed
"$pt" index live5 --db sqlite:live.db -q --force # a whole new index
"$pt" dump --db sqlite:live.db > newer.txt
printf 'def added():\n    return 1\n' > live5/added.py
for _ in $(seq 100); do grep -q 'not overwriting' srv5.txt && break; sleep 0.1; done
grep -q "live.db was replaced by another program since it was loaded" srv5.txt ||
  fail "no refusal: $(cat srv5.txt)"; ok
[ "$(curl -fsS "http://127.0.0.1:$port/file-watcher-status-check" | jq .data.store_writes_stopped)" = true ] &&
  [ "$(curl -fsS "http://127.0.0.1:$port/server-health-check-status" | jq .data.store_writes_stopped)" = true ] ||
  fail "the status does not say backups stopped"; ok
# said once; later changes try no more backups (it retried every 5 s)
printf 'def added_later():\n    return 2\n' > live5/later.py
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/code-entities-search-fuzzy?q=added_later" | grep -q later.py && break; sleep 0.1; done
sleep 1.5 # a backup would be due a second after the change
[ "$(grep -c 'backup refused' srv5.txt)" = 1 ] || fail "the refusal was not said once: $(cat srv5.txt)"; ok
"$pt" dump --db sqlite:live.db | cmp -s - newer.txt || fail "the server overwrote the newer index"; ok
set +e; kill -INT "$srv"; wait "$srv"; rc=$?; set -e
[ $rc -eq 1 ] && grep -q "^Error: the last changes were not saved: backup: .*not overwriting it" srv5.txt ||
  fail "the stop does not say the changes were not saved: exit $rc"; ok

# --no-watch serves the stored index as it is: no first pass, no rewrite
cp -r q/src nw
"$pt" index nw --db sqlite:nw.db -q
cp nw.db nw-before.db
printf 'def later():\n    return 1\n' > nw/later.py
start_server srv6.txt --db sqlite:nw.db --no-watch
sleep 1.5
curl -fsS "http://127.0.0.1:$port/code-entities-search-fuzzy?q=later" > later.json ||
  fail "search on --no-watch"
grep -q 'later\.py' later.json && fail "--no-watch indexed a file added since"; ok
stop_server
cmp -s nw.db nw-before.db || fail "--no-watch rewrote the database"; ok

# the server's own log in the watched folder is never an event, and output
# in an ignored folder changes nothing: logged with -v only
cp -r q/src lg && mkdir lg/build
"$pt" index lg --db sqlite:lg.db -q
for v in "" -v; do
  start_server lg/server.log --db sqlite:lg.db $v
  for i in 1 2 3; do echo x > "lg/build/out$i.o"; sleep 0.3; done
  sleep 1.5
  stop_server
  n=$(grep -c '^\[FileWatcher\]' lg/server.log || true)
  if [ -z "$v" ]; then
    [ "$n" = 0 ] || fail "events that change nothing logged: $n lines"; ok
  else
    [ "$n" -ge 1 ] && [ "$n" -le 6 ] || fail "-v: $n lines (the log feeds itself?)"; ok
  fi
done
"$pt" dump --db sqlite:lg.db > lg.txt
grep -q 'server\.log' lg.txt && fail "the server's log was indexed"; ok

# a stop before Ready ends the server, also where it came ignored: a
# script's background job starts with SIGINT ignored (this one too); the
# fixtures 20 times over keep it loading past the first line it prints
mkdir slow
for i in $(seq 20); do cp -r src "slow/c$i"; done
"$pt" serve --port 0 --db mem --root slow --no-watch > slow.txt 2>&1 &
srv=$!
for _ in $(seq 600); do [ -s slow.txt ] && break; sleep 0.01; done
grep -q '^Running Tool 8' slow.txt || fail "the server printed nothing: $(cat slow.txt)"
kill -INT "$srv"
for _ in $(seq 300); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$srv" 2>/dev/null; then
  kill -TERM "$srv"; wait "$srv" || true
  fail "SIGINT while loading was ignored: $(cat slow.txt)"
fi
wait "$srv" || true; ok

echo "$pass passed, 0 failed"
