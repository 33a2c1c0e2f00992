# Helpers for integration tests (sourced). $SAMEN is the binary under test.
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1: $2"; }
# expect NAME CONDITION-COMMAND...: run the command, ok when it succeeds.
expect() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else notok "$name" "command failed: $*"; fi; }
