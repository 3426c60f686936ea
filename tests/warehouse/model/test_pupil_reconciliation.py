"""The generated county's pupil files reproduce its published school figures (issue 9): loaded by the
real ETL into the session's fixture warehouse, every figure either reconciles or says why it cannot."""

from __future__ import annotations

import pytest

from warehouse.connection import open_read_only, resolve_build

MEASURES = (
    "ks2_rwm_expected_pct",
    "ks2_reading_progress",
    "ks2_writing_progress",
    "ks2_maths_progress",
    "ks4_attainment8",
    "ks4_progress8",
)


@pytest.fixture(scope="module")
def con(fixture_warehouse):
    c = open_read_only(resolve_build(fixture_warehouse))
    yield c
    c.close()


def test_no_figure_computed_from_the_pupils_differs_from_the_published_one(con):
    differs = con.execute(
        "SELECT urn, time_period, measure, pupil_group, pupil_value, published_value, reason"
        " FROM pupil_reconciliation WHERE status = 'differs' LIMIT 5"
    ).fetchall()
    assert differs == []


def test_every_measure_and_the_disadvantaged_group_reconcile_somewhere(con):
    got = dict(
        con.execute(
            "SELECT measure, count(*) FROM pupil_reconciliation WHERE status = 'reconciles'"
            " AND pupil_group IN ('all', 'disadvantaged') GROUP BY measure"
        ).fetchall()
    )
    assert set(got) == set(MEASURES)


def test_figures_that_cannot_be_reconciled_say_why(con):
    reasons = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT reason FROM pupil_reconciliation WHERE status = 'cannot reconcile'"
        ).fetchall()
    }
    assert "published figure suppressed (SUPP: a small group)" in reasons
    assert "published figure not published (NP)" in reasons  # KS2 2023/24 on: no KS1 baseline
    assert None not in reasons


def test_the_pupil_file_covers_exactly_the_maintained_eastmoor_schools_with_results(con):
    with_pupils = {r[0] for r in con.execute("SELECT DISTINCT urn FROM pupil_results").fetchall()}
    academies = con.execute(
        "SELECT count(*) FROM schools WHERE is_academy AND urn IN (SELECT urn FROM pupil_results)"
    ).fetchone()[0]
    published = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT m.urn FROM school_measures m JOIN schools s USING (urn)"
            " WHERE s.la_code = 991 AND NOT s.is_academy AND m.value > 0"
            " AND m.measure IN ('ks2_cohort', 'ks4_cohort')"  # independent schools publish NA
        ).fetchall()
    }
    assert academies == 0
    assert with_pupils == published


def test_cohorts_match_the_published_cohorts(con):
    mismatched = con.execute(
        "SELECT count(*) FROM pupil_group_aggregates a JOIN school_measures m"
        " ON m.urn = a.urn AND m.time_period = a.time_period AND a.pupil_group = 'all'"
        " AND m.measure = CASE a.key_stage WHEN 'ks2' THEN 'ks2_cohort' ELSE 'ks4_cohort' END"
        " WHERE a.measure IN ('ks2_rwm_expected_pct', 'ks4_attainment8') AND a.cohort <> m.value"
    ).fetchone()[0]
    assert mismatched == 0
