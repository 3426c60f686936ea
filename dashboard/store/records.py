"""Append-only, versioned records: the one way anything entered in the app is written (issue 8).

Why this shape: improvement managers' notes, visits and notices are evidence the council may have to
produce years later, so nothing may be lost or silently overwritten.

- Every write is a new row. ``create`` writes version 1; ``revise`` writes version n+1 of the whole
  body; ``withdraw`` writes version n+1 marked withdrawn (the body is kept). The table's triggers
  refuse UPDATE and DELETE, so even a bug cannot rewrite history.
- Every version records who wrote it and when (UTC).
- Optimistic concurrency: ``revise`` and ``withdraw`` take the version the editor started from. If
  someone else saved a newer version meanwhile, ``ConflictError`` names who and when, and nothing is
  written; the primary key (record_id, version) makes the check race-free even between processes.
- Each write is one transaction (SQLite in WAL mode with synchronous=FULL, or PostgreSQL when
  several app servers share the store; db.py): a crash mid-write leaves the record as it was
  before, never half-written.

Kind-specific validation lives with each kind (notes.py, notices.py, visits.py); this module only
stores JSON objects. Read them through dashboard.data_access, which checks the role.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dashboard.store.db import IntegrityError, Location, connect, location, one_of, transaction

KINDS = (
    "visit",
    "note",
    "concern",
    "notice_of_concern",
    "dfe_concern",
    "headteacher_change",
    "planned_visit",
    "officer_capacity",
)


class ConflictError(Exception):
    """Someone saved a newer version of the record after the editor opened it."""

    def __init__(self, record_id: int, expected: int, current: Record):
        self.record_id, self.expected, self.current = record_id, expected, current
        super().__init__(
            f"Record {record_id} was changed by {current.written_by} at {current.written_at} "
            f"(version {current.version}) after you opened version {expected}. Your changes were "
            "not saved: reload to see theirs, then make yours again."
        )


@dataclass(frozen=True)
class Record:
    record_id: int
    version: int
    kind: str
    urn: int | None
    written_at: str
    written_by: str
    withdrawn: bool
    body: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""  # when version 1 was written
    created_by: str = ""  # who wrote version 1


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check(kind: str, body: dict, by: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if not isinstance(body, dict):
        raise ValueError("A record's body is a JSON object")
    if not by or not str(by).strip():
        raise ValueError("Every record names who wrote it")
    return json.dumps(body, sort_keys=True, default=str)


_SELECT = """
    SELECT r.*, f.written_at AS created_at, f.written_by AS created_by
    FROM records r JOIN records f ON f.record_id = r.record_id AND f.version = 1
"""


def _record(row) -> Record:
    return Record(
        record_id=int(row["record_id"]),
        version=int(row["version"]),
        kind=row["kind"],
        urn=None if row["urn"] is None else int(row["urn"]),
        written_at=row["written_at"],
        written_by=row["written_by"],
        withdrawn=bool(row["withdrawn"]),
        body=json.loads(row["body"]),
        created_at=row["created_at"],
        created_by=row["created_by"],
    )


def _latest(con, record_id: int) -> Record | None:
    row = con.execute(
        _SELECT + " WHERE r.record_id = ? ORDER BY r.version DESC LIMIT 1", (int(record_id),)
    ).fetchone()
    return None if row is None else _record(row)


def create(
    kind: str, urn: int | None, body: dict, by: str, *, path: Location | None = None
) -> Record:
    """Write version 1 of a new record; its id is the next free one."""
    text = _check(kind, body, by)
    _forget_reads()
    with connect(path) as con, transaction(con):
        record_id = con.execute("SELECT coalesce(max(record_id), 0) + 1 FROM records").fetchone()[0]
        con.execute(
            "INSERT INTO records (record_id, version, kind, urn, written_at, written_by, body)"
            " VALUES (?, 1, ?, ?, ?, ?, ?)",
            (record_id, kind, None if urn is None else int(urn), now_utc(), by, text),
        )
        return _latest(con, record_id)


def _next_version(
    record_id: int, base_version: int, body: dict | None, by: str, withdrawn: bool, path
) -> Record:
    _forget_reads()
    with connect(path) as con, transaction(con):
        current = _latest(con, record_id)
        if current is None:
            raise LookupError(f"No record {record_id}")
        if current.version != int(base_version):
            raise ConflictError(record_id, int(base_version), current)
        if current.withdrawn:
            raise ValueError(f"Record {record_id} was withdrawn; it cannot be changed")
        new_body = current.body if body is None else body
        text = _check(current.kind, new_body, by)
        try:
            con.execute(
                "INSERT INTO records (record_id, version, kind, urn, written_at, written_by,"
                " withdrawn, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record_id, current.version + 1, current.kind, current.urn, now_utc(), by,
                 int(withdrawn), text),
            )  # fmt: skip
        except IntegrityError:  # another process took this version between our reads
            raise ConflictError(record_id, int(base_version), _latest(con, record_id)) from None
        return _latest(con, record_id)


def revise(
    record_id: int, base_version: int, body: dict, by: str, *, path: Location | None = None
) -> Record:
    """Write a new version of the whole body, if nobody else has since ``base_version``."""
    return _next_version(int(record_id), base_version, body, by, False, path)


def withdraw(
    record_id: int, base_version: int, by: str, reason: str, *, path: Location | None = None
) -> Record:
    """Mark a record withdrawn (a new version; every earlier version stays readable)."""
    if not reason or not reason.strip():
        raise ValueError("Say why the record is withdrawn")
    with connect(path) as con:
        current = _latest(con, int(record_id))
    if current is None:
        raise LookupError(f"No record {record_id}")
    body = {**current.body, "withdrawn_reason": reason.strip()}
    return _next_version(int(record_id), base_version, body, by, True, path)


def get(record_id: int, *, path: Location | None = None) -> Record | None:
    """The latest version of one record (withdrawn or not)."""
    with connect(path) as con:
        return _latest(con, int(record_id))


def history(record_id: int, *, path: Location | None = None) -> list[Record]:
    """Every version of one record, oldest first."""
    with connect(path) as con:
        rows = con.execute(
            _SELECT + " WHERE r.record_id = ? ORDER BY r.version", (int(record_id),)
        ).fetchall()
    return [_record(r) for r in rows]


def current(
    kinds: tuple[str, ...] | list[str],
    urns: list[int] | None = None,
    *,
    include_withdrawn: bool = False,
    path: Location | None = None,
) -> list[Record]:
    """The latest version of every record of these kinds (for these schools; None: all schools).
    Inside ``read_once_per_run`` the same question is asked of the store once."""
    memo = getattr(_RUN, "rows", None)
    key = (tuple(str(k) for k in kinds), None if urns is None else tuple(int(u) for u in urns),
           include_withdrawn, str(location(path)))  # fmt: skip
    if memo is not None and key in memo:
        return [_record(r) for r in memo[key]]
    with connect(path) as con:
        kind_in, kinds_value = one_of(con, "r.kind", [str(k) for k in kinds])
        sql = (
            f"{_SELECT} WHERE {kind_in}"
            " AND r.version = (SELECT max(version) FROM records m WHERE m.record_id = r.record_id)"
        )
        params: list = [kinds_value]
        if urns is not None:
            urn_in, urns_value = one_of(con, "r.urn", [int(u) for u in urns])
            sql += f" AND {urn_in}"
            params.append(urns_value)
        if not include_withdrawn:
            sql += " AND r.withdrawn = 0"
        rows = con.execute(sql + " ORDER BY r.record_id", params).fetchall()
    if memo is not None and memo is getattr(_RUN, "rows", None):  # no write since it began
        memo[key] = rows
    return [_record(r) for r in rows]


_RUN = threading.local()  # .rows: what ``current`` read in this thread's script run, by question


@contextmanager
def read_once_per_run() -> Iterator[None]:
    """While a page's script run runs (dashboard/app.py), ``current`` reads each question from
    the store once (a page asked the same one up to six times a rerun, each a new connection);
    any write through this module in the run forgets what was read, so the run reads its own
    writes. Records are rebuilt from the rows each time: no caller shares another's objects."""
    _RUN.rows = {}
    try:
        yield
    finally:
        _RUN.rows = None


def _forget_reads() -> None:
    if getattr(_RUN, "rows", None) is not None:
        _RUN.rows = {}
