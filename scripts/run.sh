#!/usr/bin/env bash
# Runs Créneau the way a new user first meets it: dependencies installed,
# a release build, the embedded PostgreSQL started and migrated, the demo
# store seeded (once), the server on http://127.0.0.1:8080
# (CRENEAU_HOST / CRENEAU_PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
swift build -c release --product creneau
bin="$(swift build -c release --show-bin-path)/creneau"
# On first start, the last week is played by the simulator so that reports have a history.
"$bin" seed --demo --history-days "${CRENEAU_DEMO_HISTORY_DAYS:-7}"
exec "$bin" serve "$@"
