#!/usr/bin/env python3
"""The reports benchmark (`make bench-reports`; bench/README.md, "Reports").

On a throwaway data folder: seed the demo store, start the server (it keeps the
embedded cluster up), then write 90 days × 1,500 orders a day of history for the
demo store straight in SQL (generate_series: slots, baskets, orders and their
lines, bookings with handovers and waits, picking tasks and lines with
substitutions and missing items, scans, forecasts, observations, roster), VACUUM
ANALYZE, and time every report over the 90 days through `creneau report`, which
runs the very statements the report pages run. Each report: one warm-up run, then
--runs timed runs (the time is measured inside the command, around the report
call: no process start, no connection set-up). Then each report once more with
--explain: the EXPLAIN ANALYZE of each of its statements goes to
bench/results/reports-<time>-plans.txt, and the table says which indexes they
used and whether any large table was read whole.

Standard library only; needs `psql` on PATH.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, STORE, Run, log  # noqa: E402

REPORTS = ["utilization", "traffic", "promises", "waits", "picking", "posters", "capacity"]
TARGET_MS = 1000.0


def generate_sql(store_id: int, first: str, last: str, orders_per_day: int) -> str:
    """The whole history in a few set-based statements. Every value derives from a hash of
    (day, order number), so two runs write the same rows."""
    return f"""
\\set ON_ERROR_STOP on
SET synchronous_commit = off;
BEGIN;
CREATE TEMP TABLE tz AS SELECT time_zone AS zone FROM stores WHERE store_id = {store_id};
CREATE TEMP TABLE prods AS
  SELECT row_number() OVER (ORDER BY p.product_id) - 1 AS n, p.product_id, p.name, p.brand, p.size_text, p.temperature_zone
    FROM store_products sp JOIN products p ON p.product_id = sp.product_id WHERE sp.store_id = {store_id};
-- A step that is prime to the catalog size walks distinct products within one order.
CREATE TEMP TABLE step AS SELECT (SELECT count(*) FROM prods) AS total, 37 AS step;

-- 48 quarter-hour slots a day, 08:00-20:00 local.
INSERT INTO slots (store_id, starts_at, ends_at, status, planned_orders, capacity_orders, planned_minutes, capacity_minutes, computed_at)
SELECT {store_id}, (d + time '08:00' + n * interval '15 minutes') AT TIME ZONE (SELECT zone FROM tz),
       (d + time '08:15' + n * interval '15 minutes') AT TIME ZONE (SELECT zone FROM tz),
       'open', 40, 40, 1000, 1000, now()
  FROM generate_series('{first}'::date, '{last}'::date, interval '1 day') d, generate_series(0, 47) n
ON CONFLICT (store_id, starts_at) DO NOTHING;

CREATE TEMP TABLE g AS
SELECT d::date AS day, i, (hashtext(d::date::text || '-' || i) & 2147483647)::bigint AS h,
       md5('order-' || d::date || '-' || i)::uuid AS order_id, md5('basket-' || d::date || '-' || i)::uuid AS basket_id,
       s.slot_id, s.starts_at, s.ends_at
  FROM generate_series('{first}'::date, '{last}'::date, interval '1 day') d
 CROSS JOIN generate_series(1, {orders_per_day}) i
  JOIN slots s ON s.store_id = {store_id}
              AND s.starts_at = (d + time '08:00' + (i % 48) * interval '15 minutes') AT TIME ZONE (SELECT zone FROM tz);
ALTER TABLE g ADD COLUMN cancelled boolean, ADD COLUMN placed timestamptz, ADD COLUMN ready timestamptz,
              ADD COLUMN arrived timestamptz, ADD COLUMN wait numeric;
UPDATE g SET cancelled = h % 50 = 0,
             placed = starts_at - ((h / 3) % 2880 + 90) * interval '1 minute',
             -- One in ten is staged late (up to 15 minutes after the slot start).
             ready = CASE WHEN h % 10 = 1 THEN starts_at + (h % 15) * interval '1 minute'
                          ELSE starts_at - (5 + h % 40) * interval '1 minute' END,
             arrived = starts_at + ((h / 7) % 25 - 5) * interval '1 minute',
             -- Mostly 0-6 minutes, one in 25 five minutes more.
             wait = ((h / 13) % 600) / 100.0 + CASE WHEN h % 25 = 0 THEN 5 ELSE 0 END;

INSERT INTO baskets (store_id, basket_id, token_hash, created_at, updated_at, expires_at, order_id)
SELECT {store_id}, basket_id, decode(md5('token-' || order_id), 'hex'), placed - interval '10 minutes', placed, placed + interval '30 days', order_id FROM g;
-- Baskets that never became orders: one for every three orders.
INSERT INTO baskets (store_id, basket_id, token_hash, created_at, updated_at, expires_at)
SELECT {store_id}, md5('abandoned-' || day || '-' || i)::uuid, decode(md5('abandoned-token-' || day || '-' || i), 'hex'),
       starts_at - interval '3 hours', starts_at - interval '3 hours', starts_at + interval '27 days'
  FROM g WHERE i % 3 = 0;

INSERT INTO orders (store_id, order_id, order_number, link_hash, pickup_code, basket_id, status, customer_phone,
                    slot_id, slot_starts_at, slot_ends_at, subtotal_cents, fee_cents, total_cents, picking_minutes,
                    placed_at, cancelled_at, picking_started_at, ready_at)
SELECT {store_id}, order_id, 'G' || to_char(day, 'YYMMDD') || '-' || i, decode(md5('link-' || order_id), 'hex'), '000000', basket_id,
       CASE WHEN cancelled THEN 'cancelled' ELSE 'handed_over' END, '0600000000',
       slot_id, starts_at, ends_at, 0, 0, 0, 9.3, placed,
       CASE WHEN cancelled THEN placed + interval '1 hour' END,
       CASE WHEN NOT cancelled THEN ready - interval '30 minutes' END, CASE WHEN NOT cancelled THEN ready END
  FROM g;

-- 6 to 18 lines an order, 12 on average (the slot template's typical order).
INSERT INTO order_lines (store_id, order_id, line_no, product_id, name, brand, size_text, temperature_zone, quantity, unit_price_cents)
SELECT {store_id}, g.order_id, k, p.product_id, p.name, p.brand, p.size_text, p.temperature_zone, 1 + (g.h + k) % 3, 250
  FROM g CROSS JOIN LATERAL generate_series(1, 6 + g.h % 13) k
  JOIN prods p ON p.n = (g.h + k * (SELECT step FROM step)) % (SELECT total FROM step);
INSERT INTO basket_lines (store_id, basket_id, product_id, quantity, added_at)
SELECT {store_id}, g.basket_id, ol.product_id, ol.quantity, g.placed - interval '5 minutes'
  FROM g JOIN order_lines ol ON ol.store_id = {store_id} AND ol.order_id = g.order_id;
INSERT INTO basket_lines (store_id, basket_id, product_id, quantity, added_at)
SELECT {store_id}, md5('abandoned-' || g.day || '-' || g.i)::uuid, p.product_id, 1, g.starts_at - interval '3 hours'
  FROM g CROSS JOIN LATERAL generate_series(1, 1 + g.h % 4) k
  JOIN prods p ON p.n = (g.h / 5 + k * (SELECT step FROM step)) % (SELECT total FROM step)
 WHERE g.i % 3 = 0;

INSERT INTO slot_bookings (store_id, order_id, slot_id, minutes, fee_cents, status, promised_ready_at, promised_wait_minutes,
                           minutes_missing, booked_at, handed_over_at, actual_wait_minutes)
SELECT {store_id}, order_id, slot_id, 9.3, 0,
       CASE WHEN cancelled THEN 'cancelled' WHEN h % 100 = 7 THEN 'at-risk' ELSE 'booked' END,
       starts_at, 5, CASE WHEN NOT cancelled AND h % 100 = 7 THEN 2 END, placed,
       CASE WHEN NOT cancelled THEN greatest(arrived, starts_at, ready) + wait * interval '1 minute' END,
       CASE WHEN NOT cancelled THEN extract(epoch FROM greatest(ready, arrived, starts_at) - greatest(arrived, starts_at)) / 60 + wait END
  FROM g;
INSERT INTO arrivals (store_id, order_id, arrived_at, via, handed_over_at)
SELECT {store_id}, order_id, arrived, 'customer', greatest(arrived, starts_at, ready) + wait * interval '1 minute' FROM g WHERE NOT cancelled;
UPDATE slots s SET reserved_orders = b.n
  FROM (SELECT slot_id, count(*) AS n FROM g WHERE NOT cancelled GROUP BY slot_id) b
 WHERE s.store_id = {store_id} AND s.slot_id = b.slot_id;

-- One tote per order and zone; eight pickers, each tote picked at 30 s a line, done by the order's ready time.
INSERT INTO picking_tasks (store_id, order_id, zone, due_at, order_lines, task_lines, lines_done, status, claimed_by, claimed_at,
                           last_progress_at, claim_count, tote_label, staging_location, queued_at, picked_at, staged_at)
SELECT {store_id}, z.order_id, z.zone, g.starts_at, z.order_lines, z.task_lines, z.task_lines, 'staged',
       'Picker ' || ((g.h / 11 + z.rank) % 8), g.ready - (4 - z.rank) * interval '4 minutes' - z.task_lines * interval '30 seconds',
       g.ready - (4 - z.rank) * interval '4 minutes', 1, 'G' || to_char(g.day, 'YYMMDD') || '-' || g.i || '-' || upper(left(z.zone, 1)),
       'A' || z.rank, g.starts_at - interval '1 hour', g.ready - (4 - z.rank) * interval '4 minutes', g.ready
  FROM (SELECT ol.order_id, ol.temperature_zone AS zone,
               CASE ol.temperature_zone WHEN 'ambient' THEN 1 WHEN 'chilled' THEN 2 ELSE 3 END AS rank,
               count(*)::int AS task_lines, sum(count(*)) OVER (PARTITION BY ol.order_id)::int AS order_lines
          FROM g JOIN order_lines ol ON ol.store_id = {store_id} AND ol.order_id = g.order_id
         WHERE NOT g.cancelled
         GROUP BY ol.order_id, ol.temperature_zone) z
  JOIN g ON g.order_id = z.order_id;
-- 2.5% of lines replaced, 1.5% missing.
INSERT INTO picking_lines (store_id, task_id, order_id, line_no, ordered_quantity, picked_quantity, status,
                           substitute_product_id, substitute_quantity, substitute_unit_price_cents, done_at)
SELECT {store_id}, t.task_id, ol.order_id, ol.line_no, ol.quantity,
       CASE WHEN q.roll < 40 THEN 0 ELSE ol.quantity END,
       CASE WHEN q.roll < 25 THEN 'substituted' WHEN q.roll < 40 THEN 'missing' ELSE 'picked' END,
       CASE WHEN q.roll < 25 THEN ol.product_id END, CASE WHEN q.roll < 25 THEN 1 END, CASE WHEN q.roll < 25 THEN 250 END,
       t.picked_at
  FROM picking_tasks t
  JOIN order_lines ol ON ol.store_id = t.store_id AND ol.order_id = t.order_id AND ol.temperature_zone = t.zone
 CROSS JOIN LATERAL (SELECT (hashtext(ol.order_id::text || ol.line_no) & 2147483647) % 1000 AS roll) q
 WHERE t.store_id = {store_id} AND t.due_at >= (SELECT min(starts_at) FROM g) AND t.due_at <= (SELECT max(starts_at) FROM g);

-- 4,000 anonymous scans a day over the posters' items, 08:00-20:00 local.
CREATE TEMP TABLE items AS
  SELECT row_number() OVER (ORDER BY shelf_id, product_id) - 1 AS n, shelf_id, product_id FROM shelf_items WHERE store_id = {store_id};
INSERT INTO scans (store_id, shelf_id, product_id, scanned_at)
SELECT {store_id}, it.shelf_id, it.product_id, (d + time '08:00' + ((j * 13) % 720) * interval '1 minute') AT TIME ZONE (SELECT zone FROM tz)
  FROM generate_series('{first}'::date, '{last}'::date, interval '1 day') d
 CROSS JOIN generate_series(1, 4000) j
  JOIN items it ON it.n = (hashtext(d::date::text || j) & 2147483647) % (SELECT count(*) FROM items);

-- Hourly forecast and observed checkouts; the demo's own observations are kept where they exist.
INSERT INTO busyness_forecasts (store_id, hour, mean, p10, p50, p90, fitted_at)
SELECT {store_id}, h, m, m * 0.8, m, m * 1.2, h - interval '1 day'
  FROM generate_series(('{first}'::date)::timestamp AT TIME ZONE (SELECT zone FROM tz),
                       ('{last}'::date + 1)::timestamp AT TIME ZONE (SELECT zone FROM tz) - interval '1 hour', interval '1 hour') h
 CROSS JOIN LATERAL (SELECT 20 + 80 * greatest(0, sin(pi() * (extract(hour FROM h AT TIME ZONE (SELECT zone FROM tz)) - 7) / 14)) AS m) f
ON CONFLICT (store_id, hour) DO NOTHING;
INSERT INTO traffic_observations (store_id, hour, source, count)
SELECT {store_id}, f.hour, 'checkouts', f.mean * (0.75 + ((hashtext(f.hour::text) & 2147483647) % 50) / 100.0)
  FROM busyness_forecasts f
 WHERE f.store_id = {store_id} AND f.hour >= ('{first}'::date)::timestamp AT TIME ZONE (SELECT zone FROM tz)
   AND f.hour < ('{last}'::date + 1)::timestamp AT TIME ZONE (SELECT zone FROM tz)
ON CONFLICT (store_id, hour, source) DO NOTHING;

INSERT INTO roster_shifts (store_id, staff_name, role, starts_at, ends_at)
SELECT {store_id}, 'Picker ' || p, 'picker',
       (d + CASE WHEN p < 4 THEN time '07:00' ELSE time '12:00' END) AT TIME ZONE (SELECT zone FROM tz),
       (d + CASE WHEN p < 4 THEN time '15:00' ELSE time '20:00' END) AT TIME ZONE (SELECT zone FROM tz)
  FROM generate_series('{first}'::date, '{last}'::date, interval '1 day') d, generate_series(0, 7) p
UNION ALL
SELECT {store_id}, 'Counter ' || c, 'handover', (d + time '08:00') AT TIME ZONE (SELECT zone FROM tz), (d + time '20:00') AT TIME ZONE (SELECT zone FROM tz)
  FROM generate_series('{first}'::date, '{last}'::date, interval '1 day') d, generate_series(0, 2) c;
COMMIT;
VACUUM ANALYZE;
"""


class ReportsBench(Run):
    """bench.py's run (throwaway folder, demo seed, server keeping the cluster up, psql on
    its socket, stop), with the reports' history and timings."""

    def cli(self, *arguments, timeout=600):
        return subprocess.run([self.bin, *arguments, "--data-dir", str(self.data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)

    def start(self):
        self.seed()
        self.start_server()

    def generate(self):
        store_id = int(self.psql(f"SELECT store_id FROM stores WHERE slug = '{STORE}'"))
        today = datetime.date.fromisoformat(self.psql(f"SELECT (now() AT TIME ZONE time_zone)::date FROM stores WHERE store_id = {store_id}"))
        self.last = today - datetime.timedelta(days=1)
        self.first = self.last - datetime.timedelta(days=self.args.days - 1)
        log(f"generating {self.args.days} days × {self.args.orders} orders ({self.first} to {self.last})")
        started = time.time()
        script = self.data_dir / "generate.sql"
        script.write_text(generate_sql(store_id, self.first.isoformat(), self.last.isoformat(), self.args.orders))
        out = subprocess.run(["psql", "-X", "-q", "-h", str(self.socket_dir), "-U", "creneau", "-d", "creneau", "-f", str(script)],
                             capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise SystemExit(f"generating the history failed:\n{out.stderr}")
        self.generate_seconds = time.time() - started
        counts = self.psql(f"""SELECT json_build_object(
            'orders', (SELECT count(*) FROM orders WHERE store_id = {store_id}),
            'order_lines', (SELECT count(*) FROM order_lines WHERE store_id = {store_id}),
            'picking_tasks', (SELECT count(*) FROM picking_tasks WHERE store_id = {store_id}),
            'picking_lines', (SELECT count(*) FROM picking_lines WHERE store_id = {store_id}),
            'slots', (SELECT count(*) FROM slots WHERE store_id = {store_id}),
            'baskets', (SELECT count(*) FROM baskets WHERE store_id = {store_id}),
            'scans', (SELECT count(*) FROM scans WHERE store_id = {store_id}),
            'database_mb', pg_database_size(current_database()) / 1048576)""")
        self.counts = json.loads(counts)
        log(f"generated in {self.generate_seconds:.0f} s: {self.counts}")

    def run_report(self, name, first, last, *extra):
        return self.cli("report", name, "--store", STORE, "--from", first.isoformat(), "--to", last.isoformat(),
                        "--format", "json", *extra)

    def time_report(self, name, first, last):
        """Median of the timed runs after one warm-up; the indexes and full scans its plans show."""
        times = []
        for attempt in range(self.args.runs + 1):
            out = self.run_report(name, first, last, "--timing")
            if out.returncode != 0:
                raise SystemExit(f"report {name} failed:\n{out.stderr}")
            if attempt > 0:  # the first run warms the cache
                times.append(float(re.search(r": ([0-9.]+) ms", out.stderr).group(1)))
        plans = self.run_report(name, first, last, "--explain").stderr
        indexes = sorted(set(re.findall(r"Index (?:Only )?Scan(?: Backward)? using (\w+)", plans))
                         | set(re.findall(r"Bitmap Index Scan on (\w+)", plans)))
        seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plans)))
        return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "runs": times,
                "indexes": indexes, "seq_scans": seq}, plans

    def measure(self):
        """Every report over the whole history (all rows in range: PostgreSQL reads tables whole,
        as it should), then over its last week (a fraction of the rows: the indexes of 009 and
        the schema serve the range)."""
        self.results, self.week = {}, {}
        week_first = self.last - datetime.timedelta(days=6)
        plans_text = []
        for name in self.args.reports:
            self.results[name], plans = self.time_report(name, self.first, self.last)
            plans_text.append(f"==== {name}, {self.first} to {self.last} ====\n{plans}")
            self.week[name], plans = self.time_report(name, week_first, self.last)
            plans_text.append(f"==== {name}, {week_first} to {self.last} ====\n{plans}")
            log(f"{name}: {self.args.days} days median {self.results[name]['median_ms']:.0f} ms "
                f"(runs {', '.join(f'{t:.0f}' for t in self.results[name]['runs'])}); "
                f"7 days median {self.week[name]['median_ms']:.0f} ms, indexes {', '.join(self.week[name]['indexes']) or '-'}")
        return "\n".join(plans_text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release" / "creneau"))
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--orders", type=int, default=1500, help="orders a day")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per report, after one warm-up")
    parser.add_argument("--reports", nargs="+", default=REPORTS, choices=REPORTS)
    parser.add_argument("--keep", action="store_true", help="keep the data folder (and say where)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE", help="extra environment for the server")
    args = parser.parse_args()
    bench = ReportsBench(args)
    load_before = os.getloadavg()
    try:
        bench.start()
        bench.generate()
        plans = bench.measure()
    finally:
        bench.stop()
        if args.keep:
            log(f"kept {bench.data_dir}")
    load_after = os.getloadavg()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    (results_dir / f"reports-{stamp}-plans.txt").write_text(plans)
    summary = {"commit": commit, "days": args.days, "orders_per_day": args.orders, "range": [str(bench.first), str(bench.last)],
               "generated_seconds": round(bench.generate_seconds), "rows": bench.counts, "nproc": os.cpu_count(),
               "load_before": load_before, "load_after": load_after, "reports": bench.results, "last_week": bench.week}
    (results_dir / f"reports-{stamp}.json").write_text(json.dumps(summary, indent=2))
    print(f"\nreports over {args.days} days × {args.orders} orders/day ({bench.counts['orders']} orders, "
          f"{bench.counts['order_lines']} order lines, {bench.counts['picking_lines']} picking lines, {bench.counts['scans']} scans); "
          f"commit {commit}; load average before {load_before[0]:.1f}, after {load_after[0]:.1f}; {os.cpu_count()} cores")
    print(f"{'report':<12} {args.days:>3} days: median    min    max  (< {TARGET_MS:.0f} ms?)   last 7 days: median  indexes used")
    for name, result in bench.results.items():
        week = bench.week[name]
        verdict = "met" if result["median_ms"] < TARGET_MS else "MISSED"
        print(f"{name:<12} {result['median_ms']:>16.0f} {result['min_ms']:>6.0f} {result['max_ms']:>6.0f}  {verdict:<8} "
              f"{week['median_ms']:>20.0f}  {', '.join(week['indexes']) or '-'}"
              + (f"  (read whole: {', '.join(week['seq_scans'])})" if week["seq_scans"] else ""))
    print(f"plans: bench/results/reports-{stamp}-plans.txt")


if __name__ == "__main__":
    main()
