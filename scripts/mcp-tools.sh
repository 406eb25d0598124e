#!/usr/bin/env bash
# The MCP test tools: the official TypeScript SDK clients and conformance
# suite that tests/e2e_mcp.sh drives, from npm, pinned by
# tests/mcp/package-lock.json and cached outside the checkout by the lock's
# hash (${PT_CACHE_DIR:-/var/cache/parseltongue}/mcp-npm-<hash>), apart from
# the tree-sitter sources of ts-sources.sh so neither invalidates the other.
# Install scripts are never run. Fetches them when missing and prints the
# node_modules folder. Used by setup.sh.
set -euo pipefail
cd "$(dirname "$0")/../tests/mcp"
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}"
key=$(sha256sum package-lock.json | cut -c1-16)
mods="$cache/mcp-npm-$key/node_modules"
if [ ! -f "$mods/@modelcontextprotocol/conformance/package.json" ]; then
  echo "setup: fetching the MCP test tools (npm ci, pinned)" >&2
  tmp=$(mktemp -d)
  cp package.json package-lock.json "$tmp/"
  (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
  mkdir -p "$cache/mcp-npm-$key"
  rm -rf "$mods"
  mv "$tmp/node_modules" "$mods"
  rm -rf "$tmp"
fi
echo "$mods"
