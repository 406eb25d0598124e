#!/usr/bin/env bash
# The Windows service end to end under wine's service manager:
#  1. `service install` on a small tree (the exe in a folder with spaces):
#     sc query shows RUNNING, the API answers over loopback, files created,
#     edited, renamed and deleted are seen through the API, a file made
#     while paused (service pause) is seen on continue, `service status`
#     reads state and entities, sc stop writes analysis.db, which then holds
#     what a fresh index of the edited tree holds (the Linux build's dump),
#     and `service uninstall` leaves no service;
#  2. the same registered with plain `sc create ... binPath= "\"...\" service
#     run ..."`, and one whose command line lacks --root (exit code 1);
#  3. the service process killed (taskkill /F) right when a backup is due:
#     analysis.db is whole (integrity check, a dump) and the service starts
#     again from it.
# usage: e2e_service.sh PARSELTONGUE_EXE NATIVE_PARSELTONGUE FIXTURES_DIR
# WINEPREFIX names a prepared prefix (CTest sets it; see wine_session.sh).
set -euo pipefail
exe_built=$1
native=$2
fixtures=$3
export WINEDEBUG=-all
work=$(mktemp -d)
wineserver -p >/dev/null 2>&1 || true # services die with the wineserver
services=()
cleanup() {
  for n in "${services[@]}"; do
    wine sc stop "$n" >/dev/null 2>&1 || true
    wine sc delete "$n" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
data_of() { printf '%s/drive_c/ProgramData/Parseltongue/%s' "$WINEPREFIX" "$1"; }
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; tr -d '\r' < "$f"; }; done
  for n in "${services[@]}"; do
    l="$(data_of "$n")/service.log"
    [ -f "$l" ] && { echo "--- $l"; tr -d '\r' < "$l" | tail -n 30; }
  done
  exit 1
}
pass=0
ok() { pass=$((pass + 1)); }
win() { printf 'Z:%s' "$1" | tr '/' '\\'; }
# The exe in a folder with a space, as under Program Files.
mkdir -p "$work/Program Files/Pt"
cp "$exe_built" "$work/Program Files/Pt/parseltongue.exe"
exe="$work/Program Files/Pt/parseltongue.exe"
wpt() {
  local out=$1 rc=0
  shift
  wine "$exe" "$@" > "$out.raw" 2>&1 || rc=$?
  tr -d '\r' < "$out.raw" > "$out"
  rm -f "$out.raw"
  return $rc
}
state() { wine sc query "$1" 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *//p' | awk '{print $1}'; }
wait_state() { # name state
  for _ in $(seq 1 300); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.1; done
  return 1
}
# Every route but the health check needs the service's bearer token:
# use_token NAME sends the one of NAME's data folder from then on.
auth=()
use_token() {
  local f
  f="$(data_of "$1")/token"
  [ -f "$f" ] || fail "$1: no token file in its data folder"
  auth=(-H "Authorization: Bearer $(tr -d '\r\n' < "$f")")
}
get() { curl -s --max-time 5 "${auth[@]}" "http://127.0.0.1:$1$2"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1$2"; }
# Waits until GET $2 on port $1 does (or, with "!", does not) contain $3.
wait_api() {
  local port=$1 path=$2 want=$3 neg=${4:-}
  for _ in $(seq 1 150); do
    if get "$port" "$path" | grep -q -- "$want"; then
      [ -z "$neg" ] && return 0
    else
      [ -n "$neg" ] && return 0
    fi
    sleep 0.1
  done
  return 1
}
make_tree() {
  mkdir -p "$1/lib"
  printf 'int helper(void) { return 1; }\nint main(void) { return helper(); }\n' > "$1/a.c"
  printf 'def greet():\n    return "hi"\n' > "$1/lib/b.py"
}
# The dump of analysis.db equals the Linux build's dump of a fresh index
# of the same tree, but for the root (a Windows path there).
same_as_fresh() { # db tree tag
  "$native" dump --db "sqlite:$1" > "$work/$3.svc.dump" 2> "$work/$3.dump.out" || fail "$3: dump of the service's file"
  "$native" index "$2" --db "sqlite:$work/$3.fresh.db" -q > /dev/null 2>&1 || fail "$3: fresh index"
  "$native" dump --db "sqlite:$work/$3.fresh.db" > "$work/$3.fresh.dump" 2>> "$work/$3.dump.out" || fail "$3: dump"
  diff <(grep -v '^meta	root	' "$work/$3.fresh.dump") <(grep -v '^meta	root	' "$work/$3.svc.dump") > "$work/$3.diff" ||
    fail "$3: analysis.db is not a fresh index of the edited tree: $(head -n 20 "$work/$3.diff")"
}
# Create, edit, rename and delete, each seen through the API on $1.
edits() { # port tree
  local p=$1 t=$2
  printf 'int created_fn(void) { return helper(); }\n' > "$t/c.c"
  wait_api "$p" "/code-entities-search-fuzzy?q=created_fn" '"created_fn"' || fail "created file not seen"
  printf 'int helper(void) { return 2; }\nint edited_fn(void) { return 3; }\nint main(void) { return helper(); }\n' > "$t/a.c"
  wait_api "$p" "/code-entities-search-fuzzy?q=edited_fn" '"edited_fn"' || fail "edit not seen"
  mv "$t/lib/b.py" "$t/lib/renamed.py"
  wait_api "$p" "/code-entities-list-all" 'renamed.py' || fail "rename not seen"
  wait_api "$p" "/code-entities-list-all" 'lib/b.py' not || fail "old name still there"
  rm "$t/c.c"
  wait_api "$p" "/code-entities-search-fuzzy?q=created_fn" '"created_fn"' not || fail "deleted file still there"
}

# ---- 1. service install ---------------------------------------------------------
t1="$work/src one"
make_tree "$t1"
n1=PtE2eInstall
# Ports by process id: a port a server of a run a moment ago still holds
# in TIME_WAIT cannot be bound again under wine, and other suites on the
# same machine use fixed ones.
base=$((20000 + ($$ * 7) % 20000))
p1=$base
services+=("$n1")
wpt "$work/run.out" service run --root "$(win "$t1")" --name "$n1" && fail "run from a console succeeded"
grep -q "error 1063" "$work/run.out" || fail "no 1063 explanation"
grep -q "service install" "$work/run.out" || fail "run does not say how to install"; ok
wpt "$work/install.out" service install --root "$(win "$t1")" --name "$n1" --port $p1 --start demand ||
  fail "install failed"
[ "$(state "$n1")" = RUNNING ] || fail "sc query: $(state "$n1")"
get $p1 /server-health-check-status | grep -q '"status":"ok"' || fail "the API does not answer"
grep -qF "Parseltongue\\$n1\\token (every route" "$work/install.out" || fail "install does not say where the token is"
[ "$(status_of $p1 /code-entities-list-all)" = 401 ] || fail "a route answered without the token"
[ "$(status_of $p1 /server-health-check-status)" = 200 ] || fail "the health check needs the token"
use_token "$n1"
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${auth[@]}" "http://127.0.0.1:$p1/code-entities-list-all")" = 200 ] ||
  fail "the token of the data folder is refused"
# wine starts an unquoted path too: read the registered command back
image=$(wine reg query "HKLM\\System\\CurrentControlSet\\Services\\$n1" /v ImagePath | tr -d '\r')
echo "$image" | grep -qF "\"$(win "$exe")\" service run --root \"$(win "$t1")\" --name $n1 --port $p1" ||
  fail "ImagePath: $image"
wpt "$work/again.out" service install --root "$(win "$t1")" --name "$n1" --port $((base + 1)) &&
  fail "a second install under the same name succeeded"
grep -q "already exists" "$work/again.out" || fail "taken name: no clear message"
wpt "$work/noroot.out" service install --root 'Z:\no\such\folder' --name PtE2eNone --port $((base + 2)) &&
  fail "install with a missing root succeeded"
grep -q "does not exist" "$work/noroot.out" || fail "missing root: no clear message"
wpt "$work/port.out" service install --root "$(win "$t1")" --name PtE2ePort --port $p1 &&
  fail "install on a port in use succeeded"
grep -q "in use" "$work/port.out" || fail "port in use: no clear message"; ok
edits $p1 "$t1"; ok
# PAUSE and CONTINUE through the service manager (wine's sc has no pause):
# paused, a new file waits; continued, it is seen.
wpt "$work/pause.out" service pause --name "$n1" || fail "service pause"
grep -qx "$n1: PAUSED" "$work/pause.out" || fail "not PAUSED"
[ "$(state "$n1")" = PAUSED ] || fail "sc query: $(state "$n1")"
printf 'int while_paused(void) { return 1; }\n' > "$t1/p.c"
sleep 1.5
get $p1 "/code-entities-search-fuzzy?q=while_paused" | grep -q '"while_paused"' &&
  fail "a file was indexed while paused"
get $p1 /server-health-check-status | grep -q '"status":"ok"' || fail "the API does not answer while paused"
wpt "$work/continue.out" service continue --name "$n1" || fail "service continue"
grep -qx "$n1: RUNNING" "$work/continue.out" || fail "not RUNNING after continue"
wait_api $p1 "/code-entities-search-fuzzy?q=while_paused" '"while_paused"' || fail "the paused change not seen"
rm "$t1/p.c"
wait_api $p1 "/code-entities-search-fuzzy?q=while_paused" '"while_paused"' not || fail "p.c still there"; ok
# status reads port, entities and the last backup from the health check
for _ in $(seq 100); do
  get $p1 /server-health-check-status | grep -q '"last_backup_epoch_seconds":[0-9]' && break
  sleep 0.1
done
n_api=$(get $p1 /server-health-check-status |
        sed -n 's/.*"code_entities_total_count":\([0-9]*\).*/\1/p')
wpt "$work/status.out" service status --name "$n1" || fail "status failed"
grep -q '^State: *RUNNING' "$work/status.out" || fail "status: state"
grep -q "^Port: *$p1" "$work/status.out" || fail "status: port"
grep -q "^Entities: *$n_api\$" "$work/status.out" || fail "status: entities ($n_api)"
tf=$(sed -n 's/^Token file: *//p' "$work/status.out")
[[ "$tf" == *"Parseltongue\\$n1\\token" ]] || fail "status: token file '$tf'"
grep -Eq '^Last backup: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$work/status.out" ||
  fail "status: last backup: $(grep '^Last backup' "$work/status.out")"; ok
wine sc stop "$n1" > /dev/null 2>&1 || fail "sc stop"
wait_state "$n1" STOPPED || fail "not STOPPED after sc stop"
wpt "$work/status3.out" service status --name "$n1" || fail "status (stopped) failed"
grep -q '^Entities: *- ' "$work/status3.out" || fail "stopped status: entities"
grep -Eq '^Last backup: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$work/status3.out" ||
  fail "stopped status: last backup (the file's time)"; ok
db1="$(data_of "$n1")/analysis.db"
[ -f "$db1" ] || fail "no $db1"
same_as_fresh "$db1" "$t1" install; ok
wpt "$work/uninstall.out" service uninstall --name "$n1" || fail "uninstall failed"
wine sc query "$n1" > /dev/null 2>&1 && fail "the service is still registered"
[ -f "$db1" ] || fail "uninstall removed the data"; ok

# ---- 2. plain sc create ---------------------------------------------------------
# A command line without --root: the service stops at once with exit code
# 1 (sc query shows it), instead of leaving the manager to time out.
nb=PtE2eBad
services+=("$nb")
wine sc create "$nb" binPath= "\"$(win "$exe")\" service run --name $nb" start= demand \
  > "$work/scbad.out" 2>&1 || fail "sc create $nb"
wine sc start "$nb" > /dev/null 2>&1 || true
wait_state "$nb" STOPPED || fail "$nb: not STOPPED"
wine sc query "$nb" | tr -d '\r' | grep -q 'SERVICE_EXIT_CODE *: *1 ' ||
  fail "$nb: $(wine sc query "$nb" | tr -d '\r')"
grep -q "bad arguments" "$(data_of "$nb")/service.log" || fail "$nb: nothing logged"
wine sc delete "$nb" > /dev/null 2>&1 || fail "sc delete $nb"; ok
t2="$work/src2"
make_tree "$t2"
n2=PtE2eSc
p2=$((base + 3))
services+=("$n2")
bin="\"$(win "$exe")\" service run --root $(win "$t2") --name $n2 --port $p2"
wine sc create "$n2" binPath= "$bin" start= demand > "$work/sc.out" 2>&1 || fail "sc create"
wine sc start "$n2" > /dev/null 2>&1 || fail "sc start"
wait_state "$n2" RUNNING || fail "sc: not RUNNING: $(state "$n2")"
use_token "$n2" # made at its first start
get $p2 /server-health-check-status | grep -q '"status":"ok"' || fail "sc: the API does not answer"
edits $p2 "$t2"; ok
wine sc stop "$n2" > /dev/null 2>&1 || fail "sc stop"
wait_state "$n2" STOPPED || fail "sc: not STOPPED"
db2="$(data_of "$n2")/analysis.db"
same_as_fresh "$db2" "$t2" sc; ok

# ---- 3. killed when a backup is due ------------------------------------------------
# A bigger tree, so a backup takes a while; the kill lands 0.9 to 1.2 s
# after an update, around when its backup (1 s after) runs. Wine's service
# manager does not notice the process die (sc query stays RUNNING), so we
# wait for the process itself; sc start then starts it again.
cp -r "$fixtures/lang" "$t2/lang"
running() { pgrep -f "service run --root .*$n2" > /dev/null; }
wine sc start "$n2" > /dev/null 2>&1 || fail "sc start again"
wait_state "$n2" RUNNING || fail "not RUNNING again"
delays=(0.9 1.05 1.2)
for i in 1 2 3; do
  printf 'int kill_%d(void) { return %d; }\n' "$i" "$i" > "$t2/kill$i.c"
  wait_api $p2 "/code-entities-search-fuzzy?q=kill_$i" "\"kill_$i\"" || fail "kill_$i not seen"
  wpt "$work/status2.out" service status --name "$n2" || fail "status of $n2"
  pid=$(sed -n 's/^PID: *//p' "$work/status2.out")
  [ -n "$pid" ] || fail "status names no PID"
  sleep "${delays[i-1]}"
  # by its pid: other tests' parseltongue.exe may run in this prefix
  wine taskkill /F /PID "$pid" > "$work/kill.out" 2>&1 || fail "taskkill"
  for _ in $(seq 1 100); do running || break; sleep 0.1; done
  running && fail "the service process survived taskkill"
  [ "$(sqlite3 "$db2" 'PRAGMA integrity_check')" = ok ] || fail "analysis.db is damaged after kill $i"
  "$native" dump --db "sqlite:$db2" > "$work/killed.dump" 2> "$work/killed.out" ||
    fail "analysis.db does not load after kill $i"
  wine sc start "$n2" > /dev/null 2>&1 || fail "sc start after kill $i"
  wait_api $p2 "/code-entities-search-fuzzy?q=kill_$i" "\"kill_$i\"" || fail "restarted after kill $i without kill_$i"
done; ok
wine sc stop "$n2" > /dev/null 2>&1 || true
wait_state "$n2" STOPPED || fail "not STOPPED at the end"
wine sc delete "$n2" > /dev/null 2>&1 || fail "sc delete"
wine sc query "$n2" > /dev/null 2>&1 && fail "sc delete left the service"
echo "e2e_service: $pass checks passed"
