#!/usr/bin/env bash
# `make bench`: the benchmarks of bench/README.md, in one run that stops by itself.
#   1. the tools (pgbench, psql, wrk) if missing: scripts/install-deps.sh bench
#   2. bench/check_sql.py: every statement pgbench runs is verbatim in the Swift sources
#   3. a release build of the server
#   4. bench/bench.py: throwaway data folder, seed, server, then pgbench and wrk per path;
#      prints the table and writes bench/results/<timestamp>.json
# Arguments go to bench.py (e.g. --paths offers --duration 10); the whole run is
# limited to 15 minutes, plus the soak's length when there is one (--soak SECONDS or
# BENCH_SOAK_SECONDS: that many seconds of mixed load after the paths, with the
# server's RSS; `make bench-soak` runs it alone).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench
python3 bench/check_sql.py
swift build -c release --product creneau
bin="$(swift build -c release --show-bin-path)/creneau"
soak="${BENCH_SOAK_SECONDS:-0}"
previous=""
for arg in "$@"; do
  case "$arg" in --soak=*) soak="${arg#--soak=}" ;; esac
  if [ "$previous" = "--soak" ]; then soak="$arg"; fi
  previous="$arg"
done
exec timeout --kill-after=30 $((900 + soak)) python3 bench/bench.py --bin "$bin" "$@"
