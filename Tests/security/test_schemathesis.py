"""schemathesis against /openapi.json: every operation with schema-valid and schema-violating
data, checked for 5xx, answers that break the document, wrong status codes and content
types, undeclared methods, and staff operations that answer without a session.

Two runs, each bounded in time:
- "any store": generated path values, positive and negative data, every check but
  positive_data_acceptance (business rules — a date past the booking horizon, a full
  slot, stock — refuse requests the schema cannot describe; those answers are 4xx
  problems and are checked for shape by the other checks);
- "demo store": the demo store's slug in every path, so operations reach their logic,
  positive data only (with a fixed valid slug, negative data would be judged on it).
The manager's session cookie and CSRF token go with every request; `ignored_auth`
retries staff operations without them.
"""
import re
import subprocess
import sys
from pathlib import Path

from suite import FULL, STORE

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def run(server, manager, tmp_path, name, mode, excluded, parameters=""):
    config = tmp_path / f"{name}.toml"
    config.write_text(parameters)
    seconds = 240 if FULL else 45
    command = [
        SCHEMATHESIS, "--config-file", str(config), "run", server.url + "/openapi.json",
        "--mode", mode, "--checks", "all", "--exclude-checks", ",".join(excluded),
        "--max-time", str(seconds), "--workers", "1",  # threads trip a CPython 3.11 ast bug inside hypothesis
        "--suppress-health-check", "all",
        "--request-timeout", "10", "--generation-database", "none", "--no-color",
        "-H", f"Cookie: {manager.cookie}", "-H", f"X-CSRF-Token: {manager.csrf}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, cwd=tmp_path)
    text = out.stdout + out.stderr
    (tmp_path / f"{name}.out").write_text(text)
    cases = re.search(r"(\d+) generated", text)
    failures = re.search(r"found (\d+) unique failures", text)
    print(f"schemathesis {name}: {cases.group(1) if cases else '?'} cases tried, "
          f"{failures.group(1) if failures else 0} failures")
    assert out.returncode == 0, text[-6000:]


def test_any_store(seeded_server, manager, tmp_path):
    run(seeded_server, manager, tmp_path, "any-store", "all", ["positive_data_acceptance"])


def test_demo_store(seeded_server, manager, tmp_path):
    run(seeded_server, manager, tmp_path, "demo-store", "positive", ["positive_data_acceptance"],
        parameters=f'[parameters]\n"path.store" = "{STORE}"\n')
