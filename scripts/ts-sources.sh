#!/usr/bin/env bash
# The tree-sitter runtime and grammars: C sources from npm, pinned by
# package-lock.json, cached outside the checkout by the lock's hash
# (${PT_CACHE_DIR:-/var/cache/parseltongue}/npm-<hash>). Their install
# scripts (Node bindings) are never run. Fetches them when missing and
# prints the node_modules folder. Used by setup.sh and win-build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cache="${PT_CACHE_DIR:-/var/cache/parseltongue}"
key=$(sha256sum package-lock.json | cut -c1-16)
mods="$cache/npm-$key/node_modules"
if [ ! -f "$mods/tree-sitter/vendor/tree-sitter/lib/src/lib.c" ]; then
  echo "setup: fetching tree-sitter sources (npm ci, pinned)" >&2
  tmp=$(mktemp -d)
  cp package.json package-lock.json "$tmp/"
  (cd "$tmp" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund >/dev/null)
  mkdir -p "$cache/npm-$key"
  rm -rf "$mods"
  mv "$tmp/node_modules" "$mods"
  rm -rf "$tmp"
fi
echo "$mods"
