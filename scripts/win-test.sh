#!/usr/bin/env bash
# The Windows suite: cross-builds (scripts/win-build.sh) and runs every test
# under wine through CTest (the cmocka suites, the Windows-only suites and
# the end-to-end e2e_wine, which also needs the Linux build: scripts/setup.sh
# makes it first, quickly when it is there). The wine prefix is the build's
# own (build-win/wineprefix), made on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
bash scripts/win-build.sh
build="${PT_WIN_BUILD_DIR:-build-win}"
# CTest's fixture ends the prefix's wineserver after the run; this ends it
# too when the run is interrupted.
prefix="$(cd "$build" && pwd)/wineprefix"
trap 'WINEPREFIX="$prefix" wineserver -k >/dev/null 2>&1 || true' EXIT
# A wine process now and then exits at once with nothing said (two clean-
# clone runs of 2026-12-06: wine_start, then test_json, in 0.01 s; each
# passed when run again): the failed tests run once more, alone, and fail
# the suite if they fail again.
if ! ctest --test-dir "$build" --output-on-failure -j2; then
  echo "win-test.sh: running the failed tests once more" >&2
  ctest --test-dir "$build" --output-on-failure --rerun-failed
fi
