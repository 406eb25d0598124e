#!/usr/bin/env bash
# The wine session of the Windows test run (CTest fixture "wine"; see
# tests/CMakeLists.txt). WINEPREFIX names the build's own prefix.
#   start  makes the prefix when missing (before any test, so that parallel
#          tests do not both start making it), then keeps its wineserver up
#          for the whole run (`wineserver -p`: a test program then starts in
#          ~0.02 s instead of 0.5-2.5 s)
#   stop   ends that wineserver (only this prefix's)
set -euo pipefail
: "${WINEPREFIX:?names the wine prefix of the build}"
export WINEDEBUG=-all
case "${1:-}" in
  start)
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
      # wineboot returns before the registry is written: wait for the server.
      wine wineboot --init >/dev/null 2>&1
      wineserver -w
    fi
    wineserver -p >/dev/null 2>&1 || true # fails when one is up already: fine
    wine cmd /c exit 0 >/dev/null 2>&1 # warm-up: boots the prefix's services
    ;;
  stop)
    wineserver -k >/dev/null 2>&1 || true # not running is fine
    ;;
  *)
    echo "usage: wine_session.sh start|stop" >&2
    exit 2
    ;;
esac
