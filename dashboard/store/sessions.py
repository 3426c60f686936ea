"""Server-side sessions. A browser holds only a random token (in its tab's state and, once the
server has handed it over, in a signed HttpOnly cookie: dashboard/web.py); the store keeps the
token's hash. Role and schools are re-read from the users table on every rerun, so nothing a user
can alter decides what they see. A session ends after ``max_idle`` seconds unused or
``max_age`` seconds after sign-in, at sign-out, and when its user's password, role or schools
change or the user is deactivated (users.update_user ends them all)."""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from dashboard.store.db import connect, transaction

KINDS = ("password", "sso")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    username: str,
    *,
    client_hash: str | None = None,
    kind: str = "password",
    path: Path | None = None,
    now: float | None = None,
) -> str:
    """A new session for ``username``; returns the token (only its hash is stored).
    ``client_hash`` names the browser it was started in, for the cookie hand-over."""
    if kind not in KINDS:
        raise ValueError(f"Unknown session kind {kind!r}")
    token = secrets.token_urlsafe(32)
    now = time.time() if now is None else now
    with connect(path) as con:
        con.execute(
            "INSERT INTO sessions (token_hash, username, issued_at, last_seen, client_hash, kind)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (digest(token), username, now, now, client_hash, kind),
        )
        con.execute("DELETE FROM sessions WHERE last_seen < ?", (now - 7 * 24 * 3600,))
    return token


def _live(row, max_idle: float, max_age: float | None, now: float) -> bool:
    return (
        bool(row["active"])
        and now - row["last_seen"] <= max_idle
        and (max_age is None or now - row["issued_at"] <= max_age)
    )


def lookup(
    token: str,
    max_idle_seconds: float,
    max_age_seconds: float | None = None,
    *,
    path: Path | None = None,
    now: float | None = None,
) -> dict | None:
    """The live session of ``token`` (username, kind, issued_at), marked used; else None (an
    idle, expired or unknown session, or a deactivated user's, is deleted)."""
    if not isinstance(token, str) or not token:
        return None
    now = time.time() if now is None else now
    with connect(path) as con:
        row = con.execute(
            "SELECT s.username, s.kind, s.issued_at, s.last_seen, u.active"
            " FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
            (digest(token),),
        ).fetchone()
        if row is None:
            return None
        if not _live(row, max_idle_seconds, max_age_seconds, now):
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (digest(token),))
            return None
        if now - row["last_seen"] > 15:  # avoid a write on every rerun
            con.execute(
                "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, digest(token))
            )
    return {"username": row["username"], "kind": row["kind"], "issued_at": row["issued_at"]}


def touch(
    token: str,
    max_idle_seconds: float,
    max_age_seconds: float | None = None,
    *,
    path: Path | None = None,
    now: float | None = None,
) -> str | None:
    """The username of a live session (and mark it used), or None."""
    found = lookup(token, max_idle_seconds, max_age_seconds, path=path, now=now)
    return found["username"] if found else None


def hand_over(
    client_hash: str,
    max_idle_seconds: float,
    max_age_seconds: float | None = None,
    *,
    path: Path | None = None,
    now: float | None = None,
) -> str | None:
    """Once: a new token for the live session started in the browser ``client_hash`` names, for
    the server to set as that browser's session cookie (a reload or a new tab then stays signed
    in). The new session keeps the old one's user, kind and sign-in time; the old one stays with
    the tab that signed in. None when there is nothing to hand over."""
    if not client_hash:
        return None
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with connect(path) as con:  # most page loads have nothing to hand over: no write lock then
        if not con.execute(
            "SELECT 1 FROM sessions WHERE client_hash = ? LIMIT 1", (client_hash,)
        ).fetchone():
            return None
    with connect(path) as con, transaction(con):
        row = con.execute(
            "SELECT s.token_hash, s.username, s.kind, s.issued_at, s.last_seen, u.active"
            " FROM sessions s JOIN users u ON u.username = s.username"
            " WHERE s.client_hash = ? ORDER BY s.issued_at DESC LIMIT 1",
            (client_hash,),
        ).fetchone()
        if row is None:
            return None
        con.execute("UPDATE sessions SET client_hash = NULL WHERE client_hash = ?", (client_hash,))
        if not _live(row, max_idle_seconds, max_age_seconds, now):
            return None
        con.execute(
            "INSERT INTO sessions (token_hash, username, issued_at, last_seen, client_hash, kind)"
            " VALUES (?, ?, ?, ?, NULL, ?)",
            (digest(token), row["username"], row["issued_at"], now, row["kind"]),
        )
    return token


def end(token: str, *, path: Path | None = None) -> None:
    if isinstance(token, str):
        with connect(path) as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (digest(token),))


def count_for(username: str, *, path: Path | None = None) -> int:
    with connect(path) as con:
        return con.execute(
            "SELECT count(*) FROM sessions WHERE username = ?", (username,)
        ).fetchone()[0]
