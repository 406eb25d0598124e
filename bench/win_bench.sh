#!/usr/bin/env bash
# Windows indexing benchmark (issue #5): the same tree indexed by the Linux
# build (its RocksDB default, and a SQLite file) and by the Windows build
# under wine (its default: ingestion in memory, then one SQLite backup).
# Prints MB/s of each, and the save (backup) time and its share of the run,
# from the phase timings of `index -v`. Asserts nothing.
# usage: bench/win_bench.sh [TREE]
#   TREE  a folder to index (default: PostgreSQL 15's source, the corpus of
#         bench/index_bench.sh, which fetches it into the cache)
# Needs build/parseltongue (scripts/setup.sh) and build-win/parseltongue.exe
# (scripts/win-build.sh). What wine cannot show: docs/windows.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pt=${PT:-$(pwd)/build/parseltongue}
exe=${PT_EXE:-$(pwd)/build-win/parseltongue.exe}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"
corpus=${1:-$cache/postgresql-15-src}
[ -d "$corpus" ] || { echo "no $corpus: run bench/index_bench.sh first (it fetches the corpus)"; exit 1; }
corpus=$(cd "$corpus" && pwd)
[ -x "$pt" ] && [ -f "$exe" ] || { echo "build both first: scripts/setup.sh, scripts/win-build.sh"; exit 1; }

out=$(mktemp -d)
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
wine wineboot --init >/dev/null 2>&1 && wineserver -w
wineserver -p >/dev/null 2>&1
wine cmd /c exit 0 >/dev/null 2>&1

# best NAME CMD...: runs CMD (in a fresh folder, output in $out/NAME.txt)
# $RUNS times (default 3) and keeps the output of the fastest run, by the
# "Duration: T (walk W, parse and extract P, resolve R, save S)" line.
best() {
  local name=$1 i t bt=""
  shift
  for i in $(seq "${RUNS:-3}"); do
    rm -rf "$out/run" && mkdir "$out/run"
    (cd "$out/run" && "$@") 2>&1 | tr -d '\r' > "$out/try.txt" || { cat "$out/try.txt"; exit 1; }
    t=$(sed -n 's/^  Duration: \([0-9.]*\)s (walk.*/\1/p' "$out/try.txt")
    [ -n "$t" ] || { cat "$out/try.txt"; exit 1; }
    if [ -z "$bt" ] || awk -v a="$t" -v b="$bt" 'BEGIN{exit !(a < b)}'; then
      bt=$t
      mv "$out/try.txt" "$out/$name.txt"
    fi
  done
  rm -rf "$out/run"
}

best linux_rocksdb "$pt" index "$corpus" -v
best linux_sqlite "$pt" index "$corpus" --db "sqlite:$out/l.db" -v
best wine_default wine "$exe" index "Z:$corpus" -v
grep -q '^  Engine: mem→SQLite' "$out/wine_default.txt" || { cat "$out/wine_default.txt"; exit 1; }
# One more Linux run to keep a SQLite file: the size of what was indexed.
"$pt" index "$corpus" --db "sqlite:$out/size.db" -q >/dev/null 2>&1
bytes=$(sqlite3 "$out/size.db" 'SELECT sum(size) FROM files')
files=$(sqlite3 "$out/size.db" 'SELECT count(*) FROM files')
ents=$(sqlite3 "$out/size.db" 'SELECT count(*) FROM entities')
edges=$(sqlite3 "$out/size.db" 'SELECT count(*) FROM edges')

echo "corpus: $corpus"
printf 'indexed: %d files, %.1f MB of source; %d entities, %d edges; %s threads\n' \
  "$files" "$(echo "$bytes / 1000000" | bc -l)" "$ents" "$edges" "$(nproc)"
echo "best of ${RUNS:-3} runs each; times in seconds from index -v"
echo
printf '%-34s %7s %7s %7s %7s %7s %7s %7s\n' run total MB/s walk parse resolve save "save%"
for r in linux_rocksdb:"Linux, rocksdb (default)" linux_sqlite:"Linux, sqlite:PATH" \
         wine_default:"Windows/wine, mem->SQLite (default)"; do
  name=${r%%:*}
  sed -n 's/^  Duration: \([0-9.]*\)s (walk \([0-9.]*\)s, parse and extract \([0-9.]*\)s, resolve \([0-9.]*\)s, save \([0-9.]*\)s)/\1 \2 \3 \4 \5/p' \
    "$out/$name.txt" | awk -v label="${r#*:}" -v bytes="$bytes" '{
      printf "%-34s %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %6.1f%%\n", label, $1, bytes / 1e6 / $1,
             $2, $3, $4, $5, 100 * $5 / $1 }'
done
echo
grep -h '^  Peak memory' "$out/linux_rocksdb.txt" | sed 's/^ */Linux rocksdb /'
grep -h '^  Peak memory' "$out/wine_default.txt" | sed 's/^ */Windows\/wine /'
