"""Issue #9, items 2 and 3: two Créneau instances behind HAProxy (deploy/haproxy/haproxy.cfg)
on a pg_auto_failover formation (deploy/ha/formation.py: monitor, primary, synchronous
standby). Order-submit load through HAProxy; the primary's node is killed with SIGKILL
(keeper and PostgreSQL: the machine is gone); the monitor promotes the standby; the
instances reconnect by themselves through their multi-host URL.

Prints: orders acknowledged, orders found on the new primary, lost (must be 0), and the
seconds during which no order could be placed (target < 10 s).
"""
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from harness import (
    ROOT, STORE, Failure, OrderLoad, Shop, check, cli, creneau_env, free_port, http, log, start_server,
    verify_orders,
)

sys.path.insert(0, str(ROOT / "deploy" / "ha"))
from formation import Formation  # noqa: E402

TARGET_SECONDS = 10.0


class Primary:
    """psql on whichever node is the primary: the same multi-host URL as Créneau's."""

    def __init__(self, formation):
        self.url = formation.database_url

    def psql(self, sql, timeout=30):
        out = subprocess.run(["psql", "-X", self.url, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise Failure(f"psql on the primary: {out.stderr.strip()}")
        return out.stdout.strip()


class HAProxy:
    def __init__(self, work: Path, backends):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / "haproxy.log"
        self.env = {**os.environ, "CRENEAU_HAPROXY_BIND": f"127.0.0.1:{self.port}",
                    "CRENEAU_APP1": f"127.0.0.1:{backends[0].port}", "CRENEAU_APP2": f"127.0.0.1:{backends[1].port}"}
        config = str(ROOT / "deploy" / "haproxy" / "haproxy.cfg")
        checked = subprocess.run(["haproxy", "-c", "-f", config], env=self.env, capture_output=True, text=True, timeout=30)
        check(checked.returncode == 0, f"haproxy -c: {checked.stdout}{checked.stderr}")
        self.process = subprocess.Popen(["haproxy", "-db", "-f", config], env=self.env,
                                        stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            check(self.process.poll() is None, f"haproxy exited: {self.log_path.read_text()}")
            if http("GET", self.url + "/healthz", timeout=2)[0] == 200:
                return
            time.sleep(0.2)
        raise Failure("haproxy did not serve /healthz")

    def served_by(self):
        """Requests per backend server, from HAProxy's log."""
        text = self.log_path.read_text(errors="replace")
        return {name: text.count(f"creneau/{name} ") for name in ("app1", "app2")}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def two_instances(servers, proxy, shop):
    """Both instances serve the same store: a basket made on one is read on the other,
    and HAProxy spreads requests over both."""
    a, b = servers
    token = shop.basket(a.url)
    status, _, body = http("GET", f"{b.url}/api/stores/{STORE}/basket", headers={"X-Basket-Token": token})
    check(status == 200 and json.loads(body)["lines"], f"instance B does not see instance A's basket: {status} {body[:200]}")
    before = proxy.served_by()
    for _ in range(40):
        http("GET", f"{proxy.url}/api/stores/{STORE}/shelves/petit-dejeuner")
    after = proxy.served_by()
    spread = {k: after[k] - before[k] for k in after}
    check(all(v > 0 for v in spread.values()), f"HAProxy did not use both instances: {spread}")
    return spread


def live_event_seconds(stream_base, change_base, link):
    """Opens the order's live-update stream on `stream_base`, makes a change through
    `change_base` ("I'm here" again, which updates the arrival and NOTIFYs at commit),
    and returns how long the event took to arrive on the stream (None: not within 5 s)."""
    events = queue.Queue()
    stream = urllib.request.urlopen(f"{stream_base}/o/{link}/events", timeout=15)

    def read():
        try:
            for line in stream:
                events.put(line.decode().strip())
        except OSError:
            pass

    threading.Thread(target=read, daemon=True).start()
    try:
        check(events.get(timeout=5).startswith("retry:"), "the stream did not open")
        time.sleep(0.5)  # the instance's listener subscribes to the channel (LISTEN) when the stream opens
        sent = time.time()
        status, _, body = http("POST", f"{change_base}/api/orders/{link}/arrival", {"parkingBay": "B4"})
        check(status in (200, 201), f"check-in answered {status}: {body[:200]}")
        while time.time() < sent + 5:
            try:
                if events.get(timeout=max(0.01, sent + 5 - time.time())) == "event: change":
                    return round(time.time() - sent, 3)
            except queue.Empty:
                break
        return None
    finally:
        stream.close()


def notify_reaches_other_instance(servers, proxy, shop):
    """Issue #9 item 3: a change made on instance A reaches a live-update client of
    instance B (both LISTEN on the database), and a client connected through HAProxy."""
    token = shop.basket(servers[0].url)
    status, _, body = shop.submit(servers[0].url, token, str(uuid.uuid4()))
    check(status == 201, f"order for the live-update check answered {status}: {body[:200]}")
    link = json.loads(body)["link"]
    figures = {
        "instance_a_to_b_s": live_event_seconds(servers[1].url, servers[0].url, link),
        "through_haproxy_s": live_event_seconds(proxy.url, servers[0].url, link),
    }
    log(f"live updates across instances: {figures}")
    for name, seconds in figures.items():
        check(seconds is not None and seconds < 2, f"live update {name}: {seconds}")
    return figures


def one_failover(formation, primary, shop, proxy, servers, count, label):
    """Order-submit load through HAProxy; the current primary's node is killed once a third
    of the orders are acknowledged. Returns (figures, problems)."""
    sync = formation.psql(formation.primary().port,  # pg_stat_replication shows its details to superusers
                          "SELECT string_agg(application_name || ':' || sync_state, ',') FROM pg_stat_replication")
    check("sync" in sync or "quorum" in sync, f"replication is not synchronous: {sync!r}")
    old_port = int(primary.psql("SELECT inet_server_port()"))
    listeners = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'creneau-listen'"
    listeners_before = int(primary.psql(listeners))
    baseline = int(primary.psql("SELECT count(*) FROM orders"))
    tokens = shop.baskets(proxy.url, count)
    log(f"{label}: {count} baskets ready; submitting through HAProxy, primary on port {old_port}")
    timeline = {}

    def crash(load):
        load.wait_for_completed(count // 3, timeout=60)
        node = next(n for n in formation.nodes if n.port == old_port)
        timeline["node"] = node
        load.mark_crash()
        killed = node.kill9()
        timeline["killed_at"] = time.time()
        log(f"{label}: SIGKILL to {len(killed)} processes of {node.name} (pg_autoctl and PostgreSQL) after {load.completed} orders")
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                new = formation.primary()
                if new and new.port != old_port:
                    timeline["promoted_after_s"] = round(time.time() - timeline["killed_at"], 2)
                    log(f"{label}: {new.name} promoted after {timeline['promoted_after_s']} s")
                    return
            except Exception:  # the monitor answers again in a moment
                pass
            time.sleep(0.1)

    load = OrderLoad(shop, lambda: proxy.url, tokens, workers=8, deadline_s=150).run(crash)
    figures, problems = verify_orders(load, primary.psql, proxy.url, label, baseline)
    new_port = int(primary.psql("SELECT inet_server_port()"))
    # Each instance's LISTEN connection (live updates) found the new primary by itself.
    deadline = time.time() + 15
    while (listeners_after := int(primary.psql(listeners))) < len(servers) and time.time() < deadline:
        time.sleep(0.2)
    figures = {
        "scenario": figures.pop("scenario"),
        "orders_acknowledged": figures["acknowledged"],
        "orders_found_on_new_primary": figures["found_after_recovery"],
        **figures,
        "old_primary_port": old_port,
        "new_primary_port": new_port,
        "synchronous_replication": sync,
        "monitor_promoted_standby_after_s": timeline.get("promoted_after_s"),
        "target_seconds_unavailable": TARGET_SECONDS,
        "listen_connections_before_on_old_primary": listeners_before,
        "listen_connections_after_on_new_primary": listeners_after,
    }
    if listeners_after < len(servers):
        problems.append(f"{listeners_after} of {len(servers)} LISTEN connections reached the new primary")
    if new_port == old_port:
        problems.append("the primary did not change")
    if figures["seconds_unavailable"] >= TARGET_SECONDS:
        problems.append(f"unavailable for {figures['seconds_unavailable']} s (target < {TARGET_SECONDS} s)")
    for server in servers:
        if server.process.poll() is not None:
            problems.append(f"instance on port {server.port} exited")
        elif http("GET", server.url + "/healthz")[0] != 200:
            problems.append(f"instance on port {server.port} is not healthy after the failover")
    return figures, problems, timeline.get("node")


def failover(work: Path, short: bool):
    """Short form: one failover. Full form: the killed node then rejoins as a standby
    (pg_autoctl rewinds it), and a second failover under load brings the primary back."""
    formation = Formation(work / "ha")
    servers, proxy = [], None
    try:
        began = time.time()
        formation.start(log=lambda m: log(f"formation: {m}"))
        log(f"formation ready in {time.time() - began:.0f} s")
        primary = Primary(formation)
        env = creneau_env(formation.database_url, CRENEAU_DB_POOL_SIZE=6, CRENEAU_DB_ACQUIRE_TIMEOUT_MS=2000,
                          CRENEAU_TRUST_X_FORWARDED_FOR=1)
        cli("migrate", env=env)
        cli("seed", "--demo", env=env)
        for name in ("a", "b"):
            directory = work / f"instance-{name}"
            directory.mkdir(exist_ok=True)
            servers.append(start_server(directory, env))
        proxy = HAProxy(work, servers)
        shop = Shop(primary)
        spread = two_instances(servers, proxy, shop)
        sse = notify_reaches_other_instance(servers, proxy, shop)

        figures, problems, killed = one_failover(formation, primary, shop, proxy, servers, 300 if short else 1200,
                                                 "failover through HAProxy")
        figures["requests_per_instance_before_failover"] = spread
        figures["notify_to_other_instance_sse"] = sse
        if not problems:
            # The listeners reconnected to the new primary: live updates flow again.
            figures["notify_to_other_instance_sse_after_failover"] = notify_reaches_other_instance(servers, proxy, shop)
        if short or problems or killed is None:
            return figures, problems

        # The dead node comes back: its keeper rejoins the formation as a standby of the new primary.
        rejoin = time.time()
        killed.run()
        others = [n for n in formation.nodes if n is not killed]
        formation.wait(lambda: formation.node_state(killed.name) == "secondary" and formation.node_state(others[0].name) == "primary",
                       240, f"{killed.name} to rejoin as a standby")
        formation.wait(lambda: "quorum" in formation.psql(others[0].port, "SELECT string_agg(sync_state, ',') FROM pg_stat_replication"),
                       60, "synchronous replication to the rejoined node")
        figures["old_primary_rejoined_as_standby_after_s"] = round(time.time() - rejoin, 1)
        log(f"failback: {killed.name} rejoined as a standby in {figures['old_primary_rejoined_as_standby_after_s']} s")
        second, more, _ = one_failover(formation, primary, shop, proxy, servers, 1200, "failback through HAProxy")
        figures["lost"] = figures["lost"] + second["lost"]
        figures["second_failover"] = {k: second[k] for k in (
            "orders_acknowledged", "orders_found_on_new_primary", "lost", "retried_same_answer", "duplicates",
            "seconds_unavailable", "monitor_promoted_standby_after_s", "new_primary_port",
            "listen_connections_after_on_new_primary")}
        return figures, problems + [f"second failover: {p}" for p in more]
    finally:
        if proxy:
            proxy.stop()
        for server in servers:
            server.stop_quietly()
        formation.stop()
