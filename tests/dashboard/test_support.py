"""Decision 12 worked by hand: the warehouse's category combined with entries made in the app
(dashboard/domain/support_model.py), under decision 11 revised: watch signals never set a category alone;
two from different sources make the targeted reason T5."""

from datetime import date

import pandas as pd

from dashboard import support

REF = date(2026, 11, 23)
ACTIONS = {
    "universal": "U",
    "universal_watch": "UW",
    "not_categorised": "NC",
    "academy_concern": "DfE",
    "intensive_maintained": "IM",
    "targeted_maintained": "TM",
}


def schools(*rows):
    return pd.DataFrame(rows, columns=["urn", "name", "category", "academy", "recommended_action"])


def reasons(*rows):
    return pd.DataFrame(rows, columns=["urn", "rule_id", "level", "reason", "source"])


def reasons_full(*rows):
    """Warehouse rows as support_reasons holds them (kind, headline, fact_date, evidence)."""
    cols = ["urn", "rule_id", "kind", "reason", "headline", "source", "fact_date", "evidence"]
    return pd.DataFrame(rows, columns=cols)


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


def test_one_app_concern_plus_one_workbook_complaint_is_a_watch_signal_not_a_category():
    out, rs = run(
        schools((3, "C", "universal", True, "U")),
        reasons(),
        notes((3, "concern", "2026-06-01")),
        events((3, "complaint", "2026-02-01"), (3, "visit", "2026-03-01")),
    )
    row = out.iloc[0]
    assert row["category"] == "universal" and row["recommended_action"] == "UW"
    assert row["reasons"] == []
    assert row["watch_flags"] == [
        "2 concerns and complaints in the 12 months to 2026-11-23 (1 complaint and 0 concerns"
        " in the council workbook, 1 concern entered in the app)"
    ]
    assert row["summary"] == (
        "Universal support; watch: 2 concerns and complaints in the 12 months to November 2026"
    )


def test_old_workbook_events_do_not_count():
    out, _ = run(
        schools((3, "C", "universal", False, "U")),
        reasons(),
        notes((3, "concern", "2026-06-01")),
        events((3, "complaint", "2025-01-01")),
    )
    assert out.iloc[0]["watch_flags"] == [
        "1 concern or complaint in the 12 months to 2026-11-23 (0 complaints and 0 concerns"
        " in the council workbook, 1 concern entered in the app)"
    ]


def test_app_concern_restates_an_existing_w5_instead_of_adding_a_second():
    out, rs = run(
        schools((4, "D", "universal", False, "UW")),
        reasons(
            (4, "W5_concerns_complaints", "watch", "2 concerns and complaints", "intelligence")
        ),
        notes((4, "concern", "2026-10-01")),
        events((4, "concern", "2026-01-10"), (4, "complaint", "2026-02-10")),
    )
    assert out.iloc[0]["category"] == "universal"
    assert len(out.iloc[0]["watch_flags"]) == 1
    assert out.iloc[0]["watch_flags"][0].startswith("3 concerns and complaints")


def test_app_signal_plus_a_data_signal_from_the_warehouse_is_targeted():
    # W1 (data) from the warehouse + an app headteacher change (intelligence): two sources -> T5
    w1 = (9, "W1_low_achievement", "watch", "KS2 achievement percentile 12", "KS2 achievement in the"
          " bottom 20% nationally in 2024/25 (percentile 12)", "data", date(2025, 8, 31), 1.2)  # fmt: skip
    out, rs = run(
        schools((9, "I", "universal", False, "UW")),
        reasons_full(w1),
        notes((9, "headteacher_change", "2026-09-01")),
    )
    row = out.iloc[0]
    assert row["category"] == "targeted" and row["recommended_action"] == "TM"
    assert list(rs.loc[rs["kind"] != "watch", "rule_id"]) == ["T5_independent_signals"]
    assert row["summary"] == (
        "KS2 achievement in the bottom 20% nationally in 2024/25 (percentile 12) and headteacher"
        " changed September 2026 (entered in the app)"
    ) or row["summary"] == (
        "Headteacher changed September 2026 (entered in the app) and KS2 achievement in the bottom"
        " 20% nationally in 2024/25 (percentile 12)"
    )
    # the governor's sentence never names the confidential signal
    assert "eadteacher" not in row["governor_summary"]


def test_two_signals_from_the_same_source_are_not_independent():
    w5 = (10, "W5_concerns_complaints", "watch", "1 concern or complaint", "1 concern or complaint",
          "intelligence", date(2026, 5, 1), 0.9)  # fmt: skip
    out, rs = run(
        schools((10, "J", "universal", False, "UW")),
        reasons_full(w5),
        notes((10, "headteacher_change", "2026-09-01")),
    )
    row = out.iloc[0]
    assert row["category"] == "universal" and len(row["watch_flags"]) == 2
    assert "T5_independent_signals" not in set(rs["rule_id"])


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
        reasons((6, "T1_requires_improvement", "targeted", "low", "inspection")),
        notes((6, "notice_of_concern", "2026-09-01")),
    )
    assert out.iloc[0]["category"] == "intensive"
    assert (
        out.iloc[0]["reasons"][0].startswith("Notice of concern")
        and out.iloc[0]["reasons"][1] == "low"
    )


def test_priority_order_category_then_rank_in_category_then_percentile():
    df = pd.DataFrame(
        {
            "urn": [1, 2, 3, 4, 5],
            "name": ["A", "B", "C", "D", "E"],
            "category": ["universal", "targeted", "targeted", "intensive", "targeted"],
            "n_reasons": [0, 1, 1, 1, 2],
            "evidence_score": [0.0, 4.0, 4.0, 10.0, 9.5],
            "national_percentile": [5.0, 40.0, 10.0, None, 60.0],
            "rank_among_loaded": [10, 4, 9, None, 2],
            "n_loaded": [10, 10, 10, None, 10],
        }
    )
    df["rank_in_category"] = support.rank_in_category(df)
    # targeted: E (9.5) first, then B and C tied at 4.0 -> URN order (as the warehouse)
    assert list(df["rank_in_category"]) == [1, 2, 3, 1, 1]
    assert list(support.priority_order(df)["urn"]) == [4, 5, 2, 3, 1]
    assert list(support.priority_order(df)["rank"]) == [1, 2, 3, 4, 5]


def test_evidence_weight_by_hand():
    w = support.Weights()
    # intensive fact on the as-at date, no significance: 10
    assert w.evidence("intensive", date(2026, 11, 23), REF) == 10.0
    # targeted fact 24 months (730.5 days ~ 730) earlier: 4 x 0.5^(730/30.4375/24) = 4 x 0.50034 = 2.001
    assert w.evidence("targeted", date(2024, 11, 23), REF) == 2.001
    # watch with significance 0.5 on the day: 1 x 1 x 1.5
    assert w.evidence("watch", REF, REF, 0.5) == 1.5


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


def test_app_headteacher_change_in_the_window_is_a_watch_signal_never_a_category_alone():
    out, rs = run(
        schools((7, "G", "universal", False, "U")),
        reasons(),
        notes_with_status(
            (7, "headteacher_change", "2026-01-05", None),
            (7, "headteacher_change", "2026-09-01", None),  # the latest one is named
        ),
    )
    row = out.iloc[0]
    assert row["category"] == "universal" and row["recommended_action"] == "UW"
    assert row["app_entries"] and row["reasons"] == []
    assert row["watch_flags"] == [
        "Headteacher changed 2026-09-01 (entered in the app), within the 12 months to 2026-11-23"
    ]
    assert list(rs["rule_id"]) == ["W4_headteacher_change_app"]
    assert list(rs["source"]) == ["intelligence"]  # governors: only the confidential line


def test_app_headteacher_change_outside_the_window_adds_nothing():
    out, rs = run(
        schools((7, "G", "universal", False, "U")),
        reasons(),
        notes((7, "headteacher_change", "2025-11-23")),  # exactly 12 months before: outside
    )
    assert out.iloc[0]["category"] == "universal" and out.iloc[0]["watch_flags"] == []
    assert not out.iloc[0]["app_entries"] and rs.empty


def test_app_headteacher_change_is_not_repeated_when_the_warehouse_gives_w4():
    w4 = "Headteacher changed in the last 12 months to 2026-08-31 (headteacher 2026-04-01)"
    out, _ = run(
        schools((8, "H", "universal", False, "UW")),
        reasons((8, "W4_headteacher_change", "watch", w4, "intelligence")),
        notes((8, "headteacher_change", "2026-10-01")),
    )
    assert out.iloc[0]["watch_flags"] == [w4] and not out.iloc[0]["app_entries"]


def test_not_categorised_keeps_its_reason_and_never_a_blank_action():
    s = pd.DataFrame(
        [(11, "K", "not categorised", False, None, None)],
        columns=[
            "urn",
            "name",
            "category",
            "academy",
            "recommended_action",
            "not_categorised_reason",
        ],
    )
    out, _ = run(s, reasons())
    row = out.iloc[0]
    assert row["category"] == "not categorised" and row["recommended_action"] == "NC"
    assert row["not_categorised_reason"].startswith("Not categorised: ")
    assert row["summary"] == row["not_categorised_reason"]


def test_a_role_without_confidential_reasons_still_sees_the_warehouse_category():
    # the only reason is confidential and filtered out before combining: the category stands
    out, _ = run(schools((12, "L", "intensive", False, "IM")), reasons())
    assert out.iloc[0]["category"] == "intensive" and out.iloc[0]["recommended_action"] == "IM"


def test_summary_and_rank_in_python_equal_the_warehouse_on_the_generated_county(fixture_warehouse):
    """One rule in two languages (SQL for the ETL, pandas for app entries): same sentences, same order."""
    from warehouse.connection import open_read_only, resolve_build

    con = open_read_only(resolve_build(fixture_warehouse))
    try:
        latest = con.execute("SELECT max(time_period) FROM model_years").fetchone()[0]
        sc = con.execute(
            "SELECT urn, la_code, category, summary, governor_summary, evidence_score,"
            " rank_in_category FROM support_category WHERE time_period = ?",
            [latest],
        ).df()
        rs = con.execute("SELECT * FROM support_reasons WHERE time_period = ?", [latest]).df()
        line = con.execute(
            "SELECT value_json FROM model_settings WHERE name = 'actions_confidential_line'"
        ).fetchone()[0]
    finally:
        con.close()
    w = support.Weights(confidential_line=line.strip('"'))
    needs = sc[sc["category"].isin(["targeted", "intensive"])]
    assert len(needs) > 0
    for row in needs.itertuples():
        mine = rs[rs["urn"] == row.urn]
        assert support.summarise(mine, row.category, w) == row.summary
        assert support.summarise(mine, row.category, w, governor=True) == row.governor_summary
    for _, one_la in sc.groupby("la_code"):
        assert list(support.rank_in_category(one_la)) == list(one_la["rank_in_category"])
