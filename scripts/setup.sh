#!/usr/bin/env bash
# Installs what is missing (Debian packages, the pinned tree-sitter sources
# from npm), then configures and builds into ./build (or $PT_BUILD_DIR).
# Idempotent and quick when everything is there. Run as root on Debian
# bookworm.
set -euo pipefail
cd "$(dirname "$0")/.."

# Libraries by package; tools by command, so a machine that brings its own
# Node.js and npm (not Debian's) keeps them.
# python3-clang-14: libclang for the clang oracle of tests/accuracy_c.sh.
debs=(librocksdb-dev libsqlite3-dev libmicrohttpd-dev libcmocka-dev libcjson-dev pkg-config
      python3-clang-14)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
declare -A tool_pkg=([cc]=build-essential [cmake]=cmake [ninja]=ninja-build
                     [npm]=npm [git]=git [sqlite3]=sqlite3 [ctags]=universal-ctags
                     [curl]=curl [jq]=jq [wrk]=wrk
                     [python3]=python3)
for t in "${!tool_pkg[@]}"; do
  command -v "$t" >/dev/null 2>&1 || missing+=("${tool_pkg[$t]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The tree-sitter runtime and grammars (pinned npm sources, cached).
mods=$(bash scripts/ts-sources.sh)
# The MCP test tools (official SDK clients, conformance suite; pinned,
# cached apart).
mcp_mods=$(bash scripts/mcp-tools.sh)

# PT_BUILD_DIR and PT_CMAKE_ARGS select another build (the sanitizer one).
build="${PT_BUILD_DIR:-build}"
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPT_NODE_MODULES="$mods" -DPT_MCP_NODE_MODULES="$mcp_mods" -DPT_WERROR=ON ${PT_CMAKE_ARGS:-} >/dev/null
ninja -C "$build"
