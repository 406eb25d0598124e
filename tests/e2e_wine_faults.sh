#!/usr/bin/env bash
# Crash safety of the Windows build under wine (docs/reliability.md, "Kill
# tests"): the process killed (SIGKILL from Linux: wine gives it no chance
# to run any code, as TerminateProcess does) at random moments of
#  1. `parseltongue.exe index` over an older index (a temporary file
#     written in one transaction, then moved over analysis.db with
#     MoveFileExW, the Windows default's save),
#  2. the Windows default itself (no --db: ingestion in memory, then the
#     first analysis.db of a new workspace),
#  3. the Windows service's stop with a change pending: sc stop, whose
#     final backup writes the change.
# After each kill analysis.db opens and dumps byte for byte as the old or
# the new complete index (or, for 2, is absent), and the next run succeeds,
# gives the new index and leaves no temporary file (for 2: the next run
# succeeds; a killed run's workspace is its own, see docs/reliability.md).
# PT_KILL_ITERATIONS (default 2) sets the kills of 1 and 3, half as many
# for 2; PT_KILL_SECTIONS picks sections among index, default and service.
# usage: e2e_wine_faults.sh PARSELTONGUE_EXE NATIVE_PARSELTONGUE FIXTURES_DIR
# WINEPREFIX names a prepared prefix (CTest sets it; see wine_session.sh).
set -euo pipefail
exe=$1
native=$2
fixtures=$3
iters=${PT_KILL_ITERATIONS:-2}
export WINEDEBUG=-all
work=$(mktemp -d)
wineserver -p >/dev/null 2>&1 || true # services die with the wineserver
pid=""
svc=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  if [ -n "$svc" ]; then
    wine sc stop "$svc" >/dev/null 2>&1 || true
    wine sc delete "$svc" >/dev/null 2>&1 || true
    rm -rf "$(data_of "$svc")"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
data_of() { printf '%s/drive_c/ProgramData/Parseltongue/%s' "$WINEPREFIX" "$1"; }
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; tr -d '\r' < "$f" | tail -n 30; }; done
  if [ -n "$svc" ] && [ -f "$(data_of "$svc")/service.log" ]; then
    echo "--- service.log"
    tr -d '\r' < "$(data_of "$svc")/service.log" | tail -n 30
  fi
  exit 1
}
cd "$work"
# Linux path -> the same file seen from wine (its drive Z: is /).
win() { printf 'Z:%s' "$1" | tr '/' '\\'; }
# Runs the Windows program; its stdout and stderr (CRLF) go to $1 as LF.
wpt() {
  local out=$1 rc=0
  shift
  wine "$exe" "$@" > "$out.raw" 2>&1 || rc=$?
  tr -d '\r' < "$out.raw" > "$out"
  rm -f "$out.raw"
  return $rc
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
nap_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
# a random whole number in [0, n)
rnd() { echo $(( (RANDOM * 32768 + RANDOM) % $1 )); }
leftovers() { find "$(dirname "$1")" -maxdepth 1 -name "$(basename "$1").tmp-*" | wc -l; }
# kill_when ITER SPAN PID GLOB: SIGKILL to PID at a random moment within
# SPAN ms (ITER odd), or (ITER even) within 80 ms of the first file
# matching GLOB, the save's temporary file (not the probe file of the
# store's open, <db>.tmp-<pid>-probe): in the save, or just after.
# Counts what it killed in $kills; $killed says whether this one was.
kill_when() {
  killed=0
  if [ $(($1 % 2)) = 1 ]; then
    nap_ms "$(rnd "$2")"
  else
    while kill -0 "$3" 2>/dev/null && ! compgen -G "$4" > /dev/null; do
      sleep 0.005
    done
    nap_ms "$(rnd 80)"
  fi
  if kill -9 "$3" 2>/dev/null; then kills=$((kills + 1)) killed=1; fi
}
# tally WHAT I SAVING: counts $got in $old or $new, and prints one line
tally() {
  [ "$got" = old ] && old=$((old + 1)) || new=$((new + 1))
  local how=ended
  [ "$killed" = 1 ] && how=killed
  [ "$3" = 1 ] && how="$how in the save"
  echo "  $1 $2: $how, $got"
}

# state NAME: src/ as tree a (three languages) or b (a language gone, two
# come, a function added), as in e2e_faults.
state() {
  rm -rf src && mkdir src
  case $1 in
  a) cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$fixtures/lang/go" src/ ;;
  b)
    cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$fixtures/lang/rust" \
      "$fixtures/lang/java" src/
    echo 'int added_in_b(void) { return 0; }' >> src/c/src/main.c ;;
  esac
}

# which_state DB TAG_OLD TAG_NEW: $got is "old" or "new" by the dump of
# DB, or it fails
which_state() {
  # a dump that cannot be written (a full disk) fails; it once passed for
  # an empty index (docs/reliability.md, "Kills under wine")
  "$native" dump --db "sqlite:$1" > got.dump 2> dump.out ||
    fail "the dump of $1 after a kill failed: $(cat dump.out)"
  if cmp -s got.dump "$2.dump"; then got=old
  elif cmp -s got.dump "$3.dump"; then got=new
  else
    # kept for a look
    cp "$1" "${TMPDIR:-/tmp}/e2e_wine_faults-$$.db" || true
    fail "$1 holds neither the old nor the new index (kept as" \
      "${TMPDIR:-/tmp}/e2e_wine_faults-$$.db): $(diff "$2.dump" got.dump | head -n 10)"
  fi
}
# is_state DB TAG_OLD TAG_NEW WANT WHAT: fails with WHAT unless DB is WANT
is_state() {
  which_state "$1" "$2" "$3"
  [ "$got" = "$4" ] || fail "$5: $1 holds the $got index, not the $4 one"
}

# The reference dumps, from the same root string as every run below.
for s in a b; do
  state $s
  wpt ref.out index "$(win "$work/src")" --db "sqlite:$(win "$work/ref_$s.db")" -q ||
    fail "indexing $s"
  "$native" dump --db "sqlite:$work/ref_$s.db" > "$s.dump" || fail "dump of $s"
done
cmp -s a.dump b.dump && fail "a and b dump alike"

# ---- 1. killed during index over an older index --------------------------
kill_index() {
  db=$work/keep/analysis.db
  mkdir -p keep
  state b
  cp ref_a.db "$db"
  t0=$(now_ms)
  wpt first.out index "$(win "$work/src")" --db "sqlite:$(win "$db")" -q || fail "a whole run"
  span=$(( $(now_ms) - t0 + 20 ))
  kills=0 old=0 new=0 in_save=0
  for i in $(seq "$iters"); do
    rm -f "$db" && cp ref_a.db "$db"
    wine "$exe" index "$(win "$work/src")" --db "sqlite:$(win "$db")" -q > /dev/null 2>&1 &
    pid=$!
    kill_when "$i" "$span" "$pid" "$db.tmp-*-[0-9]*"
    wait "$pid" 2>/dev/null || true
    pid=""
    saving=0
    [ "$(leftovers "$db")" -gt 0 ] && saving=1 in_save=$((in_save + 1))
    which_state "$db" a b
    tally index "$i" $saving
    wpt next.out index "$(win "$work/src")" --db "sqlite:$(win "$db")" -q ||
      fail "the run after kill $i"
    is_state "$db" a b new "the run after kill $i is not the new index"
    [ "$(leftovers "$db")" -eq 0 ] || fail "leftovers after the run after kill $i: $(ls keep)"
  done
  echo "kill during index (sqlite over an index): $iters runs, $kills killed" \
    "($in_save in the save), $old old, $new new, 0 lost"
}

# ---- 2. killed during the Windows default (no --db) ------------------------
kill_default() {
  state b
  rm -rf ws && mkdir ws
  t0=$(now_ms)
  (cd ws && wpt "$work/default.out" index "$(win "$work/src")" -q) || fail "a default run"
  span=$(( $(now_ms) - t0 + 20 ))
  n2=$(( (iters + 1) / 2 ))
  kills=0 absent=0 new=0 left=0
  for i in $(seq "$n2"); do
    rm -rf ws && mkdir ws && cd ws
    wine "$exe" index "$(win "$work/src")" -q > /dev/null 2>&1 &
    pid=$!
    kill_when "$i" "$span" "$pid" "$work/ws/*/analysis.db.tmp-*-[0-9]*"
    wait "$pid" 2>/dev/null || true
    pid=""
    cd "$work"
    f=$(find ws -name analysis.db)
    got=absent
    if [ -z "$f" ]; then
      absent=$((absent + 1))
    else
      is_state "$f" a b new "the default's analysis.db is not the new index"
      new=$((new + 1))
    fi
    saving=0
    [ -n "$(find ws -name 'analysis.db.tmp-*')" ] && saving=1 left=$((left + 1))
    echo "  default $i: $([ "$killed" = 1 ] && echo killed || echo ended)$([ $saving = 1 ] && echo ' in the save'), $got"
    rm -rf ws && mkdir ws
    (cd ws && wpt "$work/default.out" index "$(win "$work/src")" -q) ||
      fail "the default run after kill $i"
    f=$(find ws -name analysis.db)
    [ -n "$f" ] || fail "the default run after kill $i saved no analysis.db"
    is_state "$f" a b new "the default run after kill $i"
    [ "$(leftovers "$f")" -eq 0 ] || fail "the default run after kill $i left a temporary file"
  done
  echo "kill during the default index: $n2 runs, $kills killed, $absent" \
    "without analysis.db ($left with a temporary file), $new new, 0 lost"
}

# ---- 3. the service killed during its stop with a change pending ----------
kill_service() {
  # The tree of section 1's b and 6,000 generated functions, so that the
  # stop's backup takes a while; one file comes and goes (x and y), the
  # service stopped (sc stop) right after the change, killed at a random
  # moment of the stop; the next start picks the change up and its stop
  # saves it.
  state b
  t=$work/src
  for d in $(seq 20); do
    mkdir -p "$t/gen/m$d"
    awk -v d="$d" 'BEGIN { for (i = 0; i < 300; i++) {
      printf "int f%d_%d(int x) { return f%d_%d(x) + g%d(x); }\n", d, i, d, (i + 1) % 300, i } }' \
      > "$t/gen/m$d/a.c"
  done
  svc=PtE2eKill$$
  sdb="$(data_of "$svc")/analysis.db"
  port=$((20000 + ($$ * 11) % 12000)) # below the ephemeral ports
  while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done
  toggle() { # x: without kill_me.c, y: with it
    if [ "$1" = y ]; then
      printf 'int stop_kill_fn(void) { return 1; }\n' > "$t/kill_me.c"
    else
      rm -f "$t/kill_me.c"
    fi
  }
  for s in x y; do
    toggle $s
    wpt ref.out index "$(win "$t")" --db "sqlite:$(win "$work/ref_$s.db")" -q || fail "indexing $s"
    "$native" dump --db "sqlite:$work/ref_$s.db" > "$s.dump" || fail "dump of $s"
  done
  toggle x
  svc_state() { wine sc query "$svc" 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *//p' | awk '{print $1}'; }
  wait_state() {
    for _ in $(seq 1 300); do [ "$(svc_state)" = "$1" ] && return 0; sleep 0.1; done
    fail "the service is not $1 but $(svc_state)"
  }
  svc_pid() { pgrep -f "service run --root .* --name $svc --port $port" || true; }
  wait_gone() {
    for _ in $(seq 1 300); do [ -z "$(svc_pid)" ] && return 0; sleep 0.1; done
    fail "the service process did not end"
  }
  auth=()
  # seen Y|X: waits until the API shows kill_me.c's function (or its absence)
  seen() {
    local want=0 n
    [ "$1" = y ] && want=1
    for _ in $(seq 1 300); do
      n=$(curl -s --max-time 5 "${auth[@]}" \
        "http://127.0.0.1:$port/code-entities-search-fuzzy?q=stop_kill_fn" |
        jq '[.data.entities[]? | select(.name == "stop_kill_fn")] | length' 2>/dev/null || true)
      [ "$n" = "$want" ] && return 0
      sleep 0.1
    done
    fail "the service did not show state $1"
  }
  start() {
    wine sc start "$svc" > start.out 2>&1 || fail "sc start"
    wait_state RUNNING
  }
  stop() {
    wine sc stop "$svc" > stop.out 2>&1 || fail "sc stop"
    wait_state STOPPED
    wait_gone
  }
  wpt install.out service install --root "$(win "$t")" --name "$svc" --port "$port" \
    --start demand || fail "service install"
  wait_state RUNNING
  auth=(-H "Authorization: Bearer $(tr -d '\r\n' < "$(data_of "$svc")/token")")
  seen x
  stop
  is_state "$sdb" x y old "the service's first index"
  # How long a stop with a change pending takes, from sc stop to the end of
  # the process: the span the kills fall in.
  cur=x
  start
  toggle y
  seen y
  t0=$(now_ms)
  stop
  span=$(( $(now_ms) - t0 ))
  is_state "$sdb" x y new "a clean stop did not save the change"
  cur=y
  kills=0 old=0 new=0 in_save=0
  for i in $(seq "$iters"); do
    nxt=x
    [ $cur = x ] && nxt=y
    start
    seen $cur
    p=$(svc_pid)
    [ -n "$p" ] || fail "no service process"
    # the stop reaches the service after wine's sc has started (a few tenths
    # of a second), when the change has been seen but its backup (a second
    # after it) has not run: the stop's final backup writes it
    toggle $nxt
    wine sc stop "$svc" > stop.out 2>&1 &
    kill_when "$i" "$span" "$p" "$sdb.tmp-*-[0-9]*"
    wait $! 2>/dev/null || true
    wait_gone
    saving=0
    [ "$(leftovers "$sdb")" -gt 0 ] && saving=1 in_save=$((in_save + 1))
    which_state "$sdb" $cur $nxt
    tally stop "$i" $saving
    # wine's service manager does not notice the kill: the next start works
    # all the same (e2e_service); its first pass finds the change
    start
    seen $nxt
    stop
    is_state "$sdb" $cur $nxt new "the start after kill $i"
    [ "$(leftovers "$sdb")" -eq 0 ] || fail "leftovers after the start after kill $i"
    cur=$nxt
  done
  echo "kill during the service's stop: $iters stops (of about $span ms)," \
    "$kills killed ($in_save in the save), $old old, $new new, 0 lost"
  wine sc delete "$svc" > /dev/null 2>&1 || fail "sc delete"
  rm -rf "$(data_of "$svc")"
  svc=""
}

for s in ${PT_KILL_SECTIONS:-index default service}; do
  "kill_$s"
done
echo "PASS e2e_wine_faults"
