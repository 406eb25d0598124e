#!/usr/bin/env bash
# MCP end to end (docs/mcp.md): the official TypeScript SDK clients, v1
# (@modelcontextprotocol/sdk, the 2025-11-25 handshake) and v2
# (@modelcontextprotocol/client, 2026-07-28 negotiated by server/discover),
# drive `parseltongue mcp` over stdio and the server's POST /mcp; curl
# checks the HTTP transport's own answers; then the official conformance
# suite runs the scenarios that apply to this server.
# usage: e2e_mcp.sh PARSELTONGUE NODE_MODULES (scripts/mcp-tools.sh)
set -euo pipefail
pt=$1
mods=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/server.out" ] && cat "$work/server.out"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }
cd "$work"

# The fixture of tests/test_mcp.c: a call chain and a two-function cycle.
mkdir -p tree/src
printf '%s\n' 'int helper(int x) { return x + 1; }' '' 'int compute(int x)' '{' \
  '  return helper(x) * 2;' '}' > tree/src/util.c
printf '%s\n' 'int compute(int x);' 'int helper(int x);' 'void ping_b(int n);' '' \
  'void ping_a(int n) { if (n) ping_b(n - 1); }' \
  'void ping_b(int n) { if (n) ping_a(n - 1); }' '' \
  'int run(void) { return compute(3) + helper(1); }' '' \
  'int main(void) { return run(); }' > tree/src/main.c
# and a test file: tests_covering and diff_impact read it
mkdir -p tree/tests
printf '%s\n' 'int helper(int x);' 'int run(void);' '' 'void test_helper(void) { helper(2); }' '' \
  'void test_run(void) { run(); }' > tree/tests/test_util.c
# ES modules resolve packages from the importing file's folder.
cp "$here/mcp/client.mjs" .
ln -s "$mods" node_modules

# stdio: both SDKs; stdout carries only protocol lines
for sdk in v1 v2; do
  node client.mjs "$sdk" stdio "$pt" "$work/tree" > "stdio-$sdk.out" 2>&1 ||
    fail "stdio $sdk: $(cat "stdio-$sdk.out")"
  ok
done
printf '%s\n' 'not json' '{"jsonrpc":"2.0","id":1,"method":"ping"}' |
  "$pt" mcp --root tree --no-watch > raw.out 2> raw.err || fail "mcp exit"
[ "$(wc -l < raw.out)" = 2 ] || fail "stdout lines: $(cat raw.out)"
jq -s -e '.[0].id == null and .[0].error.code == -32700' raw.out >/dev/null ||
  fail "parse error line"
jq -s -e '.[1].id == 1 and .[1].result == {}' raw.out >/dev/null || fail "ping after error"
grep -q 'ready on stdio' raw.err || fail "log on stderr"; ok
# the live index behind stdio: a function added while the server runs is
# found once the watcher has seen it (the host swaps in the new graph)
cp -r tree live
find_fresh='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"find_symbol","arguments":{"query":"fresh_fn"}}}'
{
  echo '{"jsonrpc":"2.0","id":1,"method":"ping"}'
  sleep 1
  echo 'int fresh_fn(void) { return 1; }' > live/src/fresh.c
  for _ in $(seq 25); do
    sleep 0.2
    echo "$find_fresh"
  done
} | "$pt" mcp --root live > live.out 2> live.err || fail "live mcp"
jq -s -e 'map(select(.id == 2)) | last | .result.structuredContent.mode == "exact"' live.out \
  >/dev/null || fail "live update not seen: $(tail -1 live.out)"; ok
rc=0; "$pt" mcp --bogus > /dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bad argument: exit $rc"
rc=0; "$pt" mcp --db "sqlite:$work/none/x.db" < /dev/null > none.out 2> none.err || rc=$?
[ "$rc" = 1 ] && [ ! -s none.out ] && grep -q 'nothing has been saved there' none.err ||
  fail "missing store: exit $rc"
[ "$("$pt" mcp --help | head -1)" = "Usage: parseltongue mcp [--db ENGINE] [--root DIR] [--no-watch]" ] ||
  fail "help"; ok

# streamable HTTP on the running server
"$pt" serve --db mem --root "$work/tree" --no-watch --port 0 > server.out 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^Ready: listening on 127.0.0.1:' server.out && break; sleep 0.1; done
port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server.out)
[ -n "$port" ] || fail "server not ready"
url="http://127.0.0.1:$port/mcp"
for sdk in v1 v2; do
  node client.mjs "$sdk" http "$url" > "http-$sdk.out" 2>&1 || fail "http $sdk: $(cat "http-$sdk.out")"
  ok
done

# post BODY [curl args...]: status; body in $work/body, headers in $work/headers
post() {
  local body=$1
  shift
  curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    "$@" --data-binary "$body" "$url"
}
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
[ "$(post "$init")" = 200 ] || fail "initialize"
sid=$(tr -d '\r' < headers | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: //p')
[ "${#sid}" = 32 ] || fail "session id: $(cat headers)"; ok
list='{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
[ "$(post "$list" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 2025-11-25')" = 200 ] || fail "tools/list"
[ "$(jq '.result.tools | length' body)" = 12 ] || fail "tools"; ok
[ "$(post "$list")" = 400 ] || fail "no session id"; ok
[ "$(post "$list" -H 'Mcp-Session-Id: 0123456789abcdef0123456789abcdef')" = 404 ] || fail "unknown session"; ok
[ "$(post "$list" -H "Mcp-Session-Id: $sid" -H 'MCP-Protocol-Version: 1999-01-01')" = 400 ] || fail "bad version header"; ok
[ "$(post '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "Mcp-Session-Id: $sid")" = 202 ] || fail "notification"
[ ! -s body ] || fail "notification body"; ok
[ "$(post '{"jsonrpc":' -H "Mcp-Session-Id: $sid")" = 400 ] || fail "parse error status"
[ "$(jq .error.code body)" = -32700 ] || fail "parse error code"; ok
[ "$(post "$init" -H 'Origin: http://evil.example')" = 403 ] || fail "foreign origin"; ok
[ "$(post "$init" -H 'Host: evil.example')" = 403 ] || fail "foreign host"; ok
head -c 20000 /dev/zero | tr '\0' ' ' > big.json
[ "$(post @big.json -H "Mcp-Session-Id: $sid")" = 413 ] || fail "oversized"; ok
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 405 ] || fail "GET"; ok
modern='{"jsonrpc":"2.0","id":3,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
[ "$(post "$modern" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: server/discover')" = 200 ] || fail "discover"
[ "$(jq -r '.result.supportedVersions[0]' body)" = 2026-07-28 ] || fail "discover body"; ok
# 2026-07-28's standard headers must match the body: HeaderMismatch, 400
[ "$(post "$modern" -H 'MCP-Protocol-Version: 2026-07-28')" = 400 ] || fail "no Mcp-Method"
[ "$(jq '.error.code' body)/$(jq -r '.error.data.mismatch.header' body)" = "-32020/(missing)" ] || fail "no Mcp-Method body: $(cat body)"; ok
[ "$(post "$modern" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list')" = 400 ] || fail "wrong Mcp-Method"
[ "$(jq '.error.code' body)/$(jq -r '.error.data.mismatch.header' body)" = "-32020/tools/list" ] || fail "wrong Mcp-Method body"; ok
call='{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"index_status","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'
[ "$(post "$call" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: =?base64?aW5kZXhfc3RhdHVz?=')" = 200 ] || fail "Base64 Mcp-Name"
[ "$(post "$call" -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: callers')" = 400 ] || fail "wrong Mcp-Name"
[ "$(jq .error.code body)" = -32020 ] || fail "wrong Mcp-Name body"; ok
curl -s "http://127.0.0.1:$port/server-health-check-status" | jq -e '.success' >/dev/null ||
  fail "still serving"; ok

# The official conformance suite: the scenarios that apply (docs/mcp.md
# "Conformance" says why the others do not).
for scenario in server-initialize ping tools-list server-sse-multiple-streams \
    dns-rebinding-protection; do
  node node_modules/@modelcontextprotocol/conformance/dist/index.js server \
    --url "http://localhost:$port/mcp" --scenario "$scenario" > "conf-$scenario.out" 2>&1 ||
    fail "conformance $scenario: $(cat "conf-$scenario.out")"
  grep -q ', 0 failed' "conf-$scenario.out" || fail "conformance $scenario"
  ok
done

kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
echo "e2e_mcp: $pass passed, 0 failed"
