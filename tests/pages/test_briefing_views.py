"""The briefing reads every area's headline measures in one query per build and user's schools
(issue 20) and hands out one area: an area's figures are those of its own schools, and what a
manager warmed is never served to an officer of other schools or, unsuppressed, to the briefing
role."""

import pandas as pd
import pytest

from dashboard import db
from dashboard.access import OFFICER, SUPPRESSED, Identity, identity_for
from dashboard.data_access import briefing


def _district_urns(district: str) -> frozenset[int]:
    def query(con):
        sql = "SELECT urn FROM schools s JOIN home_la h USING (la_code) WHERE s.district = ?"
        return frozenset(int(r[0]) for r in con.execute(sql, [district]).fetchall())

    return db.run(db.current_build(), query)


def test_an_areas_measures_are_its_own_schools_and_never_cross_users(county_env):
    m = identity_for("m", "M", "manager", [])
    districts = [str(d) for d in briefing.areas(m)["district"].dropna().unique()]
    warmed = {d: briefing.measures(m, d) for d in districts}  # every area cached for the manager
    county = briefing.measures(m, None)
    assert len(districts) >= 2 and not county.empty
    for district in districts[:3]:
        # an officer of exactly this district's schools: their whole county is this district
        officer = Identity("o", "O", OFFICER, _district_urns(district))
        theirs = briefing.measures(officer, None)
        pd.testing.assert_frame_equal(theirs, warmed[district])
        assert not theirs.equals(county)
        others = [d for d in districts if d != district]
        for other in others[:2]:  # another district holds none of the officer's schools
            assert briefing.measures(officer, other).empty
    assert all(not warmed[d].equals(warmed[districts[0]]) for d in districts[1:])


def test_measures_a_manager_warmed_reach_the_briefing_role_suppressed(county_env, monkeypatch):
    m = identity_for("m", "M", "manager", [])
    b = identity_for("b", "B", "briefing", [])
    district = str(briefing.areas(m)["district"].dropna().iloc[0])
    mine = briefing.measures(m, district)
    groups = mine[mine["cohort"].notna() & mine["value"].notna()]
    smallest = int(groups["cohort"].min())
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", str(smallest))
    shown = briefing.measures(b, district)
    hidden = shown["status_code"].eq(SUPPRESSED)
    assert hidden.any() and shown.loc[hidden, "value"].isna().all()
    assert (shown.loc[shown["value"].notna() & shown["cohort"].notna(), "cohort"] > smallest).all()
    assert mine["value"].notna().sum() > shown["value"].notna().sum()
    assert briefing.measures(m, district)["value"].notna().sum() == mine["value"].notna().sum()


def test_a_slides_table_is_kept_escaped_under_its_decks_key(county_env, monkeypatch):
    """The glance slide's table is drawn from one escaped copy per deck and slide: the same cells
    st.table was given before, and the briefing role's (suppressed) deck keeps its own."""
    from dashboard import briefing_screen, render

    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", "100000")  # every glance figure hidden
    roles = ("manager", "briefing")
    decks = {r: briefing.deck(identity_for(r, r, r, []), None, "County") for r in roles}
    number = next(n for n in range(1, decks["manager"].total + 1)
                  if decks["manager"].slide(n).table is not None)  # fmt: skip
    kept = {}
    for role, deck in decks.items():
        slide = deck.slide(number)
        kept[role] = briefing_screen.table_of(slide, "table", number, deck.key)
        pd.testing.assert_frame_equal(kept[role].frame, render.escaped(slide.table))
        assert briefing_screen.table_of(deck.slide(number), "table", number, deck.key) is kept[role]
        assert briefing_screen.table_of(slide, "table", number, None) is slide.table
    assert not kept["manager"].frame.equals(kept["briefing"].frame)


def test_every_areas_rows_sliced_in_one_pass_are_the_areas_own(county_env):
    """The glance and measures of each area are taken from one grouping of the query of every
    area: the same rows, in the same order, as filtering it for that area."""
    from warehouse.queries import briefing as briefing_q

    m = identity_for("m", "M", "manager", [])
    build = db.current_build()
    districts = [str(d) for d in briefing.areas(m)["district"].dropna().unique()]
    for every in (briefing._glance_all(build, None), briefing._measures_all(build, None)):
        sliced = briefing_q.every_area(every)
        assert set(sliced) >= {None, *districts}
        for area in (None, *districts):
            pd.testing.assert_frame_equal(sliced[area], briefing_q.area_rows(every, area))
        assert briefing_q.area_rows(every, "No such district").empty
    for area in (None, *districts):
        alone = briefing_q.glance_of(briefing._glance_all(build, None), area)
        pd.testing.assert_frame_equal(briefing.glance(m, area), alone)
    assert briefing.glance(m, "No such district").empty


def test_every_areas_slide_is_made_with_the_first_and_kept_per_user(county_env, monkeypatch):
    """Showing a slide makes the same slide of every area (built, escaped, its chart's spec), under
    each area's own deck key: a first choice of another area then builds and escapes nothing, and
    an officer of other schools or the suppressed briefing role gets their own slides."""
    from dashboard import briefing_screen, briefing_slides, render

    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", "100000")  # the briefing role's figures hidden
    m = identity_for("m", "M", "manager", [])
    districts = sorted(str(d) for d in briefing.areas(m)["district"].dropna().unique())
    made = {"slides": 0, "escaped": 0}
    build, escaped = briefing_slides.build_slide, render.Escaped

    def counting(name, real):
        def wrapper(*args, **kwargs):
            made[name] += 1
            return real(*args, **kwargs)

        return wrapper

    for cache in (briefing._slide, briefing_screen._every_area, briefing_screen._escaped):
        cache.clear()  # what earlier tests made
    monkeypatch.setattr(briefing_slides, "build_slide", counting("slides", build))
    monkeypatch.setattr(render, "Escaped", counting("escaped", escaped))
    for role in ("manager", "briefing"):
        who = identity_for(role, role, role, [])
        for number in (1, 2):
            first = briefing.deck(who, None, "County")
            briefing_screen.every_area(
                first, number, lambda w=who: briefing.decks(w, districts, "County")
            )
            assert made["slides"] == len(districts) + 1  # the county's slide and each district's
            made.update(slides=0, escaped=0)
            for deck in briefing.decks(who, districts, "County"):
                slide = deck.slide(number)
                if slide.table is not None:
                    briefing_screen.table_of(slide, "table", number, deck.key)
                if slide.chart_data is not None:
                    briefing_screen.table_of(slide, "chart_data", number, deck.key)
            briefing_screen.every_area(first, number, lambda: pytest.fail("made again"))
            assert made == {"slides": 0, "escaped": 0}
    manager_deck = briefing.deck(m, districts[0], "County")
    role_deck = briefing.deck(identity_for("b", "B", "briefing", []), districts[0], "County")
    assert manager_deck.key != role_deck.key
    officer = Identity("o", "O", OFFICER, _district_urns(districts[0]))
    assert briefing.deck(officer, districts[0], "County").key != manager_deck.key
    assert not manager_deck.slide(1).table.equals(role_deck.slide(1).table)
