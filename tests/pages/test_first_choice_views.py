"""What a first choice of a filter shows is made for every choice in one pass per view key (issue
20): each choice's piece equals the one made for that choice alone, and a piece made for one user
is never served to a user whose key differs."""

import dataclasses

import pandas as pd
import pytest

from dashboard import districts_screen, overview_screen, pupil_progress, readiness_screen
from dashboard.access import OFFICER, Identity, identity_for
from dashboard.components import charts
from dashboard.data_access import briefing, manager, overview, pupils, readiness
from tests.pages.test_briefing_views import _district_urns


def _same_spread(a: districts_screen.Spread, b: districts_screen.Spread) -> None:
    for field in dataclasses.fields(districts_screen.Spread):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y)
        else:
            assert x == y, field.name


def _spread_chart(comparison, chosen: str, s: districts_screen.Spread) -> dict:
    """The spread chart's spec built through Altair for this measure alone."""
    return charts.vega_lite_spec(
        charts.trend_chart.__wrapped__(
            s.long,
            title=f"Spread between districts: {s.name}",
            y_title="Spread",
            kind="number",
            series_title="Spread",
        )
    )


def test_every_measures_spread_and_chart_equal_the_measure_made_alone(county_env):
    for who in (identity_for("m", "M", "manager", []), identity_for("b", "B", "briefing", [])):
        comparison = briefing.district_comparison(who)
        every = districts_screen._spreads(comparison.key, comparison.averages)
        assert set(every) == set(comparison.measures) and len(every) >= 3
        for measure in comparison.measures:
            alone = districts_screen._spread.__wrapped__(
                comparison.key, measure, comparison.averages
            )
            _same_spread(districts_screen.spread(comparison, measure), alone)
            made = districts_screen._chart(comparison.key, measure, every[measure])
            made.pop("datasets"), made.pop("_deep", None)
            fresh = _spread_chart(comparison, measure, alone)
            fresh.pop("datasets")
            assert made == fresh


def test_an_officers_measures_are_not_the_managers(county_env):
    m = identity_for("m", "M", "manager", [])
    county = briefing.district_comparison(m)
    warmed = districts_screen._spreads(county.key, county.averages)
    district = str(briefing.areas(m)["district"].dropna().iloc[0])
    officer = Identity("o", "O", OFFICER, _district_urns(district))
    theirs = briefing.district_comparison(officer)
    assert theirs.key != county.key
    mine = districts_screen._spreads(theirs.key, theirs.averages)
    assert mine is not warmed
    differs = False
    for measure in theirs.measures:
        alone = districts_screen._spread.__wrapped__(theirs.key, measure, theirs.averages)
        _same_spread(mine[measure], alone)
        differs |= not mine[measure].wide.equals(warmed[measure].wide)
    assert differs  # one district's averages, not the county's


def _same_tables(a: tuple, b: tuple) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x[:-1] == y[:-1]
        pd.testing.assert_frame_equal(x[-1], y[-1])


def test_every_years_readiness_tables_equal_the_year_made_alone(county_env):
    for who in (identity_for("m", "M", "manager", []), identity_for("a", "A", "admin", [])):
        key = readiness.view_key(who)
        years = sorted(int(y) for y in readiness.triggers(who)["time_period"].unique())
        concern = readiness.concern_every_year(who)
        made = readiness_screen._concern_years(key, concern)
        assert len(made) >= 2 and any(n for t in made.values() for _, n, _ in t)
        for year in years:
            alone = readiness.schools_causing_concern(who, year)
            expected = readiness_screen._concern.__wrapped__(key, year, alone)
            _same_tables(made.get(year) or readiness_screen._concern(key, year, concern[None]),
                         expected)  # fmt: skip
        if who.role == "admin":
            continue
        for trigger, phase in (("T4_attainment", "primary"), ("T5_progress", "secondary")):
            behind = readiness_screen._behind_years(
                key, trigger, phase, readiness.trigger_schools_every_year(who, trigger, phase)
            )
            assert any(n for n, _ in behind.values())
            for year in years:
                alone = readiness.trigger_schools(who, trigger, phase, year)
                expected = readiness_screen._behind.__wrapped__(key, trigger, phase, year, alone)
                if year in behind:
                    _same_tables((behind[year],), (expected,))
                else:
                    assert expected[0] == 0


def test_an_officers_readiness_tables_are_their_schools(county_env):
    m = identity_for("m", "M", "manager", [])
    year = max(readiness.concern_every_year(m).keys() - {None})
    warmed = readiness_screen._concern_years(readiness.view_key(m), readiness.concern_every_year(m))
    urns = readiness.schools_causing_concern(m, year)["urn"].head(2).tolist()
    officer = Identity("o", "O", OFFICER, frozenset(int(u) for u in urns))
    key = readiness.view_key(officer)
    theirs = readiness_screen._concern_years(key, readiness.concern_every_year(officer))
    shown = {u for _, _, t in theirs[year] for u in t["URN"]}
    assert shown == {str(u) for u in urns} != {u for _, _, t in warmed[year] for u in t["URN"]}


def test_every_districts_overview_pieces_equal_the_district_made_alone(county_env):
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    districts = manager.filter_options(m, ctx)["district"]
    sliced = 0
    for others in ({}, {"phase": "Primary"}, {"school_type": "Maintained"}):
        for year in (ctx.latest, ctx.previous(ctx.latest)):
            for district in districts:
                view = overview.overview(m, ctx, {"year": year, "district": district, **others})
                assert view.whole is not None and view.whole.whole is None
                county = overview_screen.shown(view.whole, year)
                got = overview_screen._district_shown.__wrapped__(view.key, year, view, county)
                alone = overview_screen._shown.__wrapped__(view.key, year, view)
                assert overview_screen.shown(view, year).totals == alone.totals
                if got is None:
                    continue
                sliced += 1
                assert got.by is None and alone.by is None
                for field in dataclasses.fields(overview_screen.Shown):
                    x, y = getattr(got, field.name), getattr(alone, field.name)
                    if isinstance(x, pd.DataFrame):
                        pd.testing.assert_frame_equal(x, y, obj=field.name)
                    else:
                        assert x == y, field.name
                want = charts.category_segments(alone.by_district)[0]
                pd.testing.assert_frame_equal(got.segments, want)
    assert sliced > len(districts)  # most district views were sliced from the county's


def test_after_the_pupils_first_view_any_schools_first_view_runs_no_query(county_env, monkeypatch):
    m = identity_for("m", "M", "manager", [])
    schools = pupils.schools_with_pupils(m)
    key = pupils.view_key(m)
    views = pupil_progress.first_views(key, schools)
    for _urn, mine in schools.groupby("urn"):  # the page's defaults for each school
        year = int(mine["time_period"].max())
        stages = set(mine.loc[mine["time_period"] == year, "key_stage"])
        first = next(x for x in pupil_progress.PROGRESS_MEASURES if x[:3] in stages)
        assert (year, first) in views
    pupils.read_views(m, views)
    runs = []
    real = pupils.db.run
    monkeypatch.setattr(pupils.db, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    audits = []
    monkeypatch.setattr(pupils.audit, "record_view", lambda *a, **k: audits.append(a))
    pupils.read_views(m, views)
    assert not audits  # reading is not viewing a school
    for year, measure in views:
        urn = int(schools.loc[schools["time_period"] == year, "urn"].iloc[0])
        pupils.school_distribution(m, urn, year, measure)
        pupils.school_group_figures_of(m, urn, year, measure)
    assert not runs and len(audits) == len(views)


def test_after_the_drill_downs_first_view_a_schools_checks_run_no_query(county_env, monkeypatch):
    from dashboard import data_access, db
    from dashboard.data_access import history, notices
    from dashboard.store import audit

    m = identity_for("m", "M", "manager", [])
    ctx = manager.context(m)
    audits = []
    monkeypatch.setattr(audit, "record_view", lambda *a, **k: audits.append(a))
    manager.read_every_school(m, ctx)
    assert not audits  # reading is not viewing a school
    runs = []
    real = db.run
    monkeypatch.setattr(db, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    rows = data_access.list_schools(m)
    urns = rows["urn"].head(20).tolist()
    for urn in urns:
        got = data_access.school_for_intelligence(m, urn)
        before = rows[rows["urn"] == urn].iloc[0].to_dict()  # what it returned before
        assert list(got) == list(before) and pd.Series(got).equals(pd.Series(before))
        notices.school_open_notices(m, urn)
        history.urn_change_sentence(m, urn)
    assert manager._model_urns(db.current_build(), None, ctx.la_code)
    assert not runs
    with pytest.raises(PermissionError):
        data_access.school_for_intelligence(m, 1)  # not a school of the warehouse
    officer = Identity("o", "O", OFFICER, frozenset(int(u) for u in urns[:2]))
    with pytest.raises(PermissionError):
        data_access.school_for_intelligence(officer, urns[5])  # a school the manager warmed
