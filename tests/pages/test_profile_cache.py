"""The governor profile is made once and kept (issue 20): the cached profile and its page view never
reach another school, another role or an out-of-date setting, a caller cannot change what the next
user is served, and every view is still audited."""

from __future__ import annotations

import pandas as pd

from dashboard import profile_view, render
from dashboard.access import GOVERNOR, SUPPRESSED, identity_for
from dashboard.data_access import governor, pupils
from dashboard.data_access import similar as similar_data
from dashboard.store import audit, users
from tests.dashboard.tiny_warehouse import NAMES
from tests.pages.helpers import login, open_sections, page_text
from tests.pages.test_attacks import MARKER, assert_only_own


def _who(username: str):
    u = users.get_user(username)
    return identity_for(u.username, u.display_name, u.role, u.urns)


def _governors() -> list:
    return [_who(u.username) for u in users.list_users() if u.role == GOVERNOR]


def _view(identity, urn):
    profile = governor.school_profile(identity, urn)
    return profile_view.view(
        profile,
        similar_data.comparison(identity, urn),
        pupils.school_group_figures(identity, urn),
    )


def test_warm_caches_show_each_governor_only_their_own_schools(dash_env):
    govs = _governors()
    manager = _who("manager")
    for urn in NAMES:  # every school's profile cached for a manager first (no suppression)
        governor.school_profile(manager, urn)
    for gov in govs:  # and each governor's own, so every later page below reads warm caches
        for urn in gov.allowed_urns:
            _view(gov, urn)
    for gov in govs:
        for urn in sorted(gov.allowed_urns):
            at = open_sections(login(gov.username, page="profile"))  # every section open
            if len(gov.allowed_urns) > 1:
                at.selectbox(key="profile_urn").set_value(urn).run()
            assert_only_own(at, gov.allowed_urns)
            assert MARKER[urn] in page_text(at)


def test_a_governor_moved_to_another_school_sees_only_the_new_one(dash_env):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    old = next(iter(gov.allowed_urns))
    new = next(u for u in NAMES if u != old)
    assert governor.school_profile(gov, old) is not None  # cached under the old schools
    users.set_role_and_schools(gov.username, GOVERNOR, {new})
    moved = _who(gov.username)
    assert governor.school_profile(moved, old) is None
    at = open_sections(login(gov.username, page="profile"))
    assert_only_own(at, {new})
    assert MARKER[new] in page_text(at) and MARKER[old] not in page_text(at)


def test_suppression_differs_by_role_on_the_same_school(county_env, monkeypatch):
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", "1000")  # every group with a count is small
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    for _ in range(2):  # the second round reads the caches
        shown = governor.school_profile(gov, urn).measures
        full = governor.school_profile(_who("manager"), urn).measures
        assert (shown["status_code"] == SUPPRESSED).any()
        assert not (full["status_code"] == SUPPRESSED).any()
        assert full["cohort"].notna().sum() > shown["cohort"].notna().sum()


def test_a_changed_threshold_applies_to_a_cached_profile_view_and_pupil_figures(
    county_env, monkeypatch
):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))

    def hidden(view, figures) -> int:
        tables = [ks.headline.frame for ks in view.key_stages]
        tables += [ks.groups.frame for ks in view.key_stages if ks.groups is not None]
        tables += [t.frame for _, t in view.pupils or ()]
        cells = sum(int(t.map(lambda v: "SUPP" in str(v)).sum().sum()) for t in tables)
        return cells + int((figures["status_code"] == SUPPRESSED).sum())

    before = hidden(_view(gov, urn), pupils.school_group_figures(gov, urn))
    monkeypatch.setenv("SID_SUPPRESSION_THRESHOLD", "1000")  # every group is small now
    profile = governor.school_profile(gov, urn)
    figures = pupils.school_group_figures(gov, urn)
    assert hidden(_view(gov, urn), figures) > before
    counted = profile.measures[profile.measures["status_code"] != SUPPRESSED]
    assert (pd.to_numeric(counted["cohort"], errors="coerce").dropna() > 1000).all()
    assert figures["pupils"].dropna().empty


def test_a_caller_changing_its_profile_changes_nothing_for_the_next(county_env):
    gov = next(g for g in _governors() if len(g.allowed_urns) == 1)
    urn = next(iter(gov.allowed_urns))
    first = governor.school_profile(gov, urn)
    assert len(first.measures) and first.support is not None
    kept = first.measures.copy(deep=True)
    name = first.school["name"]
    reasons = list(first.support.reasons) if first.support else []
    first.measures["value"] = -1.0
    first.measures.loc[:, "cohort"] = 999
    first.school["name"] = "Changed"
    if first.support:
        first.support.reasons.append("changed")
    second = governor.school_profile(gov, urn)
    pd.testing.assert_frame_equal(second.measures, kept)
    assert second.school["name"] == name
    assert (list(second.support.reasons) if second.support else []) == reasons


def test_every_view_of_a_cached_profile_is_audited(dash_env, monkeypatch):
    gov = _who("governor1")
    urn = sorted(gov.allowed_urns)[0]
    other = next(u for u in NAMES if u not in gov.allowed_urns)
    seen: list[tuple] = []
    record = audit.record_view
    monkeypatch.setattr(
        audit, "record_view", lambda *a, **k: (seen.append(a[2:]), record(*a, **k))[1]
    )
    for _ in range(3):  # the first call fills the cache, the others read it: all are audited
        governor.school_profile(gov, urn)
        governor.school_profile(gov, other)
    assert seen == [(urn,), (other, "not permitted")] * 3


def test_an_escaped_table_is_always_escaped():
    raw = pd.DataFrame({"[link](http://x)": ["**bold** <b>", None], "n": [1, 2]})
    table = render.Escaped(raw)
    pd.testing.assert_frame_equal(table.frame, render.escaped(raw))
    assert "\\[link\\]" in table.frame.columns[0] and table.frame.iloc[0, 0].startswith("\\*\\*")


def test_an_escaped_table_draws_the_same_table_as_the_frame():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd

        from dashboard import render

        df = pd.DataFrame(
            {"Measure": ["a_b *c*", None], "School": ["61%", "SUPP (small group)"], "n": [1, 2]}
        )
        render.safe_table(df, hide_index=True)
        render.safe_table(render.Escaped(df), hide_index=True)

    at = AppTest.from_function(page).run()
    assert not at.exception
    first, second = (t.value for t in at.table)
    pd.testing.assert_frame_equal(first, second)
    assert at.table[0].proto.arrow_data.data == at.table[1].proto.arrow_data.data


def test_warming_a_federations_other_schools_records_no_view_and_builds_none_for_others(
    dash_env, monkeypatch
):
    fed = next(g for g in _governors() if len(g.allowed_urns) > 1)
    other = next(u for u in NAMES if u not in fed.allowed_urns)
    seen: list[tuple] = []
    record = audit.record_view
    monkeypatch.setattr(
        audit, "record_view", lambda *a, **k: (seen.append(a[2:]), record(*a, **k))[1]
    )
    built: list[int] = []
    make = profile_view.build
    monkeypatch.setattr(
        profile_view, "build", lambda p, *a: (built.append(int(p.school["urn"])), make(p, *a))[1]
    )
    profile_view.warm(fed, [*sorted(fed.allowed_urns), other])
    assert seen == []  # made ready, not shown: no view recorded
    assert other not in built and set(built) <= fed.allowed_urns
    at = login(fed.username, page="profile")  # each run records the school it shows, only that
    assert_only_own(at, fed.allowed_urns)
    assert {s for s in seen if s[0] in fed.allowed_urns} == {(min(fed.allowed_urns),)}
