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
port=$((20000 + $$ % 20000))
"$pt" serve --db "sqlite:$work/g.db" --port "$port" > server.out 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^Ready: listening on 127.0.0.1:' server.out && break; sleep 0.1; done
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
[ "$(field .status)" = ok ] && [ "$(field .file_watcher_active)" = true ] || fail "health body"; ok

[ "$(get "$base/codebase-statistics-overview-summary")" = 200 ] || fail stats
n_ent=$(field .data.code_entities_total_count)
[ "$n_ent" -gt 100 ] && [ "$(field .tokens)" = 50 ] || fail "stats body"
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
[ "$(field .tokens)" = $((100 + $(field '.data.code | utf8bytelength'))) ] || fail "detail tokens"; ok
[ "$(get "$base/code-entity-detail-view?key=Shapes.Circle.area")" = 200 ] || fail "by qualified name"
[ "$(field .data.key)" = "$key" ] || fail "qualified name lookup"; ok
[ "$(get "$base/code-entity-detail-view?key=no-such-thing")" = 404 ] || fail "detail 404"
[ "$(field .success)" = false ] && [ "$(field .error)" = "Entity 'no-such-thing' not found" ] || fail "404 body"; ok
[ "$(get "$base/code-entity-detail-view?key=area")" = 400 ] || fail "ambiguous"
[ "$(field '.candidates | length')" -ge 2 ] || fail "candidates"; ok

[ "$(get "$base/code-entities-search-fuzzy?q=CIRCLE")" = 200 ] || fail search
[ "$(field .data.total_count)" -ge 3 ] || fail "search hits"; ok
[ "$(get "$base/code-entities-search-fuzzy?q=%20")" = 400 ] || fail "empty q"; ok

callee=$(sqlite3 g.db "select to_key from edges where resolved=1 and edge_type='Calls' order by to_key limit 1")
[ "$(get "$base/reverse-callers-query-graph?entity=$callee")" = 200 ] || fail callers
[ "$(field '[.data.callers[].to_key] | unique | .[0]')" = "$callee" ] || fail "callers body"
[ "$(field '.data.callers[0].resolved')" = true ] || fail "resolved flag"; ok
caller=$(sqlite3 g.db "select from_key from edges where resolved=1 and edge_type='Calls' order by from_key limit 1")
[ "$(get "$base/forward-callees-query-graph?entity=$caller")" = 200 ] || fail callees
[ "$(field '.data.total_count')" -ge 1 ] || fail "callees body"; ok
[ "$(get "$base/reverse-callers-query-graph")" = 400 ] || fail "missing entity"; ok

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
[ "$(field .data.scc_count)" = "$(field '.data.sccs | length')" ] || fail "scc count"
[ "$(field '[.data.sccs[].size] | . == (sort | reverse)')" = true ] || fail "scc order"; ok
[ "$(get "$base/circular-dependency-detection-scan")" = 200 ] || fail cycles
[ "$(field '[.data.cycles[] | .path[0] == .path[-1]] | all')" = true ] || fail "cycle paths"; ok
[ "$(get "$base/kcore-decomposition-layering-analysis?k=1")" = 200 ] || fail kcore
[ "$(field '[.data.entities[].coreness >= 1] | all')" = true ] || fail "k filter"; ok
[ "$(get "$base/centrality-measures-entity-ranking?top=3")" = 200 ] || fail pagerank
[ "$(field '[.data.entities[].rank] | join(",")')" = "1,2,3" ] || fail "ranks"
[ "$(field '[.data.entities[].score] | . == (sort | reverse)')" = true ] || fail "score order"; ok
[ "$(get "$base/centrality-measures-entity-ranking?method=Betweenness&top=2&scope=go")" = 200 ] || fail betweenness
[ "$(field .data.method)" = betweenness ] || fail "method echo"; ok

[ "$(get "$base/semantic-cluster-grouping-list")" = 200 ] || fail clusters
[ "$(field .data.total_entities)" = "$(field '[.data.clusters[].entity_count] | add')" ] || fail "cluster sizes"; ok
[ "$(get "$base/leiden-community-detection-clusters")" = 200 ] || fail leiden
[ "$(field .data.community_count)" = "$(field '.data.communities | length')" ] || fail "communities"
[ "$(field '.data.modularity | type')" = number ] || fail "modularity"; ok

[ "$(get "$base/ingestion-diagnostics-coverage-report?section=summary")" = 200 ] || fail diag
[ "$(field .data.summary.test_entities_count)" -ge 5 ] && [ "$(field .tokens)" = 100 ] || fail "diag summary"; ok
[ "$(get "$base/ingestion-diagnostics-coverage-report")" = 200 ] || fail "diag all"
[ "$(field '.data.test_entities_excluded.total_count')" = "$(field '.data.test_entities_excluded.entities | length')" ] || fail "diag tests"
[ "$(field '[.data.word_count_coverage.files[].raw_coverage_pct <= 100] | all')" = true ] || fail "coverage <= 100"; ok

[ "$(get "$base/complexity-hotspots-ranking-view?top=4")" = 200 ] || fail hotspots
[ "$(field '[.data.hotspots[].total_coupling] | . == (sort | reverse)')" = true ] || fail "hotspot order"
[ "$(field .data.total_entities_analyzed)" = 4 ] || fail "hotspot count"; ok
[ "$(get "$base/smart-context-token-budget?focus=$callee&tokens=300")" = 200 ] || fail context
[ "$(field '.data.tokens_used <= 300')" = true ] && [ "$(field '.data.context[0].relevance_type')" = direct_caller ] || fail "context body"; ok
[ "$(get "$base/technical-debt-sqale-scoring?min_debt=0")" = 200 ] || fail sqale
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
[ "$(get "$base/server-health-check-status")" = 200 ] || fail "still serving"; ok

# serve --db mem --root DIR indexes in memory first; bad arguments exit 2
set +e
"$pt" serve > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- "--db is required" err.txt || fail "serve without --db: $rc"; ok
set +e
"$pt" serve --db mem > /dev/null 2> err.txt; rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- "--db mem needs --root" err.txt || fail "mem without root: $rc"; ok
"$pt" serve --db mem --root "$fixtures/lang/go" --port "$((port + 1))" > server2.out 2>&1 &
pid2=$!
for _ in $(seq 100); do grep -q '^Ready' server2.out && break; sleep 0.1; done
port2=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server2.out)
[ "$(get "http://127.0.0.1:$port2/codebase-statistics-overview-summary")" = 200 ] || fail "mem server"
[ "$(field '.data.languages_detected_list | join(",")')" = go ] || fail "mem server languages"; ok
kill -INT "$pid2"; wait "$pid2" || true
grep -q '^Stopped.$' server2.out || fail "SIGINT stop"; ok

# a RocksDB index is served (the live index keeps it open to write through)
"$pt" index "$fixtures/lang/go" --db "rocksdb:$work/r.db" -q >/dev/null 2>&1 || fail "rocksdb index"
"$pt" serve --db "rocksdb:$work/r.db" --no-watch --port "$((port + 2))" > server3.out 2>&1 &
pid3=$!
for _ in $(seq 100); do grep -q '^Ready' server3.out && break; sleep 0.1; done
port3=$(sed -n 's/^Ready: listening on 127.0.0.1:\([0-9]*\).*/\1/p' server3.out)
[ "$(get "http://127.0.0.1:$port3/code-entities-list-all")" = 200 ] || fail "rocksdb server"
[ "$(field .data.total_count)" -gt 3 ] || fail "rocksdb entities"; ok
grep -q '^File watching off (--no-watch)' server3.out || fail "--no-watch line"; ok
[ "$(get "http://127.0.0.1:$port3/file-watcher-status-check")" = 200 ] || fail "watcher off"
[ "$(field .data.file_watching_enabled_flag)/$(field .data.watcher_currently_running_flag)" = false/false ] || fail "watcher off flags"; ok
kill -TERM "$pid3"; wait "$pid3" || true
"$pt" index "$fixtures/lang/go" --db "rocksdb:$work/r.db" -q >/dev/null 2>&1 || fail "rocksdb not released at stop"; ok

kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "server did not stop on SIGTERM"
grep -q '^Stopped.$' server.out || fail "no clean stop"; ok
pid=""
echo "$pass passed, 0 failed"
