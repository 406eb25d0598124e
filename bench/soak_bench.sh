#!/usr/bin/env bash
# Load and soak of the HTTP server (issue #12): wrk mixes light and heavy
# routes for MINUTES while a loop edits, creates and deletes files under the
# watched root and, with --hostile, a crowd of idle and slowloris
# connections sits on the server. Prints throughput, latency (wrk's p50 and
# p99, and the health route's p99 measured on the side), errors, RSS after
# warm-up and at the end, and whether the last edit is visible.
# usage: bench/soak_bench.sh [--hostile] [MINUTES] [ROOT]
#   MINUTES default 1; ROOT default: a copy of this repository's C sources.
#   PT=path/to/parseltongue (default build/parseltongue); PT_SOAK_CONNS=N
#   wrk connections (default 32; 0: no wrk, the edits and the hostile
#   crowd alone).
set -euo pipefail
cd "$(dirname "$0")/.."
hostile=0
[ "${1:-}" = --hostile ] && { hostile=1; shift; }
minutes=${1:-1}
pt=$PWD/${PT:-build/parseltongue}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
out=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$out"' EXIT
root=$out/root
if [ -n "${2:-}" ]; then cp -r "$2" "$root"; else
  mkdir -p "$root" && cp -r core/src cli platform "$root/"
fi
(cd "$out" && "$pt" index "$root" --db "sqlite:$out/g.db" -q >/dev/null)
"$pt" serve --db "sqlite:$out/g.db" --port 0 > "$out/server.out" 2>&1 &
srv=$!
pids+=("$srv")
until grep -q '^Ready' "$out/server.out"; do sleep 0.05; done
port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out/server.out")
base="http://127.0.0.1:$port"
rss() { awk '/VmRSS/ {print $2}' "/proc/$srv/status"; }
ent=$(curl -s "$base/code-entities-list-all?limit=1" | jq -r '.data.entities[0].key')

# the mix: mostly light routes, some heavy ones (a whole-graph analysis)
cat > "$out/mix.lua" <<EOF
local paths = {
  "/server-health-check-status", "/server-health-check-status",
  "/code-entities-list-all?limit=50", "/code-entities-search-fuzzy?q=parse",
  "/reverse-callers-query-graph?entity=$ent",
  "/blast-radius-impact-analysis?entity=$ent&hops=2",
  "/codebase-statistics-overview-summary",
  "/strongly-connected-components-analysis",
  "/centrality-measures-entity-ranking?method=pagerank",
  "/complexity-hotspots-ranking-view",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
EOF

# edits under the watched root: change, create, delete, one a second
(n=0; while :; do
  n=$((n + 1))
  printf 'int soak_%d(void) { return %d; }\n' "$n" "$n" > "$root/soak_$n.c"
  [ $n -gt 3 ] && rm -f "$root/soak_$((n - 3)).c"
  echo "/* edit $n */" >> "$root/soak_edit.c"
  echo "$n" > "$out/last_edit"
  sleep 1
done) &
pids+=($!)

# --hostile: 200 idle connections and 50 slowloris ones, renewed as the
# server closes them at their deadline
if [ $hostile = 1 ]; then
  /usr/bin/python3 - "$port" <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
def dial():
    s = socket.create_connection(('127.0.0.1', port))
    s.setblocking(False)
    return s
idle = [dial() for _ in range(200)]
slow = [dial() for _ in range(50)]
for s in slow:
    s.send(b'GET /server-health-check-status HTTP/1.1\r\n')
while True:
    time.sleep(1)
    for group, trickle in ((idle, False), (slow, True)):
        for k, s in enumerate(group):
            try:
                if trickle:
                    s.send(b'X-Slow: 1\r\n')
                elif s.recv(1) == b'':
                    raise OSError
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                group[k] = dial()
                if trickle:
                    group[k].send(b'GET / HTTP/1.1\r\n')
EOF
  pids+=($!)
fi

# the health route's latency on the side, one request every 50 ms
(while :; do
  curl -s -o /dev/null -w '%{time_total}\n' "$base/server-health-check-status" >> "$out/health.txt"
  sleep 0.05
done) &
pids+=($!)

secs=$((minutes * 60))
warm=$((secs / 10 > 5 ? secs / 10 : 5))
sleep "$warm"
rss_warm=$(rss)
conns=${PT_SOAK_CONNS:-32}
if [ "$conns" -gt 0 ]; then
  wrk -t2 -c"$conns" -d"$((secs - warm))s" --latency -s "$out/mix.lua" "$base" > "$out/wrk.txt" 2>&1
else
  sleep "$((secs - warm))"; : > "$out/wrk.txt"
fi
rss_end=$(rss)
n=$(cat "$out/last_edit")
sleep 2 # the last edit's debounce and update
seen=$(curl -s "$base/code-entities-search-fuzzy?q=soak_$n" | jq "[.data.entities[] | select(.name == \"soak_$n\")] | length")

echo "server: $("$pt" --version), $(nproc) cores, root $(find "$root" -type f | wc -l) files,"\
  "$(curl -s "$base/codebase-statistics-overview-summary" | jq -r '.data.code_entities_total_count') entities"
echo "soak: ${minutes} min (warm-up ${warm} s), hostile=$hostile, wrk connections ${conns}, $n edits"
grep -E 'Requests/sec|Socket errors|requests in' "$out/wrk.txt" | sed 's/^ */wrk: /' || true
echo "wrk: non-2xx answers: $(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$out/wrk.txt" | grep . || echo 0)"
awk '/Latency Distribution/ {p=1; next} p && /%/ {print "wrk latency " $1 ": " $2} /^ *99%/ {p=0}' "$out/wrk.txt"
sort -n "$out/health.txt" | awk '{a[NR]=$1} END {printf "health: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000, a[NR]*1000}'
echo "rss: ${rss_warm} KB after warm-up, ${rss_end} KB at the end ($(( (rss_end - rss_warm) * 100 / rss_warm ))%)"
echo "last edit visible: $([ "$seen" = 1 ] && echo yes || echo NO)"
echo "server errors logged: $(grep -ci 'error' "$out/server.out" || true)"
