"""The priority list's rules (dashboard/priority.py) on hand-made rows: the order, the re-ranking by
a pupil group's own figure (small groups suppressed, never ranked), the key figure's words, the
next review in days, and never a blank reason or action."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import priority
from dashboard.access import SUPPRESSED


def schools(**cols) -> pd.DataFrame:
    base = {
        "urn": [1, 2, 3, 4],
        "name": ["A", "B", "C", "D"],
        "category": ["targeted", "intensive", "targeted", "universal"],
        "rank_in_category": [2, 1, 1, 1],
        "key_stage": ["ks2", "ks2", "ks4", "ks2"],
    }
    return pd.DataFrame({**base, **cols})


def figures(rows: list[tuple]) -> pd.DataFrame:
    cols = ["urn", "key_stage", "measure", "group_value", "group_status", "group_cohort",
            "group_national", "group_percentile", "n_ranked"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_the_list_is_in_category_order_then_the_models_rank():
    out = priority.order(schools())
    assert list(out["urn"]) == [2, 3, 1, 4]
    assert list(out["rank"]) == [1, 2, 3, 4]


def test_a_group_re_ranks_by_its_percentile_and_small_groups_go_last_unranked():
    ranked = priority.order(schools())
    figs = figures([
        (1, "ks2", "ks2_rwm_expected_pct", 30.0, None, 20, 45.0, 10.0, 1000),
        (2, "ks2", "ks2_rwm_expected_pct", 50.0, None, 4, 45.0, 60.0, 1000),  # 4 pupils
        (3, "ks4", "ks4_attainment8", 30.5, None, 40, 36.8, 25.0, 500),
        (4, "ks2", "ks2_rwm_expected_pct", None, "SUPP", 9, 45.0, None, None),
    ])  # fmt: skip
    out = priority.with_group(ranked, figs, "disadvantaged")
    assert list(out["urn"]) == [1, 3, 2, 4]  # 10th, 25th percentile; then the unranked
    small = out.set_index("urn").loc[2]
    assert small["group_status"] == SUPPRESSED
    assert pd.isna(small["group_value"]) and pd.isna(small["group_cohort"])
    assert pd.isna(small["group_percentile"])
    assert list(out["rank"]) == [1, 2, 3, 4]


def test_all_pupils_keeps_the_category_order():
    ranked = priority.order(schools())
    figs = figures([(u, "ks2", "ks2_rwm_expected_pct", 50.0, None, 30, 62.0, p, 900)
                    for u, p in ((1, 5.0), (2, 90.0), (4, 1.0))])  # fmt: skip
    out = priority.with_group(ranked, figs, "all")
    assert list(out["urn"]) == [2, 3, 1, 4]


def test_the_key_figure_names_the_national_figure_and_the_groups_size():
    row = {"measure": "ks2_rwm_expected_pct", "group_value": 32.0, "group_national": 45.0,
           "group_cohort": 18, "group_status": None}  # fmt: skip
    assert priority.key_figure(row, "disadvantaged") == "RWM 32% (national 45%); 18 pupils"
    assert priority.key_figure(row, "all") == "RWM 32% (national 45%)"
    att8 = {"measure": "ks4_attainment8", "group_value": 38.25, "group_national": 45.9,
            "group_cohort": 150, "group_status": None}  # fmt: skip
    assert priority.key_figure(att8, "all") == "Att 8 38.3 (national 45.9)"
    hidden = {**row, "group_value": None, "group_cohort": None, "group_status": SUPPRESSED}
    assert priority.key_figure(hidden, "disadvantaged") == (
        "RWM: 5 pupils or fewer, not shown (national 45%)"
    )
    assert priority.key_figure({"measure": None}, "all") == "no headline figure published"


def test_the_next_review_is_the_earliest_open_one_in_days():
    today = date(2026, 12, 3)
    notices = pd.DataFrame({
        "urn": [1, 1, 2, 3],
        "status": ["open", "open", "closed", "open"],
        "review_due": [date(2026, 12, 13), date(2026, 11, 30), date(2026, 1, 1), None],
    })  # fmt: skip
    assert priority.next_review(1, notices, today) == "⚠ review 3 days overdue"  # 30 Nov
    assert priority.next_review(2, notices, today) == ""  # closed
    assert priority.next_review(3, notices, today) == ""  # no date
    later = notices.assign(review_due=[date(2026, 12, 4)] * 4)
    assert priority.next_review(1, later, today) == "review in 1 day"


def test_next_reviews_for_every_school_in_one_pass():
    """Worked by hand, today 3 Dec 2026: school 1 has open reviews due 13 Dec (10 days) and
    2 Dec (1 day overdue), the earliest counts; school 2's only dated notice is closed; school 3
    has an open notice with no date and one due today; school 4 has none; school 5 is due
    tomorrow; a workbook row (date) and an app row (date) for school 6 are compared as dates."""
    today = date(2026, 12, 3)
    notices = pd.DataFrame({
        "urn": [1, 1, 2, 3, 3, 5, 6, 6],
        "status": ["open", "open", "closed", "open", "open", "open", "open", "open"],
        "review_due": [date(2026, 12, 13), date(2026, 12, 2), date(2026, 1, 1), None,
                       date(2026, 12, 3), date(2026, 12, 4), date(2027, 1, 14),
                       date(2026, 11, 21)],
        "source": ["app", "app", "app", "app", "Council workbook", "app", "Council workbook",
                   "app"],
    })  # fmt: skip
    assert priority.next_reviews([1, 2, 3, 4, 5, 6], notices, today) == [
        "⚠ review 1 day overdue",
        "",
        "review in 0 days",
        "",
        "review in 1 day",
        "⚠ review 12 days overdue",
    ]
    assert priority.next_reviews([4], notices.iloc[0:0], today) == [""]  # no notices at all
    assert priority.next_reviews([2], notices[notices["urn"] == 2], today) == [""]  # only closed


def test_not_categorised_says_why_and_no_action_is_ever_blank():
    df = pd.DataFrame({
        "urn": [1, 2], "name": ["A", "B"], "category": ["not categorised", "universal"],
        "summary": [None, None], "not_categorised_reason": [None, None],
        "recommended_action": [None, "  "],
    })  # fmt: skip
    out = priority.with_model_columns(df)
    assert priority.why(out.iloc[0]).startswith("Not categorised: ")
    assert priority.why(out.iloc[1]) == "No reason recorded (universal support)."
    assert all(a.strip() for a in out["recommended_action"])
    said = out.assign(not_categorised_reason="Not categorised: no results loaded").iloc[0]
    assert priority.why(said) == "Not categorised: no results loaded"  # never said twice
