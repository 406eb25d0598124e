#!/usr/bin/env bash
# The bearer token end to end (docs/http-api.md "Bearer token"): serve
# --token-file over loopback makes the missing file (mode 0600, a random
# token) and then every route, POST /mcp included, answers 401 in JSON with
# WWW-Authenticate without the token or with a wrong one, and 200 with it;
# the health check stays open; a second server reads the same token; a
# file others may read, an empty one and a short one are refused with a
# clear message and exit 1; the token never appears in the console.
# usage: e2e_token.sh PARSELTONGUE FIXTURES_DIR
set -euo pipefail
pt=$1
fixtures=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/server.out" ] && cat "$work/server.out"; exit 1; }
pass=0
ok() { pass=$((pass + 1)); }
cd "$work"
mkdir src
cp -r "$fixtures/lang/c" src/c

start() { # token file
  # emptied before the server starts: the poll below may run before the
  # shell's redirection truncates it, and read the last server's Ready line
  : > server.out
  "$pt" serve --db mem --root src --port 0 --no-watch --token-file "$1" > server.out 2>&1 &
  pid=$!
  for _ in $(seq 600); do grep -q '^Ready: listening on 127.0.0.1:' server.out && break; sleep 0.1; done
  port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server.out)
  [ -n "$port" ] || fail "server not ready"
  base="http://127.0.0.1:$port"
}
stop() { kill "$pid"; wait "$pid" || true; pid=""; }
# req [curl args...]: status; body in $work/body (must be JSON when not
# empty), headers in $work/head
req() {
  local code
  code=$(curl -s -D "$work/head" -o "$work/body" -w '%{http_code}' "$@")
  [ ! -s "$work/body" ] || jq -e . "$work/body" > /dev/null || fail "not JSON: $*: $(cat "$work/body")"
  echo "$code"
}
field() { jq -r "$1" "$work/body"; }

# 1. a missing file is made, owner-only, holding a new token
start "$work/tok"
[ -f tok ] || fail "no token file made"
[ "$(stat -c %a tok)" = 600 ] || fail "token file mode $(stat -c %a tok)"
token=$(cat tok)
[[ "$token" =~ ^[0-9a-f]{64}$ ]] || fail "token is not 64 hex digits"
grep -q "Bearer token created in $work/tok" server.out || fail "the console does not say where the token is"; ok

# 2. without the token, with a wrong one, with another scheme: 401 in JSON
# with WWW-Authenticate; the route is not run (no 404 for a missing route)
for path in /codebase-statistics-overview-summary /no-such-route /api-reference-documentation-help; do
  [ "$(req "$base$path")" = 401 ] || fail "$path without a token"
  [ "$(field .success)" = false ] && field .error | grep -q "bearer token" || fail "401 body: $(cat body)"
  grep -qi '^WWW-Authenticate: Bearer realm="parseltongue"' head || fail "401 without WWW-Authenticate"
done
[ "$(req -H "Authorization: Bearer ${token%?}x" "$base/codebase-statistics-overview-summary")" = 401 ] ||
  fail "a wrong token was taken"
grep -qi 'error="invalid_token"' head || fail "wrong token: no invalid_token"
[ "$(req -H "Authorization: Bearer $token$token" "$base/codebase-statistics-overview-summary")" = 401 ] ||
  fail "the token twice was taken"
[ "$(req -H "Authorization: Basic $token" "$base/codebase-statistics-overview-summary")" = 401 ] ||
  fail "another scheme was taken"
[ "$(req -H "Authorization: Bearer" "$base/codebase-statistics-overview-summary")" = 401 ] ||
  fail "an empty token was taken"
[ "$(req -X POST "$base/incremental-reindex-file-update?path=c/x.c")" = 401 ] || fail "POST without a token"
[ "$(req -X OPTIONS "$base/codebase-statistics-overview-summary")" = 401 ] || fail "OPTIONS without a token"; ok

# 3. with it: answered, whatever the case of the scheme
auth=(-H "Authorization: Bearer $token")
[ "$(req "${auth[@]}" "$base/codebase-statistics-overview-summary")" = 200 ] || fail "with the token"
[ "$(field '.data.code_entities_total_count > 0')" = true ] || fail "stats body"
[ "$(req -H "authorization: bearer $token" "$base/code-entities-list-all")" = 200 ] || fail "lower-case scheme"
[ "$(req "${auth[@]}" "$base/no-such-route")" = 404 ] || fail "a missing route with the token"; ok

# 4. MCP over HTTP: the same rule
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}'
mcp=(-X POST -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d "$init")
[ "$(req "${mcp[@]}" "$base/mcp")" = 401 ] || fail "POST /mcp without a token"
[ "$(req "${mcp[@]}" "${auth[@]}" "$base/mcp")" = 200 ] || fail "POST /mcp with the token"
[ "$(field .result.serverInfo.name)" = parseltongue ] || fail "initialize: $(cat body)"; ok

# 5. the health check stays open (supervisors ask it without a secret)
[ "$(req "$base/server-health-check-status")" = 200 ] || fail "health without a token"
[ "$(field .data.status)" = ok ] || fail "health body"
[ "$(req -X POST "$base/server-health-check-status")" = 401 ] || fail "health by POST is open"; ok

# 6. the token is never printed; a second start reads the same file
stop
grep -qF "$token" server.out && fail "the token is in the console"
start "$work/tok"
[ "$(cat tok)" = "$token" ] || fail "the token file was rewritten"
grep -q "Bearer token read from $work/tok" server.out || fail "second start: read"
[ "$(req "${auth[@]}" "$base/code-entities-list-all")" = 200 ] || fail "second start: the token"
stop; ok

# 7. refused: a file others may read, no token, a short token, other
# characters, a folder; exit 1 with the reason, before indexing
refused() { # file why
  local rc=0
  "$pt" serve --db mem --root src --port 0 --no-watch --token-file "$1" > server.out 2>&1 || rc=$?
  [ "$rc" = 1 ] || fail "$1 ($2): exit $rc"
  grep -q "$2" server.out || fail "$1: no clear message: $(cat server.out)"
  grep -q '^Ready' server.out && fail "$1: served"
  return 0
}
cp tok loose; chmod 644 loose
refused "$work/loose" "chmod 600"
chmod 640 loose
refused "$work/loose" "mode 0640"
: > empty; chmod 600 empty
refused "$work/empty" "no token"
printf 'short\n' > short; chmod 600 short
refused "$work/short" "too short"
printf 'a token with spaces in it\n' > spaced; chmod 600 spaced
refused "$work/spaced" "character 2 is not"
mkdir folder; chmod 700 folder
refused "$work/folder" "not a regular file"
refused "$work/no/such/dir/tok" "cannot create"
[ "$(stat -c %a loose)" = 640 ] && [ "$(cat loose)" = "$token" ] || fail "a refused file was changed"; ok

# 8. a token of the user's own, with a final newline, and '=' padding
printf 'my-Own.token_~+/AZ09==\n' > own; chmod 600 own
start "$work/own"
[ "$(req -H 'Authorization: Bearer my-Own.token_~+/AZ09==' "$base/code-entities-list-all")" = 200 ] ||
  fail "the user's own token"
[ "$(req -H 'Authorization: Bearer my-Own.token_~+/AZ09=' "$base/code-entities-list-all")" = 401 ] ||
  fail "a prefix of the token"
stop; ok
echo "e2e_token: $pass checks passed"
