"""What the reliability scenarios share: a PostgreSQL cluster of their own (run as
the `postgres` user, on a free loopback port), Créneau servers pointed at it
(the Server class of Tests/e2e/creneau_server.py), the demo store made ready for
load, and a bounded order-submit load whose every answer is recorded.

Standard library only (plus creneau_server, which the e2e suites use too).
Everything listens on 127.0.0.1; every loop has a request and a time bound.
"""
import atexit
import concurrent.futures
import json
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from creneau_server import BIN, ROOT, Server, free_port  # noqa: E402

sys.path.insert(0, str(ROOT / "deploy" / "ha"))
from formation import alive, as_postgres, descendants as children_of  # noqa: E402

STORE = "creneau-rivoli"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def log(message):
    print(f"[reliability {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Failure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- processes as the postgres user ----------------------------------------------------

def give_to_postgres(path: Path):
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def make_work_dir(prefix="creneau-rel-") -> Path:
    # Under /tmp, world-readable, so that the postgres user reaches what is its own inside.
    directory = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chmod(directory, 0o755)
    return directory


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


# ---- one PostgreSQL cluster -------------------------------------------------------------

class PgCluster:
    """A private cluster on 127.0.0.1:<free port>, superuser `postgres`, role and database
    `creneau`, trust authentication (loopback only). Durable settings as in production:
    fsync and synchronous_commit on."""

    def __init__(self, work: Path, settings=None):
        self.dir = work / "pg"
        self.dir.mkdir()
        give_to_postgres(self.dir)
        self.data = self.dir / "data"
        self.port = free_port()
        self.settings = {
            "listen_addresses": "'127.0.0.1'", "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'", "max_connections": "100",
            "fsync": "on", "synchronous_commit": "on", "shared_buffers": "64MB",
            **(settings or {}),
        }
        self.url = f"postgresql://creneau@127.0.0.1:{self.port}/creneau"
        atexit.register(self.destroy)

    def init(self):
        subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# reliability suite\n" + "".join(f"{k} = {v}\n" for k, v in self.settings.items()))
        self.start()
        self.psql("CREATE ROLE creneau LOGIN", db="postgres")
        self.psql("CREATE DATABASE creneau OWNER creneau", db="postgres")
        return self

    def start(self):
        subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "postgres.log"),
                                    "-w", "-t", "120", "start"]), check=True, capture_output=True, timeout=150)

    @property
    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n")[0])
        except (OSError, ValueError):
            return None

    def processes(self):
        pid = self.postmaster_pid
        if pid is None or not alive(pid):
            return []
        return [pid, *children_of(pid)]

    def kill9(self):
        """A crash: the postmaster and every backend die at once, nothing is flushed politely."""
        pids = self.processes()
        check(pids, "the cluster is not running")
        signal_all(pids, signal.SIGKILL)
        # Until they are reaped, not just dead: PostgreSQL refuses to start while the pid in
        # postmaster.pid exists, even as a zombie waiting for init.
        deadline = time.time() + 10
        while any(exists(p) for p in pids) and time.time() < deadline:
            time.sleep(0.05)
        if any(alive(p) for p in pids):
            raise Failure("PostgreSQL processes survived SIGKILL")
        if exists(pids[0]):  # init has not reaped the postmaster yet: the lock file is stale
            (self.data / "postmaster.pid").unlink(missing_ok=True)
        return len(pids)

    def stop_signal(self, sig):
        """SIGSTOP / SIGCONT to every process of the cluster: a database that stops answering."""
        pids = self.processes()
        signal_all(pids, sig)
        return pids

    def psql(self, sql, db="creneau", user=None, timeout=60):
        out = subprocess.run(
            ["psql", "-X", "-h", "127.0.0.1", "-p", str(self.port), "-U", user or ("postgres" if db == "postgres" else "creneau"),
             "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            capture_output=True, text=True, timeout=timeout,
        )
        if out.returncode != 0:
            raise Failure(f"psql failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def destroy(self):
        pid = self.postmaster_pid
        if pid and alive(pid):
            self.stop_signal(signal.SIGCONT)
            subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                           capture_output=True, timeout=60)
            if alive(pid):
                signal_all([pid, *children_of(pid)], signal.SIGKILL)


# ---- Créneau servers on an external database -------------------------------------------

def creneau_env(database_url, **extra):
    return {"DATABASE_URL": database_url, "LOG_LEVEL": "warning", **{k: str(v) for k, v in extra.items()}}


def cli(*args, env, timeout=300):
    out = subprocess.run([BIN, *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise Failure(f"creneau {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def start_server(work: Path, env, port=None) -> Server:
    """A `creneau serve` on `env`'s database; `port` to come back on the same address."""
    server = Server(work, env=env)
    if port:
        server.port = port
        server.url = f"http://127.0.0.1:{port}"
        server.log_path = work / f"server-{port}.log"
    atexit.register(server.stop_quietly)
    return server.start(timeout=120)


# ---- HTTP ------------------------------------------------------------------------------

def http(method, url, body=None, headers=None, timeout=10.0):
    """(status, headers, text), header names in lower case (HAProxy sends them so);
    status 0 when no HTTP answer came (refused, reset, timeout)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()
    except (OSError, urllib.error.URLError) as error:  # refused, reset, timed out
        return 0, {}, repr(error)


# ---- the demo store, made ready for load -----------------------------------------------

class Shop:
    """The seeded demo store as a load generator sees it: a product with plenty of stock
    and a few open slots of tomorrow with room for every order of the run, so that every
    submit takes the success path (a crash is the only thing that can make it fail)."""

    CONTACT = {"name": "Test Fiabilité", "phone": "+33 6 12 34 56 78"}

    def __init__(self, db: PgCluster, slots=4):
        self.db = db
        self.store_id = int(db.psql(f"SELECT store_id FROM stores WHERE slug = '{STORE}'"))
        date = db.psql(f"SELECT ((now() AT TIME ZONE time_zone)::date + 1)::text FROM stores WHERE store_id = {self.store_id}")
        rows = db.psql(f"""
            SELECT s.slot_id FROM slots s JOIN slot_templates t ON t.store_id = s.store_id
             WHERE s.store_id = {self.store_id} AND s.status = 'open'
               AND s.starts_at >= ('{date}'::date + time '11:00') AT TIME ZONE (SELECT time_zone FROM stores WHERE store_id = {self.store_id})
               AND s.starts_at - make_interval(mins => t.cutoff_minutes) > now() + interval '1 hour'
             ORDER BY s.starts_at LIMIT {slots + 1}""").split()
        check(len(rows) == slots + 1, f"only {len(rows)} open slots tomorrow")
        self.slot_ids = [int(r) for r in rows[:slots]]
        # One more, kept apart for the contention scenario.
        self.spare_slot = int(rows[slots])
        ids = ",".join(map(str, self.slot_ids))
        db.psql(f"""UPDATE slots SET planned_orders = 0, capacity_orders = 1000000,
                                     planned_minutes = 0, capacity_minutes = 10000000
                     WHERE store_id = {self.store_id} AND slot_id IN ({ids})""")
        self.product_id = int(db.psql(f"""
            SELECT product_id FROM store_products WHERE store_id = {self.store_id} AND active
             ORDER BY product_id LIMIT 1"""))
        db.psql(f"UPDATE store_products SET stock_on_hand = 10000000 WHERE store_id = {self.store_id} AND product_id = {self.product_id}")

    def basket(self, base_url, slot_id=None, deadline=None):
        """A basket with one line and a hold on a slot; retried while the server is unavailable.
        Returns its token, or None if the slot answered that it is full."""
        deadline = deadline or time.time() + 60
        token = None
        steps = 0
        while time.time() < deadline and steps < 50:
            steps += 1
            if token is None:
                status, _, body = http("POST", f"{base_url}/api/stores/{STORE}/baskets", {})
                if status == 201:
                    token = json.loads(body)["token"]
                else:
                    time.sleep(0.2)
                    continue
            headers = {"X-Basket-Token": token}
            status, _, body = http("PUT", f"{base_url}/api/stores/{STORE}/basket/lines/{self.product_id}", {"quantity": 1}, headers)
            if status != 200:
                time.sleep(0.2)
                continue
            slot = slot_id if slot_id is not None else self.slot_ids[hash(token) % len(self.slot_ids)]
            status, _, body = http("POST", f"{base_url}/api/stores/{STORE}/basket/slot", {"slotId": slot}, headers)
            if status == 201:
                return token
            if status in (409, 422) and slot_id is not None:
                return None
            time.sleep(0.2)
        raise Failure(f"could not prepare a basket in time (last answer {status})")

    def baskets(self, base_url, count, workers=8, slot_id=None):
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda _: self.basket(base_url, slot_id), range(count)))

    def submit(self, base_url, token, key, timeout=15.0):
        return http("POST", f"{base_url}/api/stores/{STORE}/basket/checkout", self.CONTACT,
                    {"X-Basket-Token": token, "Idempotency-Key": key}, timeout=timeout)


# ---- order-submit load with recorded answers ---------------------------------------------

class OrderLoad:
    """Clients submitting one order each, with their own idempotency key, retrying the same
    key (same body) on 503, 5xx or no answer until a 2xx or their time runs out — what a
    well-behaved front end does. Every answer is recorded."""

    def __init__(self, shop: Shop, url_of, tokens, workers=8, deadline_s=90.0, retry_delay=0.25):
        self.shop = shop
        self.url_of = url_of  # a function, so a restarted server on another address can be followed
        self.orders = [{"token": t, "key": str(uuid.uuid4()), "attempts": 0, "answers": [], "ack": None} for t in tokens]
        self.workers = workers
        self.deadline = time.time() + deadline_s
        self.retry_delay = retry_delay
        self.lock = threading.Lock()
        self.next = 0
        self.completed = 0
        self.crashes = []

    def _take(self):
        with self.lock:
            if self.next >= len(self.orders):
                return None
            order = self.orders[self.next]
            self.next += 1
            return order

    def _client(self):
        while time.time() < self.deadline:
            order = self._take()
            if order is None:
                return
            while time.time() < self.deadline and order["attempts"] < 200:
                order["attempts"] += 1
                started = time.time()
                status, headers, body = self.shop.submit(self.url_of(), order["token"], order["key"])
                order["answers"].append((round(started, 3), status))
                if status == 503 and not headers.get("retry-after"):
                    order["no_retry_after"] = order.get("no_retry_after", 0) + 1
                if 200 <= status < 300:
                    order["ack"] = {"status": status, "body": body, "at": time.time()}
                    with self.lock:
                        self.completed += 1
                    break
                if 400 <= status < 500 and status != 409:
                    order["error"] = (status, body[:300])
                    break
                time.sleep(self.retry_delay)

    def run(self, during=None):
        """Runs the load; `during(load)` runs beside it (the crash), then waits for the clients."""
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.workers)]
        for thread in threads:
            thread.start()
        if during:
            during(self)
        for thread in threads:
            thread.join(timeout=max(1.0, self.deadline - time.time() + 20))
        return self

    def wait_for_completed(self, count, timeout=60):
        deadline = time.time() + timeout
        while self.completed < count and time.time() < deadline:
            time.sleep(0.02)

    # ---- figures ----

    def statuses(self):
        counts = {}
        for order in self.orders:
            for _, status in order["answers"]:
                counts[status] = counts.get(status, 0) + 1
        return dict(sorted(counts.items()))

    def acknowledged(self):
        return [o for o in self.orders if o["ack"]]

    def mark_crash(self):
        """The scenario calls this at the moment it crashes something."""
        self.crashes.append(time.time())

    def outages(self):
        """Per crash: seconds from the last 2xx before it to the first 2xx after the last
        failed answer (503, other 5xx or none) that followed it — how long no order could be
        placed. Without marked crashes, the same over the whole run."""
        failures = sorted(at for o in self.orders for at, status in o["answers"] if status == 0 or status >= 500)
        oks = sorted(o["ack"]["at"] for o in self.orders if o["ack"])
        marks = self.crashes or ([failures[0]] if failures else [])
        windows = []
        for index, crashed in enumerate(marks):
            until = marks[index + 1] if index + 1 < len(marks) else float("inf")
            mine = [t for t in failures if crashed - 0.5 <= t < until]
            before = [t for t in oks if t <= crashed]
            start = before[-1] if before else crashed
            last_fail = mine[-1] if mine else crashed
            after = [t for t in oks if t > last_fail]
            windows.append(round((after[0] if after else last_fail) - start, 2))
        return windows


def verify_orders(load: OrderLoad, db_query, url, label, baseline_orders):
    """The checks every crash scenario ends with (the database is the scenario's own, so
    every order in it beyond `baseline_orders` was placed by these clients):
    - every acknowledged order is in the database (lost = 0);
    - every client, retrying with its key, gets its original answer again, byte for byte;
    - no order exists that no client was told about (duplicates = 0)."""
    acknowledged = load.acknowledged()
    ids = [json.loads(o["ack"]["body"])["orderID"].lower() for o in acknowledged]
    found = 0
    if ids:
        values = ",".join(f"'{i}'" for i in ids)
        found = int(db_query(f"SELECT count(*) FROM orders WHERE order_id IN ({values})"))
    # Each client sends its key once more, as after an answer lost on the way.
    same, different, late, unanswered = 0, [], 0, 0
    known = set(ids)
    for order in load.orders:
        status, headers, body = http_retrying(lambda: load.shop.submit(url, order["token"], order["key"]))
        if order["ack"]:
            if 200 <= status < 300 and body == order["ack"]["body"] and headers.get("idempotent-replayed") == "true":
                same += 1
            else:
                different.append((status, body[:200]))
        elif 200 <= status < 300:
            late += 1  # its first tries all failed; this retry placed (or found) its order
            known.add(json.loads(body)["orderID"].lower())
        else:
            unanswered += 1
    in_db = int(db_query("SELECT count(*) FROM orders")) - baseline_orders
    figures = {
        "scenario": label,
        "clients": len(load.orders),
        "requests_sent": sum(o["attempts"] for o in load.orders),
        "answers": load.statuses(),
        "acknowledged": len(acknowledged),
        "found_after_recovery": found,
        "lost": len(acknowledged) - found,
        "retried_same_answer": same,
        "retried_other_answer": len(different),
        "placed_on_late_retry": late,
        "orders_in_database": in_db,
        "duplicates": in_db - len(known),
        "crashes": len(load.crashes),
        "seconds_unavailable": max(load.outages(), default=0.0),
        "seconds_unavailable_per_crash": load.outages(),
        "503_without_retry_after": sum(o.get("no_retry_after", 0) for o in load.orders),
    }
    problems = []
    if figures["503_without_retry_after"]:
        problems.append(f"{figures['503_without_retry_after']} answers 503 came without Retry-After")
    if figures["lost"]:
        problems.append(f"{figures['lost']} acknowledged orders are missing")
    if different:
        problems.append(f"{len(different)} retries got another answer than the first, e.g. {different[:3]}")
    if figures["duplicates"]:
        problems.append(f"{figures['duplicates']} orders exist that no client was told about")
    if unanswered:
        problems.append(f"{unanswered} clients never got an order, even after recovery")
    server_errors = {s: n for s, n in figures["answers"].items() if s >= 500 and s != 503}
    if server_errors:
        problems.append(f"answers other than 503 among the 5xx: {server_errors}")
    return figures, problems


def http_retrying(call, attempts=20, delay=0.5):
    """A request after recovery: a few tries while the server settles."""
    for _ in range(attempts):
        status, headers, body = call()
        if status != 0 and status != 503 and status != 409:
            return status, headers, body
        time.sleep(delay)
    return status, headers, body


def print_figures(figures):
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"    {key.ljust(width)}  {value}", flush=True)
