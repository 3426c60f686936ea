"""Decision 12 worked by hand: the warehouse's category combined with entries made in the app."""

from datetime import date

import pandas as pd

from dashboard import support

REF = date(2026, 11, 23)
ACTIONS = {
    "universal": "U",
    "academy_concern": "DfE",
    "intensive_maintained": "IM",
    "targeted_maintained": "TM",
}


def schools(*rows):
    return pd.DataFrame(rows, columns=["urn", "name", "category", "academy", "recommended_action"])


def reasons(*rows):
    return pd.DataFrame(rows, columns=["urn", "rule_id", "level", "reason", "source"])


def notes(*rows):
    return pd.DataFrame(rows, columns=["urn", "kind", "date"])


def events(*rows):
    return pd.DataFrame(rows, columns=["urn", "kind", "date"])


def run(s, r, n=None, e=None):
    n = notes() if n is None else n
    e = events() if e is None else e
    return support.combine(s, r, n, e, reference=REF, actions=ACTIONS)


def test_no_app_entries_keeps_the_warehouse_category():
    out, rs = run(
        schools((1, "A", "targeted", False, "TM"), (2, "B", "universal", False, "U")),
        reasons((1, "T1_requires_improvement", "targeted", "RI 2024", "inspection")),
    )
    assert list(out["category"]) == ["targeted", "universal"]
    assert list(out["recommended_action"]) == ["TM", "U"]
    assert out.loc[0, "reasons"] == ["RI 2024"] and out.loc[1, "reasons"] == []
    assert not out["app_entries"].any()


def test_open_app_notice_makes_a_universal_maintained_school_intensive():
    out, rs = run(
        schools((2, "B", "universal", False, "U")),
        reasons(),
        notes((2, "notice_of_concern", "2026-11-01")),
    )
    row = out.iloc[0]
    assert row["category"] == "intensive" and row["etl_category"] == "universal"
    assert row["recommended_action"] == "IM" and row["app_entries"]
    assert row["reasons"] == ["Notice of concern issued 2026-11-01 (entered in the app; open)"]


def test_app_notice_older_than_the_window_does_not_count():
    out, _ = run(
        schools((2, "B", "universal", False, "U")),
        reasons(),
        notes(
            (2, "notice_of_concern", "2025-11-23")
        ),  # exactly 12 months before: outside (start, ref]
    )
    assert out.iloc[0]["category"] == "universal"


def test_one_app_concern_plus_one_workbook_complaint_is_targeted_for_an_academy():
    out, rs = run(
        schools((3, "C", "universal", True, "U")),
        reasons(),
        notes((3, "concern", "2026-06-01")),
        events((3, "complaint", "2026-02-01"), (3, "visit", "2026-03-01")),
    )
    row = out.iloc[0]
    assert row["category"] == "targeted" and row["recommended_action"] == "DfE"
    assert row["reasons"] == [
        "2 concerns and complaints in the 12 months to 2026-11-23 (1 complaints and 0 concerns"
        " in the council workbook, 1 concerns entered in the app)"
    ]


def test_one_app_concern_alone_is_not_enough_and_old_workbook_events_do_not_count():
    out, _ = run(
        schools((3, "C", "universal", False, "U")),
        reasons(),
        notes((3, "concern", "2026-06-01")),
        events((3, "complaint", "2025-01-01")),
    )
    assert out.iloc[0]["category"] == "universal"


def test_app_concern_restates_an_existing_t8_reason_instead_of_adding_a_second():
    out, rs = run(
        schools((4, "D", "targeted", False, "TM")),
        reasons(
            (4, "T8_concerns_complaints", "targeted", "2 concerns and complaints", "intelligence")
        ),
        notes((4, "concern", "2026-10-01")),
        events((4, "concern", "2026-01-10"), (4, "complaint", "2026-02-10")),
    )
    assert out.iloc[0]["category"] == "targeted"
    assert len(out.iloc[0]["reasons"]) == 1
    assert out.iloc[0]["reasons"][0].startswith("3 concerns and complaints")


def test_visits_notes_and_dfe_concerns_do_not_change_the_category():
    out, _ = run(
        schools((5, "E", "universal", True, "U")),
        reasons(),
        notes(
            (5, "visit", "2026-10-01"), (5, "note", "2026-10-02"), (5, "dfe_concern", "2026-10-03")
        ),
    )
    assert out.iloc[0]["category"] == "universal"


def test_intensive_reasons_come_first_and_targeted_school_with_app_notice_becomes_intensive():
    out, rs = run(
        schools((6, "F", "targeted", False, "TM")),
        reasons((6, "T3_low_achievement", "targeted", "low", "data")),
        notes((6, "notice_of_concern", "2026-09-01")),
    )
    assert out.iloc[0]["category"] == "intensive"
    assert (
        out.iloc[0]["reasons"][0].startswith("Notice of concern")
        and out.iloc[0]["reasons"][1] == "low"
    )


def test_priority_order_category_then_reasons_then_percentile():
    df = pd.DataFrame(
        {
            "urn": [1, 2, 3, 4],
            "name": ["A", "B", "C", "D"],
            "category": ["universal", "targeted", "targeted", "intensive"],
            "n_reasons": [0, 1, 1, 1],
            "national_percentile": [5.0, 40.0, 10.0, None],
            "rank_among_loaded": [10, 4, 9, None],
            "n_loaded": [10, 10, 10, None],
        }
    )
    assert list(support.priority_order(df)["urn"]) == [4, 3, 2, 1]
    assert list(support.priority_order(df)["rank"]) == [1, 2, 3, 4]


def test_window_edges():
    s = pd.Series(["2025-11-24", "2025-11-23", "2026-11-23", "2026-11-24", None])
    assert list(support.in_window(s, REF, 12)) == [True, False, True, False, False]


def notes_with_status(*rows):
    return pd.DataFrame(rows, columns=["urn", "kind", "date", "status"])


def test_open_app_notice_is_intensive_and_a_closed_one_no_longer_counts():
    s = schools((2, "B", "universal", False, "U"))
    open_, _ = run(s, reasons(), notes_with_status((2, "notice_of_concern", "2026-11-01", "open")))
    assert open_.iloc[0]["category"] == "intensive" and open_.iloc[0]["recommended_action"] == "IM"
    closed, rs = run(
        s, reasons(), notes_with_status((2, "notice_of_concern", "2026-11-01", "closed"))
    )
    row = closed.iloc[0]
    assert row["category"] == "universal" and row["recommended_action"] == "U"
    assert row["reasons"] == [] and not row["app_entries"] and rs.empty


def test_closed_notice_leaves_a_second_open_one_counting():
    out, _ = run(
        schools((2, "B", "universal", False, "U")),
        reasons(),
        notes_with_status(
            (2, "notice_of_concern", "2026-03-01", "closed"),
            (2, "notice_of_concern", "2026-10-01", "open"),
        ),
    )
    assert out.iloc[0]["reasons"] == [
        "Notice of concern issued 2026-10-01 (entered in the app; open)"
    ]


def test_app_headteacher_change_in_the_window_is_a_targeted_reason():
    out, rs = run(
        schools((7, "G", "universal", False, "U")),
        reasons(),
        notes_with_status(
            (7, "headteacher_change", "2026-01-05", None),
            (7, "headteacher_change", "2026-09-01", None),  # the latest one is named
        ),
    )
    row = out.iloc[0]
    assert row["category"] == "targeted" and row["recommended_action"] == "TM"
    assert row["app_entries"]
    assert row["reasons"] == [
        "Headteacher changed 2026-09-01 (entered in the app), within the 12 months to 2026-11-23"
    ]
    assert list(rs["rule_id"]) == ["T7_headteacher_change_app"]
    assert list(rs["source"]) == ["intelligence"]  # governors: only the confidential line


def test_app_headteacher_change_outside_the_window_adds_nothing():
    out, rs = run(
        schools((7, "G", "universal", False, "U")),
        reasons(),
        notes((7, "headteacher_change", "2025-11-23")),  # exactly 12 months before: outside
    )
    assert out.iloc[0]["category"] == "universal" and out.iloc[0]["reasons"] == []
    assert not out.iloc[0]["app_entries"] and rs.empty


def test_app_headteacher_change_is_not_repeated_when_the_warehouse_gives_t7():
    t7 = "Headteacher changed in the last 12 months to 2026-08-31 (headteacher 2026-04-01)"
    out, _ = run(
        schools((8, "H", "targeted", False, "TM")),
        reasons((8, "T7_headteacher_change", "targeted", t7, "intelligence")),
        notes((8, "headteacher_change", "2026-10-01")),
    )
    assert out.iloc[0]["reasons"] == [t7] and not out.iloc[0]["app_entries"]
