"""The audit log: who signed in, viewed which school, exported what and changed which user, when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard.store.db import connect

ACTIONS = ("view_school", "export", "login", "logout", "login_failed", "admin_change")


def record(
    action: str,
    username: str | None,
    role: str | None,
    urn: int | None = None,
    detail: str | None = None,
    *,
    path: Path | None = None,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    with connect(path) as con:
        con.execute(
            "INSERT INTO audit_log (at, username, role, action, urn, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="seconds"),
                username,
                role,
                action,
                None if urn is None else int(urn),
                None if detail is None else str(detail)[:500],
            ),
        )


VIEW_REPEAT_MINUTES = 10  # reruns of the same view within this time are one audit entry


def record_view(
    username: str, role: str, urn: int, detail: str | None = None, *, path: Path | None = None
) -> None:
    """Audit a school view once per user, school and outcome per VIEW_REPEAT_MINUTES (every
    widget change reruns the page; the log should say who looked at what, not count reruns)."""
    since = (datetime.now(UTC) - timedelta(minutes=VIEW_REPEAT_MINUTES)).isoformat(
        timespec="seconds"
    )
    with connect(path) as con:
        seen = con.execute(
            "SELECT 1 FROM audit_log WHERE action = 'view_school' AND username = ? AND urn = ?"
            " AND detail IS NOT DISTINCT FROM ? AND at >= ? LIMIT 1",
            (username, int(urn), detail, since),
        ).fetchone()
    if seen is None:
        record("view_school", username, role, urn, detail, path=path)


def entries(
    *,
    username: str | None = None,
    action: str | None = None,
    urn: int | None = None,
    limit: int = 1000,
    path: Path | None = None,
) -> list[dict]:
    """Newest first; each filter is optional (bound parameters, no string building)."""
    with connect(path) as con:
        rows = con.execute(
            "SELECT at, username, role, action, urn, detail FROM audit_log"
            " WHERE (?1 IS NULL OR username = ?1) AND (?2 IS NULL OR action = ?2)"
            " AND (?3 IS NULL OR urn = ?3) ORDER BY id DESC LIMIT ?4",
            (username, action, urn, int(limit)),
        ).fetchall()
    return [dict(r) for r in rows]


def recent_failures(username: str, minutes: int, *, path: Path | None = None) -> int:
    """How many failed sign-ins for this username in the last ``minutes`` (to slow guessing)."""
    since = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")
    with connect(path) as con:
        return con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND username = ? AND at >= ?",
            (username, since),
        ).fetchone()[0]
