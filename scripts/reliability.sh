#!/usr/bin/env bash
# `make reliability`: the reliability suite (Tests/reliability/run.py) on a release build.
#   scripts/reliability.sh                 full form (more orders, three crashes each, failover and failback; ~4 min)
#   scripts/reliability.sh --short         the form CI runs from scripts/test.sh
#   scripts/reliability.sh --only failover (see run.py --help)
# CRENEAU_BIN=path/to/creneau skips the build. Needs root or sudo for apt, and runs
# PostgreSQL, PgBouncer and pg_autoctl as the postgres system user when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh reliability
if [ -z "${CRENEAU_BIN:-}" ]; then
  swift build -c release --product creneau
  CRENEAU_BIN="$(swift build -c release --show-bin-path)/creneau"
  export CRENEAU_BIN
fi
exec .venv/bin/python Tests/reliability/run.py "$@"
