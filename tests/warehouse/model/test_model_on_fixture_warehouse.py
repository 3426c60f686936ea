"""The model on the session warehouse built by the real load from the generated county (tests/conftest.py)."""

from __future__ import annotations

import pytest

from warehouse.connection import open_read_only, resolve_build
from warehouse.contract import check


@pytest.fixture(scope="module")
def built(fixture_warehouse):
    con = open_read_only(resolve_build(fixture_warehouse))
    yield con
    con.close()


def test_model_tables_meet_the_contract(built):
    assert [f for f in check(built, include_model=True)] == []


def test_attainment_only_years_are_labelled(built):
    bad = built.execute(
        """SELECT count(*) FROM achievement
           WHERE ((key_stage = 'ks2' AND time_period IN (202324, 202425))
               OR (key_stage = 'ks4' AND time_period IN (202425, 202526)))
             AND method <> 'not scored'
             AND (method <> 'attainment only' OR method_note NOT LIKE 'progress not published for%')"""
    ).fetchone()[0]
    assert bad == 0


def test_every_targeted_or_intensive_school_has_a_reason_and_a_summary(built):
    assert (
        built.execute(
            """SELECT count(*) FROM support_category
               WHERE category IN ('targeted', 'intensive') AND (len(reasons) = 0 OR summary IS NULL)"""
        ).fetchone()[0]
        == 0
    )
    assert built.execute("SELECT count(*) FROM support_category").fetchone()[0] > 0


def test_scores_exist(built):
    n = built.execute(
        "SELECT count(*) FROM achievement WHERE achievement_score IS NOT NULL"
    ).fetchone()[0]
    assert n > 0


def test_inspection_triggers_compare_with_national_when_inspections_cover_the_nation(built):
    """The generated bundle's Ofsted files cover every school it generates (its whole 'nation')."""
    rows = built.execute(
        """SELECT DISTINCT time_period FROM la_risk_triggers
           WHERE la_code = 991 AND trigger_no IN (1, 2, 3) AND national_value IS NULL
             AND time_period >= 202223"""
    ).fetchall()
    assert rows == []


def test_ks2_progress_trigger_is_relative_to_a_national_zero_or_not_published(built):
    got = dict(
        built.execute(
            """SELECT time_period, (national_value, rag) FROM la_risk_triggers
               WHERE la_code = 991 AND phase = 'primary' AND trigger_no = 5"""
        ).fetchall()
    )
    assert got[202223][0] == 0.0 and got[202223][1] in ("green", "amber", "red")
    assert got[202324] == (None, "not published") and got[202425] == (None, "not published")
