#!/usr/bin/env bash
# The reader-consistency stress test (tests/test_serve_consistency.c) run
# for longer than CTest's few seconds: readers over loopback against a
# writer whose every edit is a new graph, each answer checked to come from
# one whole graph. Prints the swaps, answers and generations it saw, and
# fails as the test does.
# usage: bench/consistency_bench.sh [SECONDS] (default 60)
#   BUILD=build dir (default build)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
test_bin=${BUILD:-build}/tests/test_serve_consistency
[ -x "$test_bin" ] || { echo "no $test_bin: build first (scripts/setup.sh)"; exit 1; }
echo "consistency: ${secs} s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
PT_CONSISTENCY_MS=$((secs * 1000)) /usr/bin/time -f 'cpu: %U s user, %S s system, %e s wall, %M KB peak' \
  "$test_bin" 2>&1 | grep -E '^consistency|^cpu|OK|FAIL|ERROR'
