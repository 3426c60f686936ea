"""Compare every table of two warehouse builds row for row (EXCEPT ALL both ways), doubles rounded
to 1e-9 (parallel sums may differ in the last bit between two loads of the same code).

    python benchmarks/compare_builds.py BEFORE.duckdb AFTER.duckdb

A table in one build only is named; ``load_info`` (run id, times) is skipped. stg_measures, a
temporary table of the load since issue 20, is compared through its LA and national rows
(``stg_aggregate_measures``) when only the older build holds it. Prints one line per table and exits
non-zero when any differs. Benchmarks and checks by hand only: nothing in tests calls this.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from warehouse.connection import quote_ident as q  # noqa: E402

SKIP = {"load_info"}


def _select(con, db: str, table: str, where: str = "") -> str:
    cols = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
        "AND table_name = ? ORDER BY column_index",
        [db, table],
    ).fetchall()
    exprs = [f"round({q(c)}, 9) AS {q(c)}" if t in ("DOUBLE", "FLOAT") else q(c) for c, t in cols]
    # identifiers from the attached catalogues (quoted; names cannot be bound parameters) and
    # ``where``, a constant of this file: no value from a build is put into the SQL
    return f"SELECT {', '.join(exprs)} FROM {q(db)}.{q(table)} {where}"


def _tables(con, db: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
        ).fetchall()
    }


def compare(before: str, after: str) -> int:
    con = duckdb.connect()
    con.execute(
        "ATTACH ? AS a (READ_ONLY)", [str(before)]
    )  # a path with a quote in it stays a path
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(after)])
    ta, tb = _tables(con, "a") - SKIP, _tables(con, "b") - SKIP
    bad = 0
    pairs = [(t, t, "") for t in sorted(ta & tb)]
    if "stg_measures" in ta and "stg_measures" not in tb and "stg_aggregate_measures" in tb:
        pairs.append(("stg_measures", "stg_aggregate_measures", "WHERE level <> 'school'"))
    for t in sorted(ta - tb - {"stg_measures"}):
        print(f"ONLY BEFORE {t}")
        bad += 1
    for t in sorted(tb - ta - {"stg_aggregate_measures"}):
        print(f"ONLY AFTER  {t}")
        bad += 1
    for t1, t2, where in pairs:
        x, y = _select(con, "a", t1, where), _select(con, "b", t2)
        try:
            gone = con.execute(f"SELECT count(*) FROM ({x} EXCEPT ALL {y})").fetchone()[0]
            new = con.execute(f"SELECT count(*) FROM ({y} EXCEPT ALL {x})").fetchone()[0]
        except duckdb.Error as exc:
            print(f"DIFFERENT COLUMNS {t1}: {exc}")
            bad += 1
            continue
        n = con.execute(f"SELECT count(*) FROM ({y})").fetchone()[0]
        verdict = "same" if gone == new == 0 else "DIFFERS"
        bad += verdict != "same"
        label = t1 if t1 == t2 else f"{t1} ({where}) vs {t2}"
        print(f"{verdict:8} {label}: {n} rows; {gone} only before, {new} only after")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(compare(sys.argv[1], sys.argv[2]))
