"""Server-side sessions: the browser session holds only a random token; role and schools are
re-read from the users table on every rerun, so nothing a user can alter decides what they see."""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from dashboard.store.db import connect


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(username: str, *, path: Path | None = None, now: float | None = None) -> str:
    """A new session for ``username``; returns the token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = time.time() if now is None else now
    with connect(path) as con:
        con.execute(
            "INSERT INTO sessions (token_hash, username, issued_at, last_seen) VALUES (?, ?, ?, ?)",
            (_digest(token), username, now, now),
        )
        con.execute("DELETE FROM sessions WHERE last_seen < ?", (now - 7 * 24 * 3600,))
    return token


def touch(
    token: str, max_idle_seconds: float, *, path: Path | None = None, now: float | None = None
):
    """The username of a live session (and mark it used), or None if unknown or idle too long."""
    if not isinstance(token, str) or not token:
        return None
    now = time.time() if now is None else now
    with connect(path) as con:
        row = con.execute(
            "SELECT s.username, s.last_seen, u.active FROM sessions s JOIN users u USING (username)"
            " WHERE s.token_hash = ?",
            (_digest(token),),
        ).fetchone()
        if row is None:
            return None
        if not row["active"] or now - row["last_seen"] > max_idle_seconds:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
            return None
        if now - row["last_seen"] > 15:  # avoid a write on every rerun
            con.execute(
                "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, _digest(token))
            )
    return row["username"]


def end(token: str, *, path: Path | None = None) -> None:
    if isinstance(token, str):
        with connect(path) as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
