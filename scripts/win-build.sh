#!/usr/bin/env bash
# Cross-builds parseltongue.exe and every test suite for 64-bit Windows with
# mingw-w64 into ./build-win (or $PT_WIN_BUILD_DIR), from the same
# CMakeLists.txt as Linux (toolchain: cmake/mingw-w64-x86_64.cmake).
# Installs what is missing (mingw-w64, wine, wixl, ...), the cross-built
# SQLite, libmicrohttpd and cmocka (scripts/win-deps.sh, cached by version)
# and the pinned tree-sitter sources (scripts/ts-sources.sh). Idempotent and
# quick when everything is there. Run as root on Debian bookworm.
# scripts/win-test.sh builds this and runs the suite under wine.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(gcc-mingw-w64-x86-64 wine wine64 msitools wixl tcl dpkg-dev cmake
      ninja-build build-essential)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "win-build: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${missing[@]}" >/dev/null
fi

deps=$(bash scripts/win-deps.sh | tail -n1)
mods=$(bash scripts/ts-sources.sh)
build="${PT_WIN_BUILD_DIR:-build-win}"
# The end-to-end test under wine compares with the Linux build when there
# is one (scripts/setup.sh makes it).
native="$(pwd)/${PT_BUILD_DIR:-build}/parseltongue"
[ -x "$native" ] || native=""
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_TOOLCHAIN_FILE="$(pwd)/cmake/mingw-w64-x86_64.cmake" \
  -DPT_WIN_DEPS="$deps" -DPT_NODE_MODULES="$mods" -DPT_WERROR=ON \
  -DPT_NATIVE_PARSELTONGUE="$native" >/dev/null
ninja -C "$build"
