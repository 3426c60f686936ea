"""A tiny hand-made warehouse (schools + school_measures with the contract's columns) for the
dashboard's tests, built as a real build file behind a pointer, as the ETL would leave it."""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import open_build_for_writing, swap_pointer

EASTMOOR = (991, "Eastmoor")
WESTMOOR = (992, "Westmoor")
# urn, name, (la), district, phase, school_type, pupils
SCHOOLS = [
    (100001, "Ashby Primary School", EASTMOOR, "Northfield", "Primary", "Community school", 210),
    (100002, "Brook Lane Academy", EASTMOOR, "Southvale", "Secondary", "Academy converter", 900),
    (
        100003,
        "Castle Hill Infants",
        EASTMOOR,
        "Northfield",
        "Primary",
        "Voluntary aided school",
        90,
    ),
    (
        100004,
        'Dale "Federation" <i>Primary</i> & Nursery',
        EASTMOOR,
        "Southvale",
        "Primary",
        "Community school",
        180,
    ),
    (100005, "Elm Tree Primary", EASTMOOR, "Southvale", "Primary", "Community school", 150),
    (
        100006,
        "Fenwick <script>alert(1)</script> School",
        EASTMOOR,
        "Northfield",
        "Secondary",
        "Foundation school",
        1100,
    ),
    (200001, "Grange Primary", WESTMOOR, "Westfield", "Primary", "Community school", 300),
]
NAMES = {s[0]: s[1] for s in SCHOOLS}

# urn, time_period, key_stage, measure, pupil_group, value, cohort
MEASURES = [
    (100001, 201819, "ks2", "ks2_rwm_expected_pct", "all", 61.0, 30),
    (100001, 202223, "ks2", "ks2_rwm_expected_pct", "all", 64.0, 30),
    (100001, 202223, "ks2", "ks2_rwm_expected_pct", "disadvantaged", 25.0, 4),
    (100001, 202223, "ks2", "ks2_rwm_expected_pct", "non_disadvantaged", 70.0, 26),
    (100001, 202223, "ks2", "ks2_rwm_expected_pct", "boys", 57.0, 14),
    (100001, 202223, "ks2", "ks2_rwm_expected_pct", "girls", 69.0, 16),
    (100002, 202223, "ks4", "ks4_attainment8", "all", 44.1, 120),
    (100002, 202223, "ks4", "ks4_attainment8", "disadvantaged", 30.2, 3),
    (100002, 202223, "ks4", "ks4_attainment8", "non_disadvantaged", 44.5, 117),
    (100004, 202223, "ks2", "ks2_rwm_expected_pct", "all", 55.0, 25),
    (100005, 202223, "ks2", "ks2_rwm_expected_pct", "all", 48.0, 5),
    (100006, 202223, "ks4", "ks4_attainment8", "all", 39.0, 150),
    (200001, 202223, "ks2", "ks2_rwm_expected_pct", "all", 71.0, 40),
]


def build(directory: Path, run_id: str = "run1", schools: list | None = None) -> Path:
    """Write the warehouse under ``directory``; returns the pointer path (warehouse.duckdb)."""
    directory = Path(directory)
    build_path = directory / "builds" / f"{run_id}.duckdb"
    con = open_build_for_writing(build_path)
    con.execute(
        """CREATE TABLE schools (urn INTEGER, name VARCHAR, la_code INTEGER, la_name VARCHAR,
        district VARCHAR, phase VARCHAR, school_type VARCHAR, establishment_group VARCHAR,
        is_academy BOOLEAN, status VARCHAR, open_date DATE, close_date DATE, postcode VARCHAR,
        latitude DOUBLE, longitude DOUBLE, pupils INTEGER, pct_fsm DOUBLE, in_gias BOOLEAN)"""
    )
    con.executemany(
        "INSERT INTO schools VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Open', NULL, NULL, 'EM1 1AA',"
        " NULL, NULL, ?, 20.0, TRUE)",
        [
            (
                u,
                n,
                la[0],
                la[1],
                d,
                p,
                t,
                "Academies" if "Academy" in t else "Local authority maintained schools",
                "Academy" in t,
                pupils,
            )
            for u, n, la, d, p, t, pupils in (SCHOOLS if schools is None else schools)
        ],
    )
    con.execute(  # the council served: the LA most of the tiny schools belong to
        """CREATE TABLE home_la AS SELECT la_code, any_value(la_name) AS la_name,
        'most schools' AS chosen_by FROM schools GROUP BY la_code ORDER BY count(*) DESC LIMIT 1"""
    )
    con.execute(
        """CREATE TABLE school_measures (urn INTEGER, la_code INTEGER, time_period INTEGER,
        key_stage VARCHAR, measure VARCHAR, pupil_group VARCHAR, value DOUBLE, status_code VARCHAR,
        ci_lower DOUBLE, ci_upper DOUBLE, cohort INTEGER, source_file VARCHAR, source_field VARCHAR,
        file_status VARCHAR)"""
    )
    la_of = {s[0]: s[2][0] for s in SCHOOLS}
    con.executemany(
        "INSERT INTO school_measures VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, 'tiny.csv',"
        " 'FIELD', 'final')",
        [(u, la_of[u], tp, ks, m, g, v, c) for u, tp, ks, m, g, v, c in MEASURES],
    )
    con.execute("CHECKPOINT")
    con.close()
    pointer = directory / "warehouse.duckdb"
    swap_pointer(pointer, build_path)
    return pointer
