#!/usr/bin/env bash
# The MSI under wine: `msiexec /i /qn` puts parseltongue.exe in Program
# Files (it runs from there) and the InstallDir registry value; `/x`
# removes both.
# usage: e2e_msi.sh PARSELTONGUE_MSI VERSION
# WINEPREFIX names a prepared prefix (CTest sets it; see wine_session.sh).
set -euo pipefail
msi="Z:$1"
version=$2
export WINEDEBUG=-all
dir="$WINEPREFIX/drive_c/Program Files/Parseltongue"
fail() { echo "FAIL: $*"; exit 1; }
wine msiexec /x "$msi" /qn >/dev/null 2>&1 || true # a leftover of an earlier run
wine msiexec /i "$msi" /qn > install.out 2>&1 || fail "msiexec /i: $(cat install.out)"
[ -f "$dir/parseltongue.exe" ] || fail "no $dir/parseltongue.exe"
out=$(wine 'C:\Program Files\Parseltongue\parseltongue.exe' --version | tr -d '\r')
[ "$out" = "parseltongue $version" ] || fail "installed program says '$out'"
reg=$(wine reg query 'HKLM\Software\Parseltongue' /v InstallDir | tr -d '\r')
echo "$reg" | grep -qF 'C:\Program Files\Parseltongue\' || fail "InstallDir: $reg"
wine msiexec /x "$msi" /qn > remove.out 2>&1 || fail "msiexec /x: $(cat remove.out)"
[ ! -e "$dir/parseltongue.exe" ] || fail "$dir/parseltongue.exe still there"
! wine reg query 'HKLM\Software\Parseltongue' >/dev/null 2>&1 || fail "registry key still there"
rm -f install.out remove.out
echo "e2e_msi: installed, ran, removed"
