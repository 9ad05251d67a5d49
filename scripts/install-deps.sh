#!/usr/bin/env bash
# Installs what Créneau needs on a Debian machine that has only Swift.
#   scripts/install-deps.sh run    the server: PostgreSQL, libpq, libqrencode
#   scripts/install-deps.sh test   also the test tools: Chromium and its driver,
#                                  zbar, rsvg, wrk, and a Python virtualenv
#   scripts/install-deps.sh bench  the test packages (pgbench comes with postgresql-contrib,
#                                  wrk), without the virtualenv: bench/ needs only python3
#   scripts/install-deps.sh security      the test packages and wapiti (`make security`;
#                                  `test` installs it too, as CI runs the short form)
#   scripts/install-deps.sh reliability   the server's packages, HAProxy, PgBouncer and
#                                  pg_auto_failover (deploy/), and the virtualenv
#                                  (`make reliability`; `test` installs them too, as CI
#                                  runs the short form of the reliability suite)
# Only what is missing is installed; a second run does nothing.
set -euo pipefail
mode=${1:-test}
cd "$(dirname "$0")/.."

packages=(postgresql postgresql-contrib libpq-dev libqrencode-dev pkg-config)
if [ "$mode" = test ] || [ "$mode" = bench ] || [ "$mode" = security ]; then
  packages+=(zbar-tools librsvg2-bin chromium chromium-driver wrk)
fi
if [ "$mode" = test ] || [ "$mode" = security ]; then
  packages+=(wapiti)
fi
if [ "$mode" = test ] || [ "$mode" = reliability ]; then
  packages+=(haproxy pgbouncer postgresql-15-auto-failover)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "$mode" = bench ] && ! command -v python3 >/dev/null 2>&1; then
  missing+=(python3)
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && { [ "$mode" = test ] || [ "$mode" = reliability ] || [ "$mode" = security ]; }; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ] || [ "$mode" = reliability ] || [ "$mode" = security ]; then
  # Pinned test tools in a private virtualenv; rebuilt only when the pins change.
  if [ ! -x .venv/bin/python ] || ! cmp -s Tests/requirements.txt .venv/requirements.txt; then
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r Tests/requirements.txt
    cp Tests/requirements.txt .venv/requirements.txt
  fi
fi
