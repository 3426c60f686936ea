"""A first choice of a school reads slices of one read for all of the user's schools (issue 20): the
drill-down's predecessors, model check and open notices, the pupils page's distribution and
figures by group. Each slice is exactly what the per-school read gives, and the reads for all
schools are keyed by the user's schools: what a manager warmed never reaches an officer of other
schools, and nothing a caller changes reaches the next one."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.access import MANAGER, OFFICER, SUPPRESSED, Identity, identity_for
from dashboard.data_access import history, manager, notices, pupils
from dashboard.data_access.by_school import BySchool
from warehouse.connection import open_read_only, resolve_build
from warehouse.queries import history as history_q


def test_a_school_s_rows_are_its_rows_of_the_frame_in_order():
    frame = pd.DataFrame({"urn": [3, 1, 3, 2, 1], "v": [10, 20, 30, 40, 50], "s": list("abcde")})
    by = BySchool(frame)
    assert by.rows(3).to_dict("list") == {"urn": [3, 3], "v": [10, 30], "s": ["a", "c"]}
    assert by.rows(1)["v"].tolist() == [20, 50] and list(by.rows(1).index) == [0, 1]
    none = by.rows(9)
    assert none.empty and list(none.columns) == ["urn", "v", "s"]
    assert (none.dtypes == frame.dtypes).all()
    assert 2 in by and 9 not in by
    mine = by.rows(3)
    mine.loc[0, "v"] = 99  # a caller's change stays in its copy
    assert by.rows(3)["v"].tolist() == [10, 30]
    assert BySchool(frame.iloc[0:0]).rows(1).empty
    for urn in (1, 2, 3, 9):  # some columns only: the same as all of them, then those
        pd.testing.assert_frame_equal(by.rows(urn, ["s", "v"]), by.rows(urn)[["s", "v"]])
    for urn in (1, 2, 3):  # a school's first row: the first of its rows
        pd.testing.assert_series_equal(by.first(urn), by.rows(urn).iloc[0], check_names=False)
    with pytest.raises(KeyError):
        by.first(9)


@pytest.fixture
def county(county_env):
    con = open_read_only(resolve_build(county_env["warehouse"]))
    try:
        converters = [r[0] for r in con.execute(
            "SELECT DISTINCT urn FROM school_lineage WHERE generation = 1 ORDER BY urn"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()
    mgr = identity_for("manager", "M", MANAGER, [])
    ctx = manager.context(mgr)
    urns = [int(u) for u in manager.schools(mgr, ctx, ctx.latest)["urn"]]
    return {"manager": mgr, "ctx": ctx, "urns": urns, "converters": converters,
            "warehouse": county_env["warehouse"]}  # fmt: skip


def test_each_school_s_predecessors_are_what_its_own_query_gives(county):
    con = open_read_only(resolve_build(county["warehouse"]))
    try:
        for urn in county["converters"][:40] + county["urns"][:20]:
            own = history_q.lineage(con, allowed=None, urn=urn)
            sliced = history._lineage(manager.db.current_build(), None, urn)
            # an empty result's text columns come back as object, a slice's as str: no row either way
            pd.testing.assert_frame_equal(sliced, own, check_dtype=not own.empty)
    finally:
        con.close()


def test_an_officer_gets_no_line_model_or_notice_of_a_school_a_manager_warmed(county):
    mgr, ctx = county["manager"], county["ctx"]
    urn = county["converters"][0]
    other = next(u for u in county["urns"] if u != urn)
    assert history.urn_change_sentence(mgr, urn)  # warmed for every school by the manager
    assert manager.school_pieces(mgr, ctx, urn, "all", ctx.latest) is not None
    notices.school_open_notices(mgr, urn)
    officer = Identity("officer", "O", OFFICER, frozenset({other}))  # one school only
    assert history.urn_change_sentence(officer, urn) is None
    assert manager.school_pieces(officer, ctx, urn, "all", ctx.latest) is None  # and audited
    with pytest.raises(PermissionError):
        notices.school_open_notices(officer, urn)
    assert manager.school_pieces(officer, ctx, other, "all", ctx.latest) is not None


def test_each_school_s_open_notices_are_the_county_s_open_rows_of_that_school(county):
    mgr = county["manager"]
    every = notices.county_notices(mgr)
    opened = every[every["status"].eq("open")]
    assert len(opened), "the generated county has open notices"
    for urn in sorted({int(u) for u in opened["urn"]})[:10] + county["urns"][:5]:
        expected = every[(every["urn"] == urn) & every["status"].eq("open")]
        pd.testing.assert_frame_equal(
            notices.school_open_notices(mgr, urn), expected.reset_index(drop=True)
        )


def _old_distribution(identity, urn, year, measure, **filters):
    """The per-school read the page made before (one query and one suppression per school)."""
    rows = pupils.db.run(pupils.db.current_build(), pupils.q.distribution, allowed=None, urn=urn,
                         time_period=year, measure=measure, disadvantaged=filters.get("disadvantaged"),
                         sen=None, eal=None, sex=None)  # fmt: skip
    summary = pupils._summary(rows, pupils.settings.suppression_threshold())
    points = rows[rows["progress"].notna()][["progress", "exceeds_estimate"]].reset_index(drop=True)
    return points, summary


def test_each_school_s_pupils_and_figures_are_what_its_own_reads_give(county):
    mgr = county["manager"]
    schools = pupils.schools_with_pupils(mgr)
    seen_hidden = seen_shown = 0
    for (urn, year, ks), _ in list(schools.groupby(["urn", "time_period", "key_stage"]))[::4]:
        measure = "ks4_progress8" if ks == "ks4" else "ks2_reading_progress"
        for dis in (None, True):
            dist = pupils.school_distribution(mgr, urn, year, measure, disadvantaged=dis)
            points, summary = _old_distribution(mgr, urn, year, measure, disadvantaged=dis)
            assert dist.summary["status_code"] == summary["status_code"]  # SUPP or None
            if summary["status_code"] == SUPPRESSED:
                seen_hidden += 1
                assert dist.points.empty
                continue
            seen_shown += 1
            assert dist.summary["pupils"] == summary["pupils"]
            assert dist.summary["mean"] == summary["mean"]  # exactly: the same sum, same order
            assert dist.summary["value_added_pct"] == summary["value_added_pct"]
            # the same values (exceeds_estimate is a nullable boolean when any school has a gap)
            pd.testing.assert_frame_equal(dist.points, points, check_dtype=False)
        whole = pupils.school_group_figures(mgr, urn)
        mine = whole[(whole["time_period"] == year) & (whole["measure"] == measure)]
        # the same values; a count column is Int64 in one school's rows when none is missing
        pd.testing.assert_frame_equal(
            pupils.school_group_figures_of(mgr, urn, year, measure), mine.reset_index(drop=True),
            check_dtype=False,
        )  # fmt: skip
    assert seen_hidden and seen_shown


def test_an_officer_gets_no_pupil_figures_of_a_school_a_manager_warmed(county):
    mgr = county["manager"]
    schools = pupils.schools_with_pupils(mgr)
    urn, year, ks = schools.iloc[0][["urn", "time_period", "key_stage"]]
    measure = "ks4_progress8" if ks == "ks4" else "ks2_reading_progress"
    assert len(pupils.school_group_figures_of(mgr, urn, year, measure))
    assert pupils.school_distribution(mgr, urn, year, measure).summary["pupils"]
    other = int(next(u for u in schools["urn"] if u != urn))
    officer = Identity("officer", "O", OFFICER, frozenset({other}))  # one school only
    assert pupils.school_group_figures_of(officer, urn, year, measure).empty
    dist = pupils.school_distribution(officer, urn, year, measure)  # the SQL keeps it out
    assert dist.points.empty and dist.summary["status_code"] == SUPPRESSED


def test_the_pupils_page_draws_a_school_s_distribution_when_its_group_is_not_small(county):
    """A shown summary's status_code is None (it came out of the frame as NaN, which the page took
    for a suppressed group: every school said "5 or fewer pupils match" and drew no chart)."""
    from tests.pages.helpers import login, page_text

    mgr = county["manager"]
    schools = pupils.schools_with_pupils(mgr)
    for row in schools.sort_values("pupils", ascending=False).to_dict("records"):
        measure = "ks4_progress8" if row["key_stage"] == "ks4" else "ks2_reading_progress"
        dist = pupils.school_distribution(mgr, row["urn"], row["time_period"], measure)
        if dist.summary["pupils"]:  # a year with progress scores (the estimates loaded)
            break
    assert dist.summary["status_code"] is None and dist.summary["pupils"] > 5
    at = login("manager", page="pupils")
    at.selectbox(key="pupils_urn").set_value(int(row["urn"])).run()
    at.selectbox(key="pupils_year").set_value(int(row["time_period"])).run()
    at.selectbox(key="pupils_measure").set_value(measure).run()
    assert not at.exception, at.exception
    text = page_text(at)
    assert f"{int(dist.summary['pupils'])} pupils: average progress" in text.replace("\\", "")
    assert "5 or fewer pupils match" not in text


def test_each_filter_s_schools_table_is_the_whole_table_s_rows_and_never_another_user_s(county):
    from dashboard import data_access
    from dashboard.components import schools_table

    mgr = county["manager"]
    options = data_access.filter_options(mgr)
    whole = data_access.list_schools_keyed(mgr)
    for column in ("district", "phase", "school_type"):
        for value in sorted(options[column].dropna().unique())[:4]:
            rows, key = data_access.list_schools_keyed(mgr, **{column: value})
            shown, picker = schools_table.tables(key, rows, whole)
            pd.testing.assert_frame_equal(shown, schools_table.shown_table(rows))
            assert dict(picker) == {
                int(u): f"{n} ({int(u)})" for u, n in zip(rows["urn"], rows["name"], strict=True)
            }
    district = sorted(options["district"].dropna().unique())[0]
    mine = int(data_access.list_schools(mgr, district=district)["urn"].iloc[-1])
    officer = Identity("officer", "O", OFFICER, frozenset({mine}))  # one school only
    rows, key = data_access.list_schools_keyed(officer, district=district)
    shown, picker = schools_table.tables(key, rows, data_access.list_schools_keyed(officer))
    assert list(picker) == [mine] and shown["URN"].tolist() == [str(mine)]


def test_a_school_s_row_by_position_is_its_row_of_the_list(county, monkeypatch):
    """``manager.school_row`` (the drill-down's row, taken by position) is the row the page took by
    comparing URNs, value for value and type for type, for every school, year and a pupil group;
    an officer's rows are their own list's, and a school outside it is not there."""
    mgr, ctx = county["manager"], county["ctx"]
    years = [int(y) for y in ctx.years["time_period"]][-2:]
    for year in years:
        for group in ("all", "disadvantaged"):
            df = manager.schools(mgr, ctx, year, group)
            for urn in [int(u) for u in df["urn"]]:
                old = df[df["urn"] == urn].iloc[0].to_dict()
                new = manager.school_row(mgr, ctx, year, urn, group)
                assert list(new) == list(old)
                assert [type(v) for v in new.values()] == [type(v) for v in old.values()]
                pd.testing.assert_series_equal(pd.Series(new, dtype=object),
                                               pd.Series(old, dtype=object))  # fmt: skip
    mine = county["urns"][:5]
    officer = Identity("o", "O", OFFICER, frozenset(mine))
    theirs = manager.schools(officer, ctx, ctx.latest)
    assert manager.school_row(officer, ctx, ctx.latest, mine[0])["urn"] == mine[0]
    assert len(theirs) == len(mine)
    with pytest.raises(KeyError):
        manager.school_row(officer, ctx, ctx.latest, county["urns"][-1])


def test_a_school_s_open_notices_keep_the_intelligence_guard(county):
    """The open notices check the school as ``school_for_intelligence`` does (without its row)."""
    mine = county["urns"][:5]
    officer = Identity("o", "O", OFFICER, frozenset(mine))
    notices.school_open_notices(officer, mine[0])
    with pytest.raises(PermissionError, match="Not one of this user's schools"):
        notices.school_open_notices(officer, county["urns"][-1])
    with pytest.raises(PermissionError, match="No such school"):
        notices.school_open_notices(county["manager"], 1)
    governor = identity_for("g", "G", "governor", mine[:1])
    with pytest.raises(PermissionError):
        notices.school_open_notices(governor, mine[0])
