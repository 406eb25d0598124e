#!/usr/bin/env bash
# The hub case of issue #13: one function called by 5,000 others (100
# files of 50 callers). Indexes the generated tree into SQLite, serves it,
# and prints p50/p99 latency of a page of its callers (first page, a page
# deep inside, and a scoped page) and of its blast radius, over repeated
# requests on one keep-alive connection. Prints figures only.
# usage: bench/hub_bench.sh [N_CALLERS]   (PT=path/to/parseltongue)
set -euo pipefail
cd "$(dirname "$0")/.."
pt=$PWD/${PT:-build/parseltongue}
n=${1:-5000}
out=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$out"' EXIT
mkdir -p "$out/src/hub" "$out/src/callers"
printf 'int hub(int x) { return x + 1; }\n' > "$out/src/hub/hub.c"
per=50
for ((f = 0; f * per < n; f++)); do
  for ((i = f * per; i < (f + 1) * per && i < n; i++)); do
    printf 'int hub(int x);\nint caller_%d(int x) { return hub(x) + %d; }\n' "$i" "$i"
  done > "$out/src/callers/c$f.c"
done
(cd "$out" && "$pt" index "$out/src" --db "sqlite:$out/g.db" -q >/dev/null)
"$pt" serve --db "sqlite:$out/g.db" --no-watch --port 0 > "$out/server.out" 2>&1 &
pid=$!
until grep -q '^Ready' "$out/server.out"; do sleep 0.01; done
port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out/server.out")
base="http://127.0.0.1:$port"
total=$(curl -s "$base/reverse-callers-query-graph?entity=hub&limit=0" | jq .data.total_count)
echo "hub callers: $total"
printf '%-44s %8s %8s %8s\n' request p50_ms p99_ms bytes
lat() { # lat NAME PATH: 300 requests on one connection, after 20 to warm up
  local name=$1 path=$2 args=()
  for _ in $(seq 320); do args+=(-o /dev/null "$base$path"); done
  curl -s -w '%{time_total} %{size_download}\n' "${args[@]}" | tail -n 300 |
    sort -n | awk -v name="$name" '{t[NR] = $1 * 1000; b = $2}
      END {printf "%-44s %8.3f %8.3f %8d\n", name, t[int(NR * 0.5)], t[int(NR * 0.99)], b}'
}
lat "callers, first page (100)" "/reverse-callers-query-graph?entity=hub"
lat "callers, page at offset 4900" "/reverse-callers-query-graph?entity=hub&offset=4900"
lat "callers, scoped page" "/reverse-callers-query-graph?entity=hub&scope=callers"
lat "blast radius, first page (100)" "/blast-radius-impact-analysis?entity=hub&hops=2"
lat "callers, all $total (limit=10000)" "/reverse-callers-query-graph?entity=hub&limit=10000"
