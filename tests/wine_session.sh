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
    # Each step's output goes to a log that is printed when the step fails
    # (a start once failed in 0.01 s with nothing to say why), and a failed
    # step is tried once more after the prefix's server is ended.
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    step() { # step NAME COMMAND...: runs it, says why when it fails twice
      local name=$1 rc=0
      shift
      "$@" >"$log" 2>&1 || rc=$?
      if [ "$rc" -ne 0 ]; then
        echo "wine_session: $name failed (exit $rc), once more after wineserver -k:" >&2
        sed 's/^/  /' "$log" >&2
        wineserver -k >/dev/null 2>&1 || true
        rc=0
        "$@" >"$log" 2>&1 || rc=$?
        if [ "$rc" -ne 0 ]; then
          echo "wine_session: $name failed again (exit $rc):" >&2
          sed 's/^/  /' "$log" >&2
          exit 1
        fi
      fi
    }
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
      # wineboot returns before the registry is written: wait for the server.
      step "making the prefix (wineboot --init)" \
        sh -c 'wine wineboot --init && wineserver -w'
    fi
    wineserver -p >/dev/null 2>&1 || true # fails when one is up already: fine
    # warm-up: boots the prefix's services
    step "the warm-up (wine cmd /c exit 0)" wine cmd /c exit 0
    wineserver -p >/dev/null 2>&1 || true # again, if the retry ended it
    ;;
  stop)
    wineserver -k >/dev/null 2>&1 || true # not running is fine
    ;;
  *)
    echo "usage: wine_session.sh start|stop" >&2
    exit 2
    ;;
esac
