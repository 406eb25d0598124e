#!/usr/bin/env bash
# Indexing benchmark (issues #2 and #14): end to end with each engine beside
# the --parse-only floor, per phase, with peak memory against the source.
# usage: bench/index_bench.sh [TREE | PACKAGE]...
#   TREE     a folder to index
#   PACKAGE  a Debian source package, fetched once into the cache
#            (default: postgresql-15, about 2,300 C files, 43 MB indexed)
# Env: RUNS (best of, default 3), THREADS (default: one per processor),
#      ENGINES (default "mem sqlite rocksdb"), PT (the binary, default
#      build/parseltongue), CTAGS=0 to leave universal-ctags out.
# Each run is `index -v`. The runs go in rounds (the floor, then each
# engine, RUNS times over), so a slow spell of the machine falls on all of
# them alike. The row of each engine shows the phases of its best (least
# wall time) run as index prints them: walk, parse and extract, resolve
# (resolution and the graph's canonical order), save. The wall ratio is the
# best wall time over the best parse-only run's; the CPU ratio is the least
# CPU time (user + system, all threads) of the engine's runs over the least
# of the parse-only runs. Prints figures; it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
pt=${PT:-build/parseltongue}
threads=${THREADS:-$(nproc)}
engines=${ENGINES:-mem sqlite rocksdb}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"

. bench/fetch.sh

[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
use_ctags=${CTAGS:-1}
command -v ctags >/dev/null || use_ctags=0

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# once NAME CMD...: runs CMD once; keeps its output in $out/NAME.out when
# its wall time is the least so far, and in $out/NAME.time "wall peak_kib
# cpu" with the least wall and the least CPU seconds (user + system) so
# far (peak RSS of the least-wall run); this machine's timings are noisy,
# CPU seconds less so than wall time
once() {
  local name=$1 e m u s c bw="" bm="" bc=""
  shift
  rm -rf "$out/db"
  /usr/bin/time -f '%e %M %U %S' -o "$out/time" "$@" > "$out/run.out" 2>&1 || {
    cat "$out/run.out"; exit 1; }
  read -r e m u s < "$out/time"
  c=$(awk -v u="$u" -v s="$s" 'BEGIN{print u + s}')
  [ -f "$out/$name.time" ] && read -r bw bm bc < "$out/$name.time"
  if [ -z "$bw" ] || awk -v a="$e" -v b="$bw" 'BEGIN{exit !(a < b)}'; then
    bw=$e; bm=$m; mv "$out/run.out" "$out/$name.out"
  fi
  if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN{exit !(a < b)}'; then
    bc=$c
  fi
  echo "$bw $bm $bc" > "$out/$name.time"
}

# phases NAME: "walk parse resolve save" seconds from index -v's Duration line
phases() {
  sed -n 's/.*(walk \([0-9.]*\)s, parse and extract \([0-9.]*\)s, resolve \([0-9.]*\)s, save \([0-9.]*\)s).*/\1 \2 \3 \4/p' \
    "$out/$1.out" | head -n1
}

bench_tree() {
  local corpus=$1 e spec i
  rm -f "$out"/*.time
  for i in $(seq "${RUNS:-3}"); do
    once parse "$pt" index "$corpus" --db mem --parse-only -v --threads "$threads"
    for e in $engines; do
      case $e in
        mem) spec=mem ;;
        *) spec="$e:$out/db" ;;
      esac
      once "$e" "$pt" index "$corpus" --db "$spec" -v --threads "$threads"
    done
    [ "$use_ctags" = 1 ] && once ctags ctags -R -f "$out/tags" "$corpus"
  done
  local files mbs
  files=$(sed -n 's/^Files processed: //p' "$out/parse.out" | head -n1)
  mbs=$(sed -n 's/^Throughput: .*, \(.*\) MB\/s$/\1/p' "$out/parse.out" | head -n1)
  local first
  first=$(set -- $engines; echo "$1")
  local ents edges resolved
  ents=$(sed -n 's/^Entities created: \([0-9]*\).*/\1/p' "$out/$first.out" | head -n1)
  edges=$(sed -n 's/^Edges created: //p' "$out/$first.out" | head -n1)
  resolved=$(sed -n 's/^  └─ Resolved: //p' "$out/$first.out" | head -n1)
  read -r t_parse rss_parse c_parse < "$out/parse.time"
  local dur
  dur=$(sed -n 's/^Duration: \([0-9.]*\)s$/\1/p' "$out/parse.out" | head -n1)
  src_mb=$(awk -v a="$mbs" -v d="$dur" 'BEGIN{printf "%.1f", a * d}')
  echo "corpus: $corpus"
  echo "indexed: $files files, $src_mb MB of source, $threads threads, best of ${RUNS:-3} rounds"
  echo "graph: $ents entities, $edges edges (resolved $resolved)"
  echo
  printf "%-20s %7s %6s %6s %8s %8s %6s %8s %7s %7s %6s\n" run total ratio walk \
    parse+ext resolve save "peak MB" RSS/src "CPU s" ratio
  row "parse-only (floor)" parse "$t_parse" "$c_parse"
  for e in $engines; do row "index --db $e" "$e" "$t_parse" "$c_parse"; done
  if [ "$use_ctags" = 1 ]; then
    read -r t m c < "$out/ctags.time"
    awk -v n="ctags -R" -v t="$t" -v f="$t_parse" -v m="$m" -v s="$src_mb" \
      -v c="$c" -v cf="$c_parse" \
      'BEGIN{printf "%-20s %7.2f %5.2fx %6s %8s %8s %6s %8.1f %6.2fx %7.2f %5.2fx\n", n, t, t/f, "", "", "", "", m/1024, m/1024/s, c, c/cf}'
  fi
  echo
}

# row LABEL NAME FLOOR CPU_FLOOR
row() {
  local t m c w p r s
  read -r t m c < "$out/$2.time"
  read -r w p r s < <(phases "$2")
  awk -v n="$1" -v t="$t" -v f="$3" -v m="$m" -v s="$src_mb" -v w="$w" \
      -v p="$p" -v r="$r" -v sv="$s" -v c="$c" -v cf="$4" \
    'BEGIN{printf "%-20s %7.2f %5.2fx %6.2f %8.2f %8.2f %6.2f %8.1f %6.2fx %7.2f %5.2fx\n", n, t, t/f, w, p, r, sv, m/1024, m/1024/s, c, c/cf}'
}

[ $# -gt 0 ] || set -- postgresql-15
for arg in "$@"; do
  if [ -d "$arg" ]; then corpus=$arg; else corpus=$(fetch "$arg"); fi
  bench_tree "$corpus"
done
