#!/usr/bin/env bash
# `make test`: check the alerting configuration (scripts/check-alerts.sh: promtool and amtool,
# no stack), build the tests, start a fresh CB_STACK=test stack, run `swift test` (unit and
# integration, pointed at the stack's MariaDB) and the e2e suite (pytest), stop the stack whatever
# happened, and exit non-zero if anything failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CB_STACK=test

say() { printf '==> %s\n' "$*"; }

# A second or two, and a failure here is cheaper to see before the stack starts.
scripts/check-alerts.sh

say "swift build --build-tests"
swift build --build-tests

trap 'say "stopping the test stack"; scripts/stack.sh stop || true' EXIT
scripts/stack.sh start
# shellcheck disable=SC1091
source var/test/stack.env

export CORKBOARD_TEST_DB_PRIMARY="127.0.0.1:$CB_PRIMARY_PORT"
export CORKBOARD_TEST_DB_REPLICA="127.0.0.1:$CB_REPLICA_PORT"
export CORKBOARD_TEST_DB_USER="$CB_DB_USER"
export CORKBOARD_TEST_DB_PASSWORD="$CB_DB_PASSWORD"
export CB_STACK_ENV="$ROOT/var/test/stack.env"

swift_rc=0
say "swift test"
swift test || swift_rc=$?

e2e_rc=0
say "pytest Tests/e2e"
var/venv/bin/pytest Tests/e2e -v || e2e_rc=$?

say "swift test exit $swift_rc, e2e exit $e2e_rc"
if ((swift_rc != 0 || e2e_rc != 0)); then
    say "logs of the test stack (last lines):"
    scripts/stack.sh logs 2>/dev/null | tail -n 80 || true
    exit 1
fi
