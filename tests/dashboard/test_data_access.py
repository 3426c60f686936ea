"""The data-access layer: rows restricted by identity in SQL, roles checked, suppression, audit."""

import json
from pathlib import Path

import pytest

from dashboard import access, data_access
from dashboard.access import SUPPRESSED, identity_for
from dashboard.store import audit, notes, users
from tests.dashboard import tiny_warehouse
from warehouse.connection import swap_pointer

ALL_URNS = {s[0] for s in tiny_warehouse.SCHOOLS}
ROOT = Path(__file__).resolve().parents[2]


def who(username):
    u = users.get_user(username)
    return identity_for(u.username, u.display_name, u.role, u.urns)


@pytest.fixture
def governors(dash_env):
    return [who(u.username) for u in users.list_users() if u.role == access.GOVERNOR]


def test_managers_see_every_school(dash_env):
    assert set(data_access.list_schools(who("manager"))["urn"]) == ALL_URNS


def test_each_governor_sees_only_their_schools_whatever_the_filters(governors):
    assert len(governors) == 3 and any(len(g.allowed_urns) == 2 for g in governors)
    for gov in governors:
        assert set(data_access.list_schools(gov)["urn"]) == gov.allowed_urns
        for district in ("Northfield", "Southvale", "Westfield", None):
            for phase in ("Primary", "Secondary", None):
                urns = set(data_access.list_schools(gov, district=district, phase=phase)["urn"])
                assert urns <= gov.allowed_urns
        options = data_access.filter_options(gov)
        assert len(options) <= len(gov.allowed_urns)
        assert data_access.school_counts(gov)["schools"].sum() == len(gov.allowed_urns)


def test_a_governor_cannot_open_another_school_and_the_attempt_is_audited(governors):
    for gov in governors:
        for urn in ALL_URNS - gov.allowed_urns:
            assert data_access.school_profile(gov, urn) is None
        entries = audit.entries(username=gov.username, action="view_school")
        assert all(e["detail"] == "not found or not permitted" for e in entries)
        own = sorted(gov.allowed_urns)[0]
        assert data_access.school_profile(gov, own).school["urn"] == own
        assert audit.entries(username=gov.username, action="view_school")[0]["detail"] is None


def test_governors_get_small_cohorts_suppressed_managers_do_not(dash_env):
    gov = who("governor1")
    urn = sorted(gov.allowed_urns)[0]
    profile = data_access.school_profile(gov, urn)
    measures = profile.measures
    small = measures[measures["status_code"] != SUPPRESSED]
    assert (small["cohort"].dropna() > 5).all()
    if urn == 100001:  # disadvantaged 4 -> primary; non_disadvantaged 26 -> secondary
        assert set(measures.loc[measures["status_code"] == SUPPRESSED, "pupil_group"]) == {
            "disadvantaged",
            "non_disadvantaged",
        }
    full = data_access.school_profile(who("manager"), 100001).measures
    assert SUPPRESSED not in set(full["status_code"].dropna())
    assert 4 in set(full["cohort"])


def test_briefing_sees_aggregates_and_names_only_when_the_setting_allows(dash_env, monkeypatch):
    briefing = who("briefing")
    with pytest.raises(PermissionError):
        data_access.list_schools(briefing)
    with pytest.raises(PermissionError):
        data_access.school_profile(briefing, 100001)
    assert data_access.school_counts(briefing)["schools"].sum() == len(ALL_URNS)
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "true")
    assert len(data_access.list_schools(briefing)) == len(ALL_URNS)
    measures = data_access.school_profile(briefing, 100001).measures
    assert SUPPRESSED in set(measures["status_code"])


def test_intelligence_refused_to_governor_briefing_admin_and_in_a_governor_deployment(
    dash_env, monkeypatch
):
    notes.add_note(100001, "officer", "concern", "Confidential staffing worry")
    assert list(data_access.school_notes(who("officer"), 100001)["text"]) == [
        "Confidential staffing worry"
    ]
    for name in ("governor1", "federation", "briefing", "admin"):
        with pytest.raises(PermissionError):
            data_access.school_notes(who(name), 100001)
        with pytest.raises(PermissionError):
            data_access.add_school_note(who(name), 100001, "note", "x")
    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    with pytest.raises(PermissionError):
        data_access.school_notes(who("manager"), 100001)
    # the warehouse without intelligence tables still serves everything else
    assert len(data_access.list_schools(who("manager"))) == len(ALL_URNS)


def test_a_note_is_written_only_against_a_school_of_the_users_that_exists(dash_env):
    officer = who("officer")
    missing = max(ALL_URNS) + 999_999
    with pytest.raises(PermissionError, match="No such school"):
        data_access.add_school_note(officer, missing, "note", "typed against a made-up URN")
    scoped = access.Identity("officer", "Officer", access.OFFICER, frozenset({min(ALL_URNS)}))
    other = max(ALL_URNS)
    with pytest.raises(PermissionError, match="Not one of this user's schools"):
        data_access.add_school_note(scoped, other, "note", "typed against another school")
    assert notes.notes_for([missing, other]) == []  # nothing written by the refused calls
    data_access.add_school_note(scoped, min(ALL_URNS), "note", "allowed")
    assert [n["text"] for n in notes.notes_for([min(ALL_URNS)])] == ["allowed"]


def test_admin_functions_are_for_admins_only(dash_env):
    for name in ("manager", "officer", "governor1", "briefing"):
        for call in (data_access.list_users, data_access.audit_entries, data_access.load_reports):
            with pytest.raises(PermissionError):
                call(who(name))
        with pytest.raises(PermissionError):
            data_access.create_user(who(name), "x", "X", "manager", "long enough", [])
    admin = who("admin")
    data_access.create_user(admin, "newgov", "New", "governor", "long enough", [200001])
    assert who("newgov").allowed_urns == frozenset({200001})
    data_access.update_user(admin, "newgov", "governor", [100006], True)
    assert who("newgov").allowed_urns == frozenset({100006})
    with pytest.raises(ValueError):
        data_access.update_user(admin, "admin", "manager", [], True)
    assert [e["action"] for e in audit.entries(username="admin")][:2] == ["admin_change"] * 2


def test_not_signed_in_is_refused(dash_env):
    with pytest.raises(PermissionError):
        data_access.list_schools(None)
    with pytest.raises(PermissionError):
        data_access.list_schools({"role": "manager", "allowed_urns": None})


def test_exports_are_audited(dash_env):
    data_access.record_export(who("governor2"), "schools list", rows=1)
    entry = audit.entries(action="export")[0]
    assert entry["username"] == "governor2" and entry["detail"] == "schools list (1 rows)"


def test_load_reports_newest_first(dash_env):
    path = Path(dash_env["warehouse"]).parent / "load_reports.jsonl"
    path.write_text(
        json.dumps({"run_id": "a", "rows": 1})
        + "\nnot json\n"
        + json.dumps({"run_id": "b", "rows": 2})
        + "\n"
    )
    try:
        assert list(data_access.load_reports(who("admin"))["run_id"]) == ["b", "a"]
        # the frames are made once per state of the file: a load's new line shows on the next call
        with path.open("a", encoding="utf-8") as f:
            f.write(
                json.dumps(
                    {
                        "run_id": "c",
                        "rows": 3,
                        "files": [
                            {"file_name": "odd.csv", "action": "skipped", "note": "not recognised"}
                        ],
                    }
                )
                + "\n"
            )
        assert list(data_access.load_reports(who("admin"))["run_id"]) == ["c", "b", "a"]
        skipped = data_access.files_not_loaded(who("admin"))
        assert skipped[["Load", "File or sheet"]].values.tolist() == [["c", "odd.csv"]]
    finally:
        path.unlink()
    assert data_access.load_reports(who("admin")).empty


def test_a_new_load_is_seen_on_the_next_call(tmp_path, monkeypatch, dash_env):
    pointer = tiny_warehouse.build(tmp_path, "first", tiny_warehouse.SCHOOLS[:2])
    monkeypatch.setenv("SID_WAREHOUSE", str(pointer))
    manager = who("manager")
    assert len(data_access.list_schools(manager)) == 2
    second = tiny_warehouse.build(tmp_path / "next", "second", tiny_warehouse.SCHOOLS[:3])
    swap_pointer(pointer, second.resolve())
    assert len(data_access.list_schools(manager)) == 3


def test_query_code_binds_parameters_and_pages_hold_no_sql():
    for path in (ROOT / "warehouse" / "queries").glob("*.py"):
        text = path.read_text()
        assert ".format(" not in text and 'f"SELECT' not in text and "f'SELECT" not in text
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text()
        assert "duckdb" not in text and "sqlite3" not in text and "SELECT " not in text
        assert "unsafe_allow_html" not in text


def test_visits_notices_and_dfe_concerns_are_refused_to_every_role_but_managers_and_officers(
    dash_env, monkeypatch
):
    from datetime import date

    from dashboard.data_access import notices as data
    from dashboard.store import notices

    nid = notices.issue_notice(100001, "officer", issued_on=date.today(), concerns="Secret")
    manager = who("manager")
    assert data.county_notices(manager)["id"].tolist() == [nid]
    assert data.is_academy(manager, 100002) and not data.is_academy(manager, 100001)
    with pytest.raises(ValueError, match="academy"):
        data.issue_notice(manager, 100002, issued_on=date.today(), concerns="x")
    with pytest.raises(ValueError, match="maintained"):
        data.raise_with_dfe(manager, 100001, raised_on=date.today(),
                            raised_with="DfE regions group", concerns="x")  # fmt: skip
    with pytest.raises(PermissionError):  # an id is never trusted: it belongs to 100001
        data.notice_step(manager, 100002, nid, 1, "meeting", met_on=date.today(),
                         head_present=True, chair_present=True, notes="x")  # fmt: skip
    calls = (
        lambda i: data.county_notices(i),
        lambda i: data.school_entries(i, 100001),
        lambda i: data.add_visit(
            i, 100001, on=date.today(), officer="x", visit_type="support", summary="x", rag=None
        ),  # fmt: skip
        lambda i: data.issue_notice(i, 100001, issued_on=date.today(), concerns="x"),
        lambda i: data.notice_step(
            i, 100001, nid, 1, "review", reviewed_on=date.today(), outcome="lifted", summary="x"
        ),  # fmt: skip
        lambda i: data.withdraw(i, 100001, nid, 1, "x"),
    )
    for name in ("governor1", "federation", "briefing", "admin"):
        for call in calls:
            with pytest.raises(PermissionError):
                call(who(name))
    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    for call in calls:
        with pytest.raises(PermissionError):
            call(manager)
    assert notes.get_note(nid)["version"] == 1  # nothing any refused caller tried was written
