"""Runs the real `creneau` binary the way a user does, in throwaway data folders.
Shared by the e2e and browser suites."""
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CRENEAU_BIN", str(ROOT / ".build" / "debug" / "creneau"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 5.0):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Server:
    """One `creneau serve` process on a free loopback port."""

    def __init__(self, data_dir: Path, env=None):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "LOG_LEVEL": "info", **(env or {})}
        self.env.pop("DATABASE_URL", None) if "DATABASE_URL" not in (env or {}) else None
        self.process = None
        self.log_path = data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 120.0):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                status, _, _ = http_get(self.url + "/healthz", timeout=1)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server did not become healthy:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 30.0) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stop_quietly(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def psql(data_dir: Path, sql: str) -> str:
    """Talks to a data folder's embedded cluster directly, as an operator would."""
    socket_dir = data_dir / "postgres"
    if not socket_dir.exists():  # as root, a private folder's cluster lives under /var/lib/creneau
        socket_dir = Path("/var/lib/creneau") / "_".join((data_dir / "postgres").parts[1:])
    out = subprocess.run(
        ["psql", "-h", str(socket_dir), "-U", "creneau", "-d", "creneau", "-tAc", sql],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def cluster_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postgres" / "data" / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split("\n")[0])
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def stop_cluster(data_dir: Path):
    """Leaves no server behind, whatever a test did."""
    pid_file = data_dir / "postgres" / "data" / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split("\n")[0])
        try:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.1)
        except ProcessLookupError:
            pass



def run_cli(*args, data_dir: Path, timeout: float = 180):
    """One `creneau` command against a data folder's embedded database."""
    return subprocess.run([BIN, *args, "--data-dir", str(data_dir)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def make_data_dir():
    # Under /tmp so that, when tests run as root, the postgres user can reach it.
    directory = tempfile.mkdtemp(prefix="creneau-e2e-", dir="/tmp")
    os.chmod(directory, 0o755)
    return Path(directory)


@contextlib.contextmanager
def seeded_server(env=None):
    """A server on a fresh data folder with the demo store seeded, as `make run` does;
    `seed_output` keeps what the seed printed (the demo staff passwords, shown once)."""
    data_dir = make_data_dir()
    seeded = run_cli("seed", "--demo", data_dir=data_dir)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    server = Server(data_dir, env=env).start()
    server.seed_output = seeded.stdout
    try:
        yield server
    finally:
        server.stop_quietly()
        stop_cluster(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def demo_account(seed_output: str, role: str) -> tuple[str, str]:
    """(email, password) of the demo account of `role`, from what the seed printed."""
    match = re.search(rf"^\s+{role}\s+(\S+@\S+)\s+(\S+)\s*$", seed_output, re.MULTILINE)
    assert match, f"no {role} account in the seed output:\n{seed_output}"
    return match.group(1), match.group(2)


class StaffSession:
    """A member of staff signed in over HTTP, as a browser would: the login form's
    cookie and token, then the session cookie; `csrf` is what every POST must carry."""

    def __init__(self, base_url: str, email: str, password: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        form = self.opener.open(base_url + "/staff/login", timeout=10).read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode({"csrf": token, "email": email, "password": password, "next": "/staff"})
        self.opener.open(urllib.request.Request(base_url + "/staff/login", data=body.encode(), method="POST"), timeout=30).read()
        me = json.loads(self.opener.open(base_url + "/api/staff/me", timeout=10).read())
        self.csrf = me["csrfToken"]

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.name.endswith("creneau_staff"))

    def open(self, path: str, timeout: float = 10):
        return self.opener.open(self.base_url + path, timeout=timeout)
