"""Users of the dashboard: argon2 password hashes, roles and the schools each may see."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard.store.db import connect, transaction

ROLES = ("manager", "officer", "governor", "briefing", "admin")
_hasher = PasswordHasher()
# Verified when the username is unknown, so a failure takes as long whether or not the user exists.
_DUMMY_HASH = _hasher.hash("not a real password: equal timing for unknown users")


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    active: bool
    is_demo: bool
    created_at: str
    urns: frozenset[int]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _validate(username: str, role: str, password: str | None) -> None:
    if not username or username != username.strip() or len(username) > 64:
        raise ValueError("A username is 1-64 characters with no leading or trailing spaces")
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; one of {', '.join(ROLES)}")
    if password is not None and len(password) < 8:
        raise ValueError("A password has at least 8 characters")


def create_user(
    username: str,
    display_name: str,
    role: str,
    password: str,
    urns: frozenset[int] | set[int] | list[int] = (),
    *,
    is_demo: bool = False,
    path: Path | None = None,
) -> None:
    _validate(username, role, password)
    with connect(path) as con, transaction(con):
        con.execute(
            "INSERT INTO users (username, display_name, role, password_hash, active, is_demo, created_at)"
            " VALUES (?, ?, ?, ?, 1, ?, ?)",
            (username, display_name, role, hash_password(password), int(is_demo), _now()),
        )
        con.executemany(
            "INSERT INTO user_schools (username, urn) VALUES (?, ?)",
            [(username, int(u)) for u in sorted(set(urns))],
        )


def get_user(username: str, path: Path | None = None) -> User | None:
    with connect(path) as con:
        row = con.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            return None
        urns = frozenset(
            r[0]
            for r in con.execute("SELECT urn FROM user_schools WHERE username = ?", (username,))
        )
    return User(
        row["username"],
        row["display_name"],
        row["role"],
        bool(row["active"]),
        bool(row["is_demo"]),
        row["created_at"],
        urns,
    )


def list_users(path: Path | None = None) -> list[User]:
    with connect(path) as con:
        names = [r[0] for r in con.execute("SELECT username FROM users ORDER BY username")]
    return [u for n in names if (u := get_user(n, path)) is not None]


def verify_password(username: str, password: str, path: Path | None = None) -> User | None:
    """The active user whose password this is, else None (same work for every kind of failure)."""
    with connect(path) as con:
        row = con.execute(
            "SELECT password_hash, active FROM users WHERE username = ?", (username,)
        ).fetchone()
    stored = row["password_hash"] if row else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None and bool(row["active"])
    if not ok:
        return None
    if _hasher.check_needs_rehash(stored):
        set_password(username, password, path=path)
    user = get_user(username, path)
    # compare_digest keeps the final check constant-time too (defence in depth)
    return user if user and hmac.compare_digest(user.username, username) else None


def set_password(username: str, password: str, *, path: Path | None = None) -> None:
    _validate(username, ROLES[0], password)
    with connect(path) as con:
        con.execute(
            "UPDATE users SET password_hash = ? WHERE username = ?",
            (hash_password(password), username),
        )


def set_active(username: str, active: bool, *, path: Path | None = None) -> None:
    with connect(path) as con, transaction(con):
        con.execute("UPDATE users SET active = ? WHERE username = ?", (int(active), username))
        if not active:
            con.execute("DELETE FROM sessions WHERE username = ?", (username,))


def set_role_and_schools(
    username: str,
    role: str,
    urns: frozenset[int] | set[int] | list[int],
    *,
    path: Path | None = None,
) -> None:
    _validate(username, role, None)
    with connect(path) as con, transaction(con):
        con.execute("UPDATE users SET role = ? WHERE username = ?", (role, username))
        con.execute("DELETE FROM user_schools WHERE username = ?", (username,))
        con.executemany(
            "INSERT INTO user_schools (username, urn) VALUES (?, ?)",
            [(username, int(u)) for u in sorted(set(urns))],
        )


def only_demo_users(path: Path | None = None) -> bool:
    """True when the store has users and every one of them is a demo user."""
    with connect(path) as con:
        total, demo = con.execute(
            "SELECT count(*), coalesce(sum(is_demo), 0) FROM users"
        ).fetchone()
    return total > 0 and total == demo
