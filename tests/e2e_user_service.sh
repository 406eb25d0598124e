#!/usr/bin/env bash
# `parseltongue service` on Linux end to end, with HOME in a temporary
# folder and no systemd user manager (as in CI): install writes the unit,
# indexes the root into the data folder and prints how to enable it;
# systemd-analyze verifies the unit (the program's path and the root hold
# spaces, '%' and '$', the root quotes too); the refusals (name taken, bad name, missing
# root, port in use); status with and without a server answering; uninstall
# removes the unit and keeps the data. One port per service.
# usage: e2e_user_service.sh PARSELTONGUE FIXTURES_DIR
set -euo pipefail
built=$1
fixtures=$2
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$work/out" ] && cat "$work/out"; exit 1; }
export HOME="$work/home"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_RUNTIME_DIR
mkdir -p "$HOME"
# A port nothing listens on, nor on the next one (other tests run beside
# this one and hold ports of their own), below Linux's ephemeral ports
# (32768 and up by default): a server on port 0 or a client socket of a
# test running beside this one may take any of those at any moment.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + ($$ + 7) % 12000))
while listening "$port" || listening $((port + 1)); do
  port=$((20000 + (port - 20000 + 2) % 12000))
done

# The program in a folder whose name needs quoting in a unit file.
bin="$work/bin dir 100% \$HOME"
mkdir -p "$bin"
cp "$built" "$bin/parseltongue"
pt="$bin/parseltongue"
root="$work/my proj 'x' 50% \$USER"
mkdir -p "$root"
cp -R "$fixtures/lang/c" "$fixtures/lang/python" "$root/"

# run EXPECTED_STATUS ARGS...: runs the program, output in $work/out
run() {
  local want=$1 got=0
  shift
  "$pt" "$@" > "$work/out" 2>&1 || got=$?
  [ "$got" = "$want" ] || fail "'$*' exited $got, expected $want"
}
has() { grep -qF -- "$1" "$work/out" || fail "no '$1' in the output of the last command"; }

unit="$HOME/.config/systemd/user/parseltongue-proj.service"
data="$HOME/.local/share/parseltongue/proj"

run 0 service install --root "$root" --name proj --port "$port"
has "systemctl --user enable --now parseltongue-proj.service"
has "Service 'proj' written: $unit"
[ -f "$unit" ] || fail "no $unit"
[ -f "$data/analysis.db" ] || fail "no first index in $data"
# The first index is the index of the root.
"$pt" dump --db "sqlite:$data/analysis.db" > "$work/stored.dump"
"$pt" dump "$root" > "$work/fresh.dump"
cmp -s "$work/stored.dump" "$work/fresh.dump" || fail "the stored index differs from a fresh one"

# systemd parses it as we meant it: it finds the program through the quoted
# path (verify checks that ExecStart's program is executable).
if command -v systemd-analyze > /dev/null; then
  mkdir -m 700 "$work/run"
  XDG_RUNTIME_DIR="$work/run" systemd-analyze verify --user "$unit" > "$work/out" 2>&1 ||
    fail "systemd-analyze verify rejects the unit"
  ! grep -q . "$work/out" || fail "systemd-analyze verify warns"
else
  echo "SKIP: systemd-analyze is not installed; the unit is not verified"
fi

# Refusals: the name is taken, a bad name, no such root, no --root.
run 1 service install --root "$root" --name proj --port $((port + 1))
has "installed already"
run 2 service install --root "$root" --name "a/b"
has "only letters, digits"
run 1 service install --root "$work/nowhere" --name other
has "is not a folder"
run 2 service install --name other
has "needs --root DIR"
run 2 service run --root "$root"
has "'service run' is the Windows service's entry point"

# status: installed, nothing answering (exit 3); one name installed, so
# --name may be left out.
run 3 service status
has "root:    $root"
has "port:    $port"
has "health:  no answer"

# A second service cannot take the port of an installed one, running or not.
run 1 service install --root "$root" --name other --port "$port"
has "port $port is the port of service 'proj'"
[ ! -e "$HOME/.local/share/parseltongue/other" ] || fail "a refused install left a data folder"

# serve PORT: runs the unit's command, as systemd would, until stop_serve
serve() {
  "$pt" serve --db "sqlite:$data/analysis.db" --root "$root" --port "$1" \
    > "$work/serve.out" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    grep -q '^Ready: listening on' "$work/serve.out" && break
    kill -0 "$pid" 2>/dev/null || fail "serve exited: $(cat "$work/serve.out")"
    sleep 0.05
  done
  grep -q "^Ready: listening on 127.0.0.1:$1 " "$work/serve.out" ||
    fail "serve is not on port $1: $(cat "$work/serve.out")"
}
stop_serve() {
  kill -TERM "$pid"
  wait "$pid" || fail "serve exited with status $?"
  pid=""
}

# status sees the API answer.
serve "$port"
run 0 service status --name proj
has "health:  HTTP 200 "
has '"status":"ok"'
stop_serve

# uninstall: the unit goes, the data stays; then nothing is installed.
run 0 service uninstall --name proj
has "Its data folder stays: $data"
[ ! -e "$unit" ] || fail "$unit still there"
[ -f "$data/analysis.db" ] || fail "the data folder went"
run 1 service status
has "no service is installed"
run 1 service uninstall --name proj
has "no service is installed as $unit"
[ -z "$(ls "$HOME/.config/systemd/user")" ] || fail "files left in the unit folder"

# A port something else listens on is refused too.
serve "$port"
run 1 service install --root "$root" --name other --port "$port"
has "port $port is in use"
stop_serve
echo "e2e_user_service: install, verify, refusals, status, uninstall"
