"""Benchmark of the similar-schools step (issue 22) at national size, on its own.

    python benchmarks/similar_schools.py                 16,000 KS2 + 3,200 KS4 schools x 3 years
    python benchmarks/similar_schools.py --sql-baseline  also time one KS2 year as a pure-SQL
                                                          cross join (min_by over every pair)

Builds the tables the step reads (schools, school_measures, standardised_measures) in memory with
random context, then times warehouse/sql/model/similar_schools.sql, the numpy step
(warehouse/similar_schools.py) and similar_school_comparison.sql separately. Prints figures; asserts
nothing on time (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from warehouse import model_settings, similar_schools  # noqa: E402
from warehouse.connection import open_in_memory  # noqa: E402
from warehouse.sql_files import load_sql  # noqa: E402

KS2_FIELDS = ["ks2_prior_low_pct", "ks2_prior_high_pct", "ks2_disadvantaged_pct", "ks2_eal_pct"]
KS2_FIELDS += ["ks2_sen_support_pct", "ks2_ehcp_pct", "ks2_cohort"]
KS4_FIELDS = ["ks4_prior_ks2_aps", "ks4_disadvantaged_pct", "ks4_eal_pct"]
KS4_FIELDS += ["ks4_sen_support_pct", "ks4_ehcp_pct", "ks4_cohort"]


def build_inputs(con, n_ks2: int, n_ks4: int, years: list[int], seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    measures, scored = [], []
    for ks, n, fields, start, result in (
        ("ks2", n_ks2, KS2_FIELDS, 100000, "ks2_rwm_expected_pct"),
        ("ks4", n_ks4, KS4_FIELDS, 500000, "ks4_attainment8"),
    ):
        urns = np.arange(start, start + n)
        for tp in years:
            for f in fields:
                measures.append(
                    pd.DataFrame(
                        {"urn": urns, "time_period": tp, "measure": f, "value": rng.gamma(2, 10, n)}
                    )
                )
            scored.append(
                pd.DataFrame(
                    {
                        "urn": urns,
                        "la_code": 800 + urns % 150,
                        "time_period": tp,
                        "key_stage": ks,
                        "component": "attainment",
                        "measure": result,
                        "value": rng.normal(60, 10, n).round(0),
                        "national_value": 60.0,
                    }
                )
            )
    sm = pd.concat(measures, ignore_index=True)
    st = pd.concat(scored, ignore_index=True)
    con.register("sm_df", sm)
    con.register("st_df", st)
    con.execute(
        "CREATE TABLE school_measures AS SELECT urn::INTEGER AS urn, time_period::INTEGER AS time_period, "
        "measure, 'all' AS pupil_group, value FROM sm_df"
    )
    con.execute(
        "CREATE TABLE standardised_measures AS SELECT urn::INTEGER AS urn, la_code::INTEGER AS la_code, "
        "time_period::INTEGER AS time_period, key_stage, component, measure, value, TRUE AS scored, "
        "'national' AS distribution, national_value FROM st_df"
    )
    con.execute(
        "CREATE TABLE schools AS SELECT DISTINCT urn, 'School ' || urn AS name, la_code, "
        "'LA ' || la_code AS la_name FROM standardised_measures"
    )


def timed(label: str, fn) -> float:
    """Wall time, and this process's CPU time (the machine may be shared: CPU time says what the
    step costs whatever else runs; DuckDB's own threads count in it too)."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    s, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"  {label:<44} {s:8.2f} s wall {cpu:8.2f} s CPU")
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ks2", type=int, default=16000)
    ap.add_argument("--ks4", type=int, default=3200)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--sql-baseline", action="store_true")
    a = ap.parse_args()
    years = [201617, 201718, 201819, 202122, 202223][: a.years]
    con = open_in_memory()
    settings = model_settings.load()
    for s in settings.values():
        con.execute(f"SET VARIABLE {s.name} = {model_settings._sql_literal(s)}")
    build_inputs(con, a.ks2, a.ks4, years)
    print(
        f"Similar schools: {a.ks2:,} KS2 + {a.ks4:,} KS4 schools x {a.years} years, "
        f"group of {settings['similar_schools_group_size'].value}"
    )
    total = timed(
        "similar_schools.sql (pool, context values)",
        lambda: con.execute(load_sql("model/similar_schools")),
    )
    total += timed("numpy nearest neighbours (python step)", lambda: similar_schools.build(con))
    total += timed(
        "similar_school_comparison.sql",
        lambda: con.execute(load_sql("model/similar_school_comparison")),
    )
    n_groups = con.execute("SELECT count(*) FROM similar_school_groups").fetchone()[0]
    print(f"  {'total':<44} {total:8.2f} s   ({n_groups:,} group rows)")
    print(
        f"  peak memory (ru_maxrss)                      {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB"
    )
    if a.sql_baseline:
        # the same distance in pure SQL for ONE KS2 year: every pair, then the 30 smallest per school
        con.execute(
            "CREATE TABLE f AS SELECT urn, list(z ORDER BY field) AS z FROM similar_school_features "
            f"WHERE key_stage = 'ks2' AND time_period = {years[-1]} GROUP BY urn"
        )
        timed(
            f"pure SQL, one KS2 year ({a.ks2:,}^2 pairs)",
            lambda: con.execute(
                "CREATE TABLE g AS SELECT a.urn, min_by(b.urn, list_distance(a.z, b.z), 30) AS near "
                "FROM f a, f b WHERE a.urn <> b.urn GROUP BY a.urn"
            ),
        )


if __name__ == "__main__":
    main()
