#!/usr/bin/env bash
# Makes the benchmark trees of docs/performance.md from Debian bookworm
# source packages, under $cache/trees (hard links into the unpacked
# sources, so a tree costs no second copy of its files):
#   rust   rustc 1.63's compiler/ and library/
#   ts     node-typescript 4.8.4's src/ and lib/
#   big    the "several" tree: postgresql-15, rust, ts, golang-1.19, python3.11
#   big2   big twice over (a/, b/);  big4  four times over (a/ to d/)
# usage: bench/trees.sh [NAME]...   (default: all); prints each tree's folder.
# Env: PT_CACHE_DIR (default /var/cache/parseltongue).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/fetch.sh
t="$cache/trees"
mkdir -p "$t"
# tree NAME: makes $t/NAME unless it is there
tree() {
  local d="$t/$1" tmp
  [ -d "$d" ] && { echo "$d"; return; }
  tmp="$t/.$1.tmp"
  rm -rf "$tmp"; mkdir -p "$tmp"
  case $1 in
    rust)
      local r; r=$(fetch rustc)
      cp -al "$r/compiler" "$r/library" "$tmp/" ;;
    ts)
      local s; s=$(fetch node-typescript)
      cp -al "$s/src" "$s/lib" "$tmp/" ;;
    big)
      cp -al "$(fetch postgresql-15)" "$tmp/postgresql-15"
      cp -al "$(tree rust)" "$tmp/rust"
      cp -al "$(tree ts)" "$tmp/ts"
      cp -al "$(fetch golang-1.19)" "$tmp/golang-1.19"
      cp -al "$(fetch python3.11)" "$tmp/python3.11" ;;
    big2|big4)
      local b n=${1#big} i; b=$(tree big)
      for i in a b c d; do
        cp -al "$b" "$tmp/$i"
        [ "$i" = b ] && [ "$n" = 2 ] && break
      done ;;
    *) echo "trees.sh: no tree named $1 (rust, ts, big, big2, big4)" >&2; exit 2 ;;
  esac
  mv "$tmp" "$d"
  echo "$d"
}
[ $# -gt 0 ] || set -- rust ts big big2 big4
for n in "$@"; do tree "$n"; done
