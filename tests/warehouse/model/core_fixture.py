"""A tiny core warehouse built by hand for the model's tests: the core tables with exactly the columns
docs/architecture.md documents, and a handful of rows whose results are worked out by hand in the tests."""

from __future__ import annotations

import datetime as dt

import duckdb

from warehouse.sql_files import run_folder

CORE_DDL = """
CREATE TABLE schools (urn INTEGER, name VARCHAR, la_code INTEGER, la_name VARCHAR, district VARCHAR, phase VARCHAR,
    school_type VARCHAR, establishment_group VARCHAR, is_academy BOOLEAN, status VARCHAR, open_date DATE,
    close_date DATE, postcode VARCHAR, latitude DOUBLE, longitude DOUBLE, pupils INTEGER, pct_fsm DOUBLE,
    in_gias BOOLEAN);
CREATE TABLE school_measures (urn INTEGER, la_code INTEGER, time_period INTEGER, key_stage VARCHAR, measure VARCHAR,
    pupil_group VARCHAR, value DOUBLE, status_code VARCHAR, ci_lower DOUBLE, ci_upper DOUBLE, cohort INTEGER,
    source_file VARCHAR, source_field VARCHAR, file_status VARCHAR);
CREATE TABLE la_measures (la_code INTEGER, time_period INTEGER, key_stage VARCHAR, measure VARCHAR, pupil_group VARCHAR,
    value DOUBLE, status_code VARCHAR, ci_lower DOUBLE, ci_upper DOUBLE, cohort INTEGER, source_file VARCHAR,
    source_field VARCHAR);
CREATE TABLE national_measures (time_period INTEGER, key_stage VARCHAR, measure VARCHAR, pupil_group VARCHAR,
    value DOUBLE, status_code VARCHAR, ci_lower DOUBLE, ci_upper DOUBLE, cohort INTEGER, national_scope VARCHAR,
    source_file VARCHAR, source_field VARCHAR);
CREATE TABLE inspections (urn INTEGER, inspection_id VARCHAR, era VARCHAR, inspection_type VARCHAR,
    inspection_start DATE, inspection_end DATE, publication_date DATE, overall_effectiveness INTEGER,
    category_of_concern VARCHAR, safeguarding VARCHAR, source_file VARCHAR, source_line INTEGER);
CREATE TABLE inspection_judgements (urn INTEGER, inspection_id VARCHAR, inspection_end DATE, era VARCHAR,
    area VARCHAR, grade VARCHAR, grade_scale VARCHAR, source_file VARCHAR, source_field VARCHAR);
CREATE TABLE leadership_changes (urn INTEGER, change_date DATE, role VARCHAR, change_type VARCHAR, notes VARCHAR,
    source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE complaints (urn INTEGER, received_date DATE, made_to VARCHAR, category VARCHAR, status VARCHAR,
    notes VARCHAR, source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE concerns (urn INTEGER, raised_date DATE, concern_type VARCHAR, severity VARCHAR, status VARCHAR,
    notes VARCHAR, source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE visits (urn INTEGER, visit_date DATE, officer VARCHAR, purpose VARCHAR, outcome VARCHAR, rag VARCHAR,
    source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE notices_of_concern (urn INTEGER, issued_date DATE, review_date DATE, status VARCHAR, reason VARCHAR,
    source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE dfe_concerns (urn INTEGER, raised_date DATE, raised_with VARCHAR, summary VARCHAR, status VARCHAR,
    source_file VARCHAR, source_line INTEGER, source VARCHAR);
CREATE TABLE statistical_neighbours (la_code INTEGER, neighbour_la_code INTEGER, rank INTEGER);
CREATE OR REPLACE TABLE load_info (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE OR REPLACE TABLE load_files (file_name VARCHAR NOT NULL, kind VARCHAR, time_period INTEGER, file_status VARCHAR,
    manifest_order INTEGER, encoding VARCHAR, n_rows INTEGER, n_columns INTEGER, action VARCHAR NOT NULL, note VARCHAR);
"""

LA, OTHER_LA = 900, 901
D = dt.date.fromisoformat


def create_core(con: duckdb.DuckDBPyConnection) -> None:
    # the staging tables as the load makes them, empty (the model's order.txt runs the pupil-level
    # model, which reads the pupil files' and writes rejects); this fixture's own load_files/load_info
    run_folder(con, "staging")
    con.execute(CORE_DDL)
    # the council the warehouse serves (core's home_la), which the model's county_schools reads
    con.execute("CREATE TABLE home_la (la_code INTEGER, la_name VARCHAR, chosen_by VARCHAR)")
    con.execute("INSERT INTO home_la VALUES (?, 'Testshire', 'test')", [LA])
    # core's school_lineage (no URN changes in these fixtures)
    con.execute(
        "CREATE TABLE school_lineage (urn INTEGER, predecessor_urn INTEGER, via_urn INTEGER, "
        "generation INTEGER, link_type VARCHAR, link_date DATE, change VARCHAR, predecessor_name VARCHAR)"
    )
    # core's loaded_inputs, as the load derives it: the Ofsted file covers the LAs whose schools it names
    con.execute(
        "CREATE VIEW loaded_inputs AS SELECT 'ofsted' AS kind, NULL::INTEGER AS time_period, "
        "'la' AS scope, s.la_code, 'ofsted.csv' AS files, 1 AS n_files, count(*) AS n_schools "
        "FROM inspections i JOIN schools s USING (urn) GROUP BY s.la_code"
    )


def school(
    con,
    urn,
    name,
    phase="Primary",
    is_academy=False,
    status="Open",
    open_date=None,
    close_date=None,
    pupils=200,
    la_code=LA,
    in_gias=True,
    school_type="Community school",
):
    con.execute(
        "INSERT INTO schools (urn, name, la_code, la_name, phase, school_type, is_academy, status, open_date, "
        "close_date, pupils, in_gias) VALUES (?, ?, ?, 'Testshire', ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            urn,
            name,
            la_code,
            phase,
            school_type,
            is_academy,
            status,
            open_date and D(open_date),
            close_date and D(close_date),
            pupils,
            in_gias,
        ],
    )


def measure(
    con,
    urn,
    tp,
    ks,
    measure_,
    value,
    group="all",
    status=None,
    lo=None,
    hi=None,
    cohort=None,
    la_code=LA,
):
    con.execute(
        "INSERT INTO school_measures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fixture.csv', 'FIELD', 'final')",
        [urn, la_code, tp, ks, measure_, group, value, status, lo, hi, cohort],
    )


def national(con, tp, ks, measure_, value, group="all", cohort=None):
    con.execute(
        "INSERT INTO national_measures VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, 'state_funded', 'nat.csv', 'F')",
        [tp, ks, measure_, group, value, cohort],
    )


def la_measure(con, la_code, tp, ks, measure_, value, group="all"):
    con.execute(
        "INSERT INTO la_measures VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, 'la.csv', 'F')",
        [la_code, tp, ks, measure_, group, value],
    )


def ks2(con, urn, tp, rwm, progress=None, cis=None, cohort=30, statuses=None):
    """KS2 all-pupil rows: RWM expected % and (optionally) reading, writing, maths progress with CIs."""
    measure(con, urn, tp, "ks2", "ks2_rwm_expected_pct", rwm, cohort=cohort)
    if progress is None:
        return
    names = ["ks2_reading_progress", "ks2_writing_progress", "ks2_maths_progress"]
    for i, (name, val) in enumerate(zip(names, progress, strict=True)):
        lo, hi = cis[i] if cis else (None, None)
        status = statuses[i] if statuses else None
        measure(con, urn, tp, "ks2", name, val, status=status, lo=lo, hi=hi, cohort=cohort)


def ks4(con, urn, tp, att8, p8=None, ci=(None, None), cohort=100, p8_status=None):
    measure(con, urn, tp, "ks4", "ks4_attainment8", att8, cohort=cohort)
    if p8 is not None or p8_status is not None:
        measure(
            con,
            urn,
            tp,
            "ks4",
            "ks4_progress8",
            p8,
            status=p8_status,
            lo=ci[0],
            hi=ci[1],
            cohort=cohort,
        )


def inspection(
    con, urn, insp_id, era, end, overall=None, category=None, safeguarding=None, judgements=()
):
    con.execute(
        "INSERT INTO inspections VALUES (?, ?, ?, 'S5', ?, ?, NULL, ?, ?, ?, 'ofsted.csv', 1)",
        [urn, insp_id, era, D(end), D(end), overall, category, safeguarding],
    )
    scale = "report_card_five_point" if era == "report_card" else "four_point"
    for area, grade in judgements:
        con.execute(
            "INSERT INTO inspection_judgements VALUES (?, ?, ?, ?, ?, ?, ?, 'ofsted.csv', 'F')",
            [urn, insp_id, D(end), era, area, grade, scale],
        )
