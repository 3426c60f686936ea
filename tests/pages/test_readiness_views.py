"""The readiness page reads every year's schools behind a trigger and schools causing concern in
one query per build, user's schools and kind of role (issue 20), then hands out one year: the
year's rows are the single-year query's, and what one user warmed is never served to a role that
reads less or to a user of other schools."""

import pandas as pd

from dashboard import db
from dashboard.access import OFFICER, Identity, identity_for
from dashboard.data_access import readiness
from warehouse.queries import readiness as readiness_q


def _query(fn, **params) -> pd.DataFrame:
    return db.run(db.current_build(), fn, **params)


def _years(identity) -> list[int]:
    return sorted(int(y) for y in readiness.triggers(identity)["time_period"].unique())


def test_each_years_rows_are_the_single_year_query(county_env):
    m = identity_for("m", "M", "manager", [])
    seen = 0
    for year in _years(m):
        for trigger, phase in (("T4_attainment", "primary"), ("T5_progress", "secondary")):
            alone = _query(
                readiness_q.trigger_schools,
                allowed=None, trigger_id=trigger, phase=phase, time_period=year,
            )  # fmt: skip
            got = readiness.trigger_schools(m, trigger, phase, year)
            pd.testing.assert_frame_equal(
                got, alone.drop(columns=["time_period"]), check_dtype=False
            )
            seen += len(got)
        alone = _query(readiness_q.schools_causing_concern, allowed=None, time_period=year)
        got = readiness.schools_causing_concern(m, year)
        mine = alone.drop(columns=["reasons", "governor_reasons"])
        pd.testing.assert_frame_equal(got.drop(columns=["reasons"]), mine, check_dtype=False)
        seen += len(got)
    assert seen  # the fixture county has schools behind triggers and causing concern
    latest = readiness.schools_causing_concern(m)
    pd.testing.assert_frame_equal(latest, readiness.schools_causing_concern(m, _years(m)[-1]))


def test_every_years_lists_a_manager_warmed_are_never_served_across_roles_or_schools(county_env):
    m = identity_for("m", "M", "manager", [])
    years = _years(m)
    warmed = {y: readiness.schools_causing_concern(m, y) for y in years}  # cached every year
    behind = {y: readiness.trigger_schools(m, "T4_attainment", "primary", y) for y in years}
    year = max(years, key=lambda y: len(warmed[y]))
    # the admin role reads the reasons a governor could read, never the council's intelligence
    admin = readiness.schools_causing_concern(identity_for("a", "A", "admin", []), year)
    raw = _query(readiness_q.schools_causing_concern, allowed=None, time_period=year)
    fit = raw["governor_reasons"].map(lambda rs: "; ".join(rs) if rs is not None else "")
    assert admin["reasons"].tolist() == fit.tolist()
    assert admin["reasons"].tolist() != warmed[year]["reasons"].tolist()
    # an officer of two schools sees only those, in every year, after the manager warmed them all
    two = frozenset(int(u) for u in warmed[year]["urn"].iloc[:2])
    officer = Identity("o", "O", OFFICER, two)
    for y in years:
        assert set(readiness.schools_causing_concern(officer, y)["urn"]) <= two
        assert set(readiness.trigger_schools(officer, "T4_attainment", "primary", y)["urn"]) <= two
    assert len(two) == 2 and set(readiness.schools_causing_concern(officer, year)["urn"]) == two
    assert any(len(b) > 2 for b in behind.values())  # the manager's lists were wider


def test_the_pages_tables_are_the_escaped_frames_for_every_year_and_role(county_env):
    """Each table is converted to Arrow once per view key and choice: what the page draws is the
    screen's escaped frame of that year, and an admin after a manager draws its own reasons."""
    from dashboard import readiness_screen as screen
    from tests.pages.helpers import login

    drawn = {}
    for username in ("manager", "admin"):
        who = identity_for(username, username, username, [])
        key, concern = readiness.view_key(who), readiness.concern_every_year(who)
        at = login(username, page="readiness")
        for year in _years(who):
            at.selectbox(key="ready_year").set_value(year).run()
            assert not at.exception
            every = screen._trigger_tables(key, readiness.triggers(who))
            tables = [t.value for t in at.table]
            for (_, frame), got in zip(every[year], tables, strict=False):
                pd.testing.assert_frame_equal(got, frame, check_index_type=False)
            made = screen._concern_years(key, concern).get(year) or ()
            got = [d.value for d in at.dataframe]
            assert len(got) == len(made) == 2
            for (_, _, frame), value in zip(made, got, strict=True):
                pd.testing.assert_frame_equal(value, frame, check_index_type=False)
            drawn[username, year] = got
    year = max(_years(identity_for("m", "M", "manager", [])))
    assert any(
        not m.equals(a)
        for m, a in zip(*(drawn[u, year] for u in ("manager", "admin")), strict=True)
    )
