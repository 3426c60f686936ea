"""Visit planning (issue 8, part 2): planned visits per officer per academic term, and each officer's
capacity for a term, as append-only records (records.py).

A planned visit (kind ``planned_visit``, one record per school visit) holds the officer (a username),
the term (dashboard/terms.py), an optional planned date inside the term, the purpose (from the
school's reasons), and its status: ``planned`` -> ``done`` (with the date it happened and, when a
visit note was written, that note's id) or ``planned`` -> ``cancelled`` (with the reason). Done and
cancelled visits are final; a visit entered in error is withdrawn (records.withdraw). Every change is
a new version written only if nobody changed the record since the editor opened it
(``base_version``; records.ConflictError otherwise). Nothing is ever deleted.

An officer's capacity (kind ``officer_capacity``, one record per officer and term) is the number of
visits they can make that term; changing it is a new version of the same record.

Two managers planning the same school for the same term: the second is REFUSED with
AlreadyPlannedError ("already planned by X for <officer> ..."), unless they say it is deliberately a
second visit (``also_if_planned=True``: schools in intensive support may need several visits a term).
The check also holds when both save at the same moment: after writing, the later record (higher id)
of a clash withdraws itself and is refused. Capacity uses the same rule: one record per officer and
term, the later of two simultaneous first entries withdraws itself and reports a conflict.

These are soft intelligence (a purpose quotes confidential reasons): read and write them only
through dashboard.data_access.visits, which checks the role.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dashboard import terms
from dashboard.store import notes, records, users

PLANNED_VISIT = "planned_visit"
CAPACITY = "officer_capacity"
STATUSES = ("planned", "done", "cancelled")
PLANNER_ROLES = ("manager", "officer")  # who can be an officer on a plan
MAX_CAPACITY = 200  # visits in one term: more is a typing slip, not a plan


class AlreadyPlannedError(ValueError):
    """The school already has a visit planned (or done) in that term."""

    def __init__(self, urn: int, term: str, existing: list[dict]):
        self.urn, self.term, self.existing = urn, term, existing
        who = "; ".join(
            f"already planned by {v['planned_by']} for {v['officer']}"
            + (f" on {v['planned_date']}" if v.get("planned_date") else "")
            + (" (done)" if v["status"] == "done" else "")
            for v in existing
        )
        super().__init__(
            f"School {urn} in {term}: {who}. Not added again; tick 'a second visit' to plan "
            "another visit in the same term on purpose."
        )


# --- validation (each message names the field) -------------------------------------------------


def check_officer(officer: Any, *, path: Path | None = None) -> str:
    """An active improvement manager or officer, by username."""
    name = str(officer or "").strip()
    if not name:
        raise ValueError("Officer is required")
    user = users.get_user(name, path)
    if user is None or not user.active or user.role not in PLANNER_ROLES:
        raise ValueError(f"Officer: {name!r} is not an active improvement manager or officer")
    return name


def check_term(term: Any) -> str:
    terms.parse(term)
    return str(term).strip()


def check_capacity(value: Any) -> int:
    """A positive whole number of visits, at most MAX_CAPACITY."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"Capacity: {value!r} is not a positive whole number of visits")
    if value > MAX_CAPACITY:
        raise ValueError(f"Capacity: {value} visits in a term; at most {MAX_CAPACITY}")
    return value


def check_planned_date(value: Any, term: str) -> date | None:
    """Optional; when given it must fall inside the term."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    d = notes.check_date(value, "Planned date")
    start, end = terms.dates(term)
    if not start <= d <= end:
        raise ValueError(f"Planned date ({d}) is outside {term} ({start} to {end})")
    return d


# --- reading -------------------------------------------------------------------------------------


def flatten(rec: records.Record) -> dict:
    """One planned visit as pages and exports read it."""
    b = rec.body
    return {
        "id": rec.record_id,
        "version": rec.version,
        "urn": rec.urn,
        "officer": b.get("officer"),
        "term": b.get("term"),
        "planned_date": b.get("planned_date"),
        "purpose": b.get("purpose", ""),
        "status": b.get("status"),
        "done_date": b.get("done_date"),
        "visit_note_id": b.get("visit_note_id"),
        "cancel_reason": b.get("cancel_reason"),
        "second_visit": bool(b.get("second_visit", False)),
        "planned_by": rec.created_by,
        "planned_at": rec.created_at,
        "updated_by": rec.written_by,
        "updated_at": rec.written_at,
    }


def visits(
    term: str | None = None,
    officer: str | None = None,
    urns: list[int] | None = None,
    *,
    path: Path | None = None,
) -> list[dict]:
    """Current planned visits (cancelled included, withdrawn not), by term, officer and schools."""
    rows = [flatten(r) for r in records.current([PLANNED_VISIT], urns, path=path)]
    return [
        v
        for v in rows
        if (term is None or v["term"] == term) and (officer is None or v["officer"] == officer)
    ]


def get_visit(visit_id: int, *, path: Path | None = None) -> dict | None:
    rec = records.get(int(visit_id), path=path)
    return None if rec is None or rec.kind != PLANNED_VISIT else flatten(rec)


def _live(urn: int, term: str, path: Path | None) -> list[dict]:
    return [v for v in visits(term, urns=[urn], path=path) if v["status"] != "cancelled"]


# --- writing -------------------------------------------------------------------------------------


def plan_visit(
    urn: int,
    officer: str,
    term: str,
    by: str,
    *,
    purpose: str,
    planned_date: date | str | None = None,
    also_if_planned: bool = False,
    path: Path | None = None,
) -> dict:
    """Add a school to an officer's plan for a term; AlreadyPlannedError if it is already planned
    (by anyone, for anyone) that term, unless ``also_if_planned``."""
    urn = int(urn)
    term = check_term(term)
    body = {
        "officer": check_officer(officer, path=path),
        "term": term,
        "planned_date": _iso(check_planned_date(planned_date, term)),
        "purpose": notes.check_text(purpose, "Purpose"),
        "status": "planned",
        "done_date": None,
        "visit_note_id": None,
        "cancel_reason": None,
        "second_visit": bool(also_if_planned),
    }
    if not also_if_planned and (existing := _live(urn, term, path)):
        raise AlreadyPlannedError(urn, term, existing)
    rec = records.create(PLANNED_VISIT, urn, body, by, path=path)
    if not also_if_planned:  # someone may have planned it between our check and our write
        earlier = [v for v in _live(urn, term, path) if v["id"] < rec.record_id]
        if earlier:
            records.withdraw(rec.record_id, rec.version, by, "planned twice at the same moment; "
                             f"record {earlier[0]['id']} was saved first", path=path)  # fmt: skip
            raise AlreadyPlannedError(urn, term, earlier)
    return flatten(rec)


def _open(visit_id: int, path: Path | None) -> records.Record:
    rec = records.get(int(visit_id), path=path)
    if rec is None or rec.kind != PLANNED_VISIT or rec.withdrawn:
        raise LookupError(f"No planned visit {visit_id}")
    return rec


def _check_planned(rec: records.Record, base_version: int, what: str) -> None:
    """Conflicts first (the editor's view is stale), then the status rule."""
    if rec.version != int(base_version):
        raise records.ConflictError(rec.record_id, int(base_version), rec)
    status = rec.body.get("status")
    if status != "planned":
        when = rec.body.get("done_date") if status == "done" else None
        raise ValueError(
            f"Visit {rec.record_id} is already {status}{f' ({when})' if when else ''}: "
            f"it cannot be {what}"
        )


def reschedule(
    visit_id: int,
    base_version: int,
    by: str,
    *,
    planned_date: date | str | None = None,
    officer: str | None = None,
    purpose: str | None = None,
    path: Path | None = None,
) -> dict:
    """Change the planned date (None clears it), the officer or the purpose of a planned visit."""
    rec = _open(visit_id, path)
    _check_planned(rec, base_version, "changed")
    body = dict(rec.body)
    body["planned_date"] = _iso(check_planned_date(planned_date, body["term"]))
    if officer is not None:
        body["officer"] = check_officer(officer, path=path)
    if purpose is not None:
        body["purpose"] = notes.check_text(purpose, "Purpose")
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


def mark_done(
    visit_id: int,
    base_version: int,
    by: str,
    *,
    done_on: date | str,
    note: dict | None = None,
    path: Path | None = None,
) -> dict:
    """The visit happened on ``done_on``. With ``note`` ({visit_type, summary, rag, actions}) the
    visit note is written too (notes.add_visit, by the officer of the plan) and linked. If the plan
    entry changed meanwhile, the note is withdrawn again and ConflictError raised: never half-done."""
    rec = _open(visit_id, path)
    _check_planned(rec, base_version, "marked done")
    done = notes.check_date(done_on, "Done date", not_after=date.today())
    body = {**rec.body, "status": "done", "done_date": done.isoformat()}
    note_id = None
    if note is not None:
        note_id = notes.add_visit(
            rec.urn,
            by,
            on=done,
            officer=rec.body["officer"],
            visit_type=note.get("visit_type", ""),
            summary=note.get("summary", ""),
            rag=note.get("rag"),
            actions=note.get("actions"),
            path=path,
        )
        body["visit_note_id"] = note_id
    try:
        return flatten(records.revise(rec.record_id, base_version, body, by, path=path))
    except records.ConflictError:
        if note_id is not None:
            records.withdraw(note_id, 1, by, f"planned visit {rec.record_id} was changed by "
                             "someone else at the same time; not linked", path=path)  # fmt: skip
        raise


def cancel(
    visit_id: int, base_version: int, by: str, reason: str, *, path: Path | None = None
) -> dict:
    """Cancel a planned visit: a new version with status 'cancelled' and the reason (kept, counted
    nowhere)."""
    rec = _open(visit_id, path)
    _check_planned(rec, base_version, "cancelled")
    body = {**rec.body, "status": "cancelled",
            "cancel_reason": notes.check_text(reason, "Reason for cancelling")}  # fmt: skip
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


# --- capacity --------------------------------------------------------------------------------------


def _capacity_records(officer: str, term: str, path: Path | None) -> list[records.Record]:
    return [
        r
        for r in records.current([CAPACITY], path=path)
        if r.body.get("officer") == officer and r.body.get("term") == term
    ]


def _capacity_row(rec: records.Record) -> dict:
    return {
        "id": rec.record_id,
        "version": rec.version,
        "officer": rec.body["officer"],
        "term": rec.body["term"],
        "visits": int(rec.body["visits"]),
        "set_by": rec.written_by,
        "set_at": rec.written_at,
    }


def capacity(officer: str, term: str, *, path: Path | None = None) -> dict | None:
    """An officer's capacity for a term (id, version, visits, who set it and when), or None."""
    found = _capacity_records(officer, term, path)
    return _capacity_row(found[0]) if found else None  # the first written wins (see set_capacity)


def capacities(term: str, *, path: Path | None = None) -> dict[str, dict]:
    """officer -> capacity row, for every officer with a capacity in the term."""
    out: dict[str, dict] = {}
    for r in records.current([CAPACITY], path=path):  # ordered by record id: first written wins
        if r.body.get("term") == term:
            out.setdefault(r.body["officer"], _capacity_row(r))
    return out


def _stale(existing: records.Record, expected: int) -> records.ConflictError:
    err = records.ConflictError(existing.record_id, expected, existing)
    err.args = (
        f"The capacity of {existing.body['officer']} for {existing.body['term']} was set to "
        f"{existing.body['visits']} by {existing.written_by} at {existing.written_at} after you "
        "opened the page. Your change was not saved: reload to see theirs, then make yours again.",
    )
    return err


def set_capacity(
    officer: str,
    term: str,
    visits: Any,
    by: str,
    *,
    base_version: int | None,
    path: Path | None = None,
) -> dict:
    """Set an officer's capacity for a term. ``base_version``: the version the editor saw (None:
    no capacity was set when they opened the page). ConflictError if it changed since."""
    term = check_term(term)
    officer = check_officer(officer, path=path)
    body = {"officer": officer, "term": term, "visits": check_capacity(visits)}
    found = _capacity_records(officer, term, path)
    if found:
        if base_version is None or int(base_version) != found[0].version:
            raise _stale(found[0], 0 if base_version is None else int(base_version))
        return _capacity_row(records.revise(found[0].record_id, base_version, body, by, path=path))
    rec = records.create(CAPACITY, None, body, by, path=path)
    first = _capacity_records(officer, term, path)[0]
    if first.record_id != rec.record_id:  # someone set it at the same moment, and was first
        records.withdraw(rec.record_id, rec.version, by, "set twice at the same moment; "
                         f"record {first.record_id} was saved first", path=path)  # fmt: skip
        raise _stale(first, 0)
    return _capacity_row(rec)


def load(term: str, officers: list[str], *, path: Path | None = None) -> list[dict]:
    """Per officer: capacity (None when not set), visits planned (planned + done: both use
    capacity), done, cancelled, remaining, and whether the plan is over capacity."""
    caps = capacities(term, path=path)
    rows = visits(term, path=path)
    out = []
    for officer in officers:
        mine = [v for v in rows if v["officer"] == officer]
        done = sum(v["status"] == "done" for v in mine)
        cancelled = sum(v["status"] == "cancelled" for v in mine)
        planned = len(mine) - cancelled
        cap = caps.get(officer, {}).get("visits")
        out.append({
            "officer": officer,
            "capacity": cap,
            "planned": planned,
            "done": done,
            "cancelled": cancelled,
            "remaining": None if cap is None else cap - planned,
            "over": cap is not None and planned > cap,
        })  # fmt: skip
    return out


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()
