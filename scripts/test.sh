#!/usr/bin/env bash
# Every test: the Swift suites (against a private PostgreSQL the test support
# starts), then the end-to-end and browser suites against the real binary, then
# the short form of the security suite (Tests/security) and of the reliability suite (Tests/reliability: crashes, contention,
# idempotency, a stalled database, PgBouncer, a pg_auto_failover failover behind HAProxy).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
swift build --build-tests
swift test --skip-build
CRENEAU_BIN="$(swift build --show-bin-path)/creneau" .venv/bin/python -m pytest -q Tests/e2e Tests/browser Tests/security
CRENEAU_BIN="$(swift build --show-bin-path)/creneau" .venv/bin/python Tests/reliability/run.py --short
