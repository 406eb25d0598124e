#!/usr/bin/env bash
# Crash safety end to end (docs/reliability.md). SIGKILL at random moments
# of pt01 indexing into SQLite and into RocksDB over an older index, and of
# a live server writing an edit through (RocksDB) or backing it up
# (SQLite): after each kill the store opens and dumps as the old or the new
# complete index, never anything else, and the next run succeeds and leaves
# no temporary file. Then a full disk (a small tmpfs; needs root, skipped
# otherwise): the save fails with a clear error, the old index stays whole
# and nothing is left behind; once there is room the next run succeeds.
# Between the two, pt01 killed at each sync of its update of a SQLite
# index in place (needs strace; skipped otherwise).
# PT_KILL_ITERATIONS (default 4) sets the kills per engine for pt01, half
# as many for the server (docs/reliability.md has a long run).
# usage: e2e_faults.sh PARSELTONGUE FIXTURES_DIR
set -euo pipefail
pt=$1
fixtures=$2
iters=${PT_KILL_ITERATIONS:-4}
work=$(mktemp -d)
pid=""
mnt=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
  if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

# state NAME: src/ as tree a (three languages), b (a changed throughout:
# a language gone, two added, a function added) or a1 (a plus one function,
# written as editors do: a new file renamed over the old one).
state() {
  case $1 in
  a)
    rm -rf src && mkdir src
    cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$fixtures/lang/go" src/ ;;
  b)
    rm -rf src && mkdir src
    cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$fixtures/lang/rust" \
      "$fixtures/lang/java" src/
    echo 'int added_in_b(void) { return 0; }' >> src/c/src/main.c ;;
  a1)
    cp src/c/src/main.c src/c/src/.main.c.swp
    echo 'int added_in_a1(void) { return 1; }' >> src/c/src/.main.c.swp
    mv src/c/src/.main.c.swp src/c/src/main.c ;;
  esac
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
nap_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
# a random whole number in [0, n)
rnd() { echo $(( (RANDOM * 32768 + RANDOM) % $1 )); }

# db_of ENGINE NAME: the path of a store
db_of() { [ "$1" = sqlite ] && echo "$work/$2.db" || echo "$work/$2.rdb"; }
copy_db() { rm -rf "$2" && cp -R "$1" "$2"; }
# what a killed save leaves: SQLite's temporary copy beside the file,
# RocksDB's table files not yet taken in, inside the folder
leftovers() { ls -d "$1".tmp-* "$1"/parseltongue-save.tmp-* 2>/dev/null | wc -l; }

# The reference dumps, from the same root path as every run below.
for e in sqlite rocksdb; do
  for s in a b; do
    state $s
    "$pt" index src --db "$e:$(db_of $e ref_$s)" -q --threads 2 ||
      fail "$e: indexing $s"
    "$pt" dump --db "$e:$(db_of $e ref_$s)" > "$e.$s.dump"
  done
  state a
  state a1
  "$pt" index src --db "$e:$(db_of $e ref_a1)" -q --threads 2
  "$pt" dump --db "$e:$(db_of $e ref_a1)" > "$e.a1.dump"
  cmp -s "$e.a.dump" "$e.b.dump" && fail "$e: a and b dump alike"
  cmp -s "$e.a.dump" "$e.a1.dump" && fail "$e: a and a1 dump alike"
done

# which ENGINE DB OLD NEW: "old" or "new" by the store's dump, or fails
which_state() {
  "$pt" dump --db "$1:$2" > got.dump 2> dump.err ||
    fail "$1: the store does not open after a kill: $(cat dump.err)"
  if cmp -s got.dump "$1.$3.dump"; then echo old
  elif cmp -s got.dump "$1.$4.dump"; then echo new
  else fail "$1: the store holds neither the old nor the new index"
  fi
}

# ---- kill -9 during pt01 --------------------------------------------------
for e in sqlite rocksdb; do
  db=$(db_of $e kill)
  state b
  copy_db "$(db_of $e ref_a)" "$db"
  t0=$(now_ms)
  "$pt" index src --db "$e:$db" -q --threads 2
  span=$(( $(now_ms) - t0 + 20 ))
  kills=0 old=0 new=0 in_save=0
  for i in $(seq "$iters"); do
    copy_db "$(db_of $e ref_a)" "$db"
    "$pt" index src --db "$e:$db" -q --threads 2 >/dev/null 2>&1 &
    pid=$!
    # every other kill lands in the last 40 % of a run, where the save is
    if [ $((i % 2)) = 0 ]; then
      nap_ms $(( span * 6 / 10 + $(rnd $(( span * 4 / 10 ))) ))
    else
      nap_ms "$(rnd "$span")"
    fi
    if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null || true
    pid=""
    [ "$(leftovers "$db")" -gt 0 ] && in_save=$((in_save + 1))
    case $(which_state $e "$db" a b) in
    old) old=$((old + 1)) ;;
    new) new=$((new + 1)) ;;
    esac
    "$pt" index src --db "$e:$db" -q --threads 2 > next.out 2>&1 ||
      fail "$e: the run after kill $i: $(cat next.out)"
    [ "$(which_state $e "$db" a b)" = new ] || fail "$e: the next run"
    [ "$(leftovers "$db")" -eq 0 ] || fail "$e: leftovers after the next run"
  done
  echo "kill during index ($e): $iters runs, $kills killed ($in_save in the" \
    "save), $old old, $new new, 0 lost"
done

# ---- kill -9 inside pt01's update of a SQLite index in place --------------
# On POSIX a re-run writes its changes into the SQLite file itself, in one
# transaction of SQLite's rollback journal. strace kills pt01 at the n-th
# call of each sync in turn (the probe's fsync, then the update's
# fdatasyncs: the journal, its folder, the journal's header, the file): a
# hot journal a kill leaves is rolled
# back by the next opener, so the store dumps as the old index; the run
# that is not killed leaves the new index in the same file (its inode).
if command -v strace > /dev/null 2>&1; then
  db=$(db_of sqlite inplace)
  state a
  state a1
  n=0 hot=0
  while :; do
    n=$((n + 1))
    [ $n -le 20 ] || fail "sqlite in place: still killed at sync $n"
    copy_db "$(db_of sqlite ref_a)" "$db"
    inode=$(stat -c %i "$db")
    rc=0
    # (LeakSanitizer cannot run under ptrace: off in a sanitizer build)
    (ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
      strace -f -qq -o /dev/null -e trace=fsync,fdatasync \
      -e inject=fsync,fdatasync:signal=KILL:when=$n \
      "$pt" index src --db "sqlite:$db" -q --threads 2 > inplace.out 2>&1) \
      2> /dev/null || rc=$?
    if [ $rc = 0 ]; then
      [ "$(which_state sqlite "$db" a a1)" = new ] ||
        fail "sqlite in place: the run that finished left the old index"
      [ "$(stat -c %i "$db")" = "$inode" ] ||
        fail "sqlite in place: the index was replaced, not updated"
      break
    fi
    [ -e "$db-journal" ] && hot=$((hot + 1))
    [ "$(which_state sqlite "$db" a a1)" = old ] ||
      fail "sqlite in place: killed at sync $n, the store is not the old index"
  done
  [ $hot -gt 0 ] || fail "sqlite in place: no kill left a journal to roll back"
  echo "kill inside a SQLite update in place: $((n - 1)) kills, one at each" \
    "sync, $hot with a journal, all the old index"
else
  echo "kill inside a SQLite update in place: skipped (no strace)"
fi

# ---- kill -9 during a live server's write-through or backup ---------------
# serve_bg ENGINE DB: starts a watching server, waits until it listens
serve_bg() {
  : > serve.out
  "$pt" serve --db "$1:$2" --port 0 > serve.out 2>&1 &
  pid=$!
  local i
  for i in $(seq 400); do
    grep -q '^Ready: listening' serve.out && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  fail "$1: server not ready: $(cat serve.out)"
}

for e in sqlite rocksdb; do
  db=$(db_of $e serve)
  # SQLite backs up once changes pause for a second; RocksDB writes at once
  span=1800
  [ $e = rocksdb ] && span=400
  kills=0 old=0 new=0
  for i in $(seq $(( (iters + 1) / 2 ))); do
    state a
    copy_db "$(db_of $e ref_a)" "$db"
    serve_bg $e "$db"
    state a1
    nap_ms "$(rnd "$span")"
    if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null || true
    pid=""
    case $(which_state $e "$db" a a1) in
    old) old=$((old + 1)) ;;
    new) new=$((new + 1)) ;;
    esac
    "$pt" index src --db "$e:$db" -q --threads 2 > next.out 2>&1 ||
      fail "$e: the run after server kill $i: $(cat next.out)"
    [ "$(which_state $e "$db" a a1)" = new ] || fail "$e: the next run"
    [ "$(leftovers "$db")" -eq 0 ] || fail "$e: leftovers after the next run"
  done
  echo "kill during serve ($e): $kills killed, $old old, $new new, 0 lost"
done

# ---- a full disk ----------------------------------------------------------
if [ "$(id -u)" != 0 ] || ! mkdir -p mnt ||
   ! mount -t tmpfs -o size=64m tmpfs mnt 2>/dev/null; then
  echo "full disk: skipped (mounting a tmpfs needs root)"
  echo "PASS e2e_faults"
  exit 0
fi
mnt=$work/mnt
state b
for e in sqlite rocksdb; do
  db="$mnt/$(basename "$(db_of $e full)")"
  fails=0
  # room for the old index and part of the new one, then less and less
  for room_kb in 24576 4096 1024 512 256 128 64 16 0; do
    rm -rf "$mnt"/*
    copy_db "$(db_of $e ref_a)" "$db"
    used=$(du -sk "$mnt" | cut -f1)
    size_kb=$(( used + room_kb + 8 ))
    mount -o remount,size=${size_kb}k "$mnt"
    rc=0
    "$pt" index src --db "$e:$db" -q --threads 2 > full.out 2>&1 || rc=$?
    if [ $rc = 0 ]; then
      # it fit: then it must be the new index
      [ "$(which_state $e "$db" a b)" = new ] || fail "$e: full disk: wrong"
    else
      fails=$((fails + 1))
      # exit 1 with a message: never a crash (Debian's RocksDB aborts on
      # some write errors of a full disk; the store checks the room first)
      [ $rc = 1 ] || fail "$e: full disk: exit $rc: $(cat full.out)"
      grep -Eiq 'full|space' full.out ||
        fail "$e: full disk: the error does not say so: $(cat full.out)"
      mount -o remount,size=64m "$mnt"
      [ "$(which_state $e "$db" a b)" = old ] ||
        fail "$e: full disk: the old index is not whole"
      [ "$(leftovers "$db")" -eq 0 ] || fail "$e: full disk: leftovers"
      "$pt" index src --db "$e:$db" -q --threads 2 > next.out 2>&1 ||
        fail "$e: the run after a full disk: $(cat next.out)"
      [ "$(which_state $e "$db" a b)" = new ] || fail "$e: after a full disk"
    fi
    mount -o remount,size=64m "$mnt"
  done
  [ $fails -gt 0 ] || fail "$e: the disk was never full"
  echo "full disk ($e): $fails of 9 runs failed cleanly, the old index whole"
done
echo "PASS e2e_faults"
