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
"$bin" seed --demo
exec "$bin" serve "$@"
