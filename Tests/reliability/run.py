#!/usr/bin/env python3
"""`make reliability`: crash, contention, idempotency, stall, pooler and failover
scenarios against the real binary, each printing its figures. Exits non-zero if
any scenario loses an acknowledged order or breaks another of its rules.

    run.py [--short] [--only NAME[,NAME]] [--keep]

--short is what CI runs (fewer orders, shorter stalls; same checks). The whole
run stops by itself (--time-limit, default 25 min full, 8 min short), and every
process it started is stopped on the way out, even on Ctrl-C.
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
import scenarios  # noqa: E402
import failover  # noqa: E402

SINGLE = {
    "database-crash": scenarios.database_crash,
    "server-crash": scenarios.server_crash,
    "contention": scenarios.contention,
    "idempotency": scenarios.idempotency,
    "stall": scenarios.stalled_database,
    "pgbouncer": scenarios.pgbouncer,
}
ALL = [*SINGLE, "failover"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI form: fewer orders, same checks")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated, among: {', '.join(ALL)}")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) even on success")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for the whole run")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in ALL]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    limit = args.time_limit or (480 if args.short else 1500)

    # A watchdog: whatever hangs, the run ends (atexit handlers stop what it started).
    def expire():
        print(f"\nreliability: time limit of {limit:.0f} s reached, stopping", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
    watchdog = threading.Timer(limit, expire)
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))

    os.environ.setdefault("CRENEAU_BIN", harness.BIN)
    harness.log(f"binary {harness.BIN}; {'short' if args.short else 'full'} form; scenarios: {', '.join(chosen)}")
    started = time.time()
    work = harness.make_work_dir()
    results = []
    failed = False
    try:
        single = [name for name in chosen if name in SINGLE]
        if single:
            db = harness.PgCluster(work)
            db.init()
            harness.cli("migrate", env=harness.creneau_env(db.url))
            harness.cli("seed", "--demo", env=harness.creneau_env(db.url))
            harness.log(f"PostgreSQL on 127.0.0.1:{db.port}, demo store seeded")
            for name in single:
                failed |= run_one(name, lambda: SINGLE[name](db, work, args.short), results)
            db.destroy()
        if "failover" in chosen:
            failed |= run_one("failover", lambda: failover.failover(work, args.short), results)
    finally:
        elapsed = time.time() - started
        print(f"\n==== reliability summary ({'short' if args.short else 'full'} form, {elapsed:.0f} s) ====", flush=True)
        for name, ok, seconds, figures, problems in results:
            lost = figures.get("lost", "-") if figures else "-"
            print(f"  {'PASS' if ok else 'FAIL'}  {name:16} {seconds:6.1f} s  lost={lost}"
                  + (f"  ({'; '.join(problems)})" if problems else ""), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps([{"scenario": n, "passed": ok, "seconds": round(s, 1), "figures": f, "problems": p}
                                                   for n, ok, s, f, p in results], indent=2, default=str))
        if failed or args.keep:
            print(f"  logs kept in {work}", flush=True)
        else:
            atexit.register(shutil.rmtree, work, True)
    sys.exit(1 if failed or len(results) != len(chosen) else 0)


def run_one(name, body, results):
    harness.log(f"---- {name} ----")
    began = time.time()
    try:
        figures, problems = body()
    except Exception as error:  # a scenario that could not run is a failure with its reason
        traceback.print_exc()
        figures, problems = {}, [f"{type(error).__name__}: {error}"]
    seconds = time.time() - began
    harness.print_figures({**figures, "seconds": round(seconds, 1)})
    ok = not problems
    for problem in problems:
        print(f"    PROBLEM: {problem}", flush=True)
    results.append((name, ok, seconds, figures, problems))
    return not ok


if __name__ == "__main__":
    main()
