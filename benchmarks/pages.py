"""Benchmark of the pages: the SERVER time of each page's rerun for each kind of user (p50/p95),
at county and at national scale, against the targets (p95 <= 150 ms county, <= 400 ms national).

    python benchmarks/pages.py                              county (data/warehouse.duckdb)
    python benchmarks/pages.py --scale national             national-size warehouse (cached)
    python benchmarks/pages.py --scale both --reruns 30 --json out.json
    python benchmarks/pages.py --profile /tmp/prof          also cProfile every rerun (slower)

What is measured. Pages run in Streamlit's AppTest, in this process: the real scripts, the real
data-access layer and its caches, signed in through the login form as the demo users, in a
temporary store. The figure is the time of the script run itself, taken inside the thread that
runs it by dashboard/timing.py (SID_TIMING_LOG): from app.py's first line to the page's last,
which includes the queries, pandas work, building the Altair specs and serialising frames to
Arrow, and excludes AppTest's own polling and parsing (shown separately as "AppTest p50") and the
websocket (benchmarks/sessions.py measures what a browser sees on a real `streamlit run` server).
"CPU" is the script thread's CPU time (time.thread_time): on a shared machine wall time includes
waiting for a core, CPU time does not (DuckDB's own worker threads are not in it).
"First run" is the page's first run with cold caches for that user; "rerun" is the same page run
again with the same widgets (what Streamlit does after every interaction, the caches warm).

Scales. county: the bundled default county (400 schools, 3,000 national schools); built into the
cache folder when --warehouse does not exist. national: the national-size set of
benchmarks/etl_load.py (22,000 national schools around a 600-school county, the size of the
largest English LAs), generated and loaded once into --cache (about 2-3 minutes), reused after.
Figures are wall-clock on this machine: compare runs, never assert on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USERS = {  # the role shown -> the demo user signed in
    "manager": "manager",
    "governor": "governor1",
    "federation": "federation",
    "briefing": "briefing",
    "admin": "admin",
}
TARGET_MS = {"county": 150.0, "national": 400.0}  # issue 10: page rerun p95
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "sid-bench"
SCALES = {  # name -> (county schools, national schools)
    "county": (400, 3000),
    "national": (600, 22000),
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks (numpy's default method)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def ensure_warehouse(scale: str, cache: Path, warehouse: Path | None, seed: int = 2026) -> Path:
    """The warehouse to measure: ``warehouse`` if it exists, else a cached build of ``scale``
    (generated and loaded by the real ETL the first time, in child processes)."""
    if warehouse is not None and warehouse.exists():
        return warehouse
    n_schools, national = SCALES[scale]
    source, built = cache / scale / "source", cache / scale / "warehouse.duckdb"
    if built.exists():
        return built
    etl = [sys.executable, str(ROOT / "benchmarks" / "etl_load.py"), "--child"]
    if not (source / "manifest.csv").exists():
        print(f"generating the {scale} set into {source} ...", flush=True)
        subprocess.run([*etl, "generate", str(source), str(n_schools), str(national), str(seed)],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    print(f"loading it into {built} ...", flush=True)
    subprocess.run([*etl, "load", str(source), str(built), "1", "0.05"], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    return built


def _runs_since(log: Path, seen: int) -> tuple[list[dict], int]:
    from dashboard import timing

    runs = timing.read_log(log)
    return runs[seen:], len(runs)


def bench(
    warehouse: Path, reruns: int, users: dict[str, str], pages: list[str] | None = None
) -> list[dict]:
    """One row per (role, page): first-run and rerun server seconds, and AppTest wall seconds."""
    from streamlit.testing.v1 import AppTest

    from dashboard import access, demo_users
    from dashboard.store import users as store_users

    work = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    store, log = work / "store.sqlite", work / "timing.jsonl"
    os.environ.update(
        SID_WAREHOUSE=str(warehouse),
        SID_STORE_PATH=str(store),
        SID_TIMING_LOG=str(log),
        SID_DEPLOYMENT="full",
        SID_BRIEFING_NAMES_SCHOOLS="false",
    )
    demo_users.create_demo_users(warehouse, store)
    rows, seen = [], 0
    for role_name, username in users.items():
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300).run()
        at.text_input(key="login_username").input(username)
        at.text_input(key="login_password").input(demo_users.DEMO_PASSWORD)
        at.button(key="FormSubmitter:login-Sign in").click().run()
        role = store_users.get_user(username, store).role
        for spec in access.pages_for(role):
            if pages and spec.id not in pages:
                continue
            _, seen = _runs_since(log, seen)
            at.switch_page(f"../pages/{spec.file}")
            at.run()
            if at.exception:
                raise RuntimeError(f"{role_name} {spec.id}: {at.exception[0].value}")
            first, seen = _runs_since(log, seen)
            walls = []
            for _ in range(reruns):
                t0 = time.perf_counter()
                at.run()
                walls.append(time.perf_counter() - t0)
            runs, seen = _runs_since(log, seen)
            mine = [r for r in runs if r.get("page") == spec.id]
            server = [r["seconds"] for r in mine]
            cpu = [r.get("cpu_seconds", float("nan")) for r in mine]
            rows.append(
                {
                    "role": role_name,
                    "page": spec.id,
                    "first_s": sum(r["seconds"] for r in first),
                    "n": len(server),
                    "p50_ms": 1000 * percentile(server, 50),
                    "p95_ms": 1000 * percentile(server, 95),
                    "max_ms": 1000 * max(server),
                    "cpu_p50_ms": 1000 * percentile(cpu, 50),
                    "cpu_p95_ms": 1000 * percentile(cpu, 95),
                    "apptest_p50_ms": 1000 * percentile(walls, 50),
                }
            )
    return rows


def machine() -> dict:
    import duckdb
    import pandas
    import streamlit

    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "ram_gb": round(mem_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "load_average": os.getloadavg(),
    }


def print_table(scale: str, warehouse: Path, rows: list[dict], reruns: int) -> None:
    target = TARGET_MS[scale]
    print(f"\nPages at {scale} scale on {warehouse.resolve().name} ({reruns} reruns per page)")
    print(f"server time of the script run; target: rerun p95 <= {target:.0f} ms")
    head = (
        f"{'role':<11} {'page':<13} {'first run s':>11} {'rerun p50 ms':>12} "
        f"{'p95 ms':>8} {'max ms':>8} {'CPU p50 ms':>10} {'CPU p95 ms':>10} "
        f"{'AppTest p50 ms':>14}  target"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ok = "ok" if r["p95_ms"] <= target else "OVER"
        print(
            f"{r['role']:<11} {r['page']:<13} {r['first_s']:>11.2f} {r['p50_ms']:>12.0f} "
            f"{r['p95_ms']:>8.0f} {r['max_ms']:>8.0f} {r['cpu_p50_ms']:>10.0f} "
            f"{r['cpu_p95_ms']:>10.0f} {r['apptest_p50_ms']:>14.0f}  {ok}"
        )
    over = [r for r in rows if r["p95_ms"] > target]
    print(f"{len(rows) - len(over)} of {len(rows)} pages within the target")


def print_profile(directory: Path, top: int = 25) -> None:
    import pstats

    files = sorted(str(p) for p in directory.glob("*.prof"))
    if not files:
        return
    print(f"\ncProfile of every run ({len(files)} runs, files in {directory}), by cumulative time:")
    pstats.Stats(*files).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=["county", "national", "both"], default="county")
    p.add_argument("--warehouse", type=Path, default=None,
                   help="county: default data/warehouse.duckdb, else built in --cache")  # fmt: skip
    p.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                   help="where generated sets and their warehouses are kept between runs")  # fmt: skip
    p.add_argument("--reruns", type=int, default=20, help="reruns per page (p50/p95 over them)")
    p.add_argument("--roles", nargs="*", choices=list(USERS), default=list(USERS))
    p.add_argument("--pages", nargs="*", help="only these page ids (default: every page)")
    p.add_argument("--profile", type=Path, help="cProfile every run into this folder")
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = p.parse_args(argv)
    if args.profile:
        from dashboard import timing

        args.profile.mkdir(parents=True, exist_ok=True)
        timing.PROFILE_DIR = args.profile
    scales = ["county", "national"] if args.scale == "both" else [args.scale]
    results = {"machine": machine(), "scales": {}}
    for scale in scales:
        given = args.warehouse
        if scale == "county" and given is None:
            given = ROOT / "data" / "warehouse.duckdb"
        warehouse = ensure_warehouse(scale, args.cache, given if scale == "county" else None)
        rows = bench(warehouse, args.reruns, {r: USERS[r] for r in args.roles}, args.pages)
        print_table(scale, warehouse, rows, args.reruns)
        results["scales"][scale] = {"warehouse": str(warehouse.resolve()), "pages": rows}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = results["machine"]
    print(f"\npeak memory {peak:.0f} MB; {m['cpus']} CPUs, load average before {m['load_average']}")
    if args.profile:
        print_profile(args.profile)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
