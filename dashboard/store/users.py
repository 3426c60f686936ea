"""Users of the dashboard: argon2 password hashes, roles and the schools each may see.

Two kinds of account (``sign_in``): 'password' (a local account: governors, small councils, the
demo) and 'sso' (signs in through the council's identity provider; the username is the lower-case
e-mail address and there is no password). Every change to a user is one transaction, checked in
full before anything is written: a role change with a refused password saves nothing. A password
change, a role or schools change and a deactivation end every session of the user at once.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard.components.safe import clean_text
from dashboard.store import passwords
from dashboard.store.db import connect, transaction

ROLES = ("manager", "officer", "governor", "briefing", "admin")
SIGN_IN_KINDS = ("password", "sso")
NO_PASSWORD = "!sso"  # the password_hash of an SSO account: never a valid argon2 hash
# argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1),
# not argon2-cffi's default (RFC 9106's low-memory profile, m=64 MiB, t=3, p=4). The default cost
# ~200 ms of CPU a sign-in on the app server's 2 CPUs: fifty managers signing in within a few
# seconds of each other (a Monday morning) queued every page behind ~10 s of hashing
# (benchmarks/ws_sessions.py); this costs ~25 ms. It still makes an offline guess cost 19 MiB of
# memory; sign-in throttling (store/throttle.py) limits online guessing. Hashes made with the
# old setting verify as before and are re-made with this one at the user's next sign-in.
HASH_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**HASH_PARAMETERS)
# Verified when the username is unknown, so a failure takes as long whether or not the user exists.
_DUMMY_HASH = _hasher.hash("not a real password: equal timing for unknown users")


class UserError(ValueError):
    """A change refused before anything was saved; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    active: bool
    is_demo: bool
    created_at: str
    urns: frozenset[int]
    sign_in: str = "password"
    sessions_revoked_at: float = 0.0


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check(
    username: str,
    role: str,
    password: str | None,
    *,
    sign_in: str = "password",
    display_name: str | None = None,
) -> list[UserError]:
    """Every problem with these values, each naming its field (empty: all fine)."""
    errors: list[UserError] = []
    if not username or username != username.strip() or len(username) > 64:
        errors.append(
            UserError("username", "A username is 1-64 characters with no spaces at either end")
        )
    elif any(ch.isspace() or not ch.isprintable() for ch in username):
        errors.append(UserError("username", "A username has no spaces or control characters"))
    elif sign_in == "sso" and ("@" not in username or username != normalise_email(username)):
        errors.append(UserError("username", "A single sign-on user is their lower-case e-mail"))
    if display_name is not None and len(display_name) > 100:
        errors.append(UserError("display_name", "A full name is at most 100 characters"))
    if role not in ROLES:
        errors.append(UserError("role", f"Unknown role {role!r}; one of {', '.join(ROLES)}"))
    if sign_in not in SIGN_IN_KINDS:
        errors.append(UserError("sign_in", f"Unknown kind of sign-in {sign_in!r}"))
    if password is not None and sign_in == "password":
        problem = passwords.problem(password, username)
        if problem:
            errors.append(UserError("password", problem))
    return errors


def _raise_first(errors: list[UserError]) -> None:
    if errors:
        raise errors[0]


def create_user(
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    urns: frozenset[int] | set[int] | list[int] = (),
    *,
    is_demo: bool = False,
    sign_in: str = "password",
    path: Path | None = None,
) -> None:
    if sign_in == "sso":
        username = normalise_email(username)
    # bidi overrides and control characters never reach the store (shown names stay honest)
    display_name = clean_text(display_name).strip() or username
    _raise_first(
        check(
            username,
            role,
            password if sign_in == "password" else None,
            sign_in=sign_in,
            display_name=display_name,
        )
    )
    if sign_in == "password" and password is None:
        raise UserError("password", "A local account needs a password")
    stored = hash_password(password) if sign_in == "password" else NO_PASSWORD
    with connect(path) as con, transaction(con):
        if con.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise UserError("username", f"The username {username!r} is taken")
        con.execute(
            "INSERT INTO users (username, display_name, role, password_hash, active, is_demo,"
            " created_at, sign_in) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            (username, display_name, role, stored, int(is_demo), _now(), sign_in),
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
    return _user(row, urns)


def _user(row, urns: frozenset[int]) -> User:
    return User(
        row["username"],
        row["display_name"],
        row["role"],
        bool(row["active"]),
        bool(row["is_demo"]),
        row["created_at"],
        frozenset(urns),
        row["sign_in"],
        float(row["sessions_revoked_at"]),
    )


def list_users(path: Path | None = None) -> list[User]:
    """Every user, by username, read on one connection (pages list them on every rerun)."""
    with connect(path) as con:
        rows = con.execute("SELECT * FROM users ORDER BY username").fetchall()
        schools: dict[str, set[int]] = {}
        for r in con.execute("SELECT username, urn FROM user_schools"):
            schools.setdefault(r[0], set()).add(r[1])
    return [_user(row, frozenset(schools.get(row["username"], ()))) for row in rows]


def verify_password(username: str, password: str, path: Path | None = None) -> User | None:
    """The active local user whose password this is, else None (same work for every failure)."""
    with connect(path) as con:
        row = con.execute(
            "SELECT password_hash, active, sign_in FROM users WHERE username = ?", (username,)
        ).fetchone()
    stored = row["password_hash"] if row and row["sign_in"] == "password" else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None and row["sign_in"] == "password" and bool(row["active"])
    if not ok:
        return None
    if _hasher.check_needs_rehash(stored):
        with connect(path) as con:  # same password, stronger hash: sessions stay
            con.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                (hash_password(password), username),
            )
    user = get_user(username, path)
    # compare_digest keeps the final check constant-time too (defence in depth)
    return user if user and hmac.compare_digest(user.username, username) else None


def _end_sessions(con, username: str) -> None:
    """End every session of ``username`` (inside the caller's transaction)."""
    con.execute("DELETE FROM sessions WHERE username = ?", (username,))
    con.execute(
        "UPDATE users SET sessions_revoked_at = ? WHERE username = ?", (time.time(), username)
    )


def end_all_sessions(username: str, *, path: Path | None = None) -> None:
    """Sign ``username`` out everywhere: every session, and every identity-provider sign-in made
    before now (its identity cookie is refused from now on)."""
    with connect(path) as con, transaction(con):
        _end_sessions(con, username)


def update_user(
    username: str,
    *,
    role: str,
    urns: frozenset[int] | set[int] | list[int],
    active: bool,
    password: str | None = None,
    display_name: str | None = None,
    path: Path | None = None,
) -> bool:
    """Change a user all-or-nothing: every value is checked first, then one transaction writes
    them. Returns True when the user's sessions were ended (a new password, another role or other
    schools, or deactivation)."""
    current = get_user(username, path)
    if current is None:
        raise UserError("username", f"No user {username!r}")
    password = password or None
    if display_name is not None:
        display_name = clean_text(display_name).strip() or None
    if password is not None and current.sign_in != "password":
        raise UserError("password", "A single sign-on user has no password here")
    _raise_first(
        check(username, role, password, sign_in=current.sign_in, display_name=display_name)
    )
    urns = frozenset(int(u) for u in urns)
    ends = (
        password is not None
        or role != current.role
        or urns != current.urns
        or (current.active and not active)
    )
    with connect(path) as con, transaction(con):
        con.execute(
            "UPDATE users SET role = ?, active = ?, display_name = ? WHERE username = ?",
            (role, int(bool(active)), display_name or current.display_name, username),
        )
        if password is not None:
            con.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                (hash_password(password), username),
            )
        con.execute("DELETE FROM user_schools WHERE username = ?", (username,))
        con.executemany(
            "INSERT INTO user_schools (username, urn) VALUES (?, ?)",
            [(username, u) for u in sorted(urns)],
        )
        if ends:
            _end_sessions(con, username)
    return ends


def set_password(username: str, password: str, *, path: Path | None = None) -> None:
    """A new password (checked against the policy); ends every session of the user."""
    user = get_user(username, path)
    if user is None:
        raise UserError("username", f"No user {username!r}")
    update_user(
        username, role=user.role, urns=user.urns, active=user.active, password=password, path=path
    )


def set_active(username: str, active: bool, *, path: Path | None = None) -> None:
    user = get_user(username, path)
    if user is None:
        raise UserError("username", f"No user {username!r}")
    update_user(username, role=user.role, urns=user.urns, active=active, path=path)


def set_role_and_schools(
    username: str,
    role: str,
    urns: frozenset[int] | set[int] | list[int],
    *,
    path: Path | None = None,
) -> None:
    user = get_user(username, path)
    if user is None:
        raise UserError("username", f"No user {username!r}")
    update_user(username, role=role, urns=urns, active=user.active, path=path)


def only_demo_users(path: Path | None = None) -> bool:
    """True when the store has users and every one of them is a demo user."""
    with connect(path) as con:
        total, demo = con.execute(
            "SELECT count(*), coalesce(sum(is_demo), 0) FROM users"
        ).fetchone()
    return total > 0 and total == demo
