"""Visit notes, notices of concern and DfE concerns entered in the app: reads and writes for managers
and officers only (soft intelligence), for their own schools, never in a governor deployment.

Every function checks the identity, then that the school is one the user may see, then that the
record belongs to that school: an id alone is never trusted. Notices of concern are for maintained
schools; for an academy the council records the concern it raised with the DfE (it has no powers of
intervention there). ValueError carries the store's validation message for the form to show;
ConflictError (dashboard.store.records) means someone else saved first.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import data_access
from dashboard.access import Identity
from dashboard.data_access.core import require_intelligence
from dashboard.store import notes, notices, records

NOTICE_COLUMNS = ["id", "version", "urn", "name", "district", "kind", "date", "stage",
                  "review_due", "days_overdue", "status", "author", "updated_by", "updated_at"]  # fmt: skip


def _school(identity: Identity, urn: int) -> dict:
    require_intelligence(identity)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    rows = data_access.list_schools(identity)
    row = rows[rows["urn"] == urn]
    if row.empty:
        raise PermissionError("No such school")
    return row.iloc[0].to_dict()


def _entry(identity: Identity, urn: int, entry_id: int) -> dict:
    _school(identity, urn)
    entry = notes.get_note(int(entry_id))
    if entry is None or int(entry["urn"]) != int(urn):
        raise PermissionError("No such entry for this school")
    return entry


def is_academy(identity: Identity, urn: int) -> bool:
    return bool(_school(identity, urn)["is_academy"])


def add_visit(identity: Identity, urn: int, **fields) -> int:
    """A visit note (date, officer, type, summary, RAG, follow-up actions)."""
    _school(identity, urn)
    return notes.add_visit(int(urn), identity.username, **fields)


def withdraw(identity: Identity, urn: int, entry_id: int, base_version: int, reason: str) -> dict:
    """Withdraw an entry made in error: it stops counting and stays in the history."""
    _entry(identity, urn, entry_id)
    return notes.withdraw_note(int(entry_id), int(base_version), identity.username, reason)


def issue_notice(identity: Identity, urn: int, *, issued_on: date, concerns: str,
                 review_due: date | None = None) -> int:  # fmt: skip
    if is_academy(identity, urn):
        raise ValueError("This school is an academy: record the concern raised with the DfE")
    return notices.issue_notice(int(urn), identity.username, issued_on=issued_on,
                                concerns=concerns, review_due=review_due)  # fmt: skip


def raise_with_dfe(identity: Identity, urn: int, **fields) -> int:
    if not is_academy(identity, urn):
        raise ValueError("This school is maintained: issue a notice of concern instead")
    return notices.raise_with_dfe(int(urn), identity.username, **fields)


def notice_step(identity: Identity, urn: int, entry_id: int, base_version: int, step: str,
                **fields) -> dict:  # fmt: skip
    """One workflow step on a school's notice or DfE concern: 'meeting', 'actions', 'review',
    'follow_up'."""
    _entry(identity, urn, entry_id)
    steps = {
        "meeting": notices.record_meeting,
        "actions": notices.agree_actions,
        "review": notices.record_review,
        "follow_up": notices.follow_up_dfe,
    }
    if step not in steps:
        raise ValueError(f"Unknown step {step!r}")
    return steps[step](int(entry_id), int(base_version), identity.username, **fields)


def entry_detail(entry: dict) -> str:
    """One line for the timeline: what the entry says, with who visited and what happens next."""
    parts = []
    if entry["kind"] == "visit" and entry.get("visit_type"):
        parts.append(f"{notes.VISIT_TYPES[entry['visit_type']]} by {entry.get('officer', '')}:")
    if entry["kind"] == notices.DFE and entry.get("raised_with"):
        parts.append(f"Raised with {entry['raised_with']}:")
    parts.append(str(entry["text"]))
    actions = entry.get("actions") or []
    if actions:
        parts.append("Actions: " + "; ".join(f"{a['action']} (due {a['due']})" for a in actions))
    if entry.get("review_due") and entry.get("status") == "open":
        parts.append(f"Review due {entry['review_due']}.")
    return " ".join(parts)


def school_entries(identity: Identity, urn: int) -> list[dict]:
    """Every current app entry for one school (latest versions, newest first)."""
    _school(identity, urn)
    return notes.notes_for([int(urn)])


def entry_history(identity: Identity, urn: int) -> pd.DataFrame:
    """Every version of every app entry for one school, withdrawn ones included: who wrote what,
    when (nothing entered in the app is ever deleted)."""
    _school(identity, urn)
    rows = []
    for rec in records.current(notes.KINDS, [int(urn)], include_withdrawn=True):
        for v in records.history(rec.record_id):
            rows.append({"entry": rec.record_id, "kind": v.kind, "version": v.version,
                         "written_at": v.written_at, "written_by": v.written_by,
                         "withdrawn": "yes" if v.withdrawn else "",
                         "what it said": entry_detail(notes.flatten(v))
                         + (f" Withdrawn: {v.body['withdrawn_reason']}" if v.withdrawn else "")})  # fmt: skip
    cols = ["entry", "kind", "version", "written_at", "written_by", "withdrawn", "what it said"]
    return pd.DataFrame(rows, columns=cols)


def county_notices(identity: Identity, today: date | None = None) -> pd.DataFrame:
    """Every notice of concern and DfE concern of the user's schools, open ones first, the most
    overdue at the top: what a manager chases."""
    require_intelligence(identity)
    today = today or date.today()
    allowed = None if identity.allowed_urns is None else sorted(identity.allowed_urns)
    rows = [n for n in notes.notes_for(allowed) if n["kind"] in (notices.NOTICE, notices.DFE)]
    schools = data_access.list_schools(identity)[["urn", "name", "district"]]
    df = pd.DataFrame(rows, columns=sorted({*NOTICE_COLUMNS, *(k for r in rows for k in r)}))
    df = df[df["urn"].isin(schools["urn"])] if len(df) else df
    if df.empty:
        return pd.DataFrame(columns=NOTICE_COLUMNS)
    df = df.drop(columns=["name", "district"]).merge(schools, on="urn", how="left")
    records = df.to_dict("records")
    df["stage"] = [notices.stage(r, today) for r in records]
    df["review_due"] = [notices.review_due(r) for r in records]
    df["days_overdue"] = [notices.days_overdue(r, today) for r in records]
    df["_open"] = df["status"].eq("open")
    df = df.sort_values(["_open", "days_overdue", "date"], ascending=[False, False, False])
    return df.drop(columns="_open").reset_index(drop=True)
