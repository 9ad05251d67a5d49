"""The README's promises about the server, checked on the real binary."""
import json
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from creneau_server import BIN, ROOT, Server, StaffSession, cluster_running, http_get, psql


def test_first_start_creates_the_database_and_serves_health(server, data_dir):
    status, headers, body = http_get(server.url + "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert "Créneau is serving on http://127.0.0.1:" in server.log_text()
    # Every migration in sql/ was applied to the embedded cluster.
    files = sorted(p.name[:-4] for p in (ROOT / "sql").glob("*.sql"))
    assert psql(data_dir, "SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations").split(",") == files


def test_sigkill_then_restart_finds_the_data_intact(server, data_dir):
    psql(data_dir, "INSERT INTO stores (slug, name) VALUES ('kill-test', 'Survivor')")
    server.kill()
    restarted = Server(data_dir).start()
    try:
        assert http_get(restarted.url + "/healthz")[0] == 200
        assert psql(data_dir, "SELECT name FROM stores WHERE slug = 'kill-test'") == "Survivor"
    finally:
        restarted.stop_quietly()


def test_sigterm_shuts_down_cleanly_and_stops_the_embedded_database(server, data_dir):
    assert cluster_running(data_dir)
    assert server.terminate() == 0
    assert not cluster_running(data_dir)
    assert "embedded PostgreSQL stopped" in server.log_text()


def test_concurrent_requests_log_whole_lines(server):
    """The log is written a line per system call and without a lock: lines from
    threads answering at the same moment must not interleave."""
    before = len(server.log_text().splitlines())
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: http_get(server.url + "/healthz")[0], range(400)))
    assert statuses == [200] * 400
    deadline = time.time() + 5
    while time.time() < deadline:
        lines = server.log_text().splitlines()[before:]
        requests = [line for line in lines if "route=/healthz status=200 [Web] request" in line]
        if len(requests) >= 400:
            break
        time.sleep(0.1)
    assert len(requests) == 400
    shape = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info creneau: .*method=GET ms=[\d.]+ route=/healthz status=200 \[Web\] request$")
    assert [line for line in requests if not shape.match(line)] == []


def test_metrics_and_problem_json(server):
    http_get(server.url + "/healthz")
    status, headers, body = http_get(server.url + "/metrics")
    assert status == 200
    assert 'hb_requests{http_route="/healthz"' in body
    status, headers, body = http_get(server.url + "/api/does-not-exist")
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 404


def test_migrate_command_is_idempotent(data_dir):
    first = subprocess.run([BIN, "migrate", "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied: 001_foundation")
    second = subprocess.run([BIN, "migrate", "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Schema is up to date."
    # A one-shot command leaves no database running behind it.
    assert not cluster_running(data_dir)


def test_unreachable_database_url_fails_with_a_clear_message(data_dir):
    result = subprocess.run(
        [BIN, "migrate", "--database-url", "postgresql:///none?host=/nonexistent-creneau"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "connection to server" in result.stderr and "No such file or directory" in result.stderr


def test_sigterm_ends_open_live_update_streams(server, data_dir):
    """A console left open (an endless event stream) must not hold a graceful shutdown."""
    psql(data_dir, "INSERT INTO stores (slug, name) VALUES ('live-test', 'Live')")
    added = subprocess.run([BIN, "staff", "add", "--email", "live@example.org", "--name", "Live", "--store", "live-test",
                            "--role", "picker", "--data-dir", str(data_dir)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "CRENEAU_STAFF_PASSWORD": "a long enough password"})
    assert added.returncode == 0, added.stdout + added.stderr
    staff = StaffSession(server.url, "live@example.org", "a long enough password")
    stream = staff.open("/staff/stores/live-test/events", timeout=30)
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    assert stream.readline().startswith(b"retry:")
    started = time.monotonic()
    assert server.terminate(timeout=20) == 0
    assert time.monotonic() - started < 10
    assert not cluster_running(data_dir)


def test_seed_with_history_plays_past_days_so_reports_have_data(data_dir):
    """`make run`'s first start: the demo store, then its last days played by the simulator."""
    seeded = subprocess.run([BIN, "seed", "--demo", "--history-days", "2", "--data-dir", str(data_dir)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    assert "Played 2 day(s)" in seeded.stdout, seeded.stdout
    assert "0 server errors (5xx)" in seeded.stdout, seeded.stdout
    report = subprocess.run([BIN, "report", "waits", "--store", "creneau-rivoli", "--format", "json",
                             "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    waits = json.loads(report.stdout)
    # By default the report covers the last 7 days: the two played ones have handovers.
    assert sum(day["handovers"] for day in waits["days"]) > 0, report.stdout[:2000]
    assert not cluster_running(data_dir)


def test_simulate_refuses_while_a_server_runs_on_the_database(data_dir):
    server = Server(data_dir)
    server.start()
    try:
        refused = subprocess.run([BIN, "simulate", "--store", "creneau-rivoli", "--date", "2026-11-20", "--data-dir", str(data_dir)],
                                 cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert refused.returncode != 0
        assert "A Créneau server is running on this database" in refused.stderr, refused.stderr
    finally:
        server.stop_quietly()
