#!/usr/bin/env bash
# `make security`: the security suite, full form (longer schemathesis and wapiti runs).
#   1. the authorization matrix (every staff route × role × own / other / unknown store ×
#      signed out), CSRF, sign-in lockout and the fuzzers of every parser of untrusted
#      input, from the Swift suites: each prints "cases tried, failures"
#   2. Tests/security against a seeded server: schemathesis on /openapi.json, security
#      headers on every page and answer, cookie flags, rate limits, wapiti scans
# `make test` (and so CI) runs the same with short time limits.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh security
swift build --build-tests
swift test --skip-build --filter "authorizationMatrix|csrf|lockout|FuzzTests" 2>&1 | tee /dev/stderr \
  | grep -E "cases tried|Test run with" || true
SECURITY_FULL=1 CRENEAU_BIN="$(swift build --show-bin-path)/creneau" .venv/bin/python -m pytest -q -s Tests/security
