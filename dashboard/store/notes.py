"""Notes, visits and concerns entered in the app (decision 20: kept apart from workbook records).

These are soft intelligence: read them only through dashboard.data_access, which checks the role.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from dashboard.store.db import connect, transaction

KINDS = ("visit", "note", "concern", "notice_of_concern", "dfe_concern", "headteacher_change")
CLOSABLE = ("notice_of_concern", "dfe_concern")  # status 'open' until closed; NULL for other kinds
RAGS = ("red", "amber", "green")


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
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if rag is not None and rag not in RAGS:
        raise ValueError(f"Unknown RAG {rag!r}; one of {', '.join(RAGS)}")
    if not text.strip():
        raise ValueError("A note needs some text")
    with connect(path) as con:
        cur = con.execute(
            "INSERT INTO school_notes (urn, at, author, kind, date, text, rag, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(urn),
                datetime.now(UTC).isoformat(timespec="seconds"),
                author,
                kind,
                (on or date.today()).isoformat(),
                text,
                rag,
                "open" if kind in CLOSABLE else None,
            ),
        )
        return int(cur.lastrowid)


def get_note(note_id: int, *, path: Path | None = None) -> dict | None:
    """One note by id, or None."""
    with connect(path) as con:
        row = con.execute("SELECT * FROM school_notes WHERE id = ?", (int(note_id),)).fetchone()
    return None if row is None else dict(row)


def close_note(note_id: int, by: str, path: Path | None = None) -> dict:
    """Close an open notice of concern or DfE/RSC concern (after its review meeting); the closed
    row. Other kinds cannot be closed, and closing twice is an error (ValueError); an unknown id
    is a LookupError."""
    with connect(path) as con, transaction(con):
        row = con.execute("SELECT * FROM school_notes WHERE id = ?", (int(note_id),)).fetchone()
        if row is None:
            raise LookupError(f"No note {note_id}")
        if row["kind"] not in CLOSABLE:
            raise ValueError(f"A {row['kind']} cannot be closed; only {', '.join(CLOSABLE)}")
        if row["status"] != "open":
            raise ValueError(f"Note {note_id} is already closed")
        con.execute(
            "UPDATE school_notes SET status = 'closed', closed_at = ?, closed_by = ?"
            " WHERE id = ? AND status = 'open'",
            (datetime.now(UTC).isoformat(timespec="seconds"), by, int(note_id)),
        )
        closed = con.execute("SELECT * FROM school_notes WHERE id = ?", (int(note_id),)).fetchone()
    return dict(closed)


def notes_for(urns: list[int] | None, *, path: Path | None = None) -> list[dict]:
    """Notes for these schools (None: every school), newest first."""
    with connect(path) as con:
        if urns is None:
            rows = con.execute("SELECT * FROM school_notes ORDER BY date DESC, id DESC").fetchall()
        else:
            rows = con.execute(
                "SELECT * FROM school_notes WHERE urn IN (SELECT value FROM json_each(?))"
                " ORDER BY date DESC, id DESC",
                (json.dumps([int(u) for u in urns]),),
            ).fetchall()
    return [dict(r) for r in rows]
