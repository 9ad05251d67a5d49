#!/usr/bin/env python3
"""A pg_auto_failover formation on loopback: one monitor, a primary and a synchronous
standby, each a `pg_autoctl` supervisor running as the `postgres` system user with
its data under one folder. The failover test (Tests/reliability/failover.py) uses it;
it also runs by hand:

    sudo deploy/ha/formation.py start /tmp/creneau-ha     # prints the monitor URI and Créneau's DATABASE_URL
    sudo deploy/ha/formation.py state /tmp/creneau-ha
    sudo deploy/ha/formation.py stop  /tmp/creneau-ha

The settings that make a failover take seconds rather than the default ~30 s are in
MONITOR_SETTINGS and KEEPER_SETTINGS below; deploy/ha/README.md explains each.
Needs apt postgresql-15-auto-failover (pg_autoctl). Standard library only.
"""
import atexit
import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PG_BIN = "/usr/lib/postgresql/15/bin"

# On the monitor (its postgresql.auto.conf): how fast a dead primary is noticed, and how
# long the monitor waits for it to step down before promoting the standby.
MONITOR_SETTINGS = {
    "pgautofailover.health_check_period": "1000",           # ms between checks (default 5000)
    "pgautofailover.health_check_timeout": "1000",          # ms connect timeout (default 5000)
    "pgautofailover.health_check_max_retries": "1",         # default 2
    "pgautofailover.health_check_retry_delay": "500",       # ms (default 2000)
    "pgautofailover.node_considered_unhealthy_timeout": "2000",  # ms without keeper report (default 20000)
    # Must stay above the keepers' network_partition_timeout: an isolated primary demotes
    # itself before the standby may be promoted, so there are never two primaries.
    "pgautofailover.primary_demote_timeout": "3500",        # ms (default 30000)
    "pgautofailover.startup_grace_period": "2000",          # ms (default 10000)
    "shared_buffers": "'32MB'",
    "listen_addresses": "'127.0.0.1'",
}

# In each data node's pg_autoctl.cfg.
KEEPER_SETTINGS = {
    "timeout.network_partition_timeout": "2",  # s a primary tolerates losing monitor and standby (default 20)
}

# On the data nodes (postgresql.auto.conf of the primary; pg_basebackup copies it to the
# standby). The workload settings of deploy/postgresql/creneau.conf, scaled to a test box.
NODE_SETTINGS = {
    "shared_buffers": "'64MB'",
    "listen_addresses": "'127.0.0.1'",
    "synchronous_commit": "'on'",
    "wal_sender_timeout": "'5s'",
    "wal_receiver_timeout": "'5s'",
    # A standby whose primary vanished retries its WAL sources every 5 s by default, and a
    # promotion that lands in that wait waits it out (seen: 5 of a 10 s failover).
    "wal_retrieve_retry_interval": "'500ms'",
    "max_connections": "100",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(command):
    return (["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + list(command)


def alive(pid):
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except (ProcessLookupError, OSError):
        return False


def descendants(pid):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    data = f.read()
                parents.setdefault(int(data[data.rindex(")") + 2:].split()[1]), []).append(int(entry))
            except (OSError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Node:
    def __init__(self, formation, name, port):
        self.formation = formation
        self.name = name
        self.port = port
        self.pgdata = formation.root / name
        self.process = None
        self.log = formation.root / f"{name}.log"

    def autoctl(self, *args, check=True, timeout=120):
        out = subprocess.run(as_postgres(["env", *self.formation.env_args(), "pg_autoctl", *args]),
                             capture_output=True, text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise RuntimeError(f"pg_autoctl {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def run(self):
        """`pg_autoctl run`: the node's supervisor (keeper or monitor, and its Postgres)."""
        self.process = subprocess.Popen(
            as_postgres(["env", *self.formation.env_args(), "pg_autoctl", "run", "--pgdata", str(self.pgdata)]),
            stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.formation.state["pids"][self.name] = self.process.pid
        self.formation.save()

    @property
    def postmaster_pid(self):
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split("\n")[0])
        except (OSError, ValueError):
            return None

    def processes(self):
        pids = []
        if self.process and alive(self.process.pid):
            pids += [self.process.pid, *descendants(self.process.pid)]
        postmaster = self.postmaster_pid
        if postmaster and alive(postmaster) and postmaster not in pids:
            pids += [postmaster, *descendants(postmaster)]
        return pids

    def kill9(self):
        """The machine dies: its supervisor, Postgres and every backend, at once."""
        pids = self.processes()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        return pids


class Formation:
    def __init__(self, root):
        self.root = Path(root)
        self.state_file = self.root / "formation.json"
        if self.state_file.exists():
            self.state = json.loads(self.state_file.read_text())
        else:
            self.state = {"ports": {"monitor": free_port(), "node1": free_port(), "node2": free_port()}, "pids": {}}
        ports = self.state["ports"]
        self.monitor = Node(self, "monitor", ports["monitor"])
        self.nodes = [Node(self, "node1", ports["node1"]), Node(self, "node2", ports["node2"])]

    def save(self):
        self.state_file.write_text(json.dumps(self.state))

    def env_args(self):
        return [f"PATH={PG_BIN}:/usr/bin:/bin", f"XDG_CONFIG_HOME={self.root / 'config'}",
                f"XDG_DATA_HOME={self.root / 'share'}", f"XDG_RUNTIME_DIR={self.root / 'run'}",
                "PG_AUTOCTL_DEBUG=0"]

    @property
    def monitor_uri(self):
        return f"postgres://autoctl_node@127.0.0.1:{self.monitor.port}/pg_auto_failover?sslmode=disable"

    @property
    def database_url(self):
        """Créneau's DATABASE_URL: both data nodes, and only a read-write one will do."""
        hosts = ",".join(f"127.0.0.1:{n.port}" for n in self.nodes)
        return f"postgresql://creneau@{hosts}/creneau?target_session_attrs=read-write&connect_timeout=2"

    def psql(self, port, sql, db="creneau", user="postgres", timeout=30):
        out = subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", db,
                              "-v", "ON_ERROR_STOP=1", "-tAc", sql], capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"psql on {port}: {out.stderr.strip()}")
        return out.stdout.strip()

    def start(self, log=print):
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        atexit.register(self.stop)
        self.save()
        common = ["--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl"]

        self.monitor.autoctl("create", "monitor", "--pgdata", str(self.monitor.pgdata), "--pgport", str(self.monitor.port), *common)
        with open(self.monitor.pgdata / "postgresql.auto.conf", "a") as conf:
            conf.write("".join(f"{k} = {v}\n" for k, v in MONITOR_SETTINGS.items()))
        self.monitor.run()
        self.wait(lambda: self.psql(self.monitor.port, "SELECT 1", db="pg_auto_failover") == "1", 60, "the monitor")
        log(f"monitor on 127.0.0.1:{self.monitor.port}")

        for index, node in enumerate(self.nodes):
            node.autoctl("create", "postgres", "--pgdata", str(node.pgdata), "--pgport", str(node.port),
                         "--name", node.name, "--dbname", "creneau", "--monitor", self.monitor_uri, *common, timeout=300)
            for key, value in KEEPER_SETTINGS.items():
                node.autoctl("config", "set", "--pgdata", str(node.pgdata), key, value)
            if index == 0:
                with open(node.pgdata / "postgresql.auto.conf", "a") as conf:
                    conf.write("".join(f"{k} = {v}\n" for k, v in NODE_SETTINGS.items()))
            node.run()
            if index == 0:
                self.wait(lambda: self.node_state("node1") == "single", 240, "node1 to run as a single primary")
            else:
                self.wait(lambda: self.node_state("node2") == "secondary" and self.node_state("node1") == "primary",
                          240, "node2 to be a secondary of node1")
            if index == 0:  # the keeper may still be restarting Postgres with the settings above
                self.wait(lambda: self.psql(node.port, "SELECT 1") == "1", 60, "node1 to accept connections")
                self.psql(node.port, "CREATE ROLE creneau LOGIN")
                self.psql(node.port, "ALTER DATABASE creneau OWNER TO creneau")
            log(f"{node.name} on 127.0.0.1:{node.port}: {self.node_state(node.name)}")
        self.wait(lambda: self.sync_standby_names() not in ("", None), 60, "synchronous replication")
        log(f"synchronous_standby_names = {self.sync_standby_names()}")
        return self

    def wait(self, condition, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"timed out waiting for {what}; logs in {self.root}")

    def states(self):
        rows = self.psql(self.monitor.port,
                         "SELECT nodename, reportedstate, goalstate FROM pgautofailover.node ORDER BY nodeid",
                         db="pg_auto_failover", timeout=10)
        return {name: (reported, goal) for name, reported, goal in (row.split("|") for row in rows.split("\n") if row)}

    def node_state(self, name):
        reported, goal = self.states().get(name, (None, None))
        return reported if reported == goal else None

    def primary(self):
        for node in self.nodes:
            if self.node_state(node.name) in ("primary", "wait_primary", "single"):
                return node
        return None

    def sync_standby_names(self):
        primary = self.primary()
        return primary and self.psql(primary.port, "SHOW synchronous_standby_names", timeout=5)

    def stop(self):
        """SIGTERM to every supervisor (each stops its Postgres with a fast shutdown), a wait
        of at most 30 s for them and their postmasters, then SIGKILL to whatever is left."""
        nodes = [*self.nodes, self.monitor]
        groups = {pid for pid in self.state.get("pids", {}).values() if alive(pid)}
        groups |= {n.process.pid for n in nodes if n.process and n.process.poll() is None}
        for pid in groups:
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

        def running():
            return [pid for pid in groups if alive(pid)] + [n.postmaster_pid for n in nodes if n.postmaster_pid and alive(n.postmaster_pid)]

        deadline = time.time() + 30
        while running() and time.time() < deadline:
            time.sleep(0.1)
        for pid in groups:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for node in nodes:
            for pid in node.processes():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            if node.process:
                try:
                    node.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop", "state"):
        raise SystemExit(__doc__)
    command, root = sys.argv[1], sys.argv[2]
    formation = Formation(root)
    if command == "start":
        formation.start()
        atexit.unregister(formation.stop)  # keep running after this script exits
        print(f"monitor:      {formation.monitor_uri}")
        print(f"DATABASE_URL={formation.database_url}")
    elif command == "state":
        for name, (reported, goal) in formation.states().items():
            print(f"{name}: {reported} (goal {goal})")
    else:
        formation.stop()


if __name__ == "__main__":
    main()
