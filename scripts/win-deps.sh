#!/usr/bin/env bash
# Cross-builds the Windows (x86_64-w64-mingw32) static libraries Parseltongue
# links: SQLite, libmicrohttpd, cJSON and cmocka, from Debian bookworm's source
# packages (pinned below, Debian patches applied). tree-sitter is not here:
# CMake compiles it from the same npm sources as on Linux.
#
# The result is a prefix (lib/, include/) cached outside the checkout under
# ${PT_CACHE_DIR:-/var/cache/parseltongue}/win-deps-<key>, the key naming the
# pinned versions, the mingw GCC and this recipe's revision. When it exists
# the script only prints its path; otherwise it builds in a temporary folder
# and moves the prefix into place in one step, so an interrupted run leaves
# nothing half-built behind. Prints the prefix path on stdout (last line).
# Needs: gcc-mingw-w64-x86-64, cmake, dpkg-dev, tcl (tclsh) and a host cc.
# See docs/windows.md.
set -euo pipefail

SQLITE_VER=3.40.1-2+deb12u2
MHD_VER=0.9.75-6
CMOCKA_VER=1.1.5-2.1
CJSON_VER=1.7.15-1+deb12u4
RECIPE=1 # bump when a build flag below changes

HOST=x86_64-w64-mingw32
here=$(cd "$(dirname "$0")/.." && pwd)
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}"
gcc_ver=$(dpkg-query -W -f='${Version}' gcc-mingw-w64-x86-64-win32 2>/dev/null ||
          $HOST-gcc -dumpversion)
versions="sqlite3=$SQLITE_VER libmicrohttpd=$MHD_VER cmocka=$CMOCKA_VER"
versions+=" cjson=$CJSON_VER $HOST-gcc=$gcc_ver recipe=$RECIPE"
key=$(printf '%s\n' "$versions" | sha256sum | cut -c1-16)
prefix="$cache/win-deps-$key"

if [ -f "$prefix/VERSIONS" ]; then
  echo "$prefix"
  exit 0
fi

log() { echo "win-deps: $*" >&2; }
log "building $versions"
start=$(date +%s)
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.win-deps-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Everything is installed with DESTDIR=$stage, so the files that name their
# prefix (pkg-config, CMake configs) name the final one.
stage="$tmp/stage"
dest="$stage$prefix"
mkdir -p "$tmp/lists/partial" "$tmp/src" "$dest/lib" "$dest/include"

# Sources: a private deb-src list for the machine's own mirror, so the
# system's apt configuration is neither needed nor touched.
uri=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
uri=${uri:-http://deb.debian.org/debian}
echo "deb-src $uri bookworm main" > "$tmp/src.list"
apto=(-o Dir::Etc::sourcelist="$tmp/src.list" -o Dir::Etc::sourceparts=-
      -o Dir::State::Lists="$tmp/lists" -o APT::Sandbox::User=root -qq)
apt-get "${apto[@]}" update >&2
# apt-get source unpacks each package and applies its Debian patches.
if ! (cd "$tmp/src" && apt-get "${apto[@]}" source "sqlite3=$SQLITE_VER" \
     "libmicrohttpd=$MHD_VER" "cmocka=$CMOCKA_VER" "cjson=$CJSON_VER" \
     >/dev/null 2>"$tmp/src.log"); then
  # A Debian point release replaces a pinned revision on the mirror: take
  # bookworm's current one (same upstream version, newer Debian patches)
  # rather than fail, say so, and key the cache by what was really built.
  cat "$tmp/src.log" >&2
  log "the pinned sources are gone from the mirror (a newer Debian point"
  log "release?): building bookworm's current ones; update the pins in $0"
  rm -rf "$tmp/src" && mkdir -p "$tmp/src"
  (cd "$tmp/src" && apt-get "${apto[@]}" source sqlite3 libmicrohttpd cmocka \
     cjson >/dev/null 2>"$tmp/src.log") || { cat "$tmp/src.log" >&2; exit 1; }
  ver() { sed -n 's/^Version: //p' "$tmp/src/$1"_*.dsc | head -n1; }
  SQLITE_VER=$(ver sqlite3) MHD_VER=$(ver libmicrohttpd) CMOCKA_VER=$(ver cmocka)
  CJSON_VER=$(ver cjson)
  versions="sqlite3=$SQLITE_VER libmicrohttpd=$MHD_VER cmocka=$CMOCKA_VER"
  versions+=" cjson=$CJSON_VER $HOST-gcc=$gcc_ver recipe=$RECIPE"
  key=$(printf '%s\n' "$versions" | sha256sum | cut -c1-16)
  prefix="$cache/win-deps-$key"
  if [ -f "$prefix/VERSIONS" ]; then
    echo "$prefix"
    exit 0
  fi
  dest="$stage$prefix"
  mkdir -p "$dest/lib" "$dest/include"
  log "building $versions"
fi

cat > "$tmp/toolchain.cmake" <<EOF
include("$here/cmake/mingw-w64-x86_64.cmake")
EOF

# SQLite: the orig tarball has no amalgamation; make sqlite3.c natively
# (tclsh, host cc), then cross-compile that one file.
build_sqlite() {
  cd "$tmp/src"/sqlite3-*/ && mkdir bld && cd bld
  ../configure -q >/dev/null && make -s sqlite3.c >/dev/null
  $HOST-gcc -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_DQS=0 \
    -c sqlite3.c -o sqlite3.o
  $HOST-ar rcs "$dest/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$dest/include/"
}

# libmicrohttpd: leave --with-threads unset (auto picks w32; an explicit
# --with-threads=w32 fails in 0.9.75's configure). Static links add ws2_32.
build_mhd() {
  cd "$tmp/src"/libmicrohttpd-*/ && mkdir bld && cd bld
  ../configure -q --host=$HOST --prefix="$prefix" --disable-https \
    --disable-doc --disable-examples --disable-curl --disable-shared \
    --enable-static --disable-nls >/dev/null
  make -s -j2 >/dev/null 2>&1
  make -s install DESTDIR="$stage" >/dev/null 2>&1
  rm -f "$dest"/lib/libmicrohttpd.la
}

# cmocka: static library only (libcmocka-static.a); its DLL is not installed.
build_cmocka() {
  cd "$tmp/src"/cmocka-*/
  cmake -S . -B bld -DCMAKE_TOOLCHAIN_FILE="$tmp/toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF >/dev/null
  cmake --build bld -j2 >/dev/null
  DESTDIR="$stage" cmake --install bld >/dev/null
  rm -rf "$dest"/lib/libcmocka.dll.a "$dest"/bin "$dest"/lib/cmake
}

# cJSON: one static library (libcjson.a) and cjson/cJSON.h; users define
# CJSON_HIDE_SYMBOLS (core/CMakeLists.txt), as a static link needs.
build_cjson() {
  cd "$tmp/src"/cjson-*/
  cmake -S . -B bld -DCMAKE_TOOLCHAIN_FILE="$tmp/toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF -DENABLE_CJSON_UTILS=OFF \
    -DENABLE_CUSTOM_COMPILER_FLAGS=OFF -DENABLE_TARGET_EXPORT=OFF \
    -DCMAKE_C_FLAGS=-DCJSON_HIDE_SYMBOLS >/dev/null
  cmake --build bld -j2 >/dev/null
  DESTDIR="$stage" cmake --install bld >/dev/null
  rm -rf "$dest"/lib/cmake "$dest"/lib/pkgconfig/libcjson.pc
}

# timed STEP: runs STEP in a subshell where set -e holds (it would not in a
# function called from an || list), its output in a log shown on failure.
timed() {
  local s=$SECONDS rc=0
  ("$@") > "$tmp/$1.log" 2>&1 &
  wait $! || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$tmp/$1.log" >&2
    log "$1 failed"
    return $rc
  fi
  log "$1 done in $((SECONDS - s)) s"
}

# SQLite is one long single-file compile: run it beside the other two.
timed build_sqlite & sq=$!
timed build_mhd
timed build_cmocka
timed build_cjson
wait "$sq"

printf '%s\n' $versions > "$dest/VERSIONS"
if ! mv -T "$dest" "$prefix" 2>/dev/null; then
  [ -f "$prefix/VERSIONS" ] || { log "cannot move the prefix into $prefix"; exit 1; }
  log "another run made $prefix first; keeping that one"
fi
log "done in $(($(date +%s) - start)) s: $prefix ($(du -sh "$prefix" | cut -f1))"
echo "$prefix"
