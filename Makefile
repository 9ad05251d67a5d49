.PHONY: run test build bench reliability security

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

# Crash, contention, idempotency, stall, PgBouncer and failover scenarios with their figures
# (Tests/reliability/run.py; `scripts/reliability.sh --short` is the form CI runs).
reliability:
	scripts/reliability.sh

# Authorization matrix, CSRF, fuzzers, schemathesis, headers, cookies, rate limits, wapiti,
# each with its count of cases (scripts/security.sh; `make test` runs a short form).
security:
	scripts/security.sh
