"""Notes, visit notes, concerns and headteacher changes entered in the app (decision 20: kept apart
from the workbook's records), stored as append-only records (records.py).

Each entry is read back as one flat dict (the latest version): ``id``, ``version``, ``urn``, ``kind``,
``at``/``author`` (first written), ``updated_at``/``updated_by`` (latest version), ``date``, ``text``,
``rag``, ``status`` and the kind's own fields. Notices of concern and DfE/RSC concerns have their
workflow in notices.py but read back through ``notes_for`` like every other entry, so the support
category (dashboard/support.py) sees them all.

These are soft intelligence: read them only through dashboard.data_access, which checks the role.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dashboard.store import records

KINDS = ("visit", "note", "concern", "notice_of_concern", "dfe_concern", "headteacher_change")
CLOSABLE = ("notice_of_concern", "dfe_concern")  # status 'open' until closed; NULL for other kinds
RAGS = ("red", "amber", "green")
VISIT_TYPES = {
    "challenge_meeting": "Challenge meeting",
    "monitoring_visit": "Monitoring visit",
    "support": "Support visit",
}
MAX_TEXT = 4000


def check_date(value: Any, what: str, *, not_after: date | None = None) -> date:
    """A date from a form or a file; a clear message naming the field otherwise."""
    if isinstance(value, date):
        d = value
    else:
        try:
            d = date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None
    if not_after is not None and d > not_after:
        raise ValueError(f"{what} ({d}) cannot be after {not_after}")
    return d


def check_text(value: Any, what: str, *, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError(f"{what} is required")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{what} is {len(text)} characters; at most {MAX_TEXT}")
    return text


def check_rag(rag: str | None) -> str | None:
    if rag is not None and rag not in RAGS:
        raise ValueError(f"Unknown RAG {rag!r}; one of {', '.join(RAGS)}")
    return rag


def check_actions(actions: list[dict] | None, *, not_before: date) -> list[dict]:
    """Follow-up actions: each needs words and a due date on or after ``not_before``."""
    out = []
    for i, a in enumerate(actions or [], start=1):
        words = check_text(a.get("action"), f"Action {i}")
        due = check_date(a.get("due"), f"Action {i} due date")
        if due < not_before:
            raise ValueError(f"Action {i} is due {due}, before {not_before}")
        owner = check_text(a.get("owner"), f"Action {i} owner", required=False)
        out.append({"action": words, "due": due.isoformat(), "owner": owner,
                    "done": bool(a.get("done", False))})  # fmt: skip
    return out


def flatten(rec: records.Record) -> dict:
    """One entry as the pages and the support category read it."""
    body = rec.body
    return {
        **body,
        "id": rec.record_id,
        "version": rec.version,
        "urn": rec.urn,
        "kind": rec.kind,
        "at": rec.created_at,
        "author": rec.created_by,
        "updated_at": rec.written_at,
        "updated_by": rec.written_by,
        "withdrawn": rec.withdrawn,
        "date": body.get("date"),
        "text": body.get("text", ""),
        "rag": body.get("rag"),
        "status": body.get("status"),
        "closed_at": body.get("closed_at"),
        "closed_by": body.get("closed_by"),
    }


def add_note(
    urn: int,
    author: str,
    kind: str,
    text: str,
    *,
    on: date | None = None,
    rag: str | None = None,
    path: Path | None = None,
) -> int:
    """A short entry of any kind (notices start open); the new entry's id."""
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}; one of {', '.join(KINDS)}")
    body = {
        "date": check_date(on or date.today(), "Date", not_after=date.today()).isoformat(),
        "text": check_text(text, "The note"),
        "rag": check_rag(rag),
        "status": "open" if kind in CLOSABLE else None,
    }
    return records.create(kind, int(urn), body, author, path=path).record_id


def add_visit(
    urn: int,
    author: str,
    *,
    on: date,
    officer: str,
    visit_type: str,
    summary: str,
    rag: str | None,
    actions: list[dict] | None = None,
    path: Path | None = None,
) -> int:
    """A visit note: who visited, what kind of visit, what they found, what happens next."""
    if visit_type not in VISIT_TYPES:
        raise ValueError(f"Unknown visit type {visit_type!r}; one of {', '.join(VISIT_TYPES)}")
    when = check_date(on, "Visit date", not_after=date.today())
    body = {
        "date": when.isoformat(),
        "officer": check_text(officer, "Officer"),
        "visit_type": visit_type,
        "text": check_text(summary, "Summary"),
        "rag": check_rag(rag),
        "status": None,
        "actions": check_actions(actions, not_before=when),
    }
    return records.create("visit", int(urn), body, author, path=path).record_id


def withdraw_note(
    note_id: int, base_version: int, by: str, reason: str, *, path: Path | None = None
) -> dict:
    """Withdraw an entry entered in error: it no longer counts, and stays in the history."""
    return flatten(records.withdraw(int(note_id), base_version, by, reason, path=path))


def get_note(note_id: int, *, path: Path | None = None) -> dict | None:
    """The latest version of one entry, or None."""
    rec = records.get(int(note_id), path=path)
    return None if rec is None or rec.kind not in KINDS else flatten(rec)


def close_note(note_id: int, by: str, path: Path | None = None) -> dict:
    """Close an open notice of concern or DfE/RSC concern (a new version, status 'closed'). Other
    kinds cannot be closed, and closing twice is an error (ValueError); an unknown id is a
    LookupError."""
    rec = records.get(int(note_id), path=path)
    if rec is None or rec.kind not in KINDS:
        raise LookupError(f"No note {note_id}")
    if rec.kind not in CLOSABLE:
        raise ValueError(f"A {rec.kind} cannot be closed; only {', '.join(CLOSABLE)}")
    if rec.body.get("status") != "open":
        raise ValueError(f"Note {note_id} is already closed")
    body = {**rec.body, "status": "closed", "closed_at": records.now_utc(), "closed_by": by}
    return flatten(records.revise(int(note_id), rec.version, body, by, path=path))


def notes_for(urns: list[int] | None, *, path: Path | None = None) -> list[dict]:
    """Current entries (not withdrawn) for these schools (None: every school), newest first."""
    rows = [flatten(r) for r in records.current(KINDS, urns, path=path)]
    return sorted(rows, key=lambda n: (str(n["date"]), n["id"]), reverse=True)
