"""Support-category shares of the default generated county and of the real files (issue 17, item 2).

    python benchmarks/category_shares.py                      # both: generate + load, and load real
    python benchmarks/category_shares.py --warehouse W        # an existing warehouse only
    python benchmarks/category_shares.py --skip-real          # the generated county only

The generated county is built as `make run` builds it (`python -m etl.generate DIR` with its defaults,
then `python -m etl load DIR --warehouse W`); the real files are `../shared/data/real/` (or --real).
For the home LA's latest model year it prints how many schools are in each category, the share in
targeted plus intensive against the share of schools whose latest graded inspection is below Good (the
issue's yardstick: within 10 points unless the reasons justify more), how many of those rest on each
rule, watch-only schools, and the most common `rules_not_applied` sentences. It also times the load.
Figures, never assertions: compare runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REAL = ROOT.parent / "shared" / "data" / "real"
if not REAL.exists():
    REAL = Path("/work/shared/data/real")


def shares(warehouse: Path, label: str) -> dict:
    """Print and return the category shares of the home LA's latest model year."""
    from warehouse.connection import open_read_only, resolve_build

    con = open_read_only(resolve_build(warehouse))
    try:
        la_code, la_name = con.execute("SELECT la_code, la_name FROM home_la").fetchone()
        latest = con.execute("SELECT max(time_period) FROM model_years").fetchone()[0]
        rows = con.execute(
            """SELECT sc.category, sc.rule_ids, sc.watch_rule_ids, sc.rules_not_applied,
                      i.below_good, i.graded_inspection_end IS NOT NULL AS graded
               FROM support_category sc
               JOIN school_inspection_status i USING (urn, time_period)
               WHERE sc.la_code = ? AND sc.time_period = ?""",
            [la_code, latest],
        ).df()
    finally:
        con.close()
    n = len(rows)
    counts = rows["category"].value_counts()
    pct = {c: 100.0 * counts.get(c, 0) / n if n else 0.0 for c in
           ("intensive", "targeted", "universal", "not categorised")}  # fmt: skip
    needs = pct["intensive"] + pct["targeted"]
    below = 100.0 * rows["below_good"].sum() / n if n else 0.0
    graded = int(rows["graded"].sum())
    below_graded = 100.0 * rows["below_good"].sum() / graded if graded else 0.0
    print(
        f"\n== {label}: {la_name} (LA {la_code}), {latest // 100}/{latest % 100:02d}, {n} schools =="
    )
    for c in ("intensive", "targeted", "universal", "not categorised"):
        print(f"  {c:<16} {counts.get(c, 0):>5}  {pct[c]:5.1f}%")
    print(f"  targeted + intensive: {needs:.1f}%  |  latest graded inspection below Good: {below:.1f}% "
          f"of all schools ({below_graded:.1f}% of the {graded} with a graded inspection)")  # fmt: skip
    print(f"  difference: {needs - below:+.1f} points")
    fired = (
        rows[rows["category"].isin(["intensive", "targeted"])]["rule_ids"].explode().value_counts()
    )
    print("  rules behind targeted/intensive schools:", dict(fired))
    watch_only = rows[(rows["category"] == "universal") & (rows["watch_rule_ids"].map(len) > 0)]
    print(f"  universal with watch signals: {len(watch_only)}")
    nap = rows["rules_not_applied"].explode().dropna().str.replace(r" \(.*\)$", "", regex=True)
    print("  rules not applied (schools):", dict(nap.value_counts().head(6)))
    return {"label": label, "la": la_name, "n": n, **pct, "needs": needs, "below_good": below}


def _load(source: Path, warehouse: Path) -> float:
    from etl.load import LoadSettings, load

    t0 = time.perf_counter()
    load(source, warehouse, LoadSettings(progress=False))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, help="report an existing warehouse only")
    parser.add_argument("--real", type=Path, default=REAL)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    args = parser.parse_args()
    if args.warehouse:
        shares(args.warehouse, str(args.warehouse))
        return
    tmp = Path(tempfile.mkdtemp(prefix="category-shares-"))
    if not args.skip_generated:
        from etl.generate import generate

        t0 = time.perf_counter()
        generate(tmp / "generated")  # the defaults `make run` uses
        t_gen = time.perf_counter() - t0
        t_load = _load(tmp / "generated", tmp / "generated.duckdb")
        print(f"generated county: generate {t_gen:.1f}s, load {t_load:.1f}s")
        shares(tmp / "generated.duckdb", "default generated county")
    if not args.skip_real:
        t_load = _load(args.real, tmp / "real.duckdb")
        print(f"\nreal files ({args.real}): load {t_load:.1f}s")
        shares(tmp / "real.duckdb", "real files")


if __name__ == "__main__":
    main()
