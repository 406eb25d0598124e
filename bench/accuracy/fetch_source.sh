#!/usr/bin/env bash
# Unpacks the upstream source of a Debian source package (bookworm) once
# into ${PT_CACHE_DIR:-/var/cache/parseltongue}/bench/PACKAGE-src, never in
# the checkout, through a private deb-src list for the machine's own mirror
# (as bench/index_bench.sh does), and prints the folder.
# usage: bench/accuracy/fetch_source.sh PACKAGE
set -euo pipefail
pkg=${1:?usage: fetch_source.sh PACKAGE}
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}/bench"
dir="$cache/$pkg-src"
if [ ! -d "$dir" ]; then
  mkdir -p "$cache/lists/partial"
  uri=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -n1)
  echo "deb-src $uri bookworm main" > "$cache/src.list"
  apto=(-o Dir::Etc::sourcelist="$cache/src.list" -o Dir::Etc::sourceparts=-
        -o Dir::State::Lists="$cache/lists" -o APT::Sandbox::User=root)
  [ -n "$(ls "$cache/lists/"*Sources* 2>/dev/null)" ] ||
    apt-get "${apto[@]}" update -qq >&2
  # Only the upstream tarball is used: a mirror missing Debian's own
  # tarball of the package still serves.
  (cd "$cache" && apt-get "${apto[@]}" source --download-only -qq "$pkg") >&2 ||
    ls "$cache/$pkg"_*.orig.tar.* >/dev/null
  tmp=$(mktemp -d)
  tar -xf "$(ls "$cache/$pkg"_*.orig.tar.* | head -n1)" -C "$tmp"
  # One top folder is the tree; several (or loose files) are kept as they are.
  if [ "$(ls -A "$tmp" | wc -l)" = 1 ] && [ -d "$tmp"/* ]; then
    mv "$tmp"/* "$dir"
    rmdir "$tmp"
  else
    mv "$tmp" "$dir"
  fi
fi
echo "$dir"
