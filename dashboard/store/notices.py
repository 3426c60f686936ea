"""Notices of concern (maintained schools) and concerns raised with the DfE (academies), as workflows
over append-only records (records.py).

A notice of concern moves through: issued -> meeting with the headteacher and chair of governors ->
actions agreed -> review 6 to 8 weeks after issue -> outcome. The outcome either closes it (lifted,
or escalated to a warning notice / further intervention) or extends it to a new review 6 to 8 weeks
later. A review date in the past with no outcome is overdue. The council has no powers of
intervention in an academy, so for academies the record is of the concern raised with the DfE
(regions group / RSC) and its follow-up, until closed with an outcome.

Every step is a new version of the record, written only if nobody changed the record since the
editor opened it (``base_version``; ConflictError otherwise). A closed record cannot change again;
a record entered in error is withdrawn (notes.withdraw_note). Open notices count toward the support
category (dashboard/support.py) until closed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from dashboard.store import records
from dashboard.store.notes import check_actions, check_date, check_text, flatten

NOTICE = "notice_of_concern"
DFE = "dfe_concern"
REVIEW_WEEKS = (6, 8)
OUTCOMES = {
    "lifted": "Lifted: the concerns are resolved",
    "extended": "Extended: not yet resolved, reviewed again",
    "escalated": "Escalated: warning notice or further intervention",
}
CLOSING_OUTCOMES = ("lifted", "escalated")
DFE_CONTACTS = ("DfE regions group", "Regional director (formerly RSC)", "Trust CEO / board")


def review_window(start: date) -> tuple[date, date]:
    """The earliest and latest review date for a notice issued (or extended) on ``start``."""
    return start + timedelta(weeks=REVIEW_WEEKS[0]), start + timedelta(weeks=REVIEW_WEEKS[1])


def _check_review_due(due: date | str | None, start: date, what: str) -> date:
    low, high = review_window(start)
    if due is None:
        return low
    d = check_date(due, what)
    if not low <= d <= high:
        raise ValueError(
            f"{what} ({d}) must fall 6 to 8 weeks after {start}: between {low} and {high}"
        )
    return d


def _open(record_id: int, kind: str, path: Path | None) -> records.Record:
    rec = records.get(int(record_id), path=path)
    if rec is None or rec.kind != kind or rec.withdrawn:
        words = "notice of concern" if kind == NOTICE else "DfE concern"
        raise LookupError(f"No {words} {record_id}")
    if rec.body.get("status") != "open":
        raise ValueError(f"Record {record_id} is closed; a closed record cannot change")
    return rec


def issue_notice(
    urn: int,
    by: str,
    *,
    issued_on: date,
    concerns: str,
    review_due: date | None = None,
    path: Path | None = None,
) -> int:
    """Issue a notice of concern; the review defaults to 6 weeks after issue."""
    issued = check_date(issued_on, "Date issued", not_after=date.today())
    body = {
        "date": issued.isoformat(),
        "text": check_text(concerns, "The concerns"),
        "rag": "red",
        "status": "open",
        "review_due": _check_review_due(review_due, issued, "Review date").isoformat(),
        "meeting": None,
        "actions": [],
        "reviews": [],
        "outcome": None,
    }
    return records.create(NOTICE, int(urn), body, by, path=path).record_id


def record_meeting(
    notice_id: int,
    base_version: int,
    by: str,
    *,
    met_on: date,
    head_present: bool,
    chair_present: bool,
    notes: str,
    path: Path | None = None,
) -> dict:
    """The meeting with the headteacher and the chair of governors about the notice."""
    rec = _open(notice_id, NOTICE, path)
    issued = date.fromisoformat(rec.body["date"])
    met = check_date(met_on, "Meeting date", not_after=date.today())
    if met < issued:
        raise ValueError(f"Meeting date ({met}) is before the notice was issued ({issued})")
    meeting = {
        "date": met.isoformat(),
        "head_present": bool(head_present),
        "chair_present": bool(chair_present),
        "notes": check_text(notes, "Meeting notes"),
    }
    body = {**rec.body, "meeting": meeting}
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


def agree_actions(
    notice_id: int, base_version: int, by: str, actions: list[dict], *, path: Path | None = None
) -> dict:
    """The actions agreed with the school (each with an owner and a due date)."""
    rec = _open(notice_id, NOTICE, path)
    if not actions:
        raise ValueError("Agree at least one action")
    checked = check_actions(actions, not_before=date.fromisoformat(rec.body["date"]))
    body = {**rec.body, "actions": checked}
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


def record_review(
    notice_id: int,
    base_version: int,
    by: str,
    *,
    reviewed_on: date,
    outcome: str,
    summary: str,
    next_review_due: date | None = None,
    path: Path | None = None,
) -> dict:
    """The review and its outcome: lifted or escalated closes the notice; extended sets the next
    review, 6 to 8 weeks after this one."""
    rec = _open(notice_id, NOTICE, path)
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
    reviewed = check_date(reviewed_on, "Review date", not_after=date.today())
    issued = date.fromisoformat(rec.body["date"])
    if reviewed < issued:
        raise ValueError(f"Review date ({reviewed}) is before the notice was issued ({issued})")
    review = {"date": reviewed.isoformat(), "outcome": outcome,
              "summary": check_text(summary, "Review summary")}  # fmt: skip
    body = {**rec.body, "reviews": [*rec.body.get("reviews", []), review]}
    if outcome == "extended":
        body["review_due"] = _check_review_due(
            next_review_due, reviewed, "Next review date"
        ).isoformat()
    else:
        body.update(status="closed", outcome=outcome, closed_at=records.now_utc(), closed_by=by)
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


def raise_with_dfe(
    urn: int,
    by: str,
    *,
    raised_on: date,
    raised_with: str,
    concerns: str,
    path: Path | None = None,
) -> int:
    """An academy: record the concern the council raised with the DfE."""
    if raised_with not in DFE_CONTACTS:
        raise ValueError(f"Raised with {raised_with!r}? One of {', '.join(DFE_CONTACTS)}")
    body = {
        "date": check_date(raised_on, "Date raised", not_after=date.today()).isoformat(),
        "text": check_text(concerns, "The concerns"),
        "rag": "red",
        "status": "open",
        "raised_with": raised_with,
        "follow_ups": [],
        "outcome": None,
    }
    return records.create(DFE, int(urn), body, by, path=path).record_id


def follow_up_dfe(
    concern_id: int,
    base_version: int,
    by: str,
    *,
    on: date,
    text: str,
    close: bool = False,
    path: Path | None = None,
) -> dict:
    """A follow-up with the DfE (a reply, a meeting, a chase); ``close`` records it as the outcome."""
    rec = _open(concern_id, DFE, path)
    when = check_date(on, "Follow-up date", not_after=date.today())
    raised = date.fromisoformat(rec.body["date"])
    if when < raised:
        raise ValueError(f"Follow-up date ({when}) is before the concern was raised ({raised})")
    entry = {"date": when.isoformat(), "text": check_text(text, "Follow-up")}
    body = {**rec.body, "follow_ups": [*rec.body.get("follow_ups", []), entry]}
    if close:
        body.update(status="closed", outcome=entry["text"], closed_at=records.now_utc(),
                    closed_by=by)  # fmt: skip
    return flatten(records.revise(rec.record_id, base_version, body, by, path=path))


def review_due(notice: dict) -> date | None:
    """When the notice is next reviewed (notices entered before the workflow: 6 weeks after issue)."""
    if notice.get("kind") != NOTICE or notice.get("status") != "open":
        return None
    if notice.get("review_due"):
        return date.fromisoformat(notice["review_due"])
    return date.fromisoformat(str(notice["date"])) + timedelta(weeks=REVIEW_WEEKS[0])


def days_overdue(notice: dict, today: date) -> int:
    """How many days an open notice's review is overdue (0 if not)."""
    due = review_due(notice)
    return max(0, (today - due).days) if due else 0


def stage(notice: dict, today: date) -> str:
    """Where a notice or DfE concern has got to, in words."""
    if notice.get("status") == "closed":
        return f"Closed: {OUTCOMES.get(notice.get('outcome'), notice.get('outcome') or 'closed')}"
    if notice.get("kind") == DFE:
        n = len(notice.get("follow_ups") or [])
        return f"Raised with {notice.get('raised_with', 'the DfE')}; {n} follow-up(s)"
    late = days_overdue(notice, today)
    if late:
        return f"Review overdue by {late} days"
    if notice.get("actions"):
        return "Actions agreed; awaiting review"
    if notice.get("meeting"):
        return "Meeting held; actions to agree"
    return "Issued; meeting with headteacher and chair to hold"
