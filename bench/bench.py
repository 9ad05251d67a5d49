#!/usr/bin/env python3
"""One benchmark run (what `make bench` ends with; bench/README.md explains it).

On a fresh throwaway data folder under /tmp: seed the demo store, start the
release server on a free loopback port, then per path run pgbench on the exact
SQL of that path (bench/sql/<path>.sql) against the same embedded cluster,
and wrk on the HTTP endpoint doing the same work, at the same concurrency.
With --soak SECONDS (or $BENCH_SOAK_SECONDS), then that many seconds of mixed
HTTP load on every path at once, reading the server's resident memory meanwhile.
Prints a table and writes bench/results/<timestamp>.json. Everything it starts
is stopped at the end, and every step has a time limit.

Standard library only; needs `pgbench`, `psql`, `wrk` on PATH.
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = "creneau-rivoli"
# Per path: its pgbench script, its target, and the round trips to PostgreSQL of one
# pgbench transaction and of one HTTP request (bench/README.md says which).
PATHS = {
    "offers": {"sql": "offers", "target": {"http_p99_ms_below": 5.0}, "round_trips": {"pgbench": 1, "http": 2}},
    "landing": {"sql": "landing", "target": {"http_p99_ms_below": 5.0}, "round_trips": {"pgbench": 1, "http": 1}},
    # Holds on slots drawn among a few: what the target names.
    "booking": {"sql": "booking", "target": {"ratio_at_least": 0.80}, "round_trips": {"pgbench": 8, "http": 6}},
    # Every hold on one slot: the same SQL on the hottest row, without moving between slots.
    "booking-1slot": {"sql": "booking", "target": {"ratio_at_least": 0.80}, "round_trips": {"pgbench": 8, "http": 6}, "one_slot": True},
    # The next picking task. The session and its store role (one statement) are read again
    # only every few seconds: the server keeps them meanwhile (Staff's SessionCache).
    "claim": {"sql": "claim", "target": {"ratio_at_least": 0.80}, "round_trips": {"pgbench": 1, "http": 1}},
    # A new order per request: key, basket (5 lines), stock, the hold booked, order, lines,
    # timeline, response stored. pgbench reads its drawn values from a pool first (+1).
    "submit": {"sql": "submit", "target": {"ratio_at_least": 0.80}, "round_trips": {"pgbench": 9, "http": 6}},
}
# The mixed load of the soak (--soak): connections per path, 8 in all like each path alone.
SOAK_MIX = {"offers": 2, "landing": 2, "booking": 1, "claim": 1, "submit": 2}
SOAK_RSS_TARGET_MB = 200
# What every bench checkout sends: a phone and an e-mail, so no contact field is NULL
# (pgbench variables cannot be NULL); the server's fingerprint of the request joins
# the token and these with U+001F.
SUBMIT_CONTACT = {"name": "Bench", "phone": "0612345678", "email": "bench@creneau.test"}
# Tokens.orderNumber's alphabet (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
SPOKEN = "ACDEFHJKMNPRTUVWXY3467"
# The staff account the claim path signs in with (created by `creneau staff add`).
BENCH_STAFF = ("bench@creneau.test", "bench staff password 1")


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Run:
    def __init__(self, args):
        self.args = args
        self.bin = args.bin
        self.data_dir = Path(tempfile.mkdtemp(prefix="creneau-bench-", dir="/tmp"))
        os.chmod(self.data_dir, 0o755)  # as root, the postgres user must reach it
        self.work = self.data_dir / "bench"
        self.work.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.server_log = None

    # ---- the cluster and the server -------------------------------------------------

    @property
    def socket_dir(self):
        socket_dir = self.data_dir / "postgres"
        if (socket_dir / "data").exists() or not os.geteuid() == 0:
            return socket_dir
        return Path("/var/lib/creneau") / "_".join(socket_dir.parts[1:])

    def psql(self, sql):
        out = subprocess.run(
            ["psql", "-X", "-h", str(self.socket_dir), "-U", "creneau", "-d", "creneau", "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )
        return out.stdout.strip()

    def psql_script(self, script, rows=(), timeout=300):
        """A script on psql's standard input, in one transaction; `rows` (tab-separated
        lines) are the data of its COPY … FROM STDIN, put where @ROWS@ stands."""
        script = textwrap.dedent(script).replace("@ROWS@\n", "".join(row + "\n" for row in rows) + "\\.\n")
        out = subprocess.run(
            ["psql", "-X", "-q", "-h", str(self.socket_dir), "-U", "creneau", "-d", "creneau", "-v", "ON_ERROR_STOP=1",
             "--single-transaction", "-tA", "-f", "-"],
            input=script, capture_output=True, text=True, timeout=timeout,
        )
        if out.returncode != 0:
            raise SystemExit(f"psql script failed:\n{out.stderr[-3000:]}")
        return out.stdout.strip()

    def seed(self):
        log(f"seeding the demo store in {self.data_dir}")
        out = subprocess.run([self.bin, "seed", "--demo", "--data-dir", str(self.data_dir)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise SystemExit(f"seed failed:\n{out.stdout}\n{out.stderr}")
        out = subprocess.run([self.bin, "staff", "add", "--email", BENCH_STAFF[0], "--name", "Bench", "--store", STORE,
                              "--role", "manager", "--data-dir", str(self.data_dir)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={**os.environ, "CRENEAU_STAFF_PASSWORD": BENCH_STAFF[1]})
        if out.returncode != 0:
            raise SystemExit(f"staff add failed:\n{out.stdout}\n{out.stderr}")

    def start_server(self):
        self.server_log = open(self.data_dir / "server.log", "ab")
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # The claim path's queue never drains: a task claimed is at once claimable again
        # (pgbench does the same with stale_before = now). Nothing else uses claims.
        env["CRENEAU_CLAIM_TIMEOUT_SECONDS"] = "0"
        env.update(item.split("=", 1) for item in self.args.server_env)
        self.server = subprocess.Popen(
            [self.bin, "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            cwd=ROOT, env=env, stdout=self.server_log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.server.poll() is not None:
                raise SystemExit(f"server exited with {self.server.returncode}; see {self.data_dir}/server.log")
            try:
                if http("GET", self.url + "/healthz", timeout=1)[0] == 200:
                    log(f"server pid {self.server.pid} on {self.url}")
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("server did not become healthy in 120 s")

    def memory(self):
        """(VmHWM, VmRSS) of the server in MB: peak and current resident memory."""
        values = {}
        with open(f"/proc/{self.server.pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    values[key] = round(int(rest.split()[0]) / 1024, 1)
        return values.get("VmHWM"), values.get("VmRSS")

    def cpu(self):
        """CPU seconds used so far by the server, by PostgreSQL (postmaster, its live
        children and the ones it reaped) and by this script's finished children (the
        load generators)."""
        tick = os.sysconf("SC_CLK_TCK")

        def stat(pid):
            with open(f"/proc/{pid}/stat") as f:
                data = f.read()
            return data[data.rindex(")") + 2:].split()  # fields from the 3rd (state) on

        server = stat(self.server.pid)
        postmaster = int((self.socket_dir / "data" / "postmaster.pid").read_text().split("\n")[0])
        fields = stat(postmaster)
        postgres = sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    child = stat(entry)
                except (OSError, ValueError):
                    continue
                if int(child[1]) == postmaster:
                    postgres += int(child[11]) + int(child[12])
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"server": (int(server[11]) + int(server[12])) / tick, "postgres": postgres / tick,
                "load_generator": usage.ru_utime + usage.ru_stime}

    def settle(self):
        """Each side starts from the same state: what the side before it left to clean up
        (dead rows for autovacuum, dirty pages for the checkpointer) is done first, so
        that PostgreSQL's CPU for it is not counted against the next side. Without it the
        HTTP side, measured right after pgbench's burst, paid for pgbench's writes (a
        booking cost PostgreSQL 0.70 ms behind the server against 0.47 behind pgbench).
        ANALYZE too: tables filled just before a path (the claim queue) had no statistics
        yet, and the claim planned on none cost PostgreSQL 7.5 ms instead of 0.3."""
        self.psql("VACUUM ANALYZE")
        self.psql("CHECKPOINT")

    def measured(self, work, count_key):
        """Runs `work` after `settle`, adding the CPU milliseconds each side spent per
        request and the deadlocks PostgreSQL reported meanwhile."""
        self.settle()
        server_log = self.socket_dir / "postgres.log"
        offset = server_log.stat().st_size
        before = self.cpu()
        load_before = loadavg()
        result = work()
        # Other work on the machine (the 1-minute load average counts runnable threads).
        result["loadavg_1m"] = {"before": load_before, "after": loadavg()}
        after = self.cpu()
        count = max(1, result[count_key])
        result["cpu_ms_per_request"] = {k: round((after[k] - before[k]) * 1000 / count, 3) for k in after}
        with open(server_log, "rb") as f:
            f.seek(offset)
            logged = f.read()
        result["deadlocks"] = logged.count(b"ERROR:  deadlock detected")
        # An order whose random pickup code is already open in the store is drawn again (the
        # whole transaction): how often depends on how many orders are open (pgbench's too).
        result["pickup_code_collisions"] = logged.count(b'unique constraint "orders_open_pickup_code"')
        return result

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)
        pid_file = self.socket_dir / "data" / "postmaster.pid"
        if pid_file.exists():  # the server stops its cluster; this is in case it could not
            try:
                pid = int(pid_file.read_text().split("\n")[0])
                os.kill(pid, signal.SIGTERM)
                for _ in range(100):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except (ProcessLookupError, ValueError):
                pass
        if not self.args.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            if self.socket_dir != self.data_dir / "postgres":
                shutil.rmtree(self.socket_dir, ignore_errors=True)

    # ---- the data the loads draw from ---------------------------------------------

    def prepare(self):
        self.store_id = int(self.psql(f"SELECT store_id FROM stores WHERE slug = '{STORE}'"))
        # Tomorrow in the store's time zone: within the horizon, after every cutoff of today.
        self.date = self.psql(f"SELECT ((now() AT TIME ZONE time_zone)::date + 1)::text FROM stores WHERE store_id = {self.store_id}")
        self.now = datetime.datetime.now(datetime.timezone.utc)

        # Scan codes, as a front end finds them: from the shelves' API.
        slugs = self.psql(f"SELECT slug FROM shelves WHERE store_id = {self.store_id} AND retired_at IS NULL ORDER BY shelf_id").split("\n")
        codes = []
        for slug in slugs:
            status, body = http("GET", f"{self.url}/api/stores/{STORE}/shelves/{slug}")
            assert status == 200, (slug, status, body[:200])
            codes += [item["code"] for item in json.loads(body)["items"]]
        self.codes = codes[: self.args.codes]
        (self.work / "codes.txt").write_text("\n".join(self.codes) + "\n")

        # Booking: a few open slots of tomorrow, with room made for every basket of the
        # run (planned = capacity, so releasing a hold never lowers capacity): neither
        # side must ever meet "full", which would send it down another path.
        rows = self.psql(f"""
            SELECT s.slot_id FROM slots s JOIN slot_templates t ON t.store_id = s.store_id
             WHERE s.store_id = {self.store_id} AND s.status = 'open'
               AND s.starts_at >= ('{self.date}'::date + time '11:00') AT TIME ZONE (SELECT time_zone FROM stores WHERE store_id = {self.store_id})
               AND s.starts_at - make_interval(mins => t.cutoff_minutes) > now() + interval '1 hour'
             ORDER BY s.starts_at LIMIT {2 * self.args.slots}""").split("\n")
        rows = [int(r) for r in rows if r]
        assert len(rows) == 2 * self.args.slots, f"only {len(rows)} open slots tomorrow"
        # Booking draws among the first few; orders are submitted on holds on the next few,
        # so that neither path's holds and bookings weigh on the other's slots.
        self.slot_ids, self.submit_slot_ids = rows[: self.args.slots], rows[self.args.slots:]
        ids = ",".join(map(str, rows))
        self.psql(f"""UPDATE slots SET planned_orders = 100000, capacity_orders = 100000,
                          planned_minutes = 10000000, capacity_minutes = 10000000
                    WHERE store_id = {self.store_id} AND slot_id IN ({ids})""")

        product = self.psql(f"""
            SELECT sp.product_id || ' ' || p.picking_seconds FROM store_products sp JOIN products p USING (product_id)
             WHERE sp.store_id = {self.store_id} AND sp.active AND sp.stock_on_hand - sp.reserved >= 10
             ORDER BY sp.product_id LIMIT 1""").split()
        self.product_id, picking_seconds = int(product[0]), int(product[1])
        # Basket.pickingMinutes for one unit: picking seconds plus the 3-minute overhead.
        self.minutes = round(picking_seconds / 60 + 3, 2)

        log(f"store {self.store_id}, day {self.date}, {len(self.codes)} codes, slots {ids}, making {self.args.baskets} baskets")
        tokens = []
        for _ in range(self.args.baskets):
            status, body = http("POST", f"{self.url}/api/stores/{STORE}/baskets", {})
            assert status == 201, (status, body[:200])
            token = json.loads(body)["token"]
            status, body = http("PUT", f"{self.url}/api/stores/{STORE}/basket/lines/{self.product_id}", {"quantity": 1},
                                {"X-Basket-Token": token})
            assert status == 200, (status, body[:200])
            tokens.append(token)
        self.tokens = tokens
        (self.work / "tokens.txt").write_text("\n".join(tokens) + "\n")

        if "claim" in self.args.paths.split(",") or self.args.soak:
            self.prepare_claims()

        # One request of each kind, to be sure the load measures the success path.
        checks = [
            ("offers", "GET", f"/api/stores/{STORE}/slots?date={self.date}", None, {}, 200),
            ("landing", "GET", f"/s/{self.codes[0]}", None, {}, 200),
            ("booking", "POST", f"/api/stores/{STORE}/basket/slot", {"slotId": self.slot_ids[0]}, {"X-Basket-Token": tokens[0]}, 201),
        ]
        for name, method, path, body, headers, expected in checks:
            status, text = http(method, self.url + path, body, headers)
            assert status == expected, f"{name}: {method} {path} answered {status}: {text[:300]}"

    def prepare_claims(self):
        """Orders placed through the API and started early by the bench manager: a queue
        of picking tasks; and that manager's session for wrk (cookie, CSRF token)."""
        jar = CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = browser.open(self.url + "/staff/login", timeout=10).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"csrf": csrf, "email": BENCH_STAFF[0], "password": BENCH_STAFF[1], "next": "/staff"})
        browser.open(urllib.request.Request(self.url + "/staff/login", data=body.encode(), method="POST"), timeout=30).read()
        me = json.loads(browser.open(self.url + "/api/staff/me", timeout=10).read())
        self.staff_cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name.endswith("creneau_staff"))
        self.staff_csrf = me["csrfToken"]
        staff = {"Cookie": self.staff_cookie, "X-CSRF-Token": self.staff_csrf}
        log(f"placing {self.args.claim_orders} orders for the claim queue")
        self.psql(f"UPDATE store_products SET stock_on_hand = stock_on_hand + {self.args.claim_orders} "
                  f"WHERE store_id = {self.store_id} AND product_id = {self.product_id}")
        for i in range(self.args.claim_orders):
            status, text = http("POST", f"{self.url}/api/stores/{STORE}/baskets", {})
            token = {"X-Basket-Token": json.loads(text)["token"]}
            http("PUT", f"{self.url}/api/stores/{STORE}/basket/lines/{self.product_id}", {"quantity": 1}, token)
            http("POST", f"{self.url}/api/stores/{STORE}/basket/slot", {"slotId": self.slot_ids[i % len(self.slot_ids)]}, token)
            status, text = http("POST", f"{self.url}/api/stores/{STORE}/basket/checkout", {"name": "Bench", "phone": "0612345678"},
                                {**token, "Idempotency-Key": str(uuid.uuid4())})
            assert status == 201, (status, text[:300])
            order = json.loads(text)["orderID"].lower()
            status, text = http("POST", f"{self.url}/api/staff/stores/{STORE}/orders/{order}/start", {}, staff)
            assert status == 200, (status, text[:300])
        status, text = http("POST", f"{self.url}/api/staff/stores/{STORE}/claims", {}, staff)
        assert status == 200 and json.loads(text)["task"], (status, text[:300])
        (self.work / "staff.txt").write_text(f"{self.staff_cookie}\n{self.staff_csrf}\n")

    # ---- order submit: baskets with 5 lines and a live hold, one per order --------

    def prepare_submit_products(self):
        """The products submit baskets draw their lines from, with stock for every order
        of the run (the reservation must never fail: that is another path)."""
        if getattr(self, "submit_products", None):
            return
        rows = self.psql(f"""
            SELECT sp.product_id FROM store_products sp
             WHERE sp.store_id = {self.store_id} AND sp.active ORDER BY sp.product_id LIMIT {self.args.submit_products}""").split()
        self.submit_products = [int(r) for r in rows]
        assert len(self.submit_products) >= 5, "fewer than 5 active products"
        ids = ",".join(map(str, self.submit_products))
        self.psql(f"UPDATE store_products SET stock_on_hand = stock_on_hand + 10000000 "
                  f"WHERE store_id = {self.store_id} AND product_id IN ({ids})")
        self.psql("""CREATE TABLE IF NOT EXISTS bench_submit_baskets (
                       side text NOT NULL, n integer NOT NULL, token text NOT NULL, slot_id bigint NOT NULL,
                       products bigint[] NOT NULL, quantities integer[] NOT NULL,
                       basket_id uuid NOT NULL DEFAULT gen_random_uuid(), hold_id uuid NOT NULL DEFAULT gen_random_uuid(),
                       PRIMARY KEY (side, n))""")

    def make_submit_baskets(self, side, count):
        """`count` baskets as a customer leaves them just before checkout: 5 lines (5 products
        drawn among the bench's, 1 to 3 of each, added in product order) and a live hold on
        one of the submit slots, sized like SlotService.hold sizes it and counted in the
        slot's reservations. Written in SQL (thousands a second; the API would take
        minutes), tokens drawn like the server's (43 URL-safe characters), only their
        SHA-256 stored. The holds live `hold_hours`, longer than the API's 10 minutes, so
        that every order of the run books a live hold."""
        self.prepare_submit_products()
        started = time.time()
        rows = []
        for n in range(1, count + 1):
            products = sorted(random.sample(self.submit_products, 5))
            quantities = [random.randint(1, 3) for _ in products]
            rows.append(f"{side}\t{n}\t{secrets.token_urlsafe(32)}\t{random.choice(self.submit_slot_ids)}\t"
                        f"{{{','.join(map(str, products))}}}\t{{{','.join(map(str, quantities))}}}")
        hold_hours = 1 + (self.args.soak or 0) / 3600
        s = self.store_id
        self.psql_script(f"""
            DELETE FROM bench_submit_baskets WHERE side = '{side}';
            COPY bench_submit_baskets (side, n, token, slot_id, products, quantities) FROM STDIN;
            @ROWS@
            INSERT INTO baskets (store_id, basket_id, token_hash, hold_id)
            SELECT {s}, basket_id, sha256(convert_to(token, 'UTF8')), hold_id FROM bench_submit_baskets WHERE side = '{side}';
            INSERT INTO basket_lines (store_id, basket_id, product_id, quantity)
            SELECT {s}, b.basket_id, l.product_id, l.quantity
              FROM bench_submit_baskets b, unnest(b.products, b.quantities) AS l(product_id, quantity)
             WHERE b.side = '{side}';
            INSERT INTO slot_holds (store_id, hold_id, slot_id, basket_id, orders, minutes, expires_at)
            SELECT {s}, b.hold_id, b.slot_id, b.basket_id, 1,
                   round((SELECT sum(l.quantity * p.picking_seconds) FROM unnest(b.products, b.quantities) AS l(product_id, quantity)
                           JOIN products p ON p.product_id = l.product_id) / 60.0 + 3, 2),
                   now() + interval '{hold_hours} hours'
              FROM bench_submit_baskets b WHERE b.side = '{side}';
            UPDATE slots s SET reserved_orders = s.reserved_orders + h.orders, reserved_minutes = s.reserved_minutes + h.minutes
              FROM (SELECT h.slot_id, count(*) AS orders, sum(h.minutes) AS minutes
                      FROM slot_holds h JOIN bench_submit_baskets b ON b.hold_id = h.hold_id AND b.side = '{side}'
                     WHERE h.store_id = {s} GROUP BY h.slot_id) h
             WHERE s.store_id = {s} AND s.slot_id = h.slot_id;
            ANALYZE bench_submit_baskets;
            """, rows)
        self.analyze_submit_tables()
        log(f"submit: {count} baskets ({side}) with 5 lines and a live hold in {time.time() - started:.1f} s")

    def submit_pool_sql(self, side):
        """For each basket of `side`, what the server computes from it in memory: the lines
        as arrays (in loadBasket's order), totals, picking minutes, the timeline detail and
        the JSON body JSONEncoder writes (sorted keys, ISO 8601 dates, upper-case UUID),
        given the drawn values of bench_submit_draws."""
        c = SUBMIT_CONTACT
        iso = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        return f"""
            SELECT d.n AS basket_n, b.token, d.key,
                   concat_ws(chr(31), b.token, '{c["name"]}', '{c["phone"]}', '{c["email"]}', '') AS fingerprint,
                   d.new_order_id, d.order_number, d.link, d.pickup_code,
                   l.product_ids, l.names, l.brands, l.sizes, l.zones, l.quantities, l.prices,
                   l.subtotal AS subtotal_cents, st.slot_fee_cents AS fee_cents, l.subtotal + st.slot_fee_cents AS total_cents,
                   round(l.seconds / 60.0 + 3, 2) AS picking_minutes,
                   jsonb_build_object('total', (l.subtotal + st.slot_fee_cents)::text, 'slot_start', {iso.format('sl.starts_at')}) AS detail,
                   format('{{"feeCents":%s,"link":"%s","orderID":"%s","orderNumber":"%s","pickupCode":"%s","slotEnd":"%s","slotStart":"%s","status":"placed","subtotalCents":%s,"totalCents":%s}}',
                          st.slot_fee_cents, d.link, upper(d.new_order_id::text), d.order_number, d.pickup_code,
                          {iso.format('sl.ends_at')}, {iso.format('sl.starts_at')}, l.subtotal, l.subtotal + st.slot_fee_cents) AS body
              FROM bench_submit_draws d
              JOIN bench_submit_baskets b ON b.side = '{side}' AND b.n = d.n
              JOIN stores st ON st.store_id = {self.store_id}
              JOIN slots sl ON sl.store_id = st.store_id AND sl.slot_id = b.slot_id
             CROSS JOIN LATERAL (
                   SELECT array_agg(bl.product_id ORDER BY bl.added_at, bl.product_id) AS product_ids,
                          array_agg(p.name ORDER BY bl.added_at, bl.product_id) AS names,
                          array_agg(p.brand ORDER BY bl.added_at, bl.product_id) AS brands,
                          array_agg(p.size_text ORDER BY bl.added_at, bl.product_id) AS sizes,
                          array_agg(p.temperature_zone ORDER BY bl.added_at, bl.product_id) AS zones,
                          array_agg(bl.quantity::bigint ORDER BY bl.added_at, bl.product_id) AS quantities,
                          array_agg(sp.price_cents::bigint ORDER BY bl.added_at, bl.product_id) AS prices,
                          sum(bl.quantity * sp.price_cents)::int AS subtotal,
                          sum(bl.quantity * p.picking_seconds) AS seconds
                     FROM basket_lines bl
                     JOIN store_products sp ON sp.store_id = bl.store_id AND sp.product_id = bl.product_id
                     JOIN products p ON p.product_id = bl.product_id
                    WHERE bl.store_id = {self.store_id} AND bl.basket_id = b.basket_id) l"""

    def submit_draws(self, side, numbers):
        """What the server draws per order (Tokens, UUID()): key, order id, order number,
        link, pickup code; numbers and open pickup codes already in the store avoided (the
        server would draw again on such a collision, pgbench would stop)."""
        taken_numbers = set(self.psql(f"SELECT order_number FROM orders WHERE store_id = {self.store_id}").split())
        taken_codes = set(self.psql(f"SELECT pickup_code FROM orders WHERE store_id = {self.store_id} "
                                    "AND status NOT IN ('handed_over', 'cancelled')").split())
        rows = []
        for n in numbers:
            while (number := "".join(random.choices(SPOKEN, k=3)) + "-" + "".join(random.choices(SPOKEN, k=3))) in taken_numbers:
                pass
            while (code := f"{random.randrange(1000000):06d}") in taken_codes:
                pass
            taken_numbers.add(number)
            taken_codes.add(code)
            rows.append(f"{n}\t{uuid.uuid4()}\t{uuid.uuid4()}\t{number}\t{secrets.token_urlsafe(32)}\t{code}")
        return f"""
            DROP TABLE IF EXISTS bench_submit_draws;
            CREATE TABLE bench_submit_draws (n integer PRIMARY KEY, key text NOT NULL, new_order_id uuid NOT NULL,
                                             order_number text NOT NULL, link text NOT NULL, pickup_code text NOT NULL);
            COPY bench_submit_draws FROM STDIN;
            @ROWS@
            """, rows

    def prepare_submit(self):
        """Baskets for both sides of the submit path; the pgbench pool is filled just before
        pgbench runs (pickup codes must avoid the orders placed until then)."""
        # Room for 1,500 HTTP requests and 3,000 pgbench transactions a second (the best seen on
        # 2 cores: 519 and 1,444): a side that ran out would fail the run.
        http_baskets = self.args.submit_baskets or 1500 * (self.args.duration + self.args.warmup)
        pgbench_baskets = self.args.submit_baskets or 3000 * self.args.duration
        self.make_submit_baskets("http", http_baskets)
        self.make_submit_baskets("pgbench", pgbench_baskets)
        self.submit_reserved_before = self.submit_reserved()
        # One checkout through the API on a basket made in SQL: 201, and the totals and slot
        # the pool computes for pgbench are the ones the server answers.
        token = self.psql("SELECT token FROM bench_submit_baskets WHERE side = 'http' AND n = 1")
        status, text = http("POST", f"{self.url}/api/stores/{STORE}/basket/checkout", SUBMIT_CONTACT,
                            {"X-Basket-Token": token, "Idempotency-Key": str(uuid.uuid4())})
        assert status == 201, f"submit: checkout answered {status}: {text[:300]}"
        answer = json.loads(text)
        self.psql_script(*self.submit_draws("http", [1]))
        mine = json.loads(self.psql(f"SELECT body FROM ({self.submit_pool_sql('http')}) pool WHERE basket_n = 1"))
        for field in ("feeCents", "subtotalCents", "totalCents", "slotStart", "slotEnd", "status"):
            assert answer[field] == mine[field], f"submit: the pool's {field} {mine[field]!r} is not the server's {answer[field]!r}"
        assert sorted(answer) == sorted(mine), (sorted(answer), sorted(mine))

    def analyze_submit_tables(self):
        """Statistics for the tables the submit path reads and writes, as autovacuum keeps
        them in a store that grew gradually. Here they grew by thousands of rows at once
        (the baskets made above, then pgbench's orders before wrk's), and the server's pool
        connections keep the generic plans of their prepared statements until an ANALYZE
        invalidates them: in the first runs the HTTP side, planned when the bench had 64
        baskets, scanned baskets and basket_lines whole (154 req/s; 475 once replanned)."""
        self.psql("ANALYZE baskets, basket_lines, slot_holds, slots, store_products, slot_bookings, "
                  "orders, order_lines, order_events, idempotency_keys")

    def submit_reserved(self):
        ids = ",".join(map(str, self.submit_products))
        return int(self.psql(f"SELECT sum(reserved) FROM store_products WHERE store_id = {self.store_id} AND product_id IN ({ids})"))

    def submit_tokens_file(self, side):
        """The baskets of `side` not ordered yet, each with a fresh idempotency key (wrk
        takes one line per request)."""
        rows = self.psql(f"""SELECT b.token FROM bench_submit_baskets b
                              JOIN baskets k ON k.store_id = {self.store_id} AND k.basket_id = b.basket_id
                             WHERE b.side = '{side}' AND k.order_id IS NULL ORDER BY b.n""").split()
        file = self.work / f"submit-{side}.txt"
        file.write_text("".join(f"{token} {uuid.uuid4()}\n" for token in rows))
        return file, len(rows)

    def submit_consistent(self):
        """Each submitted bench basket is one order with 5 lines and a booking, its hold gone;
        the submit slots' reservations equal their holds plus their live bookings; the stock
        reserved grew by exactly the quantities ordered."""
        s = self.store_id
        ids = ",".join(map(str, self.submit_slot_ids))
        row = self.psql(f"""
            SELECT (SELECT count(*) FROM orders o JOIN bench_submit_baskets b ON b.basket_id = o.basket_id WHERE o.store_id = {s}),
                   (SELECT count(*) FROM order_lines l JOIN orders o USING (store_id, order_id)
                      JOIN bench_submit_baskets b ON b.basket_id = o.basket_id WHERE o.store_id = {s}),
                   (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o USING (store_id, order_id)
                      JOIN bench_submit_baskets b ON b.basket_id = o.basket_id WHERE o.store_id = {s}),
                   (SELECT sum(reserved_orders) FROM slots WHERE store_id = {s} AND slot_id IN ({ids})),
                   (SELECT count(*) FROM slot_holds WHERE store_id = {s} AND slot_id IN ({ids})),
                   (SELECT count(*) FROM slot_bookings WHERE store_id = {s} AND slot_id IN ({ids}) AND status <> 'cancelled')""").split("|")
        orders, lines, quantity, reserved, holds, bookings = map(int, row)
        stock = self.submit_reserved() - self.submit_reserved_before
        return {"orders": orders, "order_lines": lines, "reserved_orders": reserved, "holds": holds, "bookings": bookings,
                "stock_reserved": stock, "quantity_ordered": quantity,
                "consistent": lines == 5 * orders and reserved == holds + bookings and stock == quantity}

    # ---- pgbench scripts ----------------------------------------------------------

    def slots_for(self, path):
        return self.slot_ids[:1] if PATHS[path].get("one_slot") else self.slot_ids

    def pgbench_script(self, path):
        """bench/sql/<sql>.sql, with the draws pgbench cannot do itself (strings) expanded."""
        sql = PATHS[path]["sql"]
        template = (ROOT / "bench" / "sql" / f"{sql}.sql").read_text()
        body = "\n".join(line for line in template.splitlines() if not line.strip().startswith("--"))
        defines = {"store_id": self.store_id, "now": pg_time(self.now)}
        header = [f"-- generated by bench/bench.py from bench/sql/{sql}.sql"]
        if sql == "offers":
            defines["date"] = self.date
            script = body
        elif sql == "landing":
            # pgbench draws numbers only: one branch per code, the branch drawn at random.
            for i, code in enumerate(self.codes):
                defines[f"code_{i}"] = code
            script = branches("random(0, %d)" % (len(self.codes) - 1), len(self.codes), body, ["code"])
        elif sql == "booking":
            slot_ids = self.slots_for(path)
            defines["minutes"] = self.minutes
            defines["expires_at"] = pg_time(self.now + datetime.timedelta(minutes=10))  # SlotService.holdLifetime
            # The HTTP side's baskets (by token), each pgbench client drawing among its own share
            # (so no two clients ever hold one basket), each basket with its own hold id: pgbench
            # cannot draw a uuid without a query of its own, so a basket's new hold reuses the id
            # of the hold the same transaction deleted.
            per_client = max(1, len(self.tokens) // self.args.connections)
            baskets = per_client * self.args.connections
            for i in range(baskets):
                defines[f"token_{i}"] = self.tokens[i]
                defines[f"hold_id_{i}"] = str(uuid.uuid4())
            slot_pick = ["\\set k random(0, %d)" % (len(slot_ids) - 1)]
            for i, slot in enumerate(slot_ids):
                slot_pick += [("\\if" if i == 0 else "\\elif") + f" :k = {i}", f"\\set slot_id {slot}"]
            slot_pick.append("\\endif")
            script = "\n".join(slot_pick) + "\n" + branches(f":client_id * {per_client} + random(0, {per_client - 1})", baskets, body, ["token", "hold_id"])
        elif sql == "submit":
            # The pool: one row per pgbench basket not ordered yet, taken in turn by a sequence.
            numbers = [int(n) for n in self.psql(f"""
                SELECT b.n FROM bench_submit_baskets b JOIN baskets k ON k.store_id = {self.store_id} AND k.basket_id = b.basket_id
                 WHERE b.side = 'pgbench' AND k.order_id IS NULL ORDER BY b.n""").split()]
            draws, rows = self.submit_draws("pgbench", numbers)
            self.psql_script(draws + f"""
                DROP TABLE IF EXISTS bench_submit_pool;
                CREATE TABLE bench_submit_pool AS SELECT row_number() OVER (ORDER BY pool.basket_n) AS n, pool.*
                  FROM ({self.submit_pool_sql('pgbench')}) pool;
                ALTER TABLE bench_submit_pool ADD PRIMARY KEY (n);
                DROP SEQUENCE IF EXISTS bench_submit_seq;
                CREATE SEQUENCE bench_submit_seq;
                ANALYZE bench_submit_pool;
                """, rows)
            self.submit_pool_size = len(numbers)
            defines.update({"kind": "placed", "dearer": "false", **SUBMIT_CONTACT})
            script = body
        elif sql == "claim":
            defines["picker"] = "pgbench #0"
            defines["stale_before"] = pg_time(self.now)
            script = body
        else:
            raise ValueError(path)
        file = self.work / f"{path}.pgbench.sql"
        file.write_text("\n".join(header) + "\n" + script + "\n")
        return file, defines

    def pgbench(self, path):
        file, defines = self.pgbench_script(path)
        log_prefix = self.work / f"pgbench-{path}"
        command = [
            "pgbench", "-n", "-M", "prepared", "-c", str(self.args.connections), "-j", "2", "-T", str(self.args.duration),
            "-h", str(self.socket_dir), "-U", "creneau", "-f", str(file),
            "-l", "--log-prefix", str(log_prefix),
        ]
        for key, value in defines.items():
            command += ["-D", f"{key}={value}"]
        command.append("creneau")  # the database: pgbench's -d is --debug
        log(f"pgbench {path}: -M prepared -c {self.args.connections} -j 2 -T {self.args.duration}")
        out = subprocess.run(command, capture_output=True, text=True, timeout=self.args.duration + 60, cwd=self.work)
        text = out.stdout + out.stderr
        (self.work / f"pgbench-{path}.out").write_text(text)
        if out.returncode != 0 or "aborted" in text:
            raise SystemExit(f"pgbench {path} failed:\n{text[-3000:]}")
        latencies = []
        for log_file in self.work.glob(f"pgbench-{path}.*"):
            if log_file.suffix == ".out":
                continue
            for line in log_file.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000)
            log_file.unlink()
        latencies.sort()
        return {
            "tps": float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", text).group(1)),
            "transactions": int(re.search(r"number of transactions actually processed: (\d+)", text).group(1)),
            "failed": int(m.group(1)) if (m := re.search(r"number of failed transactions: (\d+)", text)) else 0,
            "latency_avg_ms": float(re.search(r"latency average = ([\d.]+) ms", text).group(1)),
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
        }

    # ---- wrk ----------------------------------------------------------------------

    def wrk_command(self, path, duration, connections, threads, submit_side="http"):
        if path == "offers":
            target, script = f"{self.url}/api/stores/{STORE}/slots?date={self.date}", []
        elif path == "landing":
            target = self.url
            script = ["-s", str(ROOT / "bench/lua/landing.lua"), target, "--", str(self.work / "codes.txt")]
        elif path == "claim":
            target = self.url
            script = ["-s", str(ROOT / "bench/lua/claim.lua"), target, "--", str(self.work / "staff.txt"), STORE]
        elif path == "submit":
            target = self.url
            baskets, _ = self.submit_tokens_file(submit_side)
            script = ["-s", str(ROOT / "bench/lua/submit.lua"), target, "--", str(baskets), STORE, str(threads)]
        else:
            target = self.url
            slots_file = self.work / f"slots-{path}.txt"
            slots_file.write_text("\n".join(map(str, self.slots_for(path))) + "\n")
            script = ["-s", str(ROOT / "bench/lua/booking.lua"), target, "--",
                      str(self.work / "tokens.txt"), str(slots_file), STORE, str(threads)]
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
        return command + (script if script else [target])

    def wrk(self, path, duration):
        command = self.wrk_command(path, duration, self.args.connections, 2)
        out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
        text = out.stdout + out.stderr
        (self.work / f"wrk-{path}.out").write_text(text)
        if out.returncode != 0:
            raise SystemExit(f"wrk {path} failed:\n{text}")
        return parse_wrk(text)

    def soak(self, seconds):
        """`seconds` of mixed load (SOAK_MIX: one wrk per path, all at once, 8 connections in
        all), the server's resident memory read every 5 s from /proc; its RSS at the end
        and its peak are the figures of "RSS under 200 MB after 5 minutes of load"."""
        self.make_submit_baskets("soak", int(self.args.soak_submit_rate * seconds))
        rss_before = self.memory()[1]
        load_before = loadavg()
        processes = {}
        for path, connections in SOAK_MIX.items():
            command = self.wrk_command(path, seconds, connections, 1, submit_side="soak")
            out = open(self.work / f"soak-{path}.out", "w+")
            processes[path] = (subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT), out)
        log(f"soak: {seconds} s of mixed load, connections " + ", ".join(f"{p} {c}" for p, c in SOAK_MIX.items()))
        started = time.time()
        samples = []
        deadline = started + seconds + 60
        while any(proc.poll() is None for proc, _ in processes.values()):
            if time.time() > deadline:
                for proc, _ in processes.values():
                    proc.kill()
                raise SystemExit("soak: wrk did not stop in time")
            elapsed = round(time.time() - started)
            if not samples or elapsed - samples[-1][0] >= 5:
                samples.append((elapsed, self.memory()[1]))
                if len(samples) > 1 and elapsed // 60 > samples[-2][0] // 60:  # a line a minute
                    log(f"soak: {elapsed} s, server RSS {samples[-1][1]} MB")
            time.sleep(0.5)
        peak, rss_end = self.memory()
        load_after = loadavg()
        time.sleep(10)
        rss_idle = self.memory()[1]
        paths = {}
        for path, (proc, out) in processes.items():
            out.seek(0)
            text = out.read()
            out.close()
            if proc.returncode != 0:
                raise SystemExit(f"soak: wrk {path} failed:\n{text}")
            paths[path] = {"connections": SOAK_MIX[path], **parse_wrk(text)}
        result = {
            "seconds": seconds, "mix": SOAK_MIX, "loadavg_1m": {"before": load_before, "after": load_after},
            "server_rss_mb": {"before": rss_before, "end": rss_end, "after_10s_idle": rss_idle,
                              "max_sampled": max(r for _, r in samples), "peak_vmhwm": peak},
            "rss_samples_mb": samples,
            "paths": paths,
            "requests": sum(r["requests"] for r in paths.values()),
            "non_2xx": sum(r["non_2xx"] for r in paths.values()),
            "socket_errors": sum(r["socket_errors"] for r in paths.values()),
            "submit_exhausted": paths["submit"].get("exhausted_threads", 0) > 0,
            "booking_consistency": self.booking_consistent(),
            "target": {"server_rss_mb_below": SOAK_RSS_TARGET_MB},
        }
        result["target_met"] = (rss_end < SOAK_RSS_TARGET_MB and peak < SOAK_RSS_TARGET_MB
                                and result["non_2xx"] == 0 and result["socket_errors"] == 0 and not result["submit_exhausted"])
        return result

    def booking_consistent(self):
        """Every hold and every live booking on the bench slots is counted once in
        reserved_orders, nothing leaked (the claim queue's orders are booked there too)."""
        ids = ",".join(map(str, self.slot_ids))
        reserved = int(self.psql(f"SELECT sum(reserved_orders) FROM slots WHERE store_id = {self.store_id} AND slot_id IN ({ids})"))
        holds = int(self.psql(f"SELECT count(*) FROM slot_holds WHERE store_id = {self.store_id} AND slot_id IN ({ids})"))
        bookings = int(self.psql(f"SELECT count(*) FROM slot_bookings WHERE store_id = {self.store_id} AND slot_id IN ({ids}) "
                                 "AND status <> 'cancelled'"))
        return {"reserved_orders": reserved, "holds": holds, "bookings": bookings, "consistent": reserved == holds + bookings}


def parse_wrk(text):
    distribution = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", text, re.M))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "p50_ms": to_ms(distribution.get("50")),
        "p90_ms": to_ms(distribution.get("90")),
        "p99_ms": to_ms(distribution.get("99")),
    }
    if m := re.search(r"submit: baskets left (\d+), exhausted threads (\d+)", text):
        result["baskets_left"], result["exhausted_threads"] = int(m.group(1)), int(m.group(2))
    return result


def branches(selector, count, body, variables):
    """`body` once per branch i, with each :variable renamed :variable_i."""
    lines = [f"\\set pick {selector}"]
    for i in range(count):
        renamed = body
        for name in variables:
            renamed = re.sub(rf"(?<![:A-Za-z0-9_]):{name}(?![A-Za-z0-9_])", f":{name}_{i}", renamed)
        lines += [("\\if" if i == 0 else "\\elif") + f" :pick = {i}", renamed.strip()]
    lines.append("\\endif")
    return "\n".join(lines)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def pg_time(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f+00")


def percentile(values, q):
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))], 3)


def to_ms(text):
    if not text:
        return None
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 3)


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory = int(meminfo.readline().split()[1]) // 1024
    pg = subprocess.run(["pgbench", "--version"], capture_output=True, text=True).stdout.strip()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    return {"nproc": os.cpu_count(), "cpu": model, "loadavg_1m_at_end": loadavg(), "memory_mb": memory, "kernel": platform.release(), "pgbench": pg, "wrk": wrk}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the release creneau binary")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement (10-20)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of HTTP load before each path, not counted")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--codes", type=int, default=24, help="scan codes drawn from (both sides)")
    parser.add_argument("--slots", type=int, default=4, help="slots the booking path draws from")
    parser.add_argument("--baskets", type=int, default=64, help="baskets the HTTP booking path goes round")
    parser.add_argument("--claim-orders", type=int, default=200, help="orders in the picking queue the claim path takes over")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="environment of the server (e.g. LOG_LEVEL=warning); none by default")
    parser.add_argument("--submit-baskets", type=int, default=0,
                        help="baskets made ready for checkout per side of the submit path, each order using one "
                             "(default: 1,500 per second of wrk, 3,000 per second of pgbench)")
    parser.add_argument("--submit-products", type=int, default=1000,
                        help="at most this many of the store's active products are drawn for the baskets' 5 lines")
    parser.add_argument("--soak", type=int, default=int(os.environ.get("BENCH_SOAK_SECONDS") or 0), metavar="SECONDS",
                        help="after the paths, SECONDS of mixed load and the server's RSS (0: none; default $BENCH_SOAK_SECONDS)")
    parser.add_argument("--soak-submit-rate", type=int, default=400,
                        help="baskets made ready for the soak's submits per second of soak")
    parser.add_argument("--keep", action="store_true", help="keep the data folder (its logs) afterwards")
    args = parser.parse_args()
    args.paths = ",".join(p for p in args.paths.split(",") if p and p != "none")
    unknown = [p for p in args.paths.split(",") if p and p not in PATHS]
    if unknown:
        parser.error(f"unknown path(s) {', '.join(unknown)}; known: {', '.join(PATHS)}")
    if args.soak:
        args.soak = max(30, min(args.soak, 1800))
    args.duration = max(5, min(args.duration, 60))
    # `timeout` (bench/run.sh) sends SIGTERM: stop the server and the cluster on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = datetime.datetime.now(datetime.timezone.utc)
    # The commit measured: read now, as later commits during a long run would not be.
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    run = Run(args)
    results = {}
    soak = None
    try:
        run.seed()
        run.start_server()
        run.prepare()
        for path in filter(None, args.paths.split(",")):
            if path == "submit":
                run.prepare_submit()
            if args.warmup:
                run.wrk(path, args.warmup)
            pg = run.measured(lambda: run.pgbench(path), "transactions")
            if path == "submit":
                run.analyze_submit_tables()  # pgbench's orders, as wrk's will be for the next run
            log(f"wrk {path}: -t2 -c{args.connections} -d{args.duration}s")
            web = run.measured(lambda: run.wrk(path, args.duration), "requests")
            peak, rss = run.memory()
            entry = {
                "pgbench": pg, "http": web,
                "ratio": round(web["rps"] / pg["tps"], 3) if pg["tps"] else None,
                "round_trips_per_request": PATHS[path]["round_trips"],
                "server_peak_rss_mb": peak, "server_rss_mb": rss,
                "target": PATHS[path]["target"],
            }
            if PATHS[path]["sql"] == "booking":
                entry["consistency"] = run.booking_consistent()
            if path == "submit":
                entry["consistency"] = run.submit_consistent()
                entry["pool"] = {"pgbench_baskets": run.submit_pool_size, "http_baskets_left": web.get("baskets_left"),
                                 "http_exhausted": web.get("exhausted_threads", 0) > 0}
            target = PATHS[path]["target"]
            if "http_p99_ms_below" in target:
                entry["target_met"] = web["p99_ms"] is not None and web["p99_ms"] < target["http_p99_ms_below"]
            else:
                entry["target_met"] = entry["ratio"] is not None and entry["ratio"] >= target["ratio_at_least"]
            entry["target_met"] = entry["target_met"] and web["non_2xx"] == 0 and web["socket_errors"] == 0
            if "consistency" in entry:
                entry["target_met"] = entry["target_met"] and entry["consistency"]["consistent"]
            if entry.get("pool", {}).get("http_exhausted"):
                entry["target_met"] = False
            results[path] = entry
            log(f"{path}: pgbench {pg['tps']:.0f} tps, HTTP {web['rps']:.0f} req/s, ratio {entry['ratio']:.2f}, "
                f"HTTP p50 {web['p50_ms']} ms p99 {web['p99_ms']} ms, non-2xx {web['non_2xx']}, peak RSS {peak} MB")
            log(f"{path}: CPU ms per request, pgbench run {pg['cpu_ms_per_request']}, HTTP run {web['cpu_ms_per_request']}"
                + f", deadlocks pgbench {pg['deadlocks']} HTTP {web['deadlocks']}, pgbench failed {pg['failed']}")
        if args.soak:
            soak = run.soak(args.soak)
            s = soak["server_rss_mb"]
            log(f"soak: {soak['requests']} requests in {args.soak} s, non-2xx {soak['non_2xx']}, server RSS at the end "
                f"{s['end']} MB, peak {s['peak_vmhwm']} MB")
        peak, rss = run.memory()
    finally:
        run.stop()

    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": machine(),
        "settings": {"server_env": args.server_env, "connections": args.connections, "duration_s": args.duration, "warmup_s": args.warmup,
                     "pgbench": f"-n -M prepared -c {args.connections} -j 2 -T {args.duration}",
                     "wrk": f"-t2 -c{args.connections} -d{args.duration}s --latency"},
        "server": {"peak_rss_mb": peak, "rss_mb": rss},
        "paths": results,
    }
    if soak:
        report["soak"] = soak
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    out_file = out_dir / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out_file.write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(f"machine: {report['machine']['nproc']} cores, {report['machine']['cpu']}; commit {report['commit']}")
    header = f"{'path':<13} {'pgbench/s':>10} {'HTTP req/s':>10} {'ratio':>6} {'HTTP p50':>9} {'HTTP p99':>9} {'pg p99':>8} {'peak RSS':>9}  target"
    print(header)
    print("-" * len(header))
    for path, entry in results.items():
        target = entry["target"]
        goal = (f"p99 < {target['http_p99_ms_below']} ms" if "http_p99_ms_below" in target
                else f"ratio >= {target['ratio_at_least']:.2f}")
        print(f"{path:<13} {entry['pgbench']['tps']:>10.0f} {entry['http']['rps']:>10.0f} {entry['ratio']:>6.2f} "
              f"{entry['http']['p50_ms']:>7.2f}ms {entry['http']['p99_ms']:>7.2f}ms {entry['pgbench']['p99_ms']:>6.2f}ms "
              f"{entry['server_peak_rss_mb']:>6.1f} MB  {goal}: {'met' if entry['target_met'] else 'MISSED'}")
    if soak:
        r = soak["server_rss_mb"]
        print(f"\nsoak, {soak['seconds']} s of mixed load ({', '.join(f'{p} {c}' for p, c in soak['mix'].items())} connections): "
              f"{soak['requests']} requests, non-2xx {soak['non_2xx']}, socket errors {soak['socket_errors']}"
              + (", SUBMIT BASKETS RAN OUT" if soak["submit_exhausted"] else ""))
        for path, entry in soak["paths"].items():
            print(f"  {path:<8} {entry['rps']:>7.0f} req/s  p50 {entry['p50_ms']} ms  p99 {entry['p99_ms']} ms")
        print(f"server RSS: {r['before']} MB before, {r['end']} MB at the end, {r['after_10s_idle']} MB after 10 s idle, "
              f"highest sample {r['max_sampled']} MB, peak (VmHWM) {r['peak_vmhwm']} MB; "
              f"target < {SOAK_RSS_TARGET_MB} MB: {'met' if soak['target_met'] else 'MISSED'}")
    print(f"\nserver peak RSS (VmHWM) at the end: {peak} MB; results in {out_file.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
