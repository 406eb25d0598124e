#!/usr/bin/env bash
# Every test: set up and build (scripts/setup.sh), then the whole CTest
# suite (cmocka unit suites, fixtures, end-to-end CLI scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure -j2
