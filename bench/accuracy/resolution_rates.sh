#!/usr/bin/env bash
# Resolution rates of a tree (docs/accuracy.md): edges and calls resolved
# per language (the referring entity's), then edges per language and rule,
# from the canonical dump. An older binary without the resolution field
# counts under "-". usage: bench/accuracy/resolution_rates.sh TREE [BINARY]
set -euo pipefail
tree=${1:?usage: resolution_rates.sh TREE [BINARY]}
pt=${2:-${PT:-build/parseltongue}}
"$pt" dump "$tree" | awk -F'\t' '
$1 == "edge" {
  split($2, k, ":"); lang = k[1]; how = (NF >= 7 ? $7 : "-")
  n[lang]++; if ($5 == "resolved") r[lang]++
  if ($3 == "Calls") { c[lang]++; if ($5 == "resolved") cr[lang]++ }
  by[lang "\t" how]++
}
END {
  for (l in n)
    printf "1 %-12s %9d %9d %6.1f%% %9d %6.1f%%\n", l, n[l], r[l],
           100 * r[l] / n[l], c[l], c[l] ? 100 * cr[l] / c[l] : 0
  for (x in by) { split(x, p, "\t"); printf "2 %-12s %-30s %9d\n", p[1], p[2], by[x] }
}' | sort | awk '
BEGIN { printf "%-12s %9s %9s %7s %9s %7s\n", "language", "edges", "resolved", "%", "calls", "%" }
$1 == 2 && !shown { printf "\n%-12s %-30s %9s\n", "language", "resolution", "edges"; shown = 1 }
{ sub(/^[12] /, ""); print }'
