#!/usr/bin/env bash
# Indexing benchmark (issue #2): a large real tree, end to end against the
# parse-only floor and universal-ctags, with peak memory.
# usage: bench/index_bench.sh [TREE | PACKAGE]
#   TREE     a folder to index
#   PACKAGE  a Debian source package, fetched once into the cache
#            (default: postgresql-15, about 2,300 C files, 43 MB indexed)
# Prints figures and ratios; it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
pt=${PT:-build/parseltongue}
threads=${THREADS:-$(nproc)}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"

# fetch PACKAGE: unpack Debian's source of PACKAGE into $cache/PACKAGE-src
fetch() {
  local pkg=$1 dir="$cache/$1-src"
  if [ ! -d "$dir" ]; then
    mkdir -p "$cache/lists/partial"
    local uri
    uri=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -n1)
    echo "deb-src $uri bookworm main" > "$cache/src.list"
    local apto=(-o Dir::Etc::sourcelist="$cache/src.list" -o Dir::Etc::sourceparts=-
                -o Dir::State::Lists="$cache/lists" -o APT::Sandbox::User=root)
    apt-get "${apto[@]}" update -qq >&2
    (cd "$cache" && apt-get "${apto[@]}" source --download-only -qq "$pkg") >&2
    local tmp
    tmp=$(mktemp -d)
    tar -xf "$(ls "$cache/$pkg"_*.orig.tar.* | head -n1)" -C "$tmp"
    mv "$tmp"/* "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir"
}

arg=${1:-postgresql-15}
if [ -d "$arg" ]; then corpus=$arg; else corpus=$(fetch "$arg"); fi
command -v ctags >/dev/null || { echo "universal-ctags is missing"; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# time_of CMD...: the best wall seconds of $RUNS runs (default 3) and the
# peak RSS (KiB) of that run, via GNU time; this machine's timings are noisy
time_of() {
  local best="" rss="" i e m
  for i in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f '%e %M' -o "$out/time" "$@" > "$out/stdout.new" 2>&1 || {
      cat "$out/stdout.new"; exit 1; }
    read -r e m < "$out/time"
    if [ -z "$best" ] || awk -v a="$e" -v b="$best" 'BEGIN{exit !(a < b)}'; then
      best=$e; rss=$m; mv "$out/stdout.new" "$out/stdout"
    fi
    rm -rf parseltongue[0-9]*
  done
  echo "$best $rss"
}
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null

read -r t_parse rss_parse < <(time_of "$pt" index "$corpus" --db mem --parse-only -q --threads "$threads")
bytes=$(sed -n 's/^Throughput: .*, \(.*\) MB\/s$/\1/p' "$out/stdout")
files=$(sed -n 's/^Files processed: //p' "$out/stdout")
read -r t_mem rss_mem < <(time_of "$pt" index "$corpus" --db mem -q --threads "$threads")
ents=$(sed -n 's/^Entities created: \([0-9]*\).*/\1/p' "$out/stdout" | head -1)
edges=$(sed -n 's/^Edges created: //p' "$out/stdout")
resolved=$(sed -n 's/^  └─ Resolved: //p' "$out/stdout")
read -r t_rocks rss_rocks < <(time_of "$pt" index "$corpus" --db "rocksdb:$out/r.db" -q --threads "$threads")
read -r t_sqlite rss_sqlite < <(time_of "$pt" index "$corpus" --db "sqlite:$out/s.db" -q --threads "$threads")
read -r t_ctags rss_ctags < <(time_of ctags -R -f "$out/tags" "$corpus")

awk -v files="$files" -v t_parse="$t_parse" -v t_mem="$t_mem" -v t_rocks="$t_rocks" \
    -v t_sqlite="$t_sqlite" -v t_ctags="$t_ctags" -v rss_parse="$rss_parse" \
    -v rss_mem="$rss_mem" -v rss_rocks="$rss_rocks" -v rss_sqlite="$rss_sqlite" \
    -v rss_ctags="$rss_ctags" -v parse_mbs="$bytes" -v ents="$ents" \
    -v edges="$edges" -v resolved="$resolved" -v corpus="$corpus" -v thr="$threads" '
BEGIN {
  src_mb = parse_mbs * t_parse;          # MB of indexed source
  printf "corpus: %s\n", corpus;
  printf "indexed: %d files, %.1f MB of source, %d threads\n", files, src_mb, thr;
  printf "graph: %s entities, %s edges (resolved %s)\n\n", ents, edges, resolved;
  printf "%-24s %8s %10s %10s %10s\n", "run", "seconds", "MB/s", "files/s", "peak MB";
  row("parse-only (floor)", t_parse, rss_parse);
  row("index --db mem", t_mem, rss_mem);
  row("index --db rocksdb", t_rocks, rss_rocks);
  row("index --db sqlite", t_sqlite, rss_sqlite);
  row("ctags -R", t_ctags, rss_ctags);
  printf "\nratios (targets: e2e <= 1.5x parse-only, >= 5 MB/s, peak RSS < 4x source)\n";
  printf "  rocksdb e2e / parse-only: %.2fx\n", t_rocks / t_parse;
  printf "  sqlite  e2e / parse-only: %.2fx\n", t_sqlite / t_parse;
  printf "  rocksdb e2e / ctags:      %.2fx\n", t_rocks / t_ctags;
  printf "  rocksdb MB/s:             %.2f\n", src_mb / t_rocks;
  printf "  peak RSS / source (rocksdb): %.2fx\n", rss_rocks / 1024 / src_mb;
  printf "  peak RSS / source (sqlite):  %.2fx\n", rss_sqlite / 1024 / src_mb;
}
function row(name, t, rss) {
  printf "%-24s %8.2f %10.2f %10.0f %10.1f\n", name, t, src_mb / t, files / t, rss / 1024;
}'
