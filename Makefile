.PHONY: run test build bench bench-soak bench-reports reliability security

# Serve the product on http://127.0.0.1:8080 with the embedded PostgreSQL.
run:
	scripts/run.sh

# Every test suite; installs what it needs first.
test:
	scripts/test.sh

build:
	swift build

# pgbench on each hot path's exact SQL beside wrk on its HTTP endpoint, same run (bench/README.md).
bench:
	bench/run.sh

# Five minutes of mixed HTTP load (offers, landing, booking, claim, submit at once) and the
# server's resident memory at the end and at its peak (bench/README.md, "Memory under load").
# `BENCH_SOAK_SECONDS=300 make bench` runs the same soak after the paths.
bench-soak:
	bench/run.sh --paths none --soak 300

# Every report over 90 days × 1,500 orders a day of generated history, timed, with its plans (bench/README.md, "Reports").
bench-reports:
	scripts/install-deps.sh bench
	swift build -c release --product creneau
	timeout --kill-after=30 1800 python3 bench/reports.py --bin "$$(swift build -c release --show-bin-path)/creneau"

# Crash, contention, idempotency, stall, PgBouncer and failover scenarios with their figures
# (Tests/reliability/run.py; `scripts/reliability.sh --short` is the form CI runs).
reliability:
	scripts/reliability.sh

# Authorization matrix, CSRF, fuzzers, schemathesis, headers, cookies, rate limits, wapiti,
# each with its count of cases (scripts/security.sh; `make test` runs a short form).
security:
	scripts/security.sh
