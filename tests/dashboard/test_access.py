"""Roles, pages by role, intelligence rules, and the suppression function (hand-worked cases)."""

import pandas as pd
import pytest

from dashboard import access
from dashboard.access import SUPPRESSED, identity_for, suppress


def frame(rows, measure="m"):
    return pd.DataFrame(
        [{"measure": measure, "pupil_group": g, "cohort": c, "value": v} for g, c, v in rows]
    )


def hidden(df):
    return sorted(df.loc[df["status_code"] == SUPPRESSED, "pupil_group"])


def test_primary_suppression_only_without_group_column():
    df = frame([("all", 30, 60.0), ("disadvantaged", 4, 25.0), ("non_disadvantaged", 26, 65.4)])
    out = suppress(df, "cohort", ["value"], 5)
    assert hidden(out) == ["disadvantaged"]
    row = out.set_index("pupil_group").loc["disadvantaged"]
    assert pd.isna(row["value"]) and pd.isna(row["cohort"])
    # the input is not changed
    assert df.loc[1, "value"] == 25.0


def test_secondary_suppression_of_the_complement():
    # all 30 = disadvantaged 4 + non-disadvantaged 26: showing 26 and 30 reveals 4 (and its value:
    # 30*60 - 26*65.4 = 99.6 pupils-percent / 4 = 24.9%), so non-disadvantaged is hidden too.
    df = frame(
        [
            ("all", 30, 60.0),
            ("disadvantaged", 4, 25.0),
            ("non_disadvantaged", 26, 65.4),
            ("boys", 14, 57.0),
            ("girls", 16, 62.5),
        ]
    )
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    assert hidden(out) == ["disadvantaged", "non_disadvantaged"]
    shown = out.set_index("pupil_group")
    assert shown.loc["all", "value"] == 60.0 and shown.loc["boys", "cohort"] == 14


def test_secondary_hides_the_smallest_other_part_of_three():
    # prior low 3 + middle 20 + high 7 = 30: low hidden; hiding high (7, the smallest shown) means
    # total - middle = 10 = low + high, which no longer reveals either.
    df = frame(
        [
            ("all", 30, 50.0),
            ("prior_low", 3, 10.0),
            ("prior_middle", 20, 50.0),
            ("prior_high", 7, 80.0),
        ]
    )
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    assert hidden(out) == ["prior_high", "prior_low"]


def test_two_small_parts_and_small_total_all_hidden():
    df = frame([("all", 5, 40.0), ("boys", 2, 50.0), ("girls", 3, 33.3)])
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    assert hidden(out) == ["all", "boys", "girls"]


def test_threshold_is_inclusive_and_configurable(monkeypatch):
    df = frame([("all", 5, 1.0), ("eal", 6, 2.0)])
    assert hidden(suppress(df, "cohort", ["value"], 5)) == ["all"]
    assert hidden(suppress(df, "cohort", ["value"], 6)) == ["all", "eal"]
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", "3")
    assert hidden(suppress(df, "cohort", ["value"])) == []


def test_unknown_count_left_as_published_and_no_total_no_secondary():
    df = frame([("disadvantaged", None, 20.0), ("boys", 3, 1.0), ("girls", 30, 2.0)])
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    assert hidden(out) == ["boys"]  # no `all` row: nothing to subtract from
    assert out.loc[0, "value"] == 20.0


def test_secondary_stays_within_its_by_group():
    df = pd.concat(
        [
            frame([("all", 30, 1.0), ("boys", 3, 1.0), ("girls", 27, 1.0)], "m1"),
            frame([("all", 30, 1.0), ("boys", 15, 1.0), ("girls", 15, 1.0)], "m2"),
        ],
        ignore_index=True,
    )
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    assert list(out.loc[out["status_code"] == SUPPRESSED, "measure"]) == ["m1", "m1"]


def test_secondary_covers_rows_whose_by_value_is_missing_and_keeps_blocks_apart():
    """A block whose ``by`` value is missing (NaN) is a block like any other: its complement is
    hidden too, and its rows are never mixed with another block's (rows interleaved)."""
    df = pd.concat(
        [
            frame([("all", 30, 1.0), ("boys", 3, 1.0), ("girls", 27, 1.0)], None),
            frame([("all", 30, 1.0), ("boys", 15, 1.0), ("girls", 15, 1.0)], "m2"),
        ],
        ignore_index=True,
    ).iloc[[0, 3, 1, 4, 2, 5]]
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"])
    gone = out[out["status_code"] == SUPPRESSED]
    assert gone["measure"].isna().all() and sorted(gone["pupil_group"]) == ["boys", "girls"]
    assert list(out.index) == [0, 3, 1, 4, 2, 5]  # the frame's order and labels are kept


def test_existing_status_codes_kept_for_shown_rows():
    df = frame([("all", 30, None), ("eal", 2, 5.0)])
    df["status_code"] = ["NE", None]
    out = suppress(df, "cohort", ["value"], 5)
    assert list(out["status_code"]) == ["NE", SUPPRESSED]


def test_identity_and_roles():
    gov = identity_for("g", "G", access.GOVERNOR, [3, 1])
    assert gov.allowed_urns == frozenset({1, 3}) and gov.allowed_list() == [1, 3]
    assert identity_for("m", "M", access.MANAGER, [1]).allowed_urns is None
    with pytest.raises(ValueError):
        identity_for("x", "X", "root", [])
    with pytest.raises(AttributeError):
        gov.role = access.MANAGER  # frozen


def test_pages_for_roles():
    ids = {r: [p.id for p in access.pages_for(r)] for r in access.ROLES}
    assert ids[access.ADMIN] == [
        "readiness",
        "schools",
        "method",
        "accessibility",
        "admin_users",
        "admin_audit",
        "admin_loads",
    ]
    assert ids[access.GOVERNOR] == ["profile", "schools", "method", "accessibility"]
    assert ids[access.BRIEFING] == ["briefing", "districts", "schools", "method", "accessibility"]
    assert all("accessibility" in ids[r] for r in access.ROLES)  # the statement is for everyone
    for role in (access.GOVERNOR, access.BRIEFING, access.MANAGER, access.OFFICER):
        assert not any(i.startswith("admin") for i in ids[role])
    assert access.can_see_page(None, "schools") is False


def test_intelligence_only_for_managers_and_officers_in_a_full_deployment(monkeypatch):
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    seen = {r: access.can_see_intelligence(identity_for("u", "U", r, [])) for r in access.ROLES}
    assert seen == {
        "manager": True,
        "officer": True,
        "governor": False,
        "briefing": False,
        "admin": False,
    }
    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    assert not any(access.can_see_intelligence(identity_for("u", "U", r, [])) for r in access.ROLES)


def test_briefing_names_schools_only_when_allowed(monkeypatch):
    briefing = identity_for("b", "B", access.BRIEFING, [])
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "false")
    assert not access.may_name_schools(briefing)
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "true")
    assert access.may_name_schools(briefing)


def test_a_figure_the_dfe_suppressed_is_protected_by_secondary_suppression():
    # Issue 16: disadvantaged 9 pupils, SUPP in the published file (value NULL). With all 30 at 60%
    # and non-disadvantaged 21 at 70% shown, 30*60 - 21*70 = 330 -> 36.7% of the 9 would be revealed.
    df = pd.DataFrame(
        [
            {
                "measure": "m",
                "pupil_group": "all",
                "cohort": 30,
                "value": 60.0,
                "status_code": None,
            },
            {
                "measure": "m",
                "pupil_group": "disadvantaged",
                "cohort": 9,
                "value": None,
                "status_code": "SUPP",
            },
            {
                "measure": "m",
                "pupil_group": "non_disadvantaged",
                "cohort": 21,
                "value": 70.0,
                "status_code": None,
            },
        ]
    )
    out = suppress(df, "cohort", ["value"], 5, group_col="pupil_group", by=["measure"]).set_index(
        "pupil_group"
    )
    assert pd.isna(out.loc["non_disadvantaged", "value"])
    assert out.loc["non_disadvantaged", "status_code"] == SUPPRESSED
    assert (
        out.loc["disadvantaged", "status_code"] == "SUPP"
    )  # the DfE's code is kept, not relabelled
    assert out.loc["all", "value"] == 60.0


def test_the_rule_is_stated_once_in_words_matching_both_codes():
    text = access.suppression_rule(5)
    assert "SUPP: suppressed by the DfE before publication" in text
    assert f"{SUPPRESSED}: hidden here because the group has 5 pupils or fewer" in text
