"""Benchmark of the pages: how long each page takes to run for each kind of user, first run (cold
caches) and rerun (warm caches), on a built warehouse, with the process's peak memory.

    python benchmarks/pages.py                          the default county (data/warehouse.duckdb)
    python benchmarks/pages.py --warehouse /tmp/national/warehouse.duckdb --repeats 5

Pages run in Streamlit's AppTest (the real scripts, the real data-access layer and caches; no
browser), signed in through the login form as the demo users, in a temporary store. Figures are
wall-clock seconds on this machine: compare runs, never assert on them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USERS = {"manager": "manager", "governor": "governor1", "briefing": "briefing", "admin": "admin"}


def _timed_run(at) -> float:
    t0 = time.perf_counter()
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return time.perf_counter() - t0


def bench(warehouse: Path, repeats: int) -> list[tuple[str, str, float, float]]:
    from streamlit.testing.v1 import AppTest

    from dashboard import access, demo_users

    store = Path(tempfile.mkdtemp()) / "store.sqlite"
    os.environ.update(SID_WAREHOUSE=str(warehouse), SID_STORE_PATH=str(store))
    demo_users.create_demo_users(warehouse, store)
    rows = []
    for role_name, username in USERS.items():
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120).run()
        at.text_input(key="login_username").input(username)
        at.text_input(key="login_password").input(demo_users.DEMO_PASSWORD)
        at.button(key="FormSubmitter:login-Sign in").click().run()
        role = _role_of(username)
        for spec in access.pages_for(role):
            at.switch_page(f"../pages/{spec.file}")
            first = _timed_run(at)
            again = statistics.median(_timed_run(at) for _ in range(repeats))
            rows.append((role_name, spec.id, first, again))
    return rows


def _role_of(username: str) -> str:
    from dashboard.store import users

    return users.get_user(username).role


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--repeats", type=int, default=3, help="reruns per page (median shown)")
    args = parser.parse_args()
    if not args.warehouse.exists():
        sys.exit(f"No warehouse at {args.warehouse}: run `make run` (or `make default-data`) first")
    rows = bench(args.warehouse, args.repeats)
    print(f"Pages on {args.warehouse.resolve().name}")
    print(f"{'role':<10} {'page':<16} {'first run s':>12} {'rerun s':>9}")
    for role, page, first, again in rows:
        print(f"{role:<10} {page:<16} {first:>12.2f} {again:>9.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
