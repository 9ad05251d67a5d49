"""The single-database scenarios of `make reliability` (issue #8, item 2).

Each takes a seeded PgCluster, starts its own Créneau server(s), prints its figures
and returns (figures, problems): a scenario passes when `problems` is empty.
"""
import concurrent.futures
import configparser
import datetime
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

from harness import (
    ROOT, STORE, Failure, OrderLoad, PgCluster, Shop, as_postgres, check, free_port, give_to_postgres, http, http_retrying,
    log, start_server, creneau_env, verify_orders,
)

DEPLOY = ROOT / "deploy"


def _crash_load(db, shop, server_url_of, count, workers, crash, label, crashes=1):
    """Order-submit load with `crash(load)` run `crashes` times, evenly spread over the orders
    (once a third are acknowledged, for one crash)."""
    baseline = int(db.psql("SELECT count(*) FROM orders"))
    tokens = shop.baskets(server_url_of(), count)
    log(f"{label}: {count} baskets ready, submitting with {workers} clients, {crashes} crash(es)")

    def during(load):
        for index in range(crashes):
            target = count * (index + 1) // (crashes + 2) if crashes > 1 else count // 3
            load.wait_for_completed(target, timeout=90)
            check(load.completed >= target, f"only {load.completed} orders before crash {index + 1}")
            load.mark_crash()
            crash(load)

    load = OrderLoad(shop, server_url_of, tokens, workers=workers, deadline_s=60 + 60 * crashes).run(during)
    return verify_orders(load, db.psql, server_url_of(), label, baseline)


def database_crash(db: PgCluster, work: Path, short: bool):
    """kill -9 of every PostgreSQL process under order-submit load, then a restart (crash recovery)."""
    server = start_server(work, creneau_env(db.url, CRENEAU_DB_POOL_SIZE=8, CRENEAU_DB_ACQUIRE_TIMEOUT_MS=2000))
    shop = Shop(db)
    down = {}

    def crash(load):
        killed = db.kill9()
        down.setdefault("at", []).append(time.time())
        log(f"database crash: SIGKILL to {killed} PostgreSQL processes after {load.completed} orders")
        time.sleep(1.0)
        db.start()  # crash recovery replays the WAL
        down.setdefault("up", []).append(time.time())
        log(f"database restarted after {down['up'][-1] - down['at'][-1]:.1f} s")
        down["load"] = load

    try:
        figures, problems = _crash_load(db, shop, lambda: server.url, 300 if short else 1500, 8, crash, "database kill -9",
                                        crashes=1 if short else 3)
        # How long the server took to place orders again once its database was back.
        acks = sorted(o["ack"]["at"] for o in down["load"].orders if o["ack"])
        figures["database_down_s"] = [round(up - at, 2) for at, up in zip(down["at"], down["up"])]
        figures["first_order_after_database_up_s"] = [
            round(min((t for t in acks if t >= up), default=float("nan")) - up, 2) for up in down["up"]]
        figures["server_restarted"] = server.process.poll() is not None
        if figures["server_restarted"]:
            problems.append("the server exited when its database crashed")
        return figures, problems
    finally:
        server.stop_quietly()


def server_crash(db: PgCluster, work: Path, short: bool):
    """kill -9 of Créneau under order-submit load, then a restart on the same address."""
    env = creneau_env(db.url, CRENEAU_DB_POOL_SIZE=8)
    servers = [start_server(work, env)]
    shop = Shop(db)

    def crash(load):
        old = servers[-1]
        old.kill()
        log(f"server crash: SIGKILL to creneau (pid {old.process.pid}) after {load.completed} orders")
        time.sleep(0.5)
        servers.append(start_server(work, env, port=old.port))
        log("server restarted")

    try:
        return _crash_load(db, shop, lambda: servers[-1].url, 300 if short else 1500, 8, crash, "server kill -9",
                           crashes=1 if short else 3)
    finally:
        for server in servers:
            server.stop_quietly()


def contention(db: PgCluster, work: Path, short: bool):
    """200 concurrent clients on the last places of one slot, through HTTP: hold, then submit.
    Booked must equal capacity exactly."""
    server = start_server(work, creneau_env(db.url, CRENEAU_DB_POOL_SIZE=10))
    try:
        shop = Shop(db)
        slot, places, clients = shop.spare_slot, 7, 200
        # The slot already has bookings; exactly `places` are left.
        db.psql(f"""UPDATE slots SET planned_orders = 0, planned_minutes = 0, capacity_minutes = 10000000,
                                     capacity_orders = reserved_orders + {places}
                     WHERE store_id = {shop.store_id} AND slot_id = {slot}""")
        capacity = int(db.psql(f"SELECT capacity_orders FROM slots WHERE store_id = {shop.store_id} AND slot_id = {slot}"))
        booked_before = int(db.psql(f"SELECT count(*) FROM slot_bookings WHERE store_id = {shop.store_id} AND slot_id = {slot} AND status <> 'cancelled'"))
        reserved_before = int(db.psql(f"SELECT reserved_orders FROM slots WHERE store_id = {shop.store_id} AND slot_id = {slot}"))

        def empty_basket(_):
            for _attempt in range(20):
                status, _, body = http("POST", f"{server.url}/api/stores/{STORE}/baskets", {})
                if status == 201:
                    token = json.loads(body)["token"]
                    status, _, _ = http("PUT", f"{server.url}/api/stores/{STORE}/basket/lines/{shop.product_id}",
                                        {"quantity": 1}, {"X-Basket-Token": token})
                    if status == 200:
                        return token
                time.sleep(0.2)
            raise Failure("could not create a basket")

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            tokens = list(pool.map(empty_basket, range(clients)))
        log(f"contention: {clients} clients on the last {places} places of slot {slot} (capacity {capacity})")
        start = threading.Barrier(clients)
        answers = {"hold": {}, "submit": {}}
        lock = threading.Lock()

        def client(token):
            start.wait(timeout=60)
            deadline = time.time() + 60
            for _attempt in range(30):  # retried only while the server says "busy"
                status, _, _ = http("POST", f"{server.url}/api/stores/{STORE}/basket/slot", {"slotId": slot},
                                    {"X-Basket-Token": token}, timeout=20)
                with lock:
                    answers["hold"][status] = answers["hold"].get(status, 0) + 1
                if status not in (0, 503) or time.time() > deadline:
                    break
                time.sleep(0.2)
            if status != 201:
                return None
            key = str(uuid.uuid4())
            for _attempt in range(30):
                status, _, body = shop.submit(server.url, token, key, timeout=20)
                with lock:
                    answers["submit"][status] = answers["submit"].get(status, 0) + 1
                if status not in (0, 503, 409) or time.time() > deadline:
                    break
                time.sleep(0.2)
            return json.loads(body)["orderID"].lower() if status == 201 else None

        threads_pool = concurrent.futures.ThreadPoolExecutor(clients)
        try:
            placed = [o for o in threads_pool.map(client, tokens) if o]
        finally:
            threads_pool.shutdown(wait=True)
        booked = int(db.psql(f"SELECT count(*) FROM slot_bookings WHERE store_id = {shop.store_id} AND slot_id = {slot} AND status <> 'cancelled'"))
        reserved = int(db.psql(f"SELECT reserved_orders FROM slots WHERE store_id = {shop.store_id} AND slot_id = {slot}"))
        holds = int(db.psql(f"SELECT count(*) FROM slot_holds WHERE store_id = {shop.store_id} AND slot_id = {slot}"))
        figures = {
            "scenario": "contention on the last places of a slot",
            "clients": clients,
            "places_left": places,
            "capacity": capacity,
            "hold_answers": dict(sorted(answers["hold"].items())),
            "submit_answers": dict(sorted(answers["submit"].items())),
            "orders_acknowledged": len(placed),
            "booked_after": booked,
            "booked_before": booked_before,
            "reserved_after": reserved,
            "holds_left": holds,
        }
        problems = []
        if booked != capacity - (reserved_before - booked_before):
            problems.append(f"booked {booked}, expected {capacity - (reserved_before - booked_before)} (capacity {capacity})")
        if len(placed) != places:
            problems.append(f"{len(placed)} orders acknowledged for {places} places")
        if reserved != capacity:
            problems.append(f"reserved {reserved} != capacity {capacity}")
        if placed:
            values = ",".join(f"'{i}'" for i in placed)
            found = int(db.psql(f"SELECT count(*) FROM orders WHERE order_id IN ({values}) AND slot_id = {slot}"))
            figures["found"] = found
            figures["lost"] = len(placed) - found
            if found != len(placed):
                problems.append(f"{len(placed) - found} acknowledged orders are missing")
        errors = {s: n for phase in answers.values() for s, n in phase.items() if s >= 500 and s != 503 or s == 0}
        if errors:
            problems.append(f"server errors or no answer: {errors}")
        return figures, problems
    finally:
        server.stop_quietly()


def idempotency(db: PgCluster, work: Path, short: bool):
    """1,000 concurrent repeats of one order submit (one key, one body): one order."""
    server = start_server(work, creneau_env(db.url, CRENEAU_DB_POOL_SIZE=10))
    try:
        shop = Shop(db)
        token = shop.basket(server.url)
        key = str(uuid.uuid4())
        baseline = int(db.psql("SELECT count(*) FROM orders"))
        repeats, threads = 1000, 100
        start = threading.Barrier(threads)
        results = []
        lock = threading.Lock()

        def client(_):
            start.wait(timeout=60)
            mine = []
            for _ in range(repeats // threads):
                began = time.time()
                status, headers, body = shop.submit(server.url, token, key, timeout=30)
                mine.append((status, headers.get("idempotent-replayed"), body, time.time() - began))
            with lock:
                results.extend(mine)

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(client, range(threads)))
        counts = {}
        for status, *_ in results:
            counts[status] = counts.get(status, 0) + 1
        ok_bodies = {body for status, _, body, _ in results if status == 201}
        first = [r for r in results if r[0] == 201 and r[1] != "true"]
        orders = int(db.psql("SELECT count(*) FROM orders")) - baseline
        final = http_retrying(lambda: shop.submit(server.url, token, key))
        figures = {
            "scenario": "1,000 repeats of one idempotency key",
            "requests_sent": len(results),
            "answers": dict(sorted(counts.items())),
            "first_answers (201 not replayed)": len(first),
            "distinct_201_bodies": len(ok_bodies),
            "orders_created": orders,
            "retry_afterwards_same_answer": final[0] == 201 and final[2] in ok_bodies,
        }
        problems = []
        if orders != 1:
            problems.append(f"{orders} orders for one key")
        if len(ok_bodies) != 1 or len(first) != 1:
            problems.append(f"{len(ok_bodies)} different 201 bodies, {len(first)} first answers")
        if not figures["retry_afterwards_same_answer"]:
            problems.append(f"a later retry got {final[0]}")
        unexpected = {s: n for s, n in counts.items() if s not in (201, 409, 503)}
        if unexpected:
            problems.append(f"unexpected answers {unexpected}")
        return figures, problems
    finally:
        server.stop_quietly()


def stalled_database(db: PgCluster, work: Path, short: bool):
    """Pool exhaustion and a database that stops answering: SIGSTOP to every PostgreSQL
    process for a bounded time under order-submit load. Requests that cannot get a
    connection must get 503 with Retry-After within the acquire timeout (plus a margin);
    after SIGCONT the server recovers by itself and nothing acknowledged is lost."""
    acquire_ms = 1000
    server = start_server(work, creneau_env(db.url, CRENEAU_DB_POOL_SIZE=4, CRENEAU_DB_ACQUIRE_TIMEOUT_MS=acquire_ms))
    stall_s = 6 if short else 12
    probes = []
    recovery = {}
    try:
        shop = Shop(db)
        count = 200 if short else 600
        baseline = int(db.psql("SELECT count(*) FROM orders"))
        tokens = shop.baskets(server.url, count)
        log(f"stall: {count} baskets ready; SIGSTOP for {stall_s} s once a third are ordered")

        def during(load):
            load.wait_for_completed(count // 3, timeout=60)
            load.mark_crash()
            stopped = db.stop_signal(signal.SIGSTOP)
            stopped_at = time.time()
            log(f"stall: SIGSTOP to {len(stopped)} PostgreSQL processes after {load.completed} orders")
            try:
                time.sleep(1.5)  # the load's requests fill the pool and hang there
                while time.time() - stopped_at < stall_s - 0.5:
                    # A well-formed request each (stores are remembered a few seconds, so a malformed one
                    # would be refused before any query, with a 400, stalled database or not).
                    for path in ("/healthz", f"/api/stores/{STORE}/slots?date={datetime.date.today().isoformat()}"):
                        began = time.time()
                        status, headers, _ = http("GET", server.url + path, timeout=acquire_ms / 1000 + 10)
                        probes.append((path, status, headers.get("retry-after"), round(time.time() - began, 3)))
                    time.sleep(0.3)
            finally:
                db.stop_signal(signal.SIGCONT)
                resumed = time.time()
                log("stall: SIGCONT")
            deadline = resumed + 30
            while time.time() < deadline:
                if http("GET", server.url + "/healthz", timeout=5)[0] == 200:
                    recovery["healthz_ok_after_s"] = round(time.time() - resumed, 2)
                    break
                time.sleep(0.1)

        load = OrderLoad(shop, lambda: server.url, tokens, workers=8, deadline_s=120).run(during)
        figures, problems = verify_orders(load, db.psql, server.url, "database stops answering (SIGSTOP)", baseline)
        # The load's own answers: the 503s it got while the database was stopped.
        unavailable = [p for p in probes if p[1] == 503]
        figures["probes_during_stall"] = len(probes)
        figures["probes_503_with_retry_after"] = sum(1 for p in unavailable if p[2])
        figures["probe_slowest_503_s"] = max((p[3] for p in unavailable), default=None)
        figures["probe_answers"] = {s: sum(1 for p in probes if p[1] == s) for s in sorted({p[1] for p in probes})}
        figures.update(recovery)
        if not probes or len(unavailable) != len(probes):
            problems.append(f"not every request during the stall got 503: {figures['probe_answers']}")
        if any(not p[2] for p in unavailable):
            problems.append("a 503 came without Retry-After")
        if unavailable and figures["probe_slowest_503_s"] > acquire_ms / 1000 + 1.5:
            problems.append(f"a 503 took {figures['probe_slowest_503_s']} s (acquire timeout {acquire_ms} ms)")
        if "healthz_ok_after_s" not in recovery:
            problems.append("the server did not recover within 30 s of SIGCONT")
        if server.process.poll() is not None:
            problems.append("the server exited")
        return figures, problems
    finally:
        db.stop_signal(signal.SIGCONT)
        server.stop_quietly()


def pgbouncer(db: PgCluster, work: Path, short: bool):
    """Créneau through PgBouncer in transaction pooling mode, with the settings of
    deploy/pgbouncer/: prepared statements off, LISTEN and migrations on the direct URL.
    Orders under load all succeed, the listener's connection bypasses the pooler."""
    port = free_port()
    work = work / "pgbouncer"  # its files, owned by the user it runs as
    work.mkdir(exist_ok=True)
    give_to_postgres(work)
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(DEPLOY / "pgbouncer" / "pgbouncer.ini")
    ini["databases"] = {"creneau": f"host=127.0.0.1 port={db.port} dbname=creneau"}
    settings = ini["pgbouncer"]
    settings.update({
        "listen_addr": "127.0.0.1", "listen_port": str(port), "unix_socket_dir": "",
        "auth_type": "trust", "auth_file": str(work / "userlist.txt"),
        "logfile": str(work / "pgbouncer.log"), "pidfile": str(work / "pgbouncer.pid"),
        "admin_users": "creneau",
    })
    settings.pop("auth_query", None)
    settings.pop("auth_user", None)
    check(settings["pool_mode"] == "transaction", "deploy/pgbouncer/pgbouncer.ini is not in transaction mode")
    (work / "userlist.txt").write_text('"creneau" ""\n')
    with open(work / "pgbouncer.ini", "w") as f:
        ini.write(f)
    os.chmod(work / "pgbouncer.ini", 0o644)
    os.chmod(work / "userlist.txt", 0o644)
    # pgbouncer refuses root, like PostgreSQL.
    bouncer = subprocess.Popen(as_postgres(["pgbouncer", str(work / "pgbouncer.ini")]),
                               stdout=subprocess.DEVNULL, stderr=open(work / "pgbouncer.err", "w"))
    pooled_url = f"postgresql://creneau@127.0.0.1:{port}/creneau"
    server = None
    try:
        deadline = time.time() + 20
        while time.time() < deadline and subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode != 0:
            check(bouncer.poll() is None, f"pgbouncer exited: {(work / 'pgbouncer.err').read_text()}")
            time.sleep(0.2)
        env = creneau_env(pooled_url, CRENEAU_DB_PREPARED_STATEMENTS="off", CRENEAU_DB_DIRECT_URL=db.url, CRENEAU_DB_POOL_SIZE=10)
        server = start_server(work, env)
        shop = Shop(db)
        count = 150 if short else 600
        baseline = int(db.psql("SELECT count(*) FROM orders"))
        tokens = shop.baskets(server.url, count)
        load = OrderLoad(shop, lambda: server.url, tokens, workers=8, deadline_s=120).run()
        figures, problems = verify_orders(load, db.psql, server.url, "through PgBouncer (transaction mode)", baseline)
        direct_listener = int(db.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'creneau-listen'"))
        clients = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "creneau", "-d", "pgbouncer", "-tAc", "SHOW CLIENTS"],
                                 capture_output=True, text=True, timeout=30).stdout
        rows = [line.split("|") for line in clients.splitlines() if line.count("|") > 3]
        figures["listener_connections_on_postgres"] = direct_listener
        figures["listener_connections_through_pgbouncer"] = sum(1 for r in rows if "creneau-listen" in r)
        figures["pool_connections_through_pgbouncer"] = sum(1 for r in rows if r[2] == "creneau" and "creneau" in r)
        if direct_listener < 1 or figures["listener_connections_through_pgbouncer"]:
            problems.append("the LISTEN connection does not go straight to PostgreSQL")
        if figures["acknowledged"] != count:
            problems.append(f"{count - figures['acknowledged']} orders failed through PgBouncer")
        return figures, problems
    finally:
        if server:
            server.stop_quietly()
        bouncer.terminate()
        try:
            bouncer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            bouncer.kill()
