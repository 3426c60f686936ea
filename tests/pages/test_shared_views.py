"""Views computed once and shared between users (issue 20) never cross what a role may see: a
deck or set of averages a manager warmed is never served to the briefing role, and an entry made
in the app changes the shared overview on the next call, and a session's page never changes the
shared view it is handed."""

from datetime import date

import pandas as pd

from dashboard.access import OFFICER, SUPPRESSED, Identity, identity_for
from dashboard.data_access import briefing, manager, overview
from dashboard.store import notes
from tests.pages.helpers import login, open_sections
from warehouse import settings


def test_a_view_a_manager_warmed_is_never_served_to_the_briefing_role(county_env, monkeypatch):
    m = identity_for("m", "M", "manager", [])
    b = identity_for("b", "B", "briefing", [])
    la = str(briefing.areas(m)["la_name"].iloc[0])
    managers = briefing.district_comparison(m), briefing.deck(m, None, la)  # warm the caches
    # hide the smallest district cohort for the briefing role (the threshold is in the key too)
    smallest = int(managers[0].averages["cohort"].min())
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", str(smallest))
    averages, deck = briefing.district_comparison(b), briefing.deck(b, None, la)
    assert averages.key != managers[0].key and deck.key != managers[1].key
    small = averages.averages["status_code"].eq(SUPPRESSED)
    assert small.any() and averages.averages.loc[small, "value"].isna().all()
    shown = averages.averages[averages.averages["cohort"].notna()]
    assert (shown["cohort"] > settings.suppression_threshold()).all()
    assert managers[0].averages["value"].notna().sum() > averages.averages["value"].notna().sum()
    # the briefing deck names no school (SID_BRIEFING_NAMES_SCHOOLS=false), whatever was cached
    names = set(briefing.named_intensive(m, None)["name"].astype(str))
    text = "\n".join(deck.notes)
    assert names and not [n for n in names if n in text]
    assert any(n in "\n".join(managers[1].notes) for n in names)


def test_an_entry_made_in_the_app_changes_the_shared_overview_on_the_next_call(county_env):
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    before = overview.overview(m, ctx, {"year": ctx.latest})
    schools = manager.schools(m, ctx, ctx.latest)
    urn = int(schools.loc[schools["category"].eq("universal"), "urn"].iloc[0])
    notes.add_note(urn, "manager", "notice_of_concern", "Notice issued", on=date.today())
    after = overview.overview(m, ctx, {"year": ctx.latest})
    assert after.key != before.key

    def intensive(view: overview.Overview) -> int:
        return int(view.counts.loc[view.counts["category"].eq("intensive"), "schools"].sum())

    assert intensive(after) == intensive(before) + 1
    assert overview.overview(m, ctx, {"year": ctx.latest}).key == after.key  # cached again


def test_a_schools_pieces_a_manager_read_are_never_served_to_an_officer_of_other_schools(
    county_env,
):
    """The drill-down reads each piece of a school's history when its tab opens, cached on the
    build, the user's allowed schools, the school, the group and the year."""
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    schools = manager.schools(m, ctx, ctx.latest)
    pieces = {int(u): manager.school_pieces(m, ctx, int(u), "disadvantaged", ctx.latest)
              for u in schools["urn"].iloc[:20]}  # fmt: skip
    mine, other = [u for u, p in pieces.items() if not p["series"].empty][:2]  # now cached
    officer = Identity("officer", "O", OFFICER, frozenset({mine}))  # one school only
    assert manager.school_pieces(officer, ctx, other, "disadvantaged", ctx.latest) is None
    sneaked = manager.SchoolPieces(*_key(officer, other), "disadvantaged", ctx.latest)
    assert all(sneaked[name].empty for name in manager.SchoolPieces.NAMES)  # every piece refused
    own = manager.school_pieces(officer, ctx, mine, "disadvantaged", ctx.latest)
    theirs = manager.school_pieces(m, ctx, mine, "disadvantaged", ctx.latest)
    for name in manager.SchoolPieces.NAMES:
        pd.testing.assert_frame_equal(own[name], theirs[name])
    assert not own["series"].equals(own["census"]) or own["series"].empty  # group vs all pupils


def _key(identity, urn: int) -> tuple:
    from dashboard import db
    from dashboard.data_access.core import allowed_key

    return db.current_build(), allowed_key(identity), urn


def test_the_glance_of_every_area_a_manager_warmed_is_never_served_to_an_officer_of_one_school(
    county_env,
):
    """The briefing reads every area's glance in one query, cached on the build and the user's
    allowed schools, and slices the area shown: an officer of one school never gets the county's."""
    m = identity_for("manager", "M", "manager", [])
    areas = briefing.areas(m)
    district = str(areas["district"].iloc[0])
    county, mine_area = briefing.glance(m, None), briefing.glance(m, district)  # warm the cache
    schools = manager.schools(m, manager.context(m), manager.context(m).latest)
    mine = int(schools.loc[schools["district"].eq(district), "urn"].iloc[0])
    officer = Identity("officer", "O", OFFICER, frozenset({mine}))  # one school only
    for area in (None, district):
        seen = briefing.glance(officer, area)
        assert int(seen["schools"].sum()) == 1
    assert int(briefing.glance(officer, "no such district")["schools"].sum()) == 0
    # the manager's slices: the district's schools are some of the county's, none of another's
    assert 1 < int(mine_area["schools"].sum()) < int(county["schools"].sum())
    others = [d for d in areas["district"].astype(str) if d != district]
    assert sum(int(briefing.glance(m, d)["schools"].sum()) for d in [district, *others]) <= int(
        county["schools"].sum()
    )


def test_the_notices_screen_a_manager_warmed_is_never_served_to_an_officer_of_other_schools(
    county_env,
):
    """The notices page's counts, list and picker are made once per key of their rows; the key
    names the user's allowed schools and the store's entries."""
    from dashboard.components import notices_table
    from dashboard.data_access import notices

    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    schools = manager.schools(m, ctx, ctx.latest)
    mine, other = (int(u) for u in schools.loc[~schools["is_academy"], "urn"].iloc[:2])
    notices.issue_notice(m, other, issued_on=date.today(), concerns="Not the officer's school")
    rows, key = notices.county_notices_keyed(m)
    warmed = notices_table.screen(key, rows)  # the manager's screen, cached
    assert other in set(warmed.entry_urn.values())
    officer = Identity("officer", "O", OFFICER, frozenset({mine}))
    rows, officers_key = notices.county_notices_keyed(officer)
    seen = notices_table.screen(officers_key, rows)
    assert officers_key != key
    assert other not in set(seen.entry_urn.values()) and seen.open_notices < warmed.open_notices
    assert str(other) not in seen.whole_list.frame.to_string()
    notices.issue_notice(m, mine, issued_on=date.today(), concerns="A new one counts at once")
    rows, newer = notices.county_notices_keyed(officer)
    assert newer != officers_key and notices_table.screen(newer, rows).open_notices == (
        seen.open_notices + 1)  # fmt: skip


def test_drawing_the_overview_leaves_the_shared_view_as_it_was(county_env):
    """overview.overview hands every session the cached view itself (not a copy): the page, with
    every section open, a district, a phase and a pupil group chosen and the tables shown, must
    only read it."""
    m = identity_for("manager", "M", "manager", [])
    ctx = manager.context(m)
    district = manager.filter_options(m, ctx)["district"][0]
    views = {
        "county": overview.overview(m, ctx, {"year": ctx.latest}),
        "district": overview.overview(m, ctx, {"year": ctx.latest, "district": district}),
    }
    before = {
        (name, field): getattr(view, field).copy(deep=True)
        for name, view in views.items()
        for field in ("counts", "bands", "distribution", "boundaries", "shares", "points")
    }
    at = open_sections(login("manager", page="overview"))
    for key, value in (("filter_district", district), ("filter_group", "disadvantaged"),
                       ("filter_phase", "Primary"), ("filter_district", None)):  # fmt: skip
        at.selectbox(key=key).set_value(value).run()
        assert not at.exception, at.exception
        for toggle in at.toggle:  # every chart's "Show as table"
            toggle.set_value(True)
        at.run()
        assert not at.exception, at.exception
    assert overview.overview(m, ctx, {"year": ctx.latest}) is views["county"]  # the same object
    for (name, field), frame in before.items():
        pd.testing.assert_frame_equal(getattr(views[name], field), frame, obj=f"{name} {field}")
