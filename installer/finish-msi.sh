#!/usr/bin/env bash
# Adds to the MSI that wixl built from parseltongue.wxs the standard
# Windows Installer rows that wixl 0.101 cannot write (it stops at
# Component/Condition, Environment and RemoveFolderEx), with msibuild from
# the same msitools:
# - the conditions choosing "Program" (no PROJECTROOT) or "ProgramService"
#   (PROJECTROOT given: the exe with the service);
# - the 64-bit registry view for the searches that remember PROJECTROOT,
#   SERVICENAME and PORT (wixl writes the 32-bit one);
# - the Environment table putting the install folder at the end of the
#   machine PATH, removed again at uninstall (what WiX's
#   <Environment Name="PATH" Part="last" System="yes"/> writes);
# - REMOVEDATA=1 at uninstall: a deferred custom action deleting the
#   service's data folder, %ProgramData%\Parseltongue\SERVICENAME (never
#   during an upgrade);
# - the public properties passed on to the elevated install.
# usage: finish-msi.sh MSI
set -euo pipefail
msi=$1
q() { msibuild "$msi" -q "$1"; }

q "UPDATE \`Component\` SET \`Condition\` = 'NOT PROJECTROOT' WHERE \`Component\` = 'Program'"
q "UPDATE \`Component\` SET \`Condition\` = 'PROJECTROOT' WHERE \`Component\` = 'ProgramService'"
# msidbLocatorTypeRawValue (2) | msidbLocatorType64bit (16)
q "UPDATE \`RegLocator\` SET \`Type\` = 18"

q "CREATE TABLE \`Environment\` (\`Environment\` CHAR(72) NOT NULL, \`Name\` CHAR(255) NOT NULL LOCALIZABLE, \`Value\` CHAR(255) LOCALIZABLE, \`Component_\` CHAR(72) NOT NULL PRIMARY KEY \`Environment\`)"
# Name: '=' set at install, '-' removed at uninstall, '*' the machine's.
# Value: '[~];' appends to what is there.
for c in Program ProgramService; do
  q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('Path$c', '=-*PATH', '[~];[INSTALLDIR]', '$c')"
done
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"

# Type 3170: an exe run in a folder (34), its failure ignored (64, the
# folder may be gone), deferred (1024), as LocalSystem (2048). After
# DeleteServices (2000): the service has let go of its files.
data='[CommonAppDataFolder]Parseltongue'
q "INSERT INTO \`CustomAction\` (\`Action\`, \`Type\`, \`Source\`, \`Target\`) VALUES ('RemoveServiceData', 3170, 'INSTALLDIR', '\"[System64Folder]cmd.exe\" /c rmdir /s /q \"$data\\[SERVICENAME]\" & rmdir \"$data\"')"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Condition\`, \`Sequence\`) VALUES ('RemoveServiceData', 'REMOVE~=\"ALL\" AND REMOVEDATA=\"1\" AND NOT UPGRADINGPRODUCTCODE', 2100)"

q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;PROJECTROOT;SERVICENAME;PORT;REMOVEDATA' WHERE \`Property\` = 'SecureCustomProperties'"
