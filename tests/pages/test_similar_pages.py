"""AppTest: the similar-schools comparison on the drill-down (managers, who can list the group) and on
the governor's profile (plain words, the group's size and average, never a name from the group), on
the fixture county built by the real ETL and model (issue 22)."""

from __future__ import annotations

import pytest

from dashboard.store import users
from tests.pages.helpers import login, open_sections, open_tab, page_text
from warehouse.connection import open_read_only, resolve_build

HEADING = "Compared with schools with a similar intake"


@pytest.fixture
def county(county_env, fixture_warehouse):  # noqa: ARG001 (county_env sets the environment)
    con = open_read_only(resolve_build(fixture_warehouse))
    try:
        names = dict(con.execute("SELECT urn, name FROM schools").fetchall())
        groups = {
            (u, tp, ks): members
            for u, tp, ks, members in con.execute(
                "SELECT urn, time_period, key_stage, list(similar_urn ORDER BY rank) "
                "FROM similar_school_groups GROUP BY ALL"
            ).fetchall()
        }
        yield {"names": names, "groups": groups}
    finally:
        con.close()


def _clean(text: str) -> str:
    return text.replace("\\", "")


def test_drill_down_shows_the_comparison_and_lists_the_group_on_request(county):
    at = open_sections(login("manager", page="priority"))  # the sortable table of every school
    listed = {int(u) for u in at.dataframe[0].value["URN"]}
    urn = min(u for u, _, _ in county["groups"] if u in listed)
    at.query_params["urn"] = str(urn)
    at.switch_page("../pages/school.py").run()
    assert not at.exception, at.exception
    text = _clean(page_text(open_tab(at, "Performance")))  # the comparison is in that tab
    assert f"URN {urn}" in text
    assert HEADING in text and "Similar schools' average" in text
    assert "the 30 schools with the most similar intake" in text
    latest = max(tp for u, tp, _ in county["groups"] if u == urn)
    ks = next(k for u, tp, k in county["groups"] if u == urn and tp == latest)
    members = county["groups"][(urn, latest, ks)]
    assert county["names"][members[0]] not in text  # not listed until asked
    at.toggle(key=f"similar_list_{urn}").set_value(True).run()
    assert not at.exception, at.exception
    listed = [t.value for t in at.table if "Distance" in t.value.columns]
    assert len(listed) == 1 and len(listed[0]) == 31
    assert [_clean(str(n)) for n in listed[0]["School"]][1:] == [
        county["names"][m] for m in members
    ]


def test_governor_profile_says_it_in_plain_words_and_never_names_the_group(county):
    for username in ("governor1", "governor2", "federation"):
        urns = users.get_user(username).urns
        at = open_sections(login(username, page="profile"))  # the table of the section too
        text = _clean(page_text(at))
        shown = min(urns)
        mine = [k for k in county["groups"] if k[0] in urns]
        if not any(k[0] == shown for k in mine):
            continue
        assert HEADING in text
        assert "schools with a similar intake" in text and "of the 30" in text
        assert "List the schools in the group" not in text
        others = {m for k in mine for m in county["groups"][k]} - set(urns)
        for other in others:
            assert county["names"][other] not in text, (username, other)
            assert str(other) not in text, (username, other)
