"""Decision 11, rule by rule: one case that makes each rule fire and one that shows it does not.
As-at dates: 2016/17 -> 2017-08-31 ... 2022/23 -> 2023-08-31; the latest year 2023/24 -> the fixture's
reference date 2024-12-31."""

from __future__ import annotations

import pytest

from tests.warehouse.model import scenario as sc
from tests.warehouse.model.conftest import rows


def rule_ids(con, urn, tp):
    return {
        r["rule_id"]
        for r in rows(
            con, "SELECT rule_id FROM support_reasons WHERE urn = ? AND time_period = ?", [urn, tp]
        )
    }


def category(con, urn, tp):
    r = rows(con, "SELECT * FROM support_category WHERE urn = ? AND time_period = ?", [urn, tp])
    assert len(r) == 1, (urn, tp, r)
    return r[0]


@pytest.mark.parametrize(
    "rule, fires, does_not",
    [
        # legacy grade 4 + Special Measures (2017-03-01) / school A graded 2
        ("I1_inadequate", (sc.SPECIAL, 201718), (sc.A, 201718)),
        # report card 2024-11-20 inclusion 'Urgent improvement': latest year (as at 2024-12-31) yes, 2022/23 (2023-08-31) no
        ("I2_urgent_improvement", (sc.REPORT_URGENT, 202324), (sc.REPORT_URGENT, 202223)),
        # safeguarding 'Not met' 2024-12-01 / school with 'Met'
        ("I3_safeguarding", (sc.REPORT_SAFEGUARDING, 202324), (sc.REPORT_URGENT, 202324)),
        # notice issued 2023-05-01, open: yes at 2023-08-31; closed notice (review 2023-03-01) no; not before issue
        ("I4_notice_of_concern", (sc.NOTICE_OPEN, 202223), (sc.NOTICE_CLOSED, 202223)),
        ("I4_notice_of_concern", (sc.NOTICE_OPEN, 202324), (sc.NOTICE_OPEN, 201819)),
        # B bottom 10% + progress concern in 2017/18 and 2018/19 / only one year of data in 2016/17
        ("I5_low_achievement_progress", (sc.B, 201819), (sc.B, 201617)),
        # legacy grade 3 (the converter academy) / grade 2
        ("T1_requires_improvement", (sc.CONVERTER, 202324), (sc.A, 202324)),
        # 2024/25 sub-judgement graded 3 counts as requires improvement
        ("T1_requires_improvement", (sc.SUB2024, 202324), (sc.SUB2024, 202223)),
        # report card 'Needs attention' in achievement (2024-12-05) / report card with Strong/Expected only
        ("T2_needs_attention", (sc.REPORT_NEEDS, 202324), (sc.REPORT_SAFEGUARDING, 202324)),
        # watch: achievement percentile 0 < 20 / A at 25
        ("W1_low_achievement", (sc.B, 201819), (sc.A, 201819)),
        # B: progress percentile 0 and upper limit -1 < 0 in 2017/18 and 2018/19: declining standards (T4)
        ("T4_progress_concern_two_years", (sc.B, 201819), (sc.B, 201617)),
        # ... a single progress concern (B's first year) is a watch signal / S1: percentile 0 but upper
        # limit 0.2 (not significant)
        ("W2_progress_concern", (sc.B, 201617), (sc.S1, 201819)),
        ("W2_progress_concern", (sc.B, 201617), (sc.B, 201819)),  # two years: T4 instead
        # D: 90, 85, 80 against 64 -> +26, +21, +16 falls every year but is above national: no decline
        ("I1_inadequate", (sc.SPECIAL, 201718), (sc.D_, 201819)),
        # persistent absence 30%: worst of 5 (percentile 0 < 10) / C at percentile 25
        ("W3_persistent_absence", (sc.A, 201718), (sc.C, 201718)),
        # 'Headteacher' change 2024-06-01: within 12 months of 2024-12-31 / D's chair of governors change
        ("W4_headteacher_change", (sc.C, 202324), (sc.D_, 202324)),
        ("W4_headteacher_change", (sc.C, 202324), (sc.C, 202223)),
        # E: complaint 2024-03-01 + concern 2024-05-01 = 2; D: 1 complaint (at least 1) / A: none
        ("W5_concerns_complaints", (sc.E, 202324), (sc.A, 202324)),
        ("W5_concerns_complaints", (sc.D_, 202324), (sc.A, 202324)),
    ],
)
def test_rule_fires_and_does_not(model, rule, fires, does_not):
    assert rule in rule_ids(model, *fires)
    assert rule not in rule_ids(model, *does_not)


def test_category_levels(model):
    assert category(model, sc.B, 201819)["category"] == "intensive"  # I5
    # 2016/17: bottom 20% and one progress concern: two watch signals, both from data -> universal
    b = category(model, sc.B, 201617)
    assert b["category"] == "universal" and b["reasons"] == []
    assert b["watch_rule_ids"] == ["W1_low_achievement", "W2_progress_concern"]
    assert category(model, sc.B, 201718)["category"] == "intensive"  # I5: 2016/17 and 2017/18
    # falling every year but above national (+16): not declining
    assert category(model, sc.D_, 201819)["category"] == "universal"
    assert category(model, sc.C, 201819)["category"] == "universal"
    assert (
        category(model, sc.SPECIAL, 201819)["category"] == "intensive"
    )  # no score, categorised on inspection


def test_every_non_universal_school_has_a_reason_and_universal_none(model):
    bad = rows(
        model,
        "SELECT * FROM support_category WHERE (category IN ('targeted', 'intensive')) <> (len(reasons) > 0)",
    )
    assert bad == []
    n = rows(model, "SELECT count(*) AS n FROM support_category WHERE category <> 'universal'")[0][
        "n"
    ]
    assert n >= 10


def test_reasons_carry_the_figures(model):
    [r] = rows(
        model,
        "SELECT reason FROM support_reasons WHERE urn = ? AND time_period = 201819 AND rule_id = 'I5_low_achievement_progress'",
        [sc.B],
    )
    assert (
        "2017/18: achievement percentile 0 nationally, progress -3.0 (upper confidence limit -1.0)"
        in r["reason"]
    )
    assert "2018/19" in r["reason"] and "2 published years running" in r["reason"]
    [r] = rows(
        model,
        "SELECT reason FROM support_reasons WHERE urn = ? AND time_period = 202324 AND rule_id = 'W4_headteacher_change'",
        [sc.C],
    )
    assert (
        r["reason"]
        == "Headteacher changed in the last 12 months to 2024-12-31 (Headteacher new 2024-06-01)"
    )


def test_attainment_only_label_travels_into_reasons(model):
    # 2023/24 A: RWM 40, lowest of six -> W1, and the reason says attainment only and why.
    [r] = rows(
        model,
        "SELECT reason FROM support_reasons WHERE urn = ? AND time_period = 202324 AND rule_id = 'W1_low_achievement'",
        [sc.A],
    )
    assert "(attainment only; progress not published for 2023/24)" in r["reason"]


def test_intelligence_reasons_are_confidential_and_hidden_from_governors(model, settings):
    reasons = rows(model, "SELECT * FROM support_reasons")
    assert all(r["confidential"] == (r["source"] == "intelligence") for r in reasons)
    assert {
        r["source"]
        for r in reasons
        if r["rule_id"]
        in ("I4_notice_of_concern", "W4_headteacher_change", "W5_concerns_complaints")
    } == {"intelligence"}
    # C: a headteacher change only (a watch signal): the governor sees the generic line in its place
    c = category(model, sc.C, 202324)
    assert c["category"] == "universal" and c["governor_reasons"] == []
    assert c["governor_watch_flags"] == [settings["actions_confidential_line"].value]
    assert any("Headteacher" in w for w in c["watch_flags"])
    assert "Headteacher" not in c["governor_summary"] and "headteacher" not in c["governor_summary"]


def test_academy_action_is_raise_with_dfe(model, settings):
    conv = category(model, sc.CONVERTER, 202324)
    assert conv["is_academy"] and conv["category"] == "targeted"
    assert conv["recommended_action"] == settings["actions_academy_concern"].value
    maint = category(model, sc.SUB2024, 202324)
    assert maint["recommended_action"] == settings["actions_targeted_maintained"].value


def test_converter_history_is_per_urn(model):
    # The predecessor (closed 2019-08-31) is categorised 2016/17 and 2017/18 only; the academy (opened
    # 2019-09-01) from 2022/23. Its one year of KS2 data gives no trend.
    pred = {
        r["time_period"]
        for r in rows(
            model, "SELECT time_period FROM support_category WHERE urn = ?", [sc.PREDECESSOR]
        )
    }
    assert pred == {201617, 201718}
    conv = {
        r["time_period"]
        for r in rows(
            model, "SELECT time_period FROM support_category WHERE urn = ?", [sc.CONVERTER]
        )
    }
    assert conv == {202223, 202324}
    [t] = rows(
        model, "SELECT * FROM trends WHERE urn = ? AND component = 'attainment'", [sc.CONVERTER]
    )
    assert t["direction"] is None and t["explanation"] == "not enough published years (1 of 3)"


def test_as_at_dates(model):
    y = {r["time_period"]: str(r["as_at"]) for r in rows(model, "SELECT * FROM model_years")}
    assert y == {
        201617: "2017-08-31",
        201718: "2018-08-31",
        201819: "2019-08-31",
        202223: "2023-08-31",
        202324: "2024-12-31",
    }
    assert (
        rows(model, "SELECT value_json FROM model_settings WHERE name = 'as_at_latest_date'")[0][
            "value_json"
        ]
        == '"2024-12-31"'
    )
