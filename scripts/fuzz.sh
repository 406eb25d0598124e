#!/usr/bin/env bash
# The libFuzzer targets (tests/fuzz, docs/reliability.md "Fuzzing"):
# installs clang-14 and its runtime if missing, configures a clang build
# with -DPT_FUZZ=ON into ./build-fuzz (or $PT_FUZZ_BUILD_DIR), builds the
# targets and runs each one's CTest smoke run (PT_FUZZ_SMOKE_SECONDS,
# default 5). With PT_FUZZ_SECONDS=N each target then runs N seconds more
# on 1 job, its new inputs and any crash kept in
# <build>/tests/fuzz/found/<target>/. Run as root on Debian bookworm.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# scripts/setup.sh has installed the libraries; the tree-sitter sources:
mods=$(bash scripts/ts-sources.sh)
build="${PT_FUZZ_BUILD_DIR:-build-fuzz}"
targets=(fuzz_http fuzz_mcp fuzz_ignore fuzz_store_spec fuzz_extract
  fuzz_query_match fuzz_json
  fuzz_sqlite_load fuzz_reindex_path fuzz_rocksdb_load)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DPT_FUZZ=ON -DPT_NODE_MODULES="$mods" \
  -DPT_FUZZ_SMOKE_SECONDS="${PT_FUZZ_SMOKE_SECONDS:-5}" >/dev/null
# a target that reads another's seed corpus (tests/fuzz/CMakeLists.txt)
declare -A corpus=([query_match]=extract)
ninja -C "$build" "${targets[@]}"
ctest --test-dir "$build" -R '^fuzz_' --output-on-failure -j2
if [ -n "${PT_FUZZ_SECONDS:-}" ]; then
  for t in "${targets[@]}"; do
    name=${t#fuzz_}
    found="$build/tests/fuzz/found/$name"
    echo "fuzz: $t for $PT_FUZZ_SECONDS s"
    "$build/tests/fuzz/$t" -max_total_time="$PT_FUZZ_SECONDS" -timeout=20 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$found/" \
      "$found" "tests/fuzz/corpus/${corpus[$name]:-$name}" 2>&1 | grep -E '^(stat::|==|SUMMARY|INFO: Seed)|Done [0-9]+ runs' || true
  done
fi
