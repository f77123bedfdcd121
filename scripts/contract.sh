#!/usr/bin/env bash
# `make contract`: the schemathesis contract run (Tests/e2e/test_contract.py) alone and longer
# than in `make test`: CB_CONTRACT_SECONDS per run (anonymous, then logged in; default 600), on a
# fresh CB_STACK=test stack that is stopped whatever happened.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CB_STACK=test
export CB_CONTRACT_SECONDS="${CB_CONTRACT_SECONDS:-600}"

trap 'scripts/stack.sh stop || true' EXIT
scripts/stack.sh start
export CB_STACK_ENV="$ROOT/var/test/stack.env"
var/venv/bin/pytest Tests/e2e/test_contract.py -v -s
