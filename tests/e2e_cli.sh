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
# a broken file: reported, skipped, the run completes
printf 'def f():\n    return "\xff"\n' > "$work/src/broken.py"
cd "$work"

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
[ $rc -eq 1 ] && grep -q "is not a folder" err.txt || fail "missing dir exit $rc"; ok
set +e
"$pt" index src --db postgres:x >/dev/null 2>err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "error: --db: unknown store spec .*; use mem, sqlite:PATH or rocksdb:PATH" err.txt || fail "bad engine exit $rc"; ok

# default engine: RocksDB in a new workspace
"$pt" pt01-folder-to-cozodb-streamer src > out.txt 2> err.txt || fail "default index: $(cat err.txt)"
ws=$(sed -n 's/^  Workspace: //p' out.txt)
[ -n "$ws" ] && [ -d "$ws/analysis.db" ] || fail "no rocksdb folder in workspace '$ws'"; ok
grep -q '^  Database: rocksdb:'"$ws"'/analysis.db$' out.txt || fail "Database line"; ok
grep -q '^Errors encountered: 1$' out.txt || fail "error count"; ok
grep -q 'broken.py: .*invalid UTF-8' "$ws/ingestion-errors.txt" || fail "error log"; ok
grep -q -- '--db "rocksdb:'"$ws"'/analysis.db"' out.txt || fail "next step hint"; ok
grep -q '^  └─ Resolved: [1-9]' out.txt || fail "resolved count"; ok

# sqlite backup, readable by the sqlite3 shell
"$pt" index src --db sqlite:"$work/g.db" -q > out2.txt 2>&1 || fail "sqlite index: $(cat out2.txt)"
[ -f g.db ] || fail "no sqlite file"; ok
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

# a missing folder for the SQLite file is created; an impossible one fails
# before any indexing
"$pt" index src --db sqlite:"$work/new/dir/x.db" -q >/dev/null 2>&1 || fail "sqlite in a new folder"
[ -f "$work/new/dir/x.db" ] || fail "no sqlite file in the new folder"; ok
set +e
"$pt" index src --db sqlite:/proc/pt-no/x.db > out4.txt 2> err.txt; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "cannot open sqlite:/proc/pt-no/x.db" err.txt || fail "bad sqlite path exit $rc"; ok
grep -q "Parallel Streaming Summary" out4.txt && fail "indexed before failing"; ok

# progress is drawn on a terminal only
grep -q 'Indexing:' out.txt err.txt && fail "progress drawn without a terminal"; ok
if command -v script >/dev/null; then
  script -qec "'$pt' index src --db mem -q" /dev/null > tty.txt 2>&1 || fail "index on a terminal"
  grep -q 'Indexing: [0-9]*/[0-9]* files' tty.txt || fail "no progress on a terminal"; ok
fi

# --db mem saves nothing but still reports
"$pt" index src --db mem > out3.txt 2>&1 || fail "mem index"
grep -q '^  Database: mem$' out3.txt || fail "mem Database line"; ok

echo "$pass passed, 0 failed"
