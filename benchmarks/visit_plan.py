"""Benchmark of visit planning: the store with many years of plans in it, and the visit plan page.

    python benchmarks/visit_plan.py --warehouse data/warehouse.duckdb
    python benchmarks/visit_plan.py --warehouse data/warehouse.duckdb --visits 3000 --repeats 5

Fills a temporary store with ``--visits`` planned visits spread over 12 terms and 8 officers (each
write an fsync'd SQLite transaction, as in the app), then times: planning one more visit (the
duplicate check reads the term's visits before and after writing), reading one term's plan, the
capacity-vs-plan summary, and the visit plan page in AppTest (first run and reruns) for the officer
with the most visits. Figures are wall-clock seconds on this machine: compare runs, never assert.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _time(fn, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--visits", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    store_path = Path(tempfile.mkdtemp()) / "store.sqlite"
    os.environ.update(SID_WAREHOUSE=str(args.warehouse), SID_STORE_PATH=str(store_path),
                      SID_DEPLOYMENT="full")  # fmt: skip
    from streamlit.testing.v1 import AppTest

    from dashboard import demo_users, terms
    from dashboard.store import records, users
    from dashboard.store import visits as store

    demo_users.create_demo_users(args.warehouse, store_path)
    officers = ["manager", "officer"] + [f"officer{i}" for i in range(6)]
    for name in officers[2:]:
        users.create_user(name, name, "officer", "benchmark-pw", [])
    term_list = terms.around(date.today(), before=8, after=3)
    now = terms.current_or_next(date.today())
    t0 = time.perf_counter()
    for i in range(args.visits):
        term = term_list[i % len(term_list)]
        body = {"officer": officers[i % len(officers)], "term": term, "planned_date": None,
                "purpose": f"benchmark visit {i}", "status": "planned", "done_date": None,
                "visit_note_id": None, "cancel_reason": None, "second_visit": True}  # fmt: skip
        records.create(store.PLANNED_VISIT, 900000 + i, body, "manager")
    fill = time.perf_counter() - t0
    in_term = len(store.visits(now))
    print(f"store: {args.visits} planned visits written in {fill:.1f} s "
          f"({1000 * fill / args.visits:.1f} ms each); {in_term} in {now}")  # fmt: skip

    urns = iter(range(800000, 900000))
    rows = [
        ("plan one more visit (checks before and after)",
         _time(lambda: store.plan_visit(next(urns), "officer", now, "manager", purpose="b"),
               args.repeats)),
        (f"read {now}'s plan", _time(lambda: store.visits(now), args.repeats)),
        ("capacity vs plan, 8 officers", _time(lambda: store.load(now, officers), args.repeats)),
    ]  # fmt: skip
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120).run()
    at.text_input(key="login_username").input("officer")
    at.text_input(key="login_password").input(demo_users.DEMO_PASSWORD)
    at.button(key="FormSubmitter:login-Sign in").click().run()
    at.switch_page("../pages/visits.py")
    first = _time(at.run, 1)
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    rows.append(("visit plan page, first run (cold caches)", first))
    rows.append(("visit plan page, rerun", _time(at.run, args.repeats)))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  seconds (median of {args.repeats})")
    for what, seconds in rows:
        print(f"{what:<{width}}  {seconds:.3f}")


if __name__ == "__main__":
    main()
