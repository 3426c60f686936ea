"""Trends (better/worse, three published years, the COVID gap), category transitions, LA risk triggers."""

from __future__ import annotations

import pytest

from tests.warehouse.model import scenario as sc
from tests.warehouse.model.conftest import rows


def trend(con, urn, tp, component="attainment", ks="ks2"):
    [r] = rows(
        con,
        "SELECT * FROM trends WHERE urn = ? AND time_period = ? AND component = ? AND key_stage = ?",
        [urn, tp, component, ks],
    )
    return r


def test_trend_worse_relative_to_national(model):
    d = trend(model, sc.D_, 201819)
    # 90-64, 85-64, 80-64 = 26, 21, 16: change -10 <= -3 -> worse (not 'down': national is flat here)
    assert d["relatives"] == [26.0, 21.0, 16.0] and d["change"] == -10.0
    assert d["direction"] == "worse" and d["falling_every_year"] and not d["spans_covid_gap"]


def test_trend_similar_and_too_few_years(model):
    assert trend(model, sc.A, 201819)["direction"] == "similar"  # -14 three times
    t = trend(model, sc.A, 201718)  # only 2016/17 and 2017/18
    assert t["direction"] is None and t["n_years"] == 2


def test_trend_uses_published_years_and_marks_the_covid_gap(model):
    # 2023/24 D: 2017/18 (+21), 2018/19 (+16), 2023/24 (70 - 61 = +9): three published years, across the gap.
    d = trend(model, sc.D_, 202324)
    assert d["years"] == [201718, 201819, 202324] and d["relatives"] == [21.0, 16.0, 9.0]
    assert d["spans_covid_gap"] and "spans the COVID gap" in d["explanation"]
    assert d["direction"] == "worse"


def test_progress_trend_is_relative_to_zero(model):
    b = trend(model, sc.B, 201819, "progress")
    assert b["relatives"] == [-3.0, -3.0, -3.0] and b["direction"] == "similar"


def test_category_transitions(model):
    t = rows(
        model, "SELECT * FROM category_transitions WHERE la_code = 900 AND time_period = 201718"
    )
    # B: universal with two data watch signals (2016/17) -> intensive (2017/18, rule I5)
    into_intensive = [
        r for r in t if r["to_category"] == "intensive" and r["from_category"] != "intensive"
    ]
    assert into_intensive[0]["urns"] == [sc.B] and into_intensive[0]["n_schools"] == 1
    # 2022/23: B leaves intensive (no results that year), the converter appears as 'not categorised' -> ...
    t = rows(
        model, "SELECT * FROM category_transitions WHERE la_code = 900 AND time_period = 202223"
    )
    left = [r for r in t if r["from_category"] == "intensive" and r["to_category"] != "intensive"]
    assert [u for r in left for u in r["urns"]] == [sc.B]
    # the converter had no row in 2018/19 (not open); NOTICE_OPEN had a row but no input at all
    # ('not categorised', with its reason) until its notice of concern (2023-05-01)
    new = {r["to_category"]: r["urns"] for r in t if r["from_category"] == "not categorised"}
    assert new["targeted"] == [sc.CONVERTER] and new["intensive"] == [sc.NOTICE_OPEN]
    # KS4 schools' first results (2022/23) and the closed notice's school (intelligence) -> universal
    assert new["universal"] == [sc.NOTICE_CLOSED, sc.T1, sc.T2, sc.T3]
    # the predecessor stopped being categorised after 2017/18
    t = rows(
        model,
        "SELECT * FROM category_transitions WHERE la_code = 900 AND time_period = 201819 AND to_category = 'not categorised'",
    )
    left = [u for r in t if r["from_category"] != "not categorised" for u in r["urns"]]
    assert left == [sc.PREDECESSOR]


def trig(con, trigger_id, tp, phase="primary", la=900):
    [r] = rows(
        con,
        "SELECT * FROM la_risk_triggers WHERE la_code = ? AND phase = ? AND time_period = ? AND trigger_id = ?",
        [la, phase, tp, trigger_id],
    )
    return r


def test_la_attainment_trigger_rag_direction_neighbours(model):
    r = trig(model, "T4_attainment", 201819)
    # LA 62 vs national 64: worse by 2 < 5 -> amber. 2017/18: 60 vs 64 (-4) -> now -2: +2 >= 0.5 -> better.
    assert (r["value"], r["national_value"], r["rag"], r["direction"]) == (
        62.0,
        64.0,
        "amber",
        "better",
    )
    # neighbour LA 901: 66 -> 62 - 66 = -4 -> amber against neighbours
    assert (
        r["neighbours_value"] == 66.0
        and r["rag_vs_neighbours"] == "amber"
        and r["neighbours_note"] is None
    )


def test_la_disadvantaged_gap_trigger(model):
    r = trig(model, "T6_disadvantaged_gap", 201819)
    # LA disadvantaged 45 - national non-disadvantaged 70 = -25; national gap 50 - 70 = -20: worse by 5 -> red
    assert r["value"] == -25.0 and r["national_value"] == -20.0 and r["rag"] == "red"


def test_la_complaints_and_secretary_of_state(model):
    assert (
        trig(model, "T7_ofsted_complaints", 202324)["value"] == 1.0
    )  # E's complaint made to Ofsted
    assert trig(model, "T7_ofsted_complaints", 202324)["rag"] == "amber"
    assert trig(model, "T8_secretary_of_state", 202324)["rag"] == "not assessed"


def test_la_inspection_triggers_without_national_inspections(model):
    r = trig(model, "T3_good_schools", 201819)
    # primary schools with a legacy graded inspection by 2019-08-31: A (2), REPORT_URGENT (2) -> 100%
    # (the special school is not 'primary'; the predecessor closed). No national inspection file -> no comparison.
    assert r["value"] == pytest.approx(100.0) and r["national_value"] is None
    assert r["rag"] == "no national comparison"
