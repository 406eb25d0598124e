#!/usr/bin/env bash
# The MSI under wine. Its tables first (msiinfo): the service registered
# only with PROJECTROOT, its arguments and controls, the PATH entry,
# REMOVEDATA's custom action, the version. Then `msiexec /i /qn` puts
# parseltongue.exe in Program Files (it runs from there and through the
# machine PATH) with the InstallDir registry value; a newer MSI replaces it
# (MajorUpgrade: one product, one PATH entry); `/x` removes all of it and
# keeps the data folder unless REMOVEDATA=1.
# usage: e2e_msi.sh PARSELTONGUE_MSI VERSION
# The newer MSI is the one installer/CMakeLists.txt builds beside it, one
# patch version up.
# WINEPREFIX names a prepared prefix (CTest sets it; see wine_session.sh).
set -euo pipefail
msi_file=$1
version=$2
next_file="$(dirname "$msi_file")/parseltongue-next-x64.msi"
next_version="${version%.*}.$((${version##*.} + 1))"
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

# MajorUpgrade: the newer MSI replaces the older; one product, one entry.
wine msiexec /i "$next" /qn > upgrade.out 2>&1 || fail "msiexec /i next: $(cat upgrade.out)"
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

rm -f install.out upgrade.out remove.out
echo "e2e_msi: tables; installed, ran (also through PATH), upgraded, removed; data kept, then removed with REMOVEDATA=1"
