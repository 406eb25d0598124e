#!/usr/bin/env bash
# pt08 end to end: index the fixtures, start the real server on a loopback
# port, call every route with curl, check the JSON with jq, the security
# checks and the error envelopes, then stop it with SIGTERM.
# usage: e2e_http.sh PARSELTONGUE FIXTURES_DIR
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

"$pt" index "$fixtures/lang" --db "sqlite:$work/g.db" -q >/dev/null 2>&1 || fail "index"
"$pt" serve --db "sqlite:$work/g.db" --port 0 > server.out 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q '^Ready: listening on 127.0.0.1:' server.out && break; sleep 0.1; done
port=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server.out)
[ -n "$port" ] || fail "server not ready"
base="http://127.0.0.1:$port"

# get PATH [EXPECTED_STATUS]: body in $work/body, checked to be JSON
get() {
  local code
  code=$(curl -s -o "$work/body" -w '%{http_code}' "$@")
  jq -e . "$work/body" >/dev/null || fail "not JSON: $*: $(cat "$work/body")"
  echo "$code"
}
field() { jq -r "$1" "$work/body"; }

[ "$(get "$base/server-health-check-status")" = 200 ] || fail health
[ "$(field .data.status)" = ok ] && [ "$(field .data.file_watcher_active)" = true ] || fail "health body"; ok
n_health=$(field .data.code_entities_total_count)
# nothing changed since the index was made: no backup written
[ "$(field .data.last_backup_epoch_seconds)" = null ] || fail "health: a backup of an unchanged index"; ok
# every envelope says which index answered and whether changes wait
[ "$(field '.index.generation >= 1 and (.index.updated_unix | type) == "number" and (.index.pending | type) == "boolean" and .index.watching')" = true ] ||
  fail "index in the envelope: $(cat "$work/body")"
[ "$(field 'keys_unsorted | .[-2:] == ["index", "tokens"]')" = true ] || fail "index before tokens"; ok
# (fresh unless the first pass over the root outlasts the wait, as it may
# under ASan on a loaded machine: e2e_live waits for changes)
[ "$(get "$base/wait-for-fresh?timeout_ms=1000")" = 200 ] || fail "wait-for-fresh"
[ "$(field '.data.fresh == (.data.pending_changes_count == 0) and .data.timed_out == (.data.fresh | not) and .data.watching and .index.generation == .data.generation')" = true ] ||
  fail "wait body: $(cat "$work/body")"
[ "$(get "$base/wait-for-fresh?timeout_ms=30001")" = 400 ] && [ "$(field '.index.generation >= 1')" = true ] || fail "wait bound"
[ "$(get "$base/wait-for-fresh?timeout_ms=soon")" = 400 ] || fail "wait: not a number"; ok

[ "$(get "$base/codebase-statistics-overview-summary")" = 200 ] || fail stats
n_ent=$(field .data.code_entities_total_count)
[ "$n_ent" -gt 100 ] || fail "stats body"
[ "$n_health" = "$n_ent" ] || fail "health: $n_health entities, stats $n_ent"
[ "$(field '.data.languages_detected_list | length')" = 12 ] || fail "12 languages"; ok

[ "$(get "$base/api-reference-documentation-help")" = 200 ] || fail help
total=$(field .data.total_endpoints)
[ "$(field '[.data.categories[].endpoints[]] | length')" = "$total" ] || fail "help count"
for p in $(field '.data.categories[].endpoints[].path'); do
  err=$(curl -s "$base$p" | jq -r '.error // ""')
  case "$err" in "No route"*) fail "documented route $p is not served";; esac
done; ok

[ "$(get "$base/code-entities-list-all?entity_type=interface")" = 200 ] || fail list
[ "$(field .data.total_count)" -ge 3 ] || fail "interfaces"
[ "$(field '[.data.entities[].entity_type] | unique | join(",")')" = interface ] || fail "type filter"; ok
[ "$(get "$base/code-entities-list-all?scope=go||shapes")" = 200 ] || fail "scoped list"
[ "$(field '[.data.entities[].file_path | startswith("go/shapes/")] | all')" = true ] || fail "scope"; ok

key=$(sqlite3 g.db "select key from entities where qualname='Shapes.Circle.area'")
[ "$(get "$base/code-entity-detail-view?key=$key")" = 200 ] || fail "detail"
[ "$(field .data.qualified_name)" = Shapes.Circle.area ] && [ "$(field .data.line_start)" -gt 0 ] || fail "detail body"
ok
[ "$(get "$base/code-entity-detail-view?key=Shapes.Circle.area")" = 200 ] || fail "by qualified name"
[ "$(field .data.key)" = "$key" ] || fail "qualified name lookup"; ok
[ "$(get "$base/code-entity-detail-view?key=no-such-thing")" = 404 ] || fail "detail 404"
[ "$(field .success)" = false ] && [ "$(field .error)" = "Entity 'no-such-thing' not found" ] || fail "404 body"; ok
[ "$(get "$base/code-entity-detail-view?key=area")" = 400 ] || fail "ambiguous"
[ "$(field '.candidates | length')" -ge 2 ] || fail "candidates"; ok

# an interface's or trait's detail lists what implements it, transitively,
# and its method's the methods of that name there (file:qualname, in key
# order); Go's structs name no interface: nothing listed
impls() { # FILE QUALNAME [QUERY]: the implementations, space separated
  local k
  k=$(sqlite3 g.db "select key from entities where file_path='$1' and qualname='$2' and entity_type in ('interface','trait','method')")
  [ "$(get "$base/code-entity-detail-view?key=$k${3:-}")" = 200 ] || fail "detail of $2"
  field '[.data.implementations[] | .file_path + ":" + .qualified_name] | join(" ")'
}
ts=typescript/src/models/shape.ts cs=csharp/src/Acme.Shapes
[ "$(impls rust/src/shapes.rs Shape)" = "rust/src/lib.rs:Point rust/src/shapes.rs:Square" ] || fail "rust trait: $(cat "$work/body")"
[ "$(impls rust/src/shapes.rs Shape.area)" = "rust/src/lib.rs:Point.area rust/src/shapes.rs:Square.area" ] || fail "rust trait method"
[ "$(impls java/src/main/java/com/acme/shapes/Shape.java Shape.area)" = "java/src/main/java/com/acme/shapes/Circle.java:Circle.area" ] || fail "java interface method"
[ "$(impls $cs/IShape.cs Acme.Shapes.IShape.Area)" = "$cs/Circle.cs:Acme.Shapes.Circle.Area $cs/Square.cs:Acme.Shapes.Square.Area" ] || fail "c# interface method"
[ "$(impls $ts Shape)" = "$ts:BaseShape $ts:Circle $ts:Scalable" ] || fail "typescript interface"
[ "$(impls $ts Shape.area)" = "$ts:BaseShape.area $ts:Circle.area" ] || fail "typescript interface method"
[ "$(impls go/shapes/shapes.go Shape.Area)" = "" ] && [ "$(field .data.implementations_page.total_count)" = 0 ] || fail "go interface method"
[ "$(impls $cs/IShape.cs Acme.Shapes.IShape '&limit=1&offset=1')" = "$cs/Square.cs:Acme.Shapes.Square" ] &&
  [ "$(field '.data.implementations_page | "\(.total_count)/\(.returned_count)/\(.truncated)"')" = 3/1/true ] || fail "implementations page"
[ "$(get "$base/code-entity-detail-view?key=$key")" = 200 ] && [ "$(field '.data | has("implementations")')" = false ] || fail "implementations of a class method"; ok

# the tests that reach code, read again from the indexed files
push=$(sqlite3 g.db "select key from entities where name='list_push' and file_path='c/src/list.c'")
line=$(sqlite3 g.db "select line_start from entities where key='$push'")
[ "$(get "$base/tests-covering-entity?entity=$push")" = 200 ] || fail "tests covering: $(cat "$work/body")"
[ "$(field "[.data.tests[] | select(.name == \"test_push_grows\")][0] | .hops == 1 and .file_path == \"c/tests/test_list.c\" and .path == [.key, \"$push\"]")" = true ] ||
  fail "covering test: $(cat "$work/body")"
[ "$(field '.data.test_files_stale_count == 0 and .data.test_files_read_count > 0 and .data.total_count >= 1')" = true ] || fail "covering counts"; ok
[ "$(get "$base/tests-covering-entity?entity=$push&hops=0")" = 400 ] || fail "hops 0"
[ "$(get "$base/tests-covering-entity?entity=no-such-thing")" = 404 ] || fail "covering 404"; ok
# a diff touching list_push: it is changed, and its test is to run
printf -- '--- a/c/src/list.c\n+++ b/c/src/list.c\n@@ -%s,1 +%s,1 @@\n-old\n+new\n' "$line" "$line" > change.diff
diffpost() { get -X POST "$@" "$base/diff-impact-analysis"; }
[ "$(diffpost -H 'Content-Type: text/x-diff' --data-binary @change.diff)" = 200 ] || fail "diff impact: $(cat "$work/body")"
[ "$(field "[.data.changed_entities[].key] == [\"$push\"] and .data.files[0].indexed_path == \"c/src/list.c\" and .data.files[0].touched_lines == [[$line, $line]]")" = true ] ||
  fail "changed entities: $(cat "$work/body")"
[ "$(field '[.data.tests[].name] | index("test_push_grows") != null')" = true ] || fail "tests to run: $(cat "$work/body")"; ok
[ "$(diffpost -H 'Content-Type: application/json' --data-binary "$(jq -Rs '{diff: .}' change.diff)")" = 200 ] &&
  [ "$(field '.data.changed_count')" = 1 ] || fail "diff in JSON"; ok
[ "$(diffpost -H 'Content-Type: text/x-diff' --data-binary 'not a diff')" = 400 ] &&
  [ "$(field '.error | startswith("not a unified diff")')" = true ] || fail "not a diff"
[ "$(diffpost --data-binary @change.diff)" = 403 ] || fail "a form POST is cross-site"; ok
{ printf -- '--- a/c/src/list.c\n+++ b/c/src/list.c\n@@ -1,6000 +1,6000 @@\n'; for _ in $(seq 6000); do echo ' context'; done; } > big.diff
[ "$(diffpost -H 'Content-Type: text/x-diff' --data-binary @big.diff)" = 200 ] && [ "$(field .data.changed_count)" = 0 ] ||
  fail "a diff over 16 KiB: $(head -c 300 "$work/body")"; ok
# a diff deleting cmp from list.c, which main.c still calls: named, with main affected
main=$(sqlite3 g.db "select key from entities where name='main' and file_path='c/src/main.c'")
printf -- '--- a/c/src/list.c\n+++ b/c/src/list.c\n@@ -1,2 +1,1 @@\n #include "list.h"\n-int cmp(int a, int b) { return a - b; }\n' > del.diff
[ "$(diffpost -H 'Content-Type: text/x-diff' --data-binary @del.diff)" = 200 ] || fail "deleting diff: $(cat "$work/body")"
[ "$(field "(.data.deleted_entities | map(select(.name == \"cmp\" and .kind == \"function\" and .old_line_start == 2 and .dependents == [\"$main\"])) | length) == 1 and .data.deleted_count == 1 and .data.files[0].stale == false and ([.data.affected[] | select(.key == \"$main\" and .depth == 1)] | length) == 1")" = true ] ||
  fail "deleted entities: $(cat "$work/body")"; ok

[ "$(get "$base/code-entities-search-fuzzy?q=CIRCLE")" = 200 ] || fail search
[ "$(field .data.total_count)" -ge 3 ] || fail "search hits"; ok
[ "$(get "$base/code-entities-search-fuzzy?q=%20")" = 400 ] || fail "empty q"; ok

callee=$(sqlite3 g.db "select to_key from edges where resolved=1 and edge_type='Calls' order by to_key limit 1")
[ "$(get "$base/reverse-callers-query-graph?entity=$callee")" = 200 ] || fail callers
[ "$(field '[.data.callers[].to_key] | unique | .[0]')" = "$callee" ] || fail "callers body"
[ "$(field '.data.callers[0].resolved')" = true ] || fail "resolved flag"; ok
# each edge says how it was resolved, as the SQLite file does
first=$(field '.data.callers[0].from_key')
how=$(sqlite3 g.db "select resolution||' '||confidence from edges where to_key='$callee' and from_key='$first' and edge_type='Calls'")
[ "$(field '.data.callers[0].resolution + " " + (.data.callers[0].confidence | tostring)')" = "$how" ] || fail "resolution of an edge"; ok
caller=$(sqlite3 g.db "select from_key from edges where resolved=1 and edge_type='Calls' order by from_key limit 1")
[ "$(get "$base/forward-callees-query-graph?entity=$caller")" = 200 ] || fail callees
[ "$(field '.data.total_count')" -ge 1 ] || fail "callees body"; ok
[ "$(get "$base/reverse-callers-query-graph")" = 400 ] || fail "missing entity"; ok
# an ambiguous edge lists the candidates it could not choose between, as
# the SQLite file counts them, each an entity with its place
amb=$(sqlite3 -separator ' ' g.db "select from_key, to_key, n_candidates from edges where resolution='unresolved_ambiguous' and edge_type='Calls' order by from_key, to_key limit 1")
read -r afrom ato an <<<"$amb"
[ -n "$an" ] && [ "$an" -ge 2 ] || fail "no ambiguous edge with candidates in the fixtures: $amb"
sel=".data.callees[] | select(.to_key == \"$ato\" and .edge_type == \"Calls\")"
[ "$(get "$base/forward-callees-query-graph?entity=$afrom&limit=500")" = 200 ] || fail "callees of $afrom"
[ "$(field "[$sel | .candidates_total == $an and (.candidates | length) == ([$an, 16] | min) and all(.candidates[]; (.key | type) == \"string\" and (.name | type) == \"string\" and (.file_path | type) == \"string\" and (.line_start | type) == \"number\")] | all")" = true ] ||
  fail "candidates of an ambiguous callee: $(cat "$work/body")"
# sorted by key, each an entity of the called name
name=$(echo "$ato" | cut -d: -f3)
keys=$(field "[$sel | .candidates[].key] | join(\"\\n\")")
[ -n "$keys" ] && [ "$keys" = "$(echo "$keys" | LC_ALL=C sort -u)" ] || fail "candidate keys not sorted: $keys"
[ "$(field "[$sel | .candidates[].name | select(. != \"$name\")] | length")" = 0 ] || fail "a candidate of another name"
for k in $keys; do
  [ "$(sqlite3 g.db "select count(*) from entities where key = '$k'")" = 1 ] || fail "candidate $k is no entity"
done
[ "$(get "$base/reverse-callers-query-graph?entity=$ato&limit=500")" = 200 ] || fail "callers of $ato"
[ "$(field "[.data.callers[] | select(.from_key == \"$afrom\") | .candidates_total] == [$an]")" = true ] || fail "candidates of an ambiguous caller"
# resolved edges carry none
[ "$(get "$base/forward-callees-query-graph?entity=$caller")" = 200 ] && [ "$(field '[.data.callees[] | select(.resolved) | has("candidates")] | any')" = false ] || fail "candidates on a resolved edge"; ok

[ "$(get "$base/dependency-edges-list-all?limit=5&offset=2")" = 200 ] || fail edges
[ "$(field .data.returned_count)" = 5 ] && [ "$(field '.data.edges | length')" = 5 ] || fail "page"; ok
[ "$(get "$base/dependency-edges-list-all?limit=99999")" = 400 ] || fail "limit bound"; ok
[ "$(get "$base/dependency-edges-list-all?limit=-1")" = 400 ] || fail "negative"; ok

[ "$(get "$base/blast-radius-impact-analysis?entity=$callee&hops=2")" = 200 ] || fail blast
[ "$(field .data.total_affected)" -ge 1 ] && [ "$(field '.data.by_hop[0].hop')" = 1 ] || fail "blast body"; ok
[ "$(get "$base/blast-radius-impact-analysis?entity=$callee&hops=11")" = 400 ] || fail "hops bound"; ok

[ "$(get "$base/file-watcher-status-check")" = 200 ] || fail watcher
[ "$(field .data.watcher_currently_running_flag)" = true ] || fail "watcher running"
[ "$(field .data.watch_directory_path_value)" = "$(cd "$fixtures/lang" && pwd -P)" ] || fail "watch root"; ok
[ "$(get "$base/folder-structure-discovery-tree")" = 200 ] || fail folders
[ "$(field '[.data.folders[].l1] | index("go")')" != null ] || fail "folders body"; ok

# analyses on the whole graph and on a scope
[ "$(get "$base/strongly-connected-components-analysis")" = 200 ] || fail scc
[ "$(field .data.total_count)" = "$(field '.data.sccs | length')" ] || fail "scc count"
[ "$(field '[.data.sccs[].size] | . == (sort | reverse)')" = true ] || fail "scc order"; ok
[ "$(get "$base/circular-dependency-detection-scan")" = 200 ] || fail cycles
[ "$(field '[.data.cycles[] | .path[0].key == .path[-1].key] | all')" = true ] || fail "cycle paths"; ok
[ "$(get "$base/kcore-decomposition-layering-analysis?k=1")" = 200 ] || fail kcore
[ "$(field '[.data.entities[].coreness >= 1] | all')" = true ] || fail "k filter"; ok
[ "$(get "$base/centrality-measures-entity-ranking?top=3")" = 200 ] || fail pagerank
[ "$(field '[.data.entities[].rank] | join(",")')" = "1,2,3" ] || fail "ranks"
[ "$(field '[.data.entities[].score] | . == (sort | reverse)')" = true ] || fail "score order"; ok
[ "$(get "$base/centrality-measures-entity-ranking?method=Betweenness&top=2&scope=go")" = 200 ] || fail betweenness
[ "$(field .data.method)" = betweenness ] || fail "method echo"; ok

[ "$(get "$base/semantic-cluster-grouping-list?limit=10000")" = 200 ] || fail clusters
[ "$(field .data.total_entities)" = "$(field '[.data.clusters[].entity_count] | add')" ] || fail "cluster sizes"; ok
[ "$(get "$base/leiden-community-detection-clusters?limit=10000")" = 200 ] || fail leiden
[ "$(field .data.community_count)" = "$(field '.data.communities | length')" ] || fail "communities"
[ "$(field '.data.modularity | type')" = number ] || fail "modularity"; ok

[ "$(get "$base/ingestion-diagnostics-coverage-report?section=summary")" = 200 ] || fail diag
[ "$(field .data.summary.test_entities_count)" -ge 5 ] || fail "diag summary"; ok
[ "$(get "$base/ingestion-diagnostics-coverage-report")" = 200 ] || fail "diag all"
[ "$(field '.data.test_entities_excluded.returned_count')" = "$(field '.data.test_entities_excluded.entities | length')" ] || fail "diag tests"
[ "$(field '[.data.word_count_coverage.files[].raw_coverage_pct <= 100] | all')" = true ] || fail "coverage <= 100"; ok

[ "$(get "$base/complexity-hotspots-ranking-view?top=4")" = 200 ] || fail hotspots
[ "$(field '[.data.hotspots[].total_coupling] | . == (sort | reverse)')" = true ] || fail "hotspot order"
[ "$(field .data.total_entities_analyzed)" = 4 ] || fail "hotspot count"; ok
[ "$(get "$base/smart-context-token-budget?focus=$callee&tokens=300")" = 200 ] || fail context
[ "$(field '.data.tokens_used <= 300')" = true ] && [ "$(field '.data.context[0].relevance_type')" = direct_caller ] || fail "context body"; ok
[ "$(get "$base/technical-debt-sqale-scoring?min_debt=0&limit=10000")" = 200 ] || fail sqale
[ "$(field '[.data.entities[].total_debt_hours] | add // 0')" = "$(field .data.codebase_total_debt_hours)" ] || fail "debt sum"; ok
[ "$(get "$base/technical-debt-sqale-scoring?min_debt=abc")" = 400 ] || fail "min_debt"; ok
[ "$(get "$base/entropy-complexity-measurement-scores?entity=Circle")" = 200 ] || fail entropy
[ "$(field '[.data.entities[].entity | contains("Circle")] | all')" = true ] || fail "entity filter"; ok
[ "$(get "$base/coupling-cohesion-metrics-suite")" = 200 ] || fail ck
[ "$(field '[.data.entities[].health_grade] | unique | all(. == "A" or . == "B" or . == "C" or . == "D" or . == "F")')" = true ] || fail grades; ok

[ "$(get "$base/ingestion-coverage-folder-report?depth=1")" = 200 ] || fail coverage
[ "$(field .data.summary.parsed_files)" -le "$(field .data.summary.eligible_files)" ] || fail "coverage counts"
[ "$(field '[.data.folders[].eligible_files] | add')" = "$(field .data.summary.eligible_files)" ] || fail "folder sums"; ok

# a scope that matches nothing lists the valid ones
[ "$(get "$base/code-entities-list-all?scope=nowhere")" = 400 ] || fail "bad scope"
[ "$(field '.valid_scopes | index("go")')" != null ] && [ "$(field '.valid_scopes | index("go||shapes")')" != null ] || fail "valid scopes"; ok
[ "$(get "$base/strongly-connected-components-analysis?scope=nowhere||x")" = 400 ] || fail "bad scope on analyses"; ok

# errors and security: JSON envelopes, and the server keeps serving
[ "$(get "$base/no-such-route")" = 404 ] || fail "unknown route"; ok
[ "$(get -H 'Host: evil.example' "$base/server-health-check-status")" = 403 ] || fail "host check"; ok
[ "$(get -X POST -H 'Content-Type: text/plain' "$base/server-health-check-status")" = 403 ] || fail "cross-site post"; ok
[ "$(get -X POST -H 'Content-Type: application/json' -H 'Origin: https://evil.example' "$base/server-health-check-status")" = 403 ] || fail "foreign origin"; ok
[ "$(get -X POST -H 'Content-Type: application/json' "$base/server-health-check-status")" = 405 ] || fail "wrong method"; ok
[ "$(curl -s -o /dev/null -D - -X POST "$base/server-health-check-status" | tr -d '\r' | sed -n 's/^Allow: //p')" = "GET, HEAD, OPTIONS" ] || fail "405 Allow"; ok
[ "$(get -X DELETE "$base/code-entities-list-all")" = 405 ] || fail "DELETE"
[ "$(curl -s -o /dev/null -D - -X PUT "$base/code-entities-list-all" | tr -d '\r' | grep -c '^Allow: GET, HEAD, POST, OPTIONS$')" = 1 ] || fail "PUT Allow"; ok
[ "$(get -X OPTIONS "$base/incremental-reindex-file-update")" = 200 ] || fail OPTIONS
[ "$(field '.data.allow | join(",")')" = "POST,OPTIONS" ] || fail "OPTIONS body"
[ "$(curl -s -o /dev/null -D - -X OPTIONS "$base/code-entities-list-all" | tr -d '\r' | sed -n 's/^Allow: //p')" = "GET, HEAD, OPTIONS" ] || fail "OPTIONS Allow"
[ "$(curl -s -o /dev/null -D - -X OPTIONS -H 'Origin: https://evil.example' "$base/code-entities-list-all" | grep -ci '^Access-Control-Allow')" = 0 ] || fail "OPTIONS grants CORS"; ok
# oversized URL and headers: JSON 414 and 431
long=$(head -c 9000 /dev/zero | tr '\0' a)
[ "$(get "$base/code-entities-list-all?q=$long")" = 414 ] || fail "414"
[ "$(field .success)" = false ] || fail "414 body"; ok
[ "$(get -H "X-Big: $long" -H "X-Big2: $long" "$base/server-health-check-status")" = 431 ] || fail "431"
[ "$(field .success)" = false ] || fail "431 body"; ok
# up to libmicrohttpd's 64 KiB connection memory, still JSON: a 60 KB URL
# or header, thousands of parameters (which used to exhaust that memory
# and drop the connection without a word)
huge=$(head -c 60000 /dev/zero | tr '\0' a)
[ "$(get "$base/code-entities-list-all?q=$huge")" = 414 ] || fail "60 KB URL"; ok
[ "$(get -H "X-Big: $huge" "$base/server-health-check-status")" = 431 ] || fail "60 KB header"; ok
many=$(printf 'a&%.0s' $(seq 3000)) # 6 KB
[ "$(get "$base/code-entities-list-all?$many")" = 414 ] &&
  [ "$(field .error)" = "the request's URL has more than 256 parameters" ] || fail "3000 parameters"; ok
many=$(seq 255 | sed 's/^/p/; s/$/=1/' | paste -sd '&')
[ "$(get "$base/server-health-check-status?$many")" = 200 ] || fail "255 parameters"; ok
# past it, libmicrohttpd answers by itself, with its own HTML (documented)
huge=$(head -c 70000 /dev/zero | tr '\0' a)
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/x?q=$huge")" = 414 ] || fail "70 KB URL"; ok
[ "$(get "$base/server-health-check-status")" = 200 ] || fail "still serving"; ok

# empty answers are 200, an unknown entity is 404, a missing or blank
# required parameter is a 400 naming it, on every route
lonely=$(sqlite3 g.db "select key from entities where key not in (select to_key from edges) order by key limit 1")
[ "$(get "$base/reverse-callers-query-graph?entity=$lonely")" = 200 ] || fail "callers of an uncalled entity"
[ "$(field .data.total_count)/$(field '.data.callers | length')/$(field .data.truncated)" = 0/0/false ] || fail "empty callers"; ok
[ "$(get "$base/blast-radius-impact-analysis?entity=$lonely")" = 200 ] || fail "blast of an uncalled entity"
[ "$(field .data.total_affected)/$(field '.data.by_hop | length')" = 0/0 ] || fail "empty blast"; ok
[ "$(get "$base/blast-radius-impact-analysis?entity=$callee&hops=0")" = 200 ] || fail "hops=0"
[ "$(field .data.total_affected)" = 0 ] || fail "hops=0 body"; ok
[ "$(get "$base/reverse-callers-query-graph?entity=no-such-thing")" = 404 ] || fail "callers 404"; ok
[ "$(get "$base/smart-context-token-budget?focus=no-such-thing")" = 404 ] || fail "context 404"; ok
get "$base/api-reference-documentation-help" >/dev/null
field '.data.categories[].endpoints[] | select(any(.parameters[]; .required)) | "\(.method) \(.path) \([.parameters[] | select(.required) | .name] | join(" "))"' > required.txt
[ "$(wc -l < required.txt)" -ge 6 ] || fail "routes with required parameters"
while read -r method path names; do
  for name in $names; do
    for query in "" "?$name=" "?$name=%20"; do
      [ "$(get -X "$method" "$base$path$query")" = 400 ] || fail "$method $path$query"
      [ "$(field .error)" = "missing required parameter '$name'" ] || fail "$path$query: $(field .error)"
    done
  done
done < required.txt; ok

# a POST without Origin and without a content type is accepted; form
# types and foreign origins are not; the path may come in a JSON body
file=$(sqlite3 g.db "select file_path from entities where file_path like 'go/%' order by file_path limit 1")
[ "$(get -X POST "$base/incremental-reindex-file-update?path=$file")" = 200 ] || fail "plain curl -X POST: $(cat "$work/body")"
[ "$(field .data.file_path)" = "$file" ] || fail "reindex body"; ok
[ "$(get -X POST -d "path=$file" "$base/incremental-reindex-file-update")" = 403 ] || fail "form POST"; ok
[ "$(get -X POST -H 'Content-Type: application/json' -d "{\"path\": \"$file\"}" "$base/incremental-reindex-file-update")" = 200 ] || fail "JSON body: $(cat "$work/body")"
[ "$(field .data.file_path)" = "$file" ] || fail "JSON body path"; ok
[ "$(get -X POST -H 'Content-Type: application/json' -d '{"path": ' "$base/incremental-reindex-file-update")" = 400 ] || fail "broken JSON body"
[ "$(field .error | grep -c 'not a JSON object')" = 1 ] || fail "broken body message"; ok
head -c 20000 /dev/zero | tr '\0' ' ' > big.json
[ "$(get -X POST -H 'Content-Type: application/json' --data-binary @big.json "$base/incremental-reindex-file-update")" = 413 ] || fail "body over 16 KiB"; ok

# bounded answers: limit, offset, total_count, returned_count, truncated
[ "$(get "$base/code-entities-list-all")" = 200 ] || fail "list default page"
[ "$(field .data.total_count)" = "$n_ent" ] && [ "$(field .data.returned_count)" = 100 ] || fail "list counts"
[ "$(field .data.truncated)/$(field '.data.entities | length')" = true/100 ] || fail "list truncated"; ok
[ "$(get "$base/code-entities-list-all?limit=3&offset=4")" = 200 ] || fail "list page"
[ "$(field '[.data.entities[].key] | join(" ")')" = "$(sqlite3 g.db "select key from entities order by key limit 3 offset 4" | tr '\n' ' ' | sed 's/ $//')" ] || fail "list page keys"; ok
[ "$(get "$base/code-entities-list-all?offset=$n_ent")" = 200 ] || fail "list past the end"
[ "$(field .data.returned_count)/$(field .data.truncated)" = 0/false ] || fail "past the end body"; ok
hub=$(sqlite3 g.db "select to_key from edges group by to_key having count(*) >= 3 order by to_key limit 1")
[ "$(get "$base/reverse-callers-query-graph?entity=$hub&limit=1&offset=1")" = 200 ] || fail "callers page"
[ "$(field .data.returned_count)/$(field .data.truncated)" = 1/true ] && [ "$(field .data.total_count)" -ge 3 ] || fail "callers page body"; ok
[ "$(get "$base/code-entities-search-fuzzy?q=e")" = 200 ] || fail "search page"
[ "$(field '.data.entities | length')" = 20 ] && [ "$(field .data.truncated)" = true ] || fail "search default limit"; ok
[ "$(get "$base/strongly-connected-components-analysis?min_size=1&limit=10000&include_unresolved=true")" = 200 ] || fail "scc min_size=1"
all_sccs=$(field .data.scc_count)
[ "$(field .data.total_count)" = "$all_sccs" ] || fail "singletons with min_size=1"; ok
[ "$(get "$base/strongly-connected-components-analysis")" = 200 ] || fail "scc default"
[ "$(field '[.data.sccs[].size > 1] | all')" = true ] && [ "$(field .data.total_count)" -lt "$all_sccs" ] || fail "scc singletons listed"; ok
for p in code-entities-list-all dependency-edges-list-all kcore-decomposition-layering-analysis \
         centrality-measures-entity-ranking complexity-hotspots-ranking-view \
         semantic-cluster-grouping-list leiden-community-detection-clusters \
         technical-debt-sqale-scoring entropy-complexity-measurement-scores \
         coupling-cohesion-metrics-suite circular-dependency-detection-scan \
         folder-structure-discovery-tree "ingestion-coverage-folder-report?depth=1"; do
  case $p in *\?*) sep="&";; *) sep="?";; esac
  [ "$(get "$base/$p${sep}limit=2&offset=1")" = 200 ] || fail "$p page"
  [ "$(field '.data.returned_count <= 2 and .data.limit == 2 and .data.offset == 1')" = true ] || fail "$p page counts"
  [ "$(field '.data.total_count >= .data.returned_count and (.data.truncated == (1 + .data.returned_count < .data.total_count))')" = true ] || fail "$p truncated"
done; ok

# entity references in analysis answers; placeholders only when asked
[ "$(get "$base/kcore-decomposition-layering-analysis?limit=1")" = 200 ] || fail "kcore ref"
[ "$(field '.data.entities[0] | has("name") and has("qualified_name") and has("file_path") and has("line_start")')" = true ] || fail "kcore ref fields"; ok
[ "$(get "$base/blast-radius-impact-analysis?entity=$callee")" = 200 ] || fail "blast refs"
[ "$(field '.data.by_hop[0].entities[0] | (.key | type) == "string" and has("name") and has("file_path")')" = true ] || fail "blast ref fields"; ok
for p in centrality-measures-entity-ranking complexity-hotspots-ranking-view kcore-decomposition-layering-analysis semantic-cluster-grouping-list; do
  get "$base/$p?limit=10000&member_limit=10000" >/dev/null
  [ "$(jq -r 'tostring | contains(":unresolved-reference:")' "$work/body")" = false ] || fail "$p lists placeholders"
  get "$base/$p?limit=10000&member_limit=10000&include_unresolved=true" >/dev/null
  [ "$(jq -r 'tostring | contains(":unresolved-reference:")' "$work/body")" = true ] || fail "$p include_unresolved"
done; ok

# bad values are refused with the allowed ones
[ "$(get "$base/centrality-measures-entity-ranking?method=foo")" = 400 ] || fail "method=foo"
[ "$(field '.allowed_values | join(",")')" = pagerank,betweenness ] || fail "method values"; ok
[ "$(get "$base/code-entities-list-all?entity_type=bogus")" = 400 ] || fail "entity_type=bogus"
[ "$(field '.allowed_values | index("function") != null')" = true ] || fail "entity types listed"; ok
[ "$(get "$base/code-entities-list-all?entity_type=Interface")" = 200 ] || fail "entity_type case"
[ "$(field .data.total_count)" -ge 3 ] || fail "entity_type ignoring case"; ok
[ "$(get "$base/ingestion-diagnostics-coverage-report?section=bogus")" = 400 ] || fail "section=bogus"
[ "$(field '.allowed_values | length')" = 5 ] || fail "sections listed"; ok
[ "$(get "$base/kcore-decomposition-layering-analysis?include_unresolved=maybe")" = 400 ] || fail "bad boolean"; ok

# one envelope everywhere, tokens = body bytes / 4 rounded up
get "$base/api-reference-documentation-help" >/dev/null
plain=$(field '.data.categories[].endpoints[] | select(.method == "GET" and all(.parameters[]; .required | not)) | .path')
for p in $plain "/code-entity-detail-view?key=$key" /no-such-route /reverse-callers-query-graph; do
  get "$base$p" >/dev/null
  bytes=$(wc -c < "$work/body")
  [ "$(field '(has("success") and has("endpoint") and has("tokens")) and (has("data") or has("error"))')" = true ] || fail "$p envelope"
  [ "$(field .tokens)" = $(((bytes + 3) / 4)) ] || fail "$p tokens $(field .tokens) for $bytes bytes"
done; ok

# gzip when Accept-Encoding allows it: the same bytes, smaller
for p in "code-entities-list-all?limit=300" "dependency-edges-list-all?limit=400" \
         "ingestion-diagnostics-coverage-report" "api-reference-documentation-help"; do
  curl -s -o plain.json "$base/$p"
  curl -s -H 'Accept-Encoding: deflate, gzip;q=0.8' -D headers.txt -o body.gz "$base/$p"
  tr -d '\r' < headers.txt | grep -qi '^Content-Encoding: gzip$' || fail "$p not gzipped"
  gunzip -c body.gz > unzipped.json || fail "$p: gunzip"
  cmp -s plain.json unzipped.json || fail "$p: gzip changed the body"
  [ $(($(wc -c < body.gz) * 3)) -lt "$(wc -c < plain.json)" ] || fail "$p: gzip too weak"
done; ok
curl -s -H 'Accept-Encoding: gzip;q=0' -D headers.txt -o plain.json "$base/code-entities-list-all"
tr -d '\r' < headers.txt | grep -qi '^Content-Encoding' && fail "gzip;q=0 gzipped"
jq -e . plain.json >/dev/null || fail "q=0 body"; ok
curl -s -H 'Accept-Encoding: gzip' -D headers.txt -o plain.json "$base/server-health-check-status"
tr -d '\r' < headers.txt | grep -qi '^Content-Encoding' && fail "small body gzipped"; ok

# fuzzy search: a subsequence finds it, exact and prefix matches first
[ "$(get "$base/code-entities-search-fuzzy?q=circarea&limit=100")" = 200 ] || fail "fuzzy"
[ "$(field '[.data.entities[].qualified_name] | index("Shapes.Circle.area") != null')" = true ] || fail "subsequence match"; ok
[ "$(get "$base/code-entities-search-fuzzy?q=area&limit=100")" = 200 ] || fail "fuzzy rank"
[ "$(field '.data.entities[0].name')" = area ] || fail "exact name first"
[ "$(field '[.data.entities[].match_score] | . == (sort | reverse)')" = true ] || fail "score order"; ok

# serve --db mem --root DIR indexes in memory first; bad arguments exit 2
set +e
"$pt" serve > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- "--db is required" err.txt || fail "serve without --db: $rc"; ok
set +e
"$pt" serve --db mem > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- "--db mem needs --root" err.txt || fail "mem without root: $rc"; ok
"$pt" serve --db mem --root "$fixtures/lang/go" --port 0 > server2.out 2>&1 &
pid2=$!
for _ in $(seq 600); do grep -q '^Ready' server2.out && break; sleep 0.1; done
port2=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server2.out)
[ "$(get "http://127.0.0.1:$port2/codebase-statistics-overview-summary")" = 200 ] || fail "mem server"
[ "$(field '.data.languages_detected_list | join(",")')" = go ] || fail "mem server languages"; ok
kill -INT "$pid2"; wait "$pid2" || true
grep -q '^Stopped.$' server2.out || fail "SIGINT stop"; ok

# a RocksDB index is served (the live index keeps it open to write through)
"$pt" index "$fixtures/lang/go" --db "rocksdb:$work/r.db" -q >/dev/null 2>&1 || fail "rocksdb index"
"$pt" serve --db "rocksdb:$work/r.db" --no-watch --port 0 > server3.out 2>&1 &
pid3=$!
for _ in $(seq 600); do grep -q '^Ready' server3.out && break; sleep 0.1; done
port3=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server3.out)
[ "$(get "http://127.0.0.1:$port3/code-entities-list-all")" = 200 ] || fail "rocksdb server"
[ "$(field .data.total_count)" -gt 3 ] || fail "rocksdb entities"; ok
grep -q '^File watching off (--no-watch)' server3.out || fail "--no-watch line"; ok
[ "$(get "http://127.0.0.1:$port3/file-watcher-status-check")" = 200 ] || fail "watcher off"
[ "$(field .data.file_watching_enabled_flag)/$(field .data.watcher_currently_running_flag)" = false/false ] || fail "watcher off flags"; ok
kill -TERM "$pid3"; wait "$pid3" || true
"$pt" index "$fixtures/lang/go" --db "rocksdb:$work/r.db" -q >/dev/null 2>&1 || fail "rocksdb not released at stop"; ok

# ?base=REV: the server runs git diff in the root it follows (a copy of the
# C fixtures made a git repository, then list_push changed in place)
cp -r "$fixtures/lang/c" "$work/gitc"
git -C "$work/gitc" init -q && git -C "$work/gitc" add -A &&
  git -C "$work/gitc" -c user.name=pt -c user.email=pt@example.com commit -qm fixture || fail "git fixture"
"$pt" serve --db mem --root "$work/gitc" --no-watch --port 0 > server4.out 2>&1 &
pid4=$!
for _ in $(seq 600); do grep -q '^Ready' server4.out && break; sleep 0.1; done
port4=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server4.out)
[ -n "$port4" ] || fail "git server not ready: $(cat server4.out)"
gbase="http://127.0.0.1:$port4/diff-impact-analysis"
# no changes against HEAD: an empty answer, not an error
[ "$(get -X POST "$gbase?base=HEAD")" = 200 ] &&
  [ "$(field '[(.data.files | length), (.data.changed_entities | length), (.data.tests | length)] == [0, 0, 0]')" = true ] ||
  fail "base without changes: $(cat "$work/body")"; ok
sed -i 's/  l->len++;/  l->len += 1;/' "$work/gitc/src/list.c"
[ "$(get -X POST "$gbase?base=HEAD")" = 200 ] || fail "base=HEAD: $(cat "$work/body")"
[ "$(field '[.data.changed_entities[].name] == ["list_push"] and .data.files[0].indexed_path == "src/list.c"')" = true ] ||
  fail "base=HEAD changed: $(cat "$work/body")"
[ "$(field '[.data.tests[].name] | index("test_push_grows") != null')" = true ] || fail "base=HEAD tests: $(cat "$work/body")"; ok
[ "$(get -X POST -H 'Content-Type: application/json' --data-binary '{"base": "HEAD"}' "$gbase")" = 200 ] &&
  [ "$(field .data.changed_count)" = 1 ] || fail "base in JSON: $(cat "$work/body")"; ok
[ "$(get -X POST "$gbase?base=--output=x")" = 400 ] && [ ! -e "$work/gitc/x" ] && [ ! -e x ] || fail "base --output=x: $(cat "$work/body")"
[ "$(get -X POST "$gbase?base=HEAD%20x")" = 400 ] || fail "base with a blank"
[ "$(get -X POST "$gbase?base=no-such-rev")" = 400 ] && [ "$(field '.error | test("no-such-rev")')" = true ] ||
  fail "unknown revision: $(cat "$work/body")"; ok
[ "$(get -X POST -H 'Content-Type: text/x-diff' --data-binary @change.diff "$gbase?base=HEAD")" = 400 ] || fail "diff and base"; ok
# outside a git work tree git's own message comes back
rm -rf "$work/gitc/.git"
[ "$(get -X POST "$gbase?base=HEAD")" = 400 ] && [ "$(field '.error | test("git diff HEAD: ")')" = true ] ||
  fail "not a work tree: $(cat "$work/body")"; ok
# without git in PATH
kill -TERM "$pid4"; wait "$pid4" || true
PATH=/nonexistent "$(command -v "$pt" || echo "$pt")" serve --db mem --root "$work/gitc" --no-watch --port 0 > server5.out 2>&1 &
pid4=$!
for _ in $(seq 600); do grep -q '^Ready' server5.out && break; sleep 0.1; done
port5=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server5.out)
[ "$(get -X POST "http://127.0.0.1:$port5/diff-impact-analysis?base=HEAD")" = 501 ] &&
  [ "$(field '.error | test("git is not available")')" = true ] || fail "no git: $(cat "$work/body")"; ok
kill -TERM "$pid4"; wait "$pid4" || true

kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "server did not stop on SIGTERM"
grep -q '^Stopped.$' server.out || fail "no clean stop"; ok
pid=""
echo "$pass passed, 0 failed"
