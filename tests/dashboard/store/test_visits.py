"""Visit planning in the store: validation messages that name the field, versions for every change,
capacity per officer and term, the same school planned twice, and editors of a stale version."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

import pytest

from dashboard import terms
from dashboard.store import db, notes, postgresql, records, users, visits
from tests.dashboard.store.conftest import BACKENDS

TERM = "2025/26 spring"  # 1 January to 31 March 2026: in the past, so done dates are allowed


@pytest.fixture(scope="module", params=BACKENDS)
def users_store(request, tmp_path_factory):
    """Users made once per backend (password hashing is slow on purpose); each test gets a copy."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("visits") / "users.sqlite"
    else:
        path = request.getfixturevalue("postgres").new_database("visit_users")
    for name, role in [("alice", "manager"), ("olly", "officer"), ("gwen", "governor"),
                       ("gone", "officer")]:  # fmt: skip
        users.create_user(name, name.title(), role, "password-123", [], path=path)
    users.set_active("gone", False, path=path)
    if isinstance(path, str):
        postgresql.close_idle(path)  # a template database must have no open connection
    else:
        db.close_idle()  # the app keeps SQLite connections open: close them to checkpoint the WAL
    return path


@pytest.fixture
def store(users_store, tmp_path, request):
    if isinstance(users_store, str):
        return request.getfixturevalue("postgres").new_database(template=users_store)
    path = tmp_path / "store.sqlite"
    shutil.copyfile(users_store, path)  # no connection open: the WAL is checkpointed
    return path


def plan(store, urn=100001, officer="olly", **kw):
    kw.setdefault("purpose", "Progress concern in maths")
    return visits.plan_visit(urn, officer, kw.pop("term", TERM), "alice", path=store, **kw)


# --- terms ---------------------------------------------------------------------------------------


def test_terms_have_fixed_month_boundaries_and_august_is_in_none():
    assert terms.dates("2026/27 autumn") == (date(2026, 9, 1), date(2026, 12, 31))
    assert terms.dates("2026/27 spring") == (date(2027, 1, 1), date(2027, 3, 31))
    assert terms.dates("2026/27 summer") == (date(2027, 4, 1), date(2027, 7, 31))
    assert terms.term_of(date(2027, 2, 14)) == "2026/27 spring"
    assert terms.term_of(date(2026, 8, 20)) is None
    assert terms.current_or_next(date(2026, 8, 20)) == "2026/27 autumn"
    assert terms.around(date(2026, 10, 1), before=1, after=2) == [
        "2025/26 summer", "2026/27 autumn", "2026/27 spring", "2026/27 summer"]  # fmt: skip
    assert terms.label(2099, "autumn") == "2099/00 autumn"
    for bad in ("2026/28 autumn", "2026 autumn", "2026/27 winter", ""):
        with pytest.raises(ValueError, match="Term"):
            terms.parse(bad)


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"officer": "nobody"}, "Officer: 'nobody' is not an active"),
        ({"officer": "gwen"}, "Officer: 'gwen' is not an active"),  # a governor
        ({"officer": "gone"}, "Officer: 'gone' is not an active"),  # deactivated
        ({"officer": " "}, "Officer is required"),
        ({"term": "spring 2026"}, "Term: 'spring 2026'"),
        (
            {"planned_date": "2026-04-01"},
            r"Planned date \(2026-04-01\) is outside 2025/26 spring "
            r"\(2026-01-01 to 2026-03-31\)",
        ),  # fmt: skip
        ({"planned_date": "31/01/2026"}, "Planned date: '31/01/2026' is not a date"),
        ({"purpose": "  "}, "Purpose is required"),
    ],
)
def test_a_bad_plan_is_refused_with_a_message_naming_the_field(store, kw, message):
    with pytest.raises(ValueError, match=message):
        plan(store, **kw)
    assert visits.visits(path=store) == []


@pytest.mark.parametrize("value", [0, -3, 2.5, "five", "", None, True])
def test_capacity_must_be_a_positive_whole_number(store, value):
    with pytest.raises(ValueError, match="Capacity: .* not a positive whole number"):
        visits.set_capacity("olly", TERM, value, "alice", base_version=None, path=store)
    with pytest.raises(ValueError, match="at most 200"):
        visits.check_capacity(201)
    assert visits.check_capacity("12") == 12 and visits.check_capacity(6.0) == 6


# --- versions --------------------------------------------------------------------------------------


def test_planning_rescheduling_and_finishing_are_each_a_new_version(store):
    v = plan(store, planned_date=date(2026, 2, 3))
    assert (v["status"], v["version"], v["planned_date"], v["planned_by"]) == (
        "planned", 1, "2026-02-03", "alice")  # fmt: skip
    moved = visits.reschedule(v["id"], 1, "olly", planned_date="2026-03-10", path=store)
    assert (moved["version"], moved["planned_date"], moved["updated_by"]) == (2, "2026-03-10",
                                                                              "olly")  # fmt: skip
    done = visits.mark_done(v["id"], 2, "olly", done_on="2026-03-11", path=store)
    assert (done["status"], done["done_date"], done["visit_note_id"]) == ("done", "2026-03-11",
                                                                          None)  # fmt: skip
    assert [h.body["status"] for h in records.history(v["id"], path=store)] == [
        "planned", "planned", "done"]  # fmt: skip
    with pytest.raises(ValueError, match=r"already done \(2026-03-11\): it cannot be cancelled"):
        visits.cancel(v["id"], 3, "alice", "no longer needed", path=store)


def test_a_cancellation_keeps_the_visit_and_frees_the_capacity(store):
    visits.set_capacity("olly", TERM, 1, "alice", base_version=None, path=store)
    v = plan(store)
    with pytest.raises(ValueError, match="Reason for cancelling is required"):
        visits.cancel(v["id"], 1, "alice", " ", path=store)
    gone = visits.cancel(v["id"], 1, "alice", "school closed for snow", path=store)
    assert (gone["status"], gone["cancel_reason"]) == ("cancelled", "school closed for snow")
    assert len(visits.visits(TERM, path=store)) == 1  # still listed, as cancelled
    [row] = visits.load(TERM, ["olly"], path=store)
    assert (row["planned"], row["cancelled"], row["remaining"], row["over"]) == (0, 1, 1, False)
    plan(store)  # the school can be planned again once the earlier visit is cancelled


def test_marking_done_with_a_note_writes_the_visit_note_and_links_it(store):
    v = plan(store)
    note = {"visit_type": "monitoring_visit", "summary": "Maths lessons seen", "rag": "amber"}
    done = visits.mark_done(v["id"], 1, "olly", done_on=date(2026, 3, 2), note=note, path=store)
    written = notes.get_note(done["visit_note_id"], path=store)
    assert (written["kind"], written["urn"], written["date"], written["officer"], written["text"]) \
        == ("visit", 100001, "2026-03-02", "olly", "Maths lessons seen")  # fmt: skip


def test_a_bad_note_or_done_date_writes_nothing(store):
    v = plan(store)
    with pytest.raises(ValueError, match="Unknown visit type"):
        visits.mark_done(v["id"], 1, "olly", done_on="2026-03-02",
                         note={"visit_type": "chat", "summary": "x"}, path=store)  # fmt: skip
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValueError, match="Done date .* cannot be after"):
        visits.mark_done(v["id"], 1, "olly", done_on=tomorrow, path=store)
    assert notes.notes_for(None, path=store) == []
    assert visits.get_visit(v["id"], path=store)["version"] == 1


# --- the same school twice, stale editors --------------------------------------------------------


def test_the_same_school_in_the_same_term_is_refused_naming_who_planned_it(store):
    plan(store, planned_date="2026-02-03")
    with pytest.raises(visits.AlreadyPlannedError) as err:
        visits.plan_visit(100001, "alice", TERM, "olly", purpose="Visit", path=store)
    assert "already planned by alice for olly on 2026-02-03" in str(err.value)
    second = visits.plan_visit(100001, "alice", TERM, "olly", purpose="Second visit",
                               also_if_planned=True, path=store)  # fmt: skip
    assert second["second_visit"]
    plan(store, term="2025/26 summer")  # another term is another plan
    assert len(visits.visits(urns=[100001], path=store)) == 3


def test_an_editor_of_an_old_version_is_told_who_changed_it_and_nothing_is_written(store):
    v = plan(store)
    visits.reschedule(v["id"], 1, "alice", planned_date="2026-01-20", path=store)
    for change in (
        lambda: visits.mark_done(v["id"], 1, "olly", done_on="2026-01-21",
                                 note={"visit_type": "support", "summary": "x"}, path=store),
        lambda: visits.cancel(v["id"], 1, "olly", "ill", path=store),
        lambda: visits.reschedule(v["id"], 1, "olly", planned_date=None, path=store),
    ):  # fmt: skip
        with pytest.raises(records.ConflictError, match="changed by alice"):
            change()
    assert visits.get_visit(v["id"], path=store)["version"] == 2
    assert notes.notes_for(None, path=store) == []


def test_capacity_is_one_record_per_officer_and_term_and_stale_edits_conflict(store):
    first = visits.set_capacity("olly", TERM, 5, "alice", base_version=None, path=store)
    with pytest.raises(records.ConflictError, match="set to 5 by alice"):
        visits.set_capacity("olly", TERM, 6, "olly", base_version=None, path=store)
    raised = visits.set_capacity("olly", TERM, 6, "olly", base_version=first["version"],
                                 path=store)  # fmt: skip
    assert (raised["id"], raised["version"], raised["visits"]) == (first["id"], 2, 6)
    with pytest.raises(records.ConflictError, match="set to 6 by olly"):
        visits.set_capacity("olly", TERM, 4, "alice", base_version=1, path=store)
    assert visits.capacity("olly", TERM, path=store)["visits"] == 6
    assert visits.capacity("alice", TERM, path=store) is None


def test_planned_visits_over_capacity_are_flagged(store):
    visits.set_capacity("olly", TERM, 2, "alice", base_version=None, path=store)
    for urn in (1, 2, 3):
        plan(store, urn=urn)
    visits.mark_done(visits.visits(urns=[1], path=store)[0]["id"], 1, "olly",
                     done_on="2026-01-10", path=store)  # fmt: skip
    rows = {r["officer"]: r for r in visits.load(TERM, ["olly", "alice"], path=store)}
    assert rows["olly"] | {} == {"officer": "olly", "capacity": 2, "planned": 3, "done": 1,
                                 "cancelled": 0, "remaining": -1, "over": True}  # fmt: skip
    assert (rows["alice"]["capacity"], rows["alice"]["planned"], rows["alice"]["over"]) == (
        None, 0, False)  # fmt: skip


def _planner(args: tuple[str, str]) -> str:
    path, who = args
    try:
        visits.plan_visit(100001, "olly", TERM, who, purpose=f"by {who}", path=path)
        return "saved"
    except visits.AlreadyPlannedError:
        return "refused"


def test_two_managers_planning_the_same_school_at_once_one_is_refused(store):
    for _attempt in range(3):  # a race: repeat so both orders are exercised
        with ProcessPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(_planner, [(str(store), "alice"), (str(store), "olly")]))
        assert outcomes == ["refused", "saved"]
        live = [v for v in visits.visits(TERM, path=store) if v["status"] != "cancelled"]
        assert len(live) == 1
        visits.cancel(live[0]["id"], live[0]["version"], "alice", "reset", path=store)


def _blind_first_check(monkeypatch, name):
    """Make the check before writing see nothing, as when another save lands between the check and
    the write; the check after writing must still catch it."""
    real, calls = getattr(visits, name), []

    def blind(*args, **kwargs):
        calls.append(1)
        return [] if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(visits, name, blind)


def test_a_plan_saved_in_the_same_moment_as_another_withdraws_itself(store, monkeypatch):
    first = plan(store)
    _blind_first_check(monkeypatch, "_live")
    with pytest.raises(visits.AlreadyPlannedError, match="already planned by alice for olly"):
        visits.plan_visit(100001, "alice", TERM, "olly", purpose="again", path=store)
    [kept] = visits.visits(path=store)
    assert kept["id"] == first["id"]
    later = records.current([visits.PLANNED_VISIT], include_withdrawn=True, path=store)[-1]
    assert later.withdrawn and "saved first" in later.body["withdrawn_reason"]


def test_a_capacity_set_in_the_same_moment_as_another_withdraws_itself(store, monkeypatch):
    visits.set_capacity("olly", TERM, 5, "alice", base_version=None, path=store)
    _blind_first_check(monkeypatch, "_capacity_records")
    with pytest.raises(records.ConflictError, match="set to 5 by alice"):
        visits.set_capacity("olly", TERM, 9, "olly", base_version=None, path=store)
    assert visits.capacity("olly", TERM, path=store)["visits"] == 5
