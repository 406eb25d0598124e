#!/usr/bin/env bash
# The MSI under wine. Its tables first (msiinfo): the service registered
# only with PROJECTROOT, its arguments and controls, the PATH entry,
# REMOVEDATA's custom action, the version. Then `msiexec /i /qn` puts
# parseltongue.exe in Program Files (it runs from there and through the
# machine PATH) with the InstallDir registry value; a newer MSI replaces it
# (MajorUpgrade: one product, one PATH entry); `/x` removes all of it and
# keeps the data folder unless REMOVEDATA=1.
# With PROJECTROOT on a copy of the fixtures: the service runs (sc query
# RUNNING) and its API answers; the upgrade stops it, replaces the exe and
# starts it again on the same index; `/x` leaves no file, service or
# registry key.
# usage: e2e_msi.sh PARSELTONGUE_MSI VERSION
# The newer MSI is the one installer/CMakeLists.txt builds beside it, one
# patch version up; the fixtures are this folder's.
# WINEPREFIX names a prepared prefix whose wineserver stays up (CTest sets
# it; see wine_session.sh): services live only as long as the wineserver.
set -euo pipefail
msi_file=$1
version=$2
next_file="$(dirname "$msi_file")/parseltongue-next-x64.msi"
next_version="${version%.*}.$((${version##*.} + 1))"
fixtures="$(cd "$(dirname "$0")" && pwd)/fixtures"
msi="Z:$msi_file"
next="Z:$next_file"
export WINEDEBUG=-all
dir="$WINEPREFIX/drive_c/Program Files/Parseltongue"
data="$WINEPREFIX/drive_c/ProgramData/Parseltongue"
env_key='HKLM\System\CurrentControlSet\Control\Session Manager\Environment'
fail() { echo "FAIL: $*"; exit 1; }
# table NAME: the rows of an MSI table, tab-separated, without the header
table() { msiinfo export "$msi_file" "$1" | tail -n +4 | tr -d '\r'; }
row() { table "$1" | grep -qF -- "$2" || fail "$1 has no row with '$2': $(table "$1")"; }
tab=$'\t'

# The tables.
row Property "ProductVersion${tab}$version"
table Component | grep -q "^Program${tab}.*${tab}NOT PROJECTROOT${tab}ParseltongueExe$" ||
  fail "Program is not conditioned on NOT PROJECTROOT"
table Component | grep -q "^ProgramService${tab}.*${tab}PROJECTROOT${tab}ParseltongueServiceExe$" ||
  fail "ProgramService is not conditioned on PROJECTROOT"
row ServiceInstall 'service run --root "[PROJECTROOT]" --name [SERVICENAME] --port [PORT]'
table ServiceInstall | grep -q "${tab}ProgramService${tab}" || fail "the service is not in ProgramService"
# 163 = start at install (1), stop at install and uninstall (2 | 32),
# delete at uninstall (128); then Wait = 1.
table ServiceControl | grep -q "^ProjectServiceControl${tab}\[SERVICENAME\]${tab}163${tab}${tab}1${tab}ProgramService$" ||
  fail "ServiceControl: $(table ServiceControl)"
row Environment "PathProgram${tab}=-*PATH${tab}[~];[INSTALLDIR]${tab}Program"
row Environment "PathProgramService${tab}=-*PATH${tab}[~];[INSTALLDIR]${tab}ProgramService"
row InstallExecuteSequence "WriteEnvironmentStrings${tab}${tab}5200"
row InstallExecuteSequence 'RemoveServiceData	REMOVE~="ALL" AND REMOVEDATA="1" AND NOT UPGRADINGPRODUCTCODE'
row CustomAction 'rmdir /s /q "[CommonAppDataFolder]Parseltongue\[SERVICENAME]"'

# path_count: how many times the machine PATH holds the install folder
path_count() {
  wine reg query "$env_key" /v PATH | tr -d '\r' | grep -o 'C:\\Program Files\\Parseltongue\\' | wc -l
}
# product_key MSI: the Uninstall key of the product of that MSI
product_key() {
  local code
  code=$(msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' '$1 == "ProductCode" {print $2}')
  echo "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$code"
}
installed() { wine reg query "$(product_key "$1")" >/dev/null 2>&1; }

wine msiexec /x "$msi" /qn >/dev/null 2>&1 || true # a leftover of an earlier run
wine msiexec /x "$next" /qn >/dev/null 2>&1 || true
rm -rf "$data"
# wine's msiexec leaves the ';' before a removed PATH entry behind, and
# wine's cmd stops searching PATH at an empty entry: start from a PATH
# without empty entries, so a rerun in the same prefix sees what the first
# run saw.
path=$(wine reg query "$env_key" /v PATH | tr -d '\r' | sed -n 's/^ *PATH *REG_EXPAND_SZ *//p')
wine reg add "$env_key" /v PATH /t REG_EXPAND_SZ /d "$(echo "$path" | sed 's/;;*/;/g; s/;$//')" /f >/dev/null
wine msiexec /i "$msi" /qn > install.out 2>&1 || fail "msiexec /i: $(cat install.out)"
[ -f "$dir/parseltongue.exe" ] || fail "no $dir/parseltongue.exe"
out=$(wine 'C:\Program Files\Parseltongue\parseltongue.exe' --version | tr -d '\r')
[ "$out" = "parseltongue $version" ] || fail "installed program says '$out'"
reg=$(wine reg query 'HKLM\Software\Parseltongue' /v InstallDir | tr -d '\r')
echo "$reg" | grep -qF 'C:\Program Files\Parseltongue\' || fail "InstallDir: $reg"
[ "$(path_count)" = 1 ] || fail "the install folder is not once on the machine PATH"
# A new process finds it through PATH.
out=$(wine cmd /c 'parseltongue --version' | tr -d '\r')
[ "$out" = "parseltongue $version" ] || fail "parseltongue through PATH says '$out'"
# No root given: no service.
! wine sc query Parseltongue >/dev/null 2>&1 || fail "a service without PROJECTROOT"

# upgrade: msiexec /i of the newer MSI. Beside the other wine processes of
# CTest's -j2 run, wine's msiexec now and then fails this upgrade at once
# with no message and no change (1 run in 3 here; never alone); a second
# try then succeeds. A broken upgrade fails both.
upgrade() {
  wine msiexec /i "$next" /qn > upgrade.out 2>&1 ||
    { sleep 2; wine msiexec /i "$next" /qn > upgrade.out 2>&1; }
}

# MajorUpgrade: the newer MSI replaces the older; one product, one entry.
upgrade || fail "msiexec /i next: $(cat upgrade.out)"
wine reg query "$(product_key "$next_file")" /v DisplayVersion | grep -qF "$next_version" ||
  fail "the newer product is not registered as $next_version"
! installed "$msi_file" || fail "the older product is still registered"
out=$(wine 'C:\Program Files\Parseltongue\parseltongue.exe' --version | tr -d '\r')
[ "$out" = "parseltongue $version" ] || fail "upgraded program says '$out'"
[ "$(path_count)" = 1 ] || fail "the install folder is not once on PATH after the upgrade"
[ -f "$dir/parseltongue.exe" ] || fail "no exe after the upgrade"

# Uninstall keeps the data folder; REMOVEDATA=1 removes it.
mkdir -p "$data/Parseltongue/logs"
echo db > "$data/Parseltongue/analysis.db"
echo log > "$data/Parseltongue/logs/service.log"
wine msiexec /x "$next" /qn > remove.out 2>&1 || fail "msiexec /x: $(cat remove.out)"
[ -f "$data/Parseltongue/analysis.db" ] || fail "uninstall removed the data folder"
[ ! -e "$dir" ] || fail "$dir still there"
! wine reg query 'HKLM\Software\Parseltongue' >/dev/null 2>&1 || fail "registry key still there"
[ "$(path_count)" = 0 ] || fail "the install folder is still on PATH"
! installed "$next_file" || fail "the product is still registered"
wine msiexec /i "$msi" /qn > install.out 2>&1 || fail "msiexec /i again: $(cat install.out)"
wine msiexec /x "$msi" /qn REMOVEDATA=1 > remove.out 2>&1 || fail "msiexec /x REMOVEDATA=1: $(cat remove.out)"
[ ! -e "$data" ] || fail "REMOVEDATA=1 left $(find "$data")"
[ ! -e "$dir" ] || fail "$dir still there"
! wine reg query 'HKLM\Software\Parseltongue' >/dev/null 2>&1 || fail "registry key still there"

# The service. A failed run must not leave an auto-start service behind:
# wine would start it again with every later wineserver.
svc=PtMsiTest
work=$(mktemp -d "$PWD/msi.XXXXXX")
cleanup() {
  wine sc stop "$svc" >/dev/null 2>&1 || true
  wine msiexec /x "$next" /qn >/dev/null 2>&1 || true
  wine msiexec /x "$msi" /qn >/dev/null 2>&1 || true
  wine sc delete "$svc" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/proj dir"
cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$work/proj dir/"
root="Z:${work//\//\\}\\proj dir"
# below the ephemeral ports (32768 and up), which other tests' sockets take
port=$((20000 + ($$ + 11) % 12000))
# running: waits until sc query says RUNNING and the API answers
running() {
  for _ in $(seq 300); do
    if wine sc query "$svc" 2>/dev/null | tr -d '\r' | grep -q 'RUNNING' &&
       curl -sf "http://127.0.0.1:$port/server-health-check-status" >/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  fail "$svc is not running with its API on $port: $(wine sc query "$svc" 2>&1 | tr -d '\r'); $(wine reg query "HKLM\\System\\CurrentControlSet\\Services\\$svc" /v ImagePath 2>&1 | tr -d '\r'); log: $(tail -n 3 "$data/$svc/service.log" 2>/dev/null)"
}
entities() { # with the bearer token the service made in its data folder
  curl -sf -H "Authorization: Bearer $(tr -d '\r\n' < "$data/$svc/token")" \
    "http://127.0.0.1:$port/codebase-statistics-overview-summary" |
    jq -r '.. | objects | .code_entities_total_count? // empty' | head -n1
}
wine msiexec /i "$msi" /qn "PROJECTROOT=$root" "SERVICENAME=$svc" "PORT=$port" \
  > install.out 2>&1 || fail "msiexec /i PROJECTROOT: $(cat install.out)"
running
n=$(entities)
[ -n "$n" ] && [ "$n" -gt 0 ] || fail "the service serves no entities: '$n'"
image=$(wine reg query "HKLM\\System\\CurrentControlSet\\Services\\$svc" /v ImagePath | tr -d '\r')
echo "$image" | grep -qF "service run --root \"$root\" --name $svc --port $port" ||
  fail "ImagePath: $image"
[ "$(path_count)" = 1 ] || fail "the install folder is not once on PATH with the service"

# The upgrade needs none of the properties again.
upgrade || fail "msiexec /i next: $(cat upgrade.out)"
running
[ -f "$data/$svc/analysis.db" ] || fail "no $data/$svc/analysis.db after the upgrade"
[ "$(entities)" = "$n" ] || fail "the upgraded service serves $(entities) entities, not $n"

# The MSI stops the service (as the upgrade above showed) and deletes the
# exe once the service reports STOPPED; its process ends a moment later,
# and under wine that moment is long enough, now and then, for the exe to
# be still held and left behind (Windows would replace it at the next
# reboot). So stop the service first and wait for its process to end: what
# is checked here is that the uninstall leaves nothing behind.
wine sc stop "$svc" >/dev/null 2>&1 || true
for _ in $(seq 200); do
  pgrep -f -- "--name $svc --port $port" >/dev/null || break
  sleep 0.05
done
! pgrep -f -- "--name $svc --port $port" >/dev/null || fail "the service's process did not end"
wine msiexec /x "$next" /qn > remove.out 2>&1 || fail "msiexec /x: $(cat remove.out)"
! wine sc query "$svc" >/dev/null 2>&1 || fail "$svc still registered"
! wine reg query "HKLM\\System\\CurrentControlSet\\Services\\$svc" >/dev/null 2>&1 ||
  fail "the service's registry key is still there"
[ ! -e "$dir" ] || fail "$dir still there"
! wine reg query 'HKLM\Software\Parseltongue' >/dev/null 2>&1 || fail "registry key still there"
[ "$(path_count)" = 0 ] || fail "the install folder is still on PATH"
[ -f "$data/$svc/analysis.db" ] || fail "uninstall removed the service's index"
rm -rf "$data"
rm -f install.out upgrade.out remove.out
echo "e2e_msi: tables; installed, ran (also through PATH), upgraded, removed; data kept, then removed with REMOVEDATA=1; the service of PROJECTROOT ran, was upgraded on its index and removed"
