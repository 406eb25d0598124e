#!/usr/bin/env bash
# Every test: set up and build (scripts/setup.sh), run the whole CTest
# suite (cmocka unit suites, fixtures, end-to-end CLI script), then the same
# suite again built with AddressSanitizer and UBSan (leaks included), the
# Windows build's suite under wine (scripts/win-test.sh), then the fuzz
# targets' smoke runs (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j2
PT_BUILD_DIR=build-asan PT_CMAKE_ARGS="-DPT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug" \
  bash scripts/setup.sh
# (the soak, label soak, runs in the release suite only: its load and its
# RSS bound mean nothing under the sanitizers)
ctest --test-dir build-asan --output-on-failure -j2 -LE soak
bash scripts/win-test.sh
# Last, the libFuzzer targets' smoke runs: a clang build of their own
# (about 4 minutes on 2 cores), then 5 s of each target over its seed
# corpus (docs/reliability.md, "Fuzzing"); PT_FUZZ=0 leaves them out.
if [ "${PT_FUZZ:-1}" = 1 ]; then
  bash scripts/fuzz.sh
fi
