"""AppTest: the visit plan page on the fixture county (real ETL + model). A manager picks schools
from the priority list into a termly plan against the officer's capacity; visits are marked done
(writing the visit note) or cancelled; the exports hold what the page shows; officers change only
their own plan; an edit made from a stale screen is refused with a message; and governor, briefing
and admin accounts reach neither the page nor its data."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from icalendar import Calendar
from streamlit.delta_generator import DeltaGenerator

from dashboard import terms
from dashboard.access import identity_for
from dashboard.components import calendar, exports
from dashboard.data_access import manager
from dashboard.data_access import visits as da
from dashboard.store import audit, notes, records
from dashboard.store import visits as store
from tests.pages.helpers import login, page_text

TERM = terms.current_or_next(date.today())
SECRET = "SECRET-PURPOSE-OF-VISIT"


def ids(role: str, username: str | None = None):
    return identity_for(username or role, role.title(), role, [])


def open_visits(username: str = "manager"):
    at = login(username, page="visits")
    assert not at.exception, at.exception
    return at


def plan_shown(at) -> pd.DataFrame:
    [table] = [d.value for d in at.dataframe if "Visit" in d.value.columns]
    return table


def submit(at, form: str, label: str):
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def top_schools(n: int) -> list[int]:
    me = ids("manager")
    return [int(u) for u in da.candidates(me, manager.context(me), TERM)["urn"][:n]]


@pytest.fixture
def captured(monkeypatch):
    """The bytes each export of the page run produced (the page calls these builders)."""
    out: dict[str, bytes] = {}

    def wrap(module, name, key):
        real = getattr(module, name)

        def record(*args, **kwargs):
            out[key] = real(*args, **kwargs)
            return out[key]

        monkeypatch.setattr(module, name, record)

    wrap(exports, "to_csv_bytes", "csv")
    wrap(exports, "to_excel_bytes", "xlsx")
    wrap(calendar, "visit_calendar", "ics")
    real_button = DeltaGenerator.download_button

    def button(self, label, *args, **kwargs):  # what each download does when clicked
        out.setdefault("clicks", {})[label] = (kwargs.get("on_click"), kwargs.get("args", ()))
        return real_button(self, label, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", button)
    return out


def test_a_manager_plans_from_the_priority_list_and_the_exports_hold_what_is_shown(
    county_env, captured
):
    at = open_visits()
    assert at.title[0].value == "Visit plan"
    assert "No capacity set" in at.info[0].value
    at.number_input(key="capacity_value").set_value(1)
    submit(at, "visit_capacity", "Save capacity")
    assert any("Capacity saved: 1" in s.value.replace("\\", "") for s in at.success)

    options = at.multiselect(key="visit_pick").options
    assert options[0].startswith("1. ") and options[1].startswith("2. ")  # priority order
    urns = top_schools(2)
    day = terms.dates(TERM)[0]
    at.multiselect(key="visit_pick").set_value(urns)
    at.date_input(key="visit_planned_date").set_value(day)
    submit(at, "visit_add", "Add to the plan")
    assert any("Added 2 visits" in s.value for s in at.success)

    shown = plan_shown(at)
    assert sorted(shown["URN"]) == sorted(urns)
    assert set(shown["Status"]) == {"○ Planned"} and set(shown["Planned date"]) == {str(day)}
    reasons = da.candidates(ids("manager"), manager.context(ids("manager")), TERM)
    first = reasons.set_index("urn").loc[urns[0]]
    assert shown.set_index("URN").loc[urns[0], "Purpose"] == first["purpose"]
    assert first["category"] in first["purpose"]
    [warning] = at.warning  # words and a symbol (shown as the alert's icon), not colour alone
    words = warning.value.replace("\\", "")
    assert warning.icon == "⚠" and words.startswith("Over capacity: 2 visits planned")
    assert "against a capacity of 1 (1 over)" in words

    csv = pd.read_csv(io.BytesIO(captured["csv"]))
    assert list(csv["URN"]) == list(shown["URN"]) and list(csv["School"]) == list(shown["School"])
    assert list(csv["Purpose"]) == list(shown["Purpose"])
    xlsx = pd.read_excel(
        io.BytesIO(captured["xlsx"]), sheet_name="Visit plan", header=2, engine="openpyxl"
    )
    assert list(xlsx["Visit"]) == list(shown["Visit"])
    events = Calendar.from_ical(captured["ics"]).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(calendar.uid(v) for v in shown["Visit"])
    assert {e.decoded("dtstart") for e in events} == {day}
    assert all(
        str(e["description"]).count(str(u)) for e, u in zip(events, shown["URN"], strict=True)
    )
    for event, purpose in zip(events, shown["Purpose"], strict=True):  # no reasons in calendars
        assert purpose not in str(event["description"]) and "not copied" in str(
            event["description"]
        )

    for on_click, args in captured["clicks"].values():  # each download is audited when clicked
        on_click(*args)
    details = sorted(e["detail"] for e in audit.entries(action="export"))
    assert details == sorted(f"Visit plan: Demo improvement manager, {TERM} ({kind}) (2 rows)"
                             for kind in ("Excel", "CSV", "calendar"))  # fmt: skip


def test_a_school_already_planned_this_term_is_not_added_twice(county_env):
    [urn] = top_schools(1)
    store.plan_visit(urn, "officer", TERM, "officer", purpose="Officer's own visit")
    at = open_visits("manager")
    at.multiselect(key="visit_pick").set_value([urn])
    submit(at, "visit_add", "Add to the plan")
    [warning] = at.warning
    assert warning.icon == "⚠"
    assert "already planned by officer for officer" in warning.value.replace("\\", "")
    assert [v["officer"] for v in store.visits(TERM, urns=[urn])] == ["officer"]
    at.multiselect(key="visit_pick").set_value([urn])
    at.checkbox(key="visit_second").check()
    submit(at, "visit_add", "Add to the plan")
    assert sorted(v["officer"] for v in store.visits(TERM, urns=[urn])) == ["manager", "officer"]


def test_an_officer_marks_a_visit_done_with_its_note_and_cancels_another(county_env):
    a, b = top_schools(2)
    first = store.plan_visit(a, "officer", TERM, "manager", purpose="Maths")
    second = store.plan_visit(b, "officer", TERM, "manager", purpose="Attendance")
    at = open_visits("officer")
    at.selectbox(key="visit_chosen").set_value(first["id"]).run()
    at.checkbox(key="visit_done_note").check()
    at.selectbox(key="visit_done_type").set_value("monitoring_visit")
    at.text_area(key="visit_done_summary").input("Maths books looked at with the head")
    submit(at, "visit_done", "Mark done")
    done = store.get_visit(first["id"])
    assert (done["status"], done["done_date"], done["updated_by"]) == (
        "done", date.today().isoformat(), "officer")  # fmt: skip
    note = notes.get_note(done["visit_note_id"])
    assert (note["kind"], note["urn"], note["text"]) == ("visit", a, "Maths books looked at "
                                                         "with the head")  # fmt: skip

    at.selectbox(key="visit_chosen").set_value(second["id"]).run()
    at.text_input(key="visit_cancel_reason").input("Headteacher away")
    submit(at, "visit_cancel", "Cancel the visit")
    shown = plan_shown(at).set_index("Visit")
    assert shown.loc[first["id"], "Status"] == "✓ Done"
    assert shown.loc[first["id"], "Visit note"] == f"note {done['visit_note_id']}"
    assert shown.loc[second["id"], "Status"] == "✕ Cancelled"
    assert shown.loc[second["id"], "Cancelled because"] == "Headteacher away"
    assert [h.body["status"] for h in records.history(second["id"])] == ["planned", "cancelled"]


def test_officers_see_other_plans_but_change_only_their_own_managers_plan_for_anyone(county_env):
    a, b = top_schools(2)
    theirs = store.plan_visit(a, "manager", TERM, "manager", purpose="Manager's visit")
    at = open_visits("officer")
    at.selectbox(key="visit_officer").set_value("manager").run()
    assert not at.exception
    assert "viewing" in at.info[0].value and theirs["id"] in list(plan_shown(at)["Visit"])
    keys = {w.key for w in [*at.multiselect, *at.number_input, *at.selectbox]}
    assert not {"visit_pick", "capacity_value", "visit_chosen"} & keys
    officer = ids("officer")
    with pytest.raises(PermissionError, match="own visits"):
        da.add_visits(officer, "manager", TERM, [(b, "x")])
    with pytest.raises(PermissionError, match="own visits"):
        da.cancel(officer, theirs["id"], 1, "not mine")
    with pytest.raises(PermissionError, match="own visits"):
        da.set_capacity(officer, "manager", TERM, 3, None)
    assert store.get_visit(theirs["id"])["version"] == 1

    at = open_visits("manager")
    at.selectbox(key="visit_officer").set_value("officer").run()
    at.multiselect(key="visit_pick").set_value([b])
    submit(at, "visit_add", "Add to the plan")
    [added] = store.visits(TERM, "officer")
    assert (added["urn"], added["planned_by"]) == (b, "manager")


def test_an_edit_from_a_stale_screen_shows_who_changed_it_and_saves_nothing(county_env):
    [urn] = top_schools(1)
    visit = store.plan_visit(urn, "manager", TERM, "manager", purpose="Governance")
    at = open_visits("manager")  # the manager's screen shows version 1 and no capacity
    day = terms.dates(TERM)[1]
    store.reschedule(visit["id"], 1, "officer", planned_date=day)  # another session saves first
    at.text_input(key="visit_cancel_reason").input("No longer needed")
    submit(at, "visit_cancel", "Cancel the visit")
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("Not saved" in e and "changed by officer" in e for e in errors), errors
    assert (store.get_visit(visit["id"])["status"], store.get_visit(visit["id"])["version"]) == (
        "planned", 2)  # fmt: skip
    store.set_capacity("manager", TERM, 4, "officer", base_version=None)  # after the last screen
    at.number_input(key="capacity_value").set_value(9)
    submit(at, "visit_capacity", "Save capacity")
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("set to 4 by officer" in e for e in errors), errors
    assert store.capacity("manager", TERM)["visits"] == 4
    # having now seen their changes, the manager's next attempt is saved
    at.text_input(key="visit_cancel_reason").input("No longer needed")
    submit(at, "visit_cancel", "Cancel the visit")
    assert store.get_visit(visit["id"])["status"] == "cancelled"


# --- attacks: governor, briefing and admin accounts -------------------------------------------


@pytest.mark.parametrize("username", ["governor1", "briefing", "admin"])
def test_other_roles_cannot_open_the_page_by_path_or_session_state(county_env, username):
    [urn] = top_schools(1)
    store.plan_visit(urn, "officer", TERM, "officer", purpose=SECRET)
    at = login(username)
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("../pages/visits.py")
    for key, value in [("visit_officer", "officer"), ("visit_term", TERM),
                       ("_visit_plan_shown", {"visit:1": 1}), ("visit_chosen", 1)]:  # fmt: skip
        at.session_state[key] = value
        at.run()
        assert not at.exception
        assert SECRET not in page_text(at)


@pytest.mark.parametrize("role", ["governor", "briefing", "admin"])
def test_other_roles_cannot_call_the_visit_functions(county_env, role):
    [urn] = top_schools(1)
    visit = store.plan_visit(urn, "officer", TERM, "officer", purpose=SECRET)
    me = identity_for(role, role, role, [urn])  # even a governor of that very school
    ctx = manager.context(ids("manager"))
    calls = [
        lambda: da.officers(me),
        lambda: da.term_choices(me),
        lambda: da.candidates(me, ctx, TERM),
        lambda: da.plan(me, ctx, TERM),
        lambda: da.load(me, TERM),
        lambda: da.capacity(me, "officer", TERM),
        lambda: da.set_capacity(me, role, TERM, 3, None),
        lambda: da.add_visits(me, "officer", TERM, [(urn, "x")]),
        lambda: da.mark_done(me, visit["id"], 1, date.today()),
        lambda: da.cancel(me, visit["id"], 1, "x"),
        lambda: da.reschedule(me, visit["id"], 1, None),
    ]
    for call in calls:
        with pytest.raises(PermissionError):
            call()
    assert not da.can_plan(me)
    assert store.get_visit(visit["id"])["version"] == 1


def test_a_governor_deployment_offers_no_visit_planning_even_to_managers(county_env, monkeypatch):
    at = open_visits("manager")
    monkeypatch.setenv("SID_DEPLOYMENT", "governor")
    at.run()
    assert not at.exception
    assert "not available in this deployment" in at.info[0].value
    assert not at.dataframe
    with pytest.raises(PermissionError):
        da.plan(ids("manager"), None, TERM)


def test_a_refused_form_keeps_what_was_typed_shows_the_error_beside_the_field_and_saves_nothing(
    county_env,
):
    a, b = top_schools(2)
    visit = store.plan_visit(a, "officer", TERM, "manager", purpose="Maths")
    at = open_visits("officer")
    at.selectbox(key="visit_chosen").set_value(visit["id"]).run()
    # the visit note is asked for but left empty: refused, under the note's field
    at.checkbox(key="visit_done_note").check()
    at.selectbox(key="visit_done_type").set_value("monitoring_visit")
    at.selectbox(key="visit_done_rag").set_value("amber")
    submit(at, "visit_done", "Mark done")
    [error] = at.error
    assert error.value.replace("\\", "") == "Summary is required"
    assert store.get_visit(visit["id"])["status"] == "planned"  # nothing saved
    # everything typed is still there: fix the one field and save
    assert at.checkbox(key="visit_done_note").value is True
    assert at.selectbox(key="visit_done_type").value == "monitoring_visit"
    assert at.selectbox(key="visit_done_rag").value == "amber"
    at.text_area(key="visit_done_summary").input("Books looked at")
    submit(at, "visit_done", "Mark done")
    assert not at.error
    assert store.get_visit(visit["id"])["status"] == "done"
    note = notes.get_note(store.get_visit(visit["id"])["visit_note_id"])
    assert (note["text"], note["rag"]) == ("Books looked at", "amber")

    # the add form: no school chosen keeps the date, and says so under the schools
    at = open_visits("manager")
    start, _end = terms.dates(TERM)
    at.date_input(key="visit_planned_date").set_value(start)
    submit(at, "visit_add", "Add to the plan")
    [error] = at.error
    assert "Choose at least one school" in error.value
    assert at.date_input(key="visit_planned_date").value == start
    at.multiselect(key="visit_pick").set_value([b])
    submit(at, "visit_add", "Add to the plan")
    assert [v["planned_date"] for v in store.visits(TERM, urns=[b])] == [start.isoformat()]
    assert at.multiselect(key="visit_pick").value == []  # emptied after it saved


def test_adding_several_visits_is_all_or_nothing(county_env):
    a, b = top_schools(2)
    me = ids("manager")
    with pytest.raises(ValueError, match="Purpose is required"):
        da.add_visits(me, "officer", TERM, [(a, "Maths"), (b, "   ")])
    assert store.visits(TERM, urns=[a, b]) == []  # the first was not saved either
    start, end = terms.dates(TERM)
    with pytest.raises(ValueError, match="Planned date"):
        da.add_visits(
            me, "officer", TERM, [(a, "Maths")], planned_date=end.replace(year=end.year + 1)
        )
    assert store.visits(TERM, urns=[a]) == []


def test_the_cached_picker_of_a_manager_is_never_served_to_an_officer_of_fewer_schools(county_env):
    """The pick section's table and labels are made once per candidates key (which names the
    user's schools and the planned visits): an officer with two schools sees only those two, and a
    visit planned changes the labels on the next call."""
    from dashboard.access import OFFICER, Identity
    from dashboard.visit_plan import _pick

    boss = ids("manager")
    ctx = manager.context(boss)
    pool, key = da.candidates_keyed(boss, ctx, TERM)
    table, labels, _ = _pick(key, TERM, _pool=pool)  # warmed by the manager
    assert table.num_rows == len(labels) == len(pool) > 2
    mine = [int(u) for u in pool["urn"][:2]]
    officer = Identity("officer", "O", OFFICER, frozenset(mine))
    own_pool, own_key = da.candidates_keyed(officer, ctx, TERM)
    own_table, own_labels, own_purposes = _pick(own_key, TERM, _pool=own_pool)
    assert own_key != key
    assert sorted(own_labels) == sorted(own_purposes) == sorted(mine)
    assert sorted(own_table.column("URN").to_pylist()) == sorted(mine)
    store.plan_visit(mine[0], "officer", TERM, "officer", purpose="x")
    again_pool, again_key = da.candidates_keyed(officer, ctx, TERM)
    assert again_key != own_key
    assert "already planned" in _pick(again_key, TERM, _pool=again_pool)[1][mine[0]]


def test_terms_with_the_same_visits_share_the_pickers_labels_and_name_their_own_column(
    county_env,
):
    """The picker's labels and purposes are made once per candidates key, which names the planned
    visits by digest: two terms with none share them; each table names its own term; a visit
    planned in one term makes that term's labels anew."""
    from dashboard.visit_plan import _pick

    boss = ids("manager")
    ctx = manager.context(boss)
    later = terms.around(date.today(), before=1, after=3)[-1]
    (pool, key), (later_pool, later_key) = (
        da.candidates_keyed(boss, ctx, t) for t in (TERM, later)
    )
    assert key == later_key  # nothing planned in either term yet
    table, labels, purposes = _pick(key, TERM, _pool=pool)
    later_table, later_labels, later_purposes = _pick(later_key, later, _pool=later_pool)
    assert later_labels is labels and later_purposes is purposes  # made once, not per term
    assert table.column_names[-1] == f"Already planned in {TERM}"
    assert later_table.column_names[-1] == f"Already planned in {later}"
    urn = int(pool["urn"].iloc[0])
    store.plan_visit(urn, "officer", TERM, "manager", purpose="x")
    again_pool, again_key = da.candidates_keyed(boss, ctx, TERM)
    assert (
        again_key != key and "already planned" in _pick(again_key, TERM, _pool=again_pool)[1][urn]
    )
    assert "already planned" not in _pick(later_key, later, _pool=later_pool)[1][urn]


def test_one_officers_load_is_the_row_of_the_whole_table(county_env):
    boss = ids("manager")
    [urn, other] = top_schools(2)
    store.plan_visit(urn, "officer", TERM, "manager", purpose="x")
    store.plan_visit(other, "officer", TERM, "manager", purpose="y")
    da.set_capacity(boss, "officer", TERM, 1, None)
    table = da.load(boss, TERM).set_index("officer")
    for officer in table.index:
        row = da.load_of(boss, TERM, officer, table.loc[officer, "display_name"])
        want = table.loc[officer].to_dict()
        assert {k: v for k, v in row.items() if k != "officer"} == {
            k: (None if pd.isna(v) else v) for k, v in want.items()
        }
    assert da.load_of(boss, TERM, "officer", "O")["over"] is True  # 2 planned, capacity 1
    with pytest.raises(PermissionError):
        da.load_of(identity_for("g", "G", "governor", [urn]), TERM, "officer", "O")
