#!/usr/bin/env bash
# Hostile source trees (docs/reliability.md, "Hostile source trees"): a
# generated tree of binary files named .c, NUL bytes, invalid UTF-8, CRLF
# and lone CR, 100,000-deep nesting, a 50 MB file, a 10 MB line past a
# small parse budget and, on Linux, symlink loops, a FIFO, a name with a
# newline, unreadable files and folders (as an unprivileged user when run
# as root) and files and folders that come, go and change during the walk.
# Each file is indexed (bad UTF-8 read lossily, with a warning) or left out
# with its reason or reported as an error; every run completes and the
# same tree gives the same dump twice. A few seconds.
# usage: e2e_hostile.sh PARSELTONGUE [wine]
# With "wine", PARSELTONGUE is the Windows build, run under wine (WINEPREFIX
# set by CTest), over the cases whose names Windows can hold.
set -euo pipefail
pt=$1
mode=${2:-linux}
export WINEDEBUG=-all
work=$(mktemp -d)
churn_pid=
cleanup() {
  [ -n "$churn_pid" ] && kill "$churn_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  chmod -R u+rwx "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; head -c 4000 "$f"; }; done
  exit 1
}
pass=0
ok() { pass=$((pass + 1)); }

# Runs the program, its console (LF) to $1; a path argument under $work is
# given to wine as Z:<path>.
ptrun() {
  local out=$1 rc=0 a args=()
  shift
  for a in "$@"; do
    if [ "$mode" = wine ] && [[ "$a" == *"$work"* ]]; then
      a=${a/$work/Z:$work}
    fi
    args+=("$a")
  done
  if [ "$mode" = wine ]; then
    timeout 120 wine "$pt" "${args[@]}" > "$out.raw" 2>&1 || rc=$?
  else
    timeout 120 "$pt" "${args[@]}" > "$out.raw" 2>&1 || rc=$?
  fi
  tr -d '\r' < "$out.raw" > "$out"
  rm -f "$out.raw"
  return $rc
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }

# ---- the tree ---------------------------------------------------------------
t=$work/tree
mkdir -p "$t/sub"
printf 'int bin_fn(void) { return 0; }\0\1\2\3' > "$t/bin.c"
{ head -c 9000 /dev/zero | tr '\0' ' '; printf '\0\nint late_fn(void) { return 0; }\n'; } > "$t/nul_late.c"
printf 'int ok_fn(void) { return 1; }\n/* \xff\xfe */\nint f\xc3(void) { return 2; }\n' > "$t/badutf.c"
head -c 20000 /dev/urandom | tr -d '\0' > "$t/noise.c"
printf 'int a(void)\r\n{\r\n  return 1;\r\n}\r\nint b(void) { return a(); }\r\n' > "$t/crlf.c"
printf 'int c(void)\r{\r  return 1;\r}\rint d(void) { return c(); }\r' > "$t/cr.c"
deep() { # $1 file, $2 head, $3 open, $4 close, $5 tail
  { printf '%s' "$2"; head -c 100000 /dev/zero | tr '\0' "$3"
    head -c 100000 /dev/zero | tr '\0' "$4"; printf '%s\n' "$5"; } > "$1"
}
deep "$t/deep.c" 'int deep_fn(void) {' '{' '}' '}'
deep "$t/deep.py" 'x = ' '[' ']' ''
deep "$t/deep.js" 'var x = ' '(' ')' ';'
deep "$t/deep.rs" 'fn deep_rs() { let x = ' '[' ']' '; }'
truncate -s 50M "$t/big.c"
printf 'int ok2(void) { return 0; }\n' > "$t/sub/ok.c"
if [ "$mode" = linux ]; then
  ln -s . "$t/loop"
  ln -s x2 "$t/x1"
  ln -s x1 "$t/x2"
  ln -s / "$t/out"
  mkfifo "$t/fifo.c"
  printf 'int newline_fn(void) { return 0; }\n' > "$t/nl"$'\n'"name.c"
fi

# ---- 1. everything indexed, left out with its reason, or reported ----------
ptrun "$work/a.out" index "$t" --db "sqlite:$work/a.db" || fail "index exit $?"
ptrun "$work/a.dump" dump --db "sqlite:$work/a.db" || fail "dump exit $?"
has "$work/a.out" "Warning: badutf.c:2: invalid UTF-8, 3 bytes read as U+FFFD"
has "$work/a.out" "Warning: noise.c"
has "$work/a.dump" $'ignored\tbin.c\tbinary'
has "$work/a.dump" $'ignored\tbig.c\ttoo_large'
for e in ok_fn late_fn deep_fn ok2; do has "$work/a.dump" $'\t'"$e"$'\t'; done
grep -qE $'^entity\tc:fn:b:[^\t]*\tfunction\tc\tcrlf.c\t5-5\t' "$work/a.dump" ||
  fail "b of crlf.c not on line 5"
grep -qE $'^edge\tc:fn:d:[^\t]*\tCalls\tc:fn:c:' "$work/a.dump" ||
  fail "d of cr.c does not call c"
if [ "$mode" = linux ]; then
  for l in loop x1 x2 out; do has "$work/a.dump" $'ignored\t'"$l"$'\tsymlink'; done
  has "$work/a.dump" $'ignored\tfifo.c\tunreadable'
  has "$work/a.dump" $'\tnewline_fn\t'
  # a name with a line break keeps the dump one record a line
  has "$work/a.dump" $'file\tnl name.c\tc\t'
fi
grep -qvE $'^(entity|edge|file|test|ignored|meta)\t' "$work/a.dump" &&
  fail "a dump line that is not a record: $(grep -vE $'^(entity|edge|file|test|ignored|meta)\t' "$work/a.dump" | head -3)"
ok

# ---- 2. the same tree gives the same dump -----------------------------------
ptrun "$work/b.out" index "$t" --db "sqlite:$work/b.db" || fail "index exit $?"
ptrun "$work/b.dump" dump --db "sqlite:$work/b.db" || fail "dump exit $?"
cmp -s "$work/a.dump" "$work/b.dump" || fail "two runs over one tree differ"
ok

# ---- 3. a runaway file stops at the parse budget ----------------------------
r=$work/runaway
mkdir -p "$r"
yes 'int v0;' | tr -d '\n' | head -c 10485760 > "$r/oneline.c" || true
printf 'int small_fn(void) { return 0; }\n' > "$r/small.c"
ptrun "$work/c.out" index "$r" --db "sqlite:$work/c.db" --parse-budget-ms 50 ||
  fail "index exit $?"
ptrun "$work/c.dump" dump --db "sqlite:$work/c.db" || fail "dump exit $?"
has "$work/c.out" "Warning: oneline.c: parse stopped after"
has "$work/c.dump" $'ignored\toneline.c\tparse_budget'
has "$work/c.dump" $'\tsmall_fn\t'
ptrun "$work/usage.out" index "$r" --db mem --parse-budget-ms x && fail "bad budget accepted"
has "$work/usage.out" "--parse-budget-ms takes a whole number"
# mcp takes the same budget (serve's, in the live index: e2e_live)
cat > "$work/mcp.in" <<'MSGS'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"file_outline","arguments":{"path":"oneline.c"}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"file_outline","arguments":{"path":"small.c"}}}
MSGS
ptrun "$work/mcp.out" mcp --db mem --root "$r" --no-watch --parse-budget-ms 50 \
  < "$work/mcp.in" || fail "mcp exit $?"
has "$work/mcp.out" "'oneline.c' is not an indexed file"
has "$work/mcp.out" '- small_fn (small.c:1)'
ptrun "$work/usage.out" mcp --parse-budget-ms -1 && fail "mcp: bad budget accepted"
has "$work/usage.out" "--parse-budget-ms takes a whole number"
ok

if [ "$mode" = linux ]; then
  # ---- 4. unreadable files and folders: errors, the rest indexed ------------
  u=$work/unreadable
  mkdir -p "$u/locked" "$work/out"
  printf 'int open_fn(void) { return 0; }\n' > "$u/open.c"
  printf 'int secret_fn(void) { return 0; }\n' > "$u/secret.c"
  printf 'int hidden_fn(void) { return 0; }\n' > "$u/locked/x.c"
  chmod 000 "$u/secret.c" "$u/locked"
  chmod 755 "$work" "$u"
  chmod 777 "$work/out"
  as=()
  if [ "$(id -u)" = 0 ]; then
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
  rc=0
  "${as[@]}" "$pt" index "$u" --db "sqlite:$work/out/u.db" > "$work/u.out" 2>&1 || rc=$?
  [ $rc = 0 ] || fail "index over unreadable entries: exit $rc"
  has "$work/u.out" "secret.c"
  has "$work/u.out" "locked/"
  "${as[@]}" "$pt" dump --db "sqlite:$work/out/u.db" > "$work/u.dump" 2>&1 || fail "dump"
  has "$work/u.dump" $'\topen_fn\t'
  grep -q "secret_fn\|hidden_fn" "$work/u.dump" && fail "an unreadable file was indexed"
  chmod 755 "$u/locked" "$u/secret.c"
  ok

  # ---- 5. files and folders that come, go and change during the walk --------
  c=$work/churn
  mkdir -p "$c"
  for i in $(seq 1 40); do printf 'int s%d(void) { return %d; }\n' "$i" "$i" > "$c/s$i.c"; done
  (
    i=0
    while :; do
      i=$((i + 1))
      mkdir -p "$c/d$((i % 7))/e" 2>/dev/null
      printf 'int n%d(void) { return 0; }\n' "$i" > "$c/d$((i % 7))/e/n.c.tmp" 2>/dev/null &&
        mv "$c/d$((i % 7))/e/n.c.tmp" "$c/d$((i % 7))/e/n$((i % 5)).c" 2>/dev/null
      rm -rf "$c/d$(((i + 3) % 7))" 2>/dev/null
      printf 'int s%d(void) { return %d; }\n' "$((i % 40 + 1))" "$i" > "$c/s$((i % 40 + 1)).c"
      rm -f "$c/s$(((i + 20) % 40 + 1)).c"
      printf '\xff\0' > "$c/flip.c"; printf 'int flip(void);\n' > "$c/flip.c"
    done
  ) &
  churn_pid=$!
  for k in 1 2 3 4 5; do
    rc=0
    "$pt" index "$c" --db "sqlite:$work/churn$k.db" > "$work/churn$k.out" 2>&1 || rc=$?
    [ $rc = 0 ] || fail "index during churn $k: exit $rc"
    "$pt" dump --db "sqlite:$work/churn$k.db" > /dev/null || fail "dump after churn $k"
  done
  kill "$churn_pid" 2>/dev/null || true
  wait "$churn_pid" 2>/dev/null || true
  churn_pid=
  ok
fi
echo "PASS: $pass checks ($mode)"
