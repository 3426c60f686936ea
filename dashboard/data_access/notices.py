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

from dashboard import data_access, db
from dashboard.access import Identity
from dashboard.data_access.by_school import BySchool
from dashboard.data_access.core import allowed_key, cached, digest, require_intelligence
from dashboard.store import notes, notices, records
from warehouse.queries import manager as manager_q

NOTICE_COLUMNS = ["id", "version", "urn", "name", "district", "kind", "date", "stage",
                  "review_due", "days_overdue", "status", "author", "updated_by", "updated_at"]  # fmt: skip


def _school(identity: Identity, urn: int) -> dict:
    return data_access.school_for_intelligence(identity, urn)


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


SOURCE_APP = "Entered in the app"
SOURCE_WORKBOOK = "Council workbook"
WORKBOOK_CLOSED = ("closed", "withdrawn", "lifted", "ended", "resolved", "complete", "completed")


@cached
def _workbook_notices(build: str, allowed, la_code: int) -> pd.DataFrame:
    return db.run(build, manager_q.workbook_notices, allowed=allowed, la_code=la_code)


@cached
def _workbook_rows(build: str, allowed, la_code: int, today: date, closed: tuple[str, ...]
                   ) -> pd.DataFrame:  # fmt: skip
    """``workbook_rows`` of the build's workbook notices, once per build, user's schools and day."""
    raw = _workbook_notices(build, allowed, la_code)
    return workbook_rows(raw, today, closed) if len(raw) else raw


def _app_notices(identity: Identity, today: date, entries: list[dict]) -> pd.DataFrame:
    """The app's notices among ``entries`` (notes.notes_for the user's schools)."""
    rows = [n for n in entries if n["kind"] in (notices.NOTICE, notices.DFE)]
    # Stage, review and days overdue from the store's own dicts: a frame would turn a key one entry
    # lacks (a notice entered before the workflow has no review_due) into NaN.
    rows = [{**r, "stage": notices.stage(r, today), "review_due": notices.review_due(r),
             "days_overdue": notices.days_overdue(r, today)} for r in rows]  # fmt: skip
    schools = data_access.list_schools(identity)[["urn", "name", "district"]]
    df = pd.DataFrame(rows, columns=sorted({*NOTICE_COLUMNS, *(k for r in rows for k in r)}))
    df = df[df["urn"].isin(schools["urn"])] if len(df) else df
    if df.empty:
        return pd.DataFrame(columns=[*NOTICE_COLUMNS, "source", "detail"])
    df = df.drop(columns=["name", "district"]).merge(schools, on="urn", how="left")
    df["source"] = SOURCE_APP
    df["detail"] = df["text"]
    return df


def workbook_rows(wb: pd.DataFrame, today: date, closed: tuple[str, ...]) -> pd.DataFrame:
    """The workbook's notices as the notices page lists them: open unless the workbook's status is
    one the model counts as closed (model setting closed_notice_statuses); days overdue from the
    workbook's review date; never worked on in the app (decision 20: kept as loaded)."""
    out = wb.copy()
    status = out["status"].fillna("").astype(str).str.strip()
    is_open = ~status.str.lower().isin([c.lower() for c in closed])
    due = [
        None if pd.isna(d) else d.date() for d in pd.to_datetime(out["review_due"], errors="coerce")
    ]
    due = [d if o else None for o, d in zip(is_open, due, strict=True)]
    out["review_due"] = pd.Series(due, index=out.index, dtype="object")
    out["days_overdue"] = [max(0, (today - d).days) if d else 0 for d in due]
    out["status"] = is_open.map({True: "open", False: "closed"})
    out["stage"] = [
        f"Review overdue by {n} days (workbook status: {s or 'none'})" if n
        else f"Workbook status: {s or 'none'}"
        for n, s in zip(out["days_overdue"], status, strict=True)
    ]  # fmt: skip
    out["date"] = pd.to_datetime(out["date"], errors="coerce").dt.date.astype(str)
    out["id"] = None
    out["source"] = SOURCE_WORKBOOK
    return out


def county_notices(identity: Identity, today: date | None = None) -> pd.DataFrame:
    """Every notice of concern and DfE concern of the user's schools from both sources (the
    council's workbook and the app, each marked in ``source``), open ones first, the most overdue
    at the top: what a manager chases. The store's entries are read on every call (a new one
    counts at once); the rest is computed once per (build, allowed URNs, day, entries)."""
    return county_notices_keyed(identity, today)[0]


def county_notices_keyed(
    identity: Identity, today: date | None = None
) -> tuple[pd.DataFrame, tuple]:
    """``county_notices`` with the key of its rows (build, allowed URNs, LA, day, closed statuses,
    a digest of the store's entries): what the page draws from them may be cached on it."""
    from dashboard.data_access import manager

    require_intelligence(identity)
    today = today or date.today()
    allowed = allowed_key(identity)
    entries = notes.notes_for(None if allowed is None else list(allowed))
    ctx = manager.context(identity)
    la_code = None if ctx is None else ctx.la_code
    closed = (
        None if ctx is None else tuple(ctx.settings.get("closed_notice_statuses", WORKBOOK_CLOSED))
    )
    key = (db.current_build(), allowed, la_code, today, closed, digest(entries))
    return _county_notices(*key, _identity=identity, _entries=entries), key


@cached
def _county_notices(build: str, allowed, la_code: int | None, today: date, closed, entries_digest: str,
                    *, _identity: Identity, _entries: list[dict]) -> pd.DataFrame:  # fmt: skip
    """``county_notices`` for one key (``_identity`` is used only for its allowed URNs, which the
    key names; ``entries_digest`` is that of ``_entries``)."""
    app = _app_notices(_identity, today, _entries)
    wb = pd.DataFrame(columns=app.columns)
    if la_code is not None:
        rows = _workbook_rows(build, allowed, la_code, today, closed)
        wb = rows if len(rows) else wb
    cols = [*NOTICE_COLUMNS, "source", "detail"]
    parts = [p.reindex(columns=cols) for p in (app, wb) if len(p)]
    if not parts:
        return pd.DataFrame(columns=cols)
    df = pd.concat(parts, ignore_index=True)
    df["_open"] = df["status"].eq("open")
    df["date"] = df["date"].astype(str)
    df = df.sort_values(["_open", "days_overdue", "date"], ascending=[False, False, False],
                        kind="stable")  # fmt: skip
    return df.drop(columns="_open").reset_index(drop=True)


def school_open_notices(identity: Identity, urn: int) -> pd.DataFrame:
    """One school's open notices of concern and DfE concerns, from both sources (summary band)."""
    data_access.check_school_for_intelligence(identity, urn)  # the guard, without the row
    df, key = county_notices_keyed(identity)
    return _open_by_school(key, _rows=df).rows(int(urn))


def read_open_notices(identity: Identity) -> None:
    """Read what ``school_open_notices`` slices for any school of this user's (the county's
    notices by school, the schools a note may be written against), once per key."""
    data_access.read_school_checks(identity)
    df, key = county_notices_keyed(identity)
    _open_by_school(key, _rows=df)


@cached
def _open_by_school(key: tuple, *, _rows: pd.DataFrame) -> BySchool:
    """The open rows of ``county_notices`` (``_rows``, whose key is ``key``) by school: a school's
    first view slices its rows instead of filtering the county's."""
    return BySchool(_rows[_rows["status"].eq("open")])
