"""The county overview's district views are rows of the whole county's figures, computed once per
view of the other filters (issue 20), and those are counted from rows made once per year: each
must equal the figures computed by the pandas definitions (category_counts, band_counts,
map_figures...) for the filtered schools alone, and the shared county figures never cross the
key's parts (intelligence, entries)."""

from datetime import date

import pandas as pd
import pytest

from dashboard import db
from dashboard.access import identity_for
from dashboard.data_access import manager, overview
from dashboard.store import notes
from warehouse import settings


def _direct(m, ctx, f: dict) -> dict[str, pd.DataFrame]:
    """The figures computed the way the page did before: for the filtered schools alone."""
    year = int(f["year"])
    prev = ctx.previous(year)
    now = manager.schools(m, ctx, year)
    before = manager.schools(m, ctx, prev) if prev is not None else None
    build, allowed = db.current_build(), None

    def bands(y):
        return None if y is None else overview._bands(build, allowed, ctx.la_code, y)

    shares, points = overview.map_figures(now, f)  # every district, whatever the district filter
    return {
        "counts": overview.category_counts(now, before, f),
        "bands": overview.band_counts(now, before, bands(year), bands(prev), f),
        "distribution": overview.achievement_distribution(now, f),
        "shares": shares,
        "points": points,
    }


@pytest.mark.parametrize(
    "others",
    [{}, {"phase": "Primary"}, {"school_type": "Maintained", "category": "universal"},
     {"phase": "Secondary", "school_type": "Academy or free school"}],
)  # fmt: skip
def test_every_district_view_equals_the_figures_computed_for_that_district(county_env, others):
    """Each choice of the other filters counts the rows of its year's schools and bands with
    their filter columns (overview._year, made once per year): the figures equal those computed
    from the whole frames for the filtered schools alone, for the county and every district."""
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    options = manager.filter_options(m, ctx)
    assert len(options["district"]) > 1
    for year in (ctx.latest, min(options["year"])):
        county = overview.overview(m, ctx, {"year": year, **others})
        want = _direct(m, ctx, {"year": year, **others})
        for name, frame in want.items():
            pd.testing.assert_frame_equal(getattr(county, name), frame, obj=f"{name} {others}")
        for district in options["district"]:
            f = {"year": year, "district": district, **others}
            view = overview.overview(m, ctx, f)
            want = _direct(m, ctx, f)
            for name, frame in want.items():
                pd.testing.assert_frame_equal(getattr(view, name), frame, obj=f"{name} {f}")
            # the map always shows the whole county, whichever district is chosen
            assert view.map_key == county.map_key
            pd.testing.assert_frame_equal(view.shares, county.shares)
            assert view.key != county.key


def test_district_views_follow_an_entry_made_in_the_app_at_once(county_env):
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    schools = manager.schools(m, ctx, ctx.latest)
    row = schools[schools["category"].eq("universal") & schools["district"].notna()].iloc[0]
    f = {"year": ctx.latest, "district": str(row["district"])}
    before = overview.overview(m, ctx, f)
    notes.add_note(int(row["urn"]), "manager", "notice_of_concern", "Notice", on=date.today())
    after = overview.overview(m, ctx, f)

    def intensive(view: overview.Overview) -> int:
        return int(view.counts.loc[view.counts["category"].eq("intensive"), "schools"].sum())

    assert after.key != before.key and intensive(after) == intensive(before) + 1


def test_county_figures_warmed_with_intelligence_are_not_served_without_it(county_env, monkeypatch):
    """The county figures behind every district view are keyed by whether the role sees soft
    intelligence (an entry made in the app counts only then): a district view warmed in a full
    deployment is not served where intelligence is switched off."""
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    schools = manager.schools(m, ctx, ctx.latest)
    row = schools[schools["category"].eq("universal") & schools["district"].notna()].iloc[0]
    notes.add_note(int(row["urn"]), "manager", "notice_of_concern", "Notice", on=date.today())
    f = {"year": ctx.latest, "district": str(row["district"])}
    warmed = overview.overview(m, ctx, f)
    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    assert settings.deployment() == "governor"
    other = overview.overview(m, ctx, f)
    assert other.key != warmed.key
    pd.testing.assert_frame_equal(other.counts, _direct(m, ctx, f)["counts"])

    def intensive(view: overview.Overview) -> int:
        return int(view.counts.loc[view.counts["category"].eq("intensive"), "schools"].sum())

    assert intensive(other) == intensive(warmed) - 1


def test_year_rows_a_manager_warmed_are_never_counted_for_an_officer_of_three_schools(county_env):
    """The rows each choice counts (overview._year, _year_tuples) are made once per year and key,
    the user's allowed schools in it: an officer of three schools choosing the same year and
    phase after the manager counts their three schools only, in every figure."""
    from dashboard.access import Identity

    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    schools = manager.schools(m, ctx, ctx.latest)
    phase = str(schools["phase"].mode().iloc[0])
    three = [int(u) for u in schools.loc[schools["phase"].eq(phase), "urn"].iloc[[0, 5, 9]]]
    officer = Identity("officer3", "O", "officer", frozenset(three))
    for f in ({"year": ctx.latest}, {"year": ctx.latest, "phase": phase}):
        warmed = overview.overview(m, ctx, f)
        mine = overview.overview(officer, ctx, f)
        assert mine.key != warmed.key and int(warmed.counts["schools"].sum()) > 3
        assert int(mine.counts["schools"].sum()) == 3
        assert int(mine.shares["schools"].sum()) <= 3
        assert set(mine.points["urn"].astype(int)) <= set(three)
        assert set(mine.distribution["urn"].astype(int)) <= set(three)
        per_heading = mine.bands.groupby("heading")["schools"].sum()
        assert len(per_heading) and (per_heading <= 3).all()
        pd.testing.assert_frame_equal(mine.counts, _direct(officer, ctx, f)["counts"])


def test_a_districts_bands_keep_the_headings_it_has_a_school_under_this_year():
    """_headings_of_year (compared in Python) keeps the rows the pandas masks kept, in order."""
    _headings_of_year = overview._headings_of_year
    out = pd.DataFrame({
        "heading": ["ks2", "ks2", "ks4", "ks4", "similar"], "band": [1, 2, 1, 2, 1],
        "schools": [0, 0, 3, 0, 1], "last_year": [2, 1, 3, 0, 0],
    }, index=[7, 3, 9, 1, 4])  # fmt: skip
    kept = _headings_of_year(out)
    want = out[out["heading"].isin({"ks4", "similar"})].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, want)
    every = out.assign(schools=[1, 0, 3, 0, 1])
    pd.testing.assert_frame_equal(_headings_of_year(every), every.reset_index(drop=True))
