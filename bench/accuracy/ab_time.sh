#!/usr/bin/env bash
# Indexing time of two builds on one tree, alternated so both see the same
# machine load (docs/accuracy.md): prints each run (wall s, peak KB, CPU s:
# user + system), then the best wall time of each and its CPU time summed
# over the runs, which the machine's load disturbs less.
# usage: bench/accuracy/ab_time.sh TREE BEFORE_BINARY AFTER_BINARY [RUNS]
set -euo pipefail
tree=${1:?usage: ab_time.sh TREE BEFORE AFTER [RUNS]}
before=${2:?}; after=${3:?}; runs=${4:-6}
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$runs"); do
  for b in before after; do
    bin=$before; [ $b = after ] && bin=$after
    /usr/bin/time -f "$b %e %M %U %S" -o "$out/t" "$bin" index "$tree" --db mem -q \
      --threads "${THREADS:-2}" > /dev/null 2>&1
    cat "$out/t" | tee -a "$out/all"
  done
done
awk '{ cpu[$1] += $4 + $5
       if (!($1 in best) || $2 < best[$1]) { best[$1] = $2; rss[$1] = $3 } }
     END { for (b in best) printf "best %s: %.2f s, peak %.1f MB; CPU in all %.2f s\n", b, best[b], rss[b] / 1024, cpu[b] }' "$out/all"
