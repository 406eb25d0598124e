#!/usr/bin/env bash
# Query server benchmark (issue #3): start-to-ready time, resident memory,
# p50/p99 latency per endpoint over repeated requests, and wrk throughput
# of light endpoints (2 threads, 50 connections). Prints figures only.
# usage: bench/serve_bench.sh [SQLITE_DB]
#   default: PostgreSQL 15's source indexed by bench/index_bench.sh's corpus
set -euo pipefail
cd "$(dirname "$0")/.."
pt=$PWD/${PT:-build/parseltongue}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"
db=${1:-$cache/postgresql-15.db}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
if [ ! -f "$db" ]; then
  corpus="$cache/postgresql-15-src"
  [ -d "$corpus" ] || { echo "run bench/index_bench.sh first (it fetches the corpus)"; exit 1; }
  (cd /tmp && "$pt" index "$corpus" --db "sqlite:$db" -q >/dev/null)
  rm -rf /tmp/parseltongue[0-9]*
fi
out=$(mktemp -d)
start=$(date +%s%N)
"$pt" serve --db "sqlite:$db" --port 0 > "$out/server.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$out"' EXIT
until grep -q '^Ready' "$out/server.out"; do sleep 0.01; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out/server.out")
base="http://127.0.0.1:$port"
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
stats=$(curl -s "$base/codebase-statistics-overview-summary")
echo "database: $db"
echo "graph: $(echo "$stats" | jq -r '.data | "\(.code_entities_total_count) entities, \(.dependency_edges_total_count) edges"')"
echo "ready in ${ready_ms} ms; resident memory ${rss_kb} KB"

# a well-connected entity: the most called function
hub=$(sqlite3 "$db" "select to_key from edges where resolved=1 and edge_type='Calls' group by to_key order by count(*) desc, to_key limit 1")
printf '\n%-48s %8s %8s %8s\n' endpoint p50_ms p99_ms requests
lat() { # lat NAME URL N
  local name=$1 url=$2 n=$3
  for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done \
    | sort -n | awk -v name="$name" -v n="$n" '{a[NR]=$1} END {
        printf "%-48s %8.2f %8.2f %8d\n", name, a[int(n*0.5)]*1000, a[int(n*0.99)]*1000, n }'
}
# a typical entity: the median number of callers among called entities
mid=$(sqlite3 "$db" "with c as (select to_key, count(*) n from edges where resolved=1 group by to_key) select to_key from c order by n, to_key limit 1 offset (select count(*)/2 from c)")
lat "health" "$base/server-health-check-status" 300
lat "entity detail" "$base/code-entity-detail-view?key=$hub" 300
lat "reverse callers (hub)" "$base/reverse-callers-query-graph?entity=$hub" 300
lat "forward callees" "$base/forward-callees-query-graph?entity=$(sqlite3 "$db" "select from_key from edges group by from_key order by count(*) desc limit 1")" 300
lat "reverse callers (median entity)" "$base/reverse-callers-query-graph?entity=$mid" 300
lat "blast radius (median entity, hops=3)" "$base/blast-radius-impact-analysis?entity=$mid&hops=3" 300
lat "blast radius (hub, hops=3)" "$base/blast-radius-impact-analysis?entity=$hub&hops=3" 100
lat "edges list (100)" "$base/dependency-edges-list-all" 200
lat "strongly connected components" "$base/strongly-connected-components-analysis" 20
lat "k-core" "$base/kcore-decomposition-layering-analysis" 20
lat "circular dependencies" "$base/circular-dependency-detection-scan" 20
lat "pagerank (top 20)" "$base/centrality-measures-entity-ranking?top=20" 20
lat "betweenness (top 20, sampled)" "$base/centrality-measures-entity-ranking?method=betweenness&top=20" 10
lat "leiden" "$base/leiden-community-detection-clusters" 10
lat "label-propagation clusters" "$base/semantic-cluster-grouping-list" 10
lat "hotspots (top 10)" "$base/complexity-hotspots-ranking-view" 20
lat "smart context (hub)" "$base/smart-context-token-budget?focus=$hub" 20
lat "sqale (min_debt=1)" "$base/technical-debt-sqale-scoring?min_debt=1" 10
lat "entropy" "$base/entropy-complexity-measurement-scores" 10
lat "ck metrics" "$base/coupling-cohesion-metrics-suite" 10
lat "coverage report" "$base/ingestion-coverage-folder-report" 10
lat "diagnostics (all)" "$base/ingestion-diagnostics-coverage-report" 10
echo
for ep in server-health-check-status "code-entity-detail-view?key=$hub"; do
  echo "wrk -t2 -c50 -d5s /${ep%%\?*}:"
  wrk -t2 -c50 -d5s "$base/$ep" | grep -E 'Requests/sec|Latency'
done
