#!/usr/bin/env bash
# Load and soak of the HTTP server (issue #12): wrk mixes light and heavy
# routes for MINUTES while a loop edits, creates and deletes files under the
# watched root and, with --hostile, a crowd of idle and slowloris
# connections sits on the server. Prints throughput, latency (wrk's p50 and
# p99, and the health route's p99 measured on the side), errors, RSS after
# warm-up and at the end, and whether the last edit is visible.
# usage: bench/soak_bench.sh [--hostile] [--check] [MINUTES] [ROOT]
#   MINUTES default 1; ROOT default: a copy of this repository's C sources.
#   PT=path/to/parseltongue (default build/parseltongue); PT_SOAK_CONNS=N
#   wrk connections (default 32; 0: no wrk, the edits and the hostile
#   crowd alone); PT_SOAK_SECONDS=N runs N seconds instead of MINUTES.
#   --check (the CTest e2e_soak): exit 1 unless every answer was 2xx with
#   no socket error, RSS at the end is within 10 % of RSS after the
#   warm-up, and, once the edits stop, the server's final backup dumps
#   byte for byte like a fresh index of the edited root (every edit seen).
set -euo pipefail
cd "$(dirname "$0")/.."
hostile=0 check=0
while [ "${1:-}" = --hostile ] || [ "${1:-}" = --check ]; do
  [ "$1" = --hostile ] && hostile=1 || check=1
  shift
done
minutes=${1:-1}
pt=${PT:-build/parseltongue}
case $pt in /*) ;; *) pt=$PWD/$pt ;; esac
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
out=$(mktemp -d)
pids=()
# (|| true: under set -e a pid already gone would fail the trap, and the
# script with it)
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$out"' EXIT
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
(n=0; while [ ! -f "$out/stop_edits" ]; do
  n=$((n + 1))
  printf 'int soak_%d(void) { return %d; }\n' "$n" "$n" > "$root/soak_$n.c"
  [ $n -gt 3 ] && rm -f "$root/soak_$((n - 3)).c"
  echo "/* edit $n */" >> "$root/soak_edit.c"
  echo "$n" > "$out/last_edit"
  sleep 1
done) &
editor=$!
pids+=("$editor")

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

# the health route's latency on the side, one request every 50 ms, each
# on a new connection; beside it the same request to a trivial loopback
# responder (a thread that answers at once): its latency is the machine's
# floor (scheduling, loopback), what no server could go under
/usr/bin/python3 - "$port" "$out" <<'EOF' &
import socket, sys, threading, time
port, out = int(sys.argv[1]), sys.argv[2]
floor = socket.socket()
floor.bind(('127.0.0.1', 0))
floor.listen(64)
def answer():
    while True:
        c, _ = floor.accept()
        c.recv(4096)
        c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}')
        c.close()
threading.Thread(target=answer, daemon=True).start()
req = b'GET /server-health-check-status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
def probe(p):
    t = time.perf_counter()
    s = socket.create_connection(('127.0.0.1', p))
    s.sendall(req)
    data = b''
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    return time.perf_counter() - t, data.startswith(b'HTTP/1.1 200')
with open(out + '/health.txt', 'a', buffering=1) as h, open(out + '/floor.txt', 'a', buffering=1) as f:
    while True:
        dt, ok = probe(port)
        h.write('%f\n' % (dt if ok else 99))
        dt, ok = probe(floor.getsockname()[1])
        f.write('%f\n' % dt)
        time.sleep(0.05)
EOF
probe=$!
pids+=("$probe")

# the warm-up is under the full load: RSS is taken a tenth of the way in
# (at least 5 s) and at the end
secs=${PT_SOAK_SECONDS:-$((minutes * 60))}
warm=$((secs / 10 > 5 ? secs / 10 : 5))
conns=${PT_SOAK_CONNS:-32}
: > "$out/wrk.txt"
if [ "$conns" -gt 0 ]; then
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$out/mix.lua" "$base" > "$out/wrk.txt" 2>&1 &
  load=$!
else
  sleep "$secs" &
  load=$!
fi
sleep "$warm"
rss_warm=$(rss)
wait "$load"
rss_end=$(rss)
# the edits stop; the last one must become visible (polled every 0.1 s for
# up to 30 s: on a loaded machine its debounce and update may take seconds;
# the time it took is printed)
touch "$out/stop_edits"
wait "$editor" || true
n=$(cat "$out/last_edit")
t_edit=$(date +%s.%N)
seen=0
for _ in $(seq 300); do
  seen=$(curl -s "$base/code-entities-search-fuzzy?q=soak_$n" | jq "[.data.entities[] | select(.name == \"soak_$n\")] | length")
  [ "$seen" = 1 ] && break
  sleep 0.1
done
t_seen=$(awk -v a="$t_edit" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')

echo "server: $("$pt" --version), $(nproc) cores, root $(find "$root" -type f | wc -l) files,"\
  "$(curl -s "$base/codebase-statistics-overview-summary" | jq -r '.data.code_entities_total_count') entities"
echo "soak: ${secs} s (warm-up ${warm} s), hostile=$hostile, wrk connections ${conns}, $n edits"
grep -E 'Requests/sec|Socket errors|requests in' "$out/wrk.txt" | sed 's/^ */wrk: /' || true
echo "wrk: non-2xx answers: $(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$out/wrk.txt" | grep . || echo 0)"
awk '/Latency Distribution/ {p=1; next} p && /%/ {print "wrk latency " $1 ": " $2} /^ *99%/ {p=0}' "$out/wrk.txt"
pcts() { sort -n "$1" | awk -v what="$2" '{a[NR]=$1} END {printf "%s: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, NR, a[int(NR*0.5)]*1000, a[int(NR*0.99)]*1000, a[NR]*1000}'; }
pcts "$out/health.txt" health
pcts "$out/floor.txt" "trivial loopback responder (the machine's floor)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); server CPU: $(awk '{printf "%.1f s user, %.1f s system", $14/100, $15/100}' "/proc/$srv/stat")"
echo "rss: ${rss_warm} KB after warm-up, ${rss_end} KB at the end ($(( (rss_end - rss_warm) * 100 / rss_warm ))%)"
echo "last edit visible: $([ "$seen" = 1 ] && echo "yes (${t_seen} s after the edits stopped)" || echo "NO (after ${t_seen} s)")"
echo "server errors logged: $(grep -ci 'error' "$out/server.out" || true)"
[ $check = 1 ] || exit 0

# --check: the edits stopped, the index catches up, the server stops (its
# final backup) and the backup must be a fresh index of the root; the
# health probe ends first (it would meet a closed port)
kill "$probe" 2>/dev/null || true
curl -s "$base/wait-for-fresh?timeout_ms=20000" > /dev/null
kill -TERM "$srv"
wait "$srv" || { echo "FAIL: the server exited with an error"; cat "$out/server.out"; exit 1; }
"$pt" dump --db "sqlite:$out/g.db" | grep -v '^meta	root	' > "$out/served.dump"
"$pt" dump "$root" | grep -v '^meta	root	' > "$out/fresh.dump"
failed=0
non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$out/wrk.txt")
[ -z "$non2xx" ] || { echo "FAIL: $non2xx answers were not 2xx"; failed=1; }
! grep -q 'Socket errors' "$out/wrk.txt" || { echo "FAIL: socket errors"; failed=1; }
[ "$conns" = 0 ] || grep -q 'requests in' "$out/wrk.txt" || { echo "FAIL: wrk did not run"; cat "$out/wrk.txt"; failed=1; }
[ $((rss_end * 10)) -le $((rss_warm * 11)) ] || { echo "FAIL: RSS grew more than 10 %"; failed=1; }
[ "$seen" = 1 ] || { echo "FAIL: the last edit is not visible"; failed=1; }
diff "$out/fresh.dump" "$out/served.dump" > "$out/dump.diff" ||
  { echo "FAIL: the served index is not a fresh index of the edited root:"; head -n 20 "$out/dump.diff"; failed=1; }
[ $failed = 0 ] && echo "soak check: passed"
exit $failed
