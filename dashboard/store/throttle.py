"""Sign-in throttling with growing delays, per account and per client (issue 19).

A hard lockout ("ten wrong passwords lock the account for 15 minutes") lets anyone lock anyone out,
the administrator included. Instead, after a few free failures each further attempt has to wait a
delay that doubles with every failure, up to a ceiling:

- per client (the address the request came from): up to CLIENT_MAX_DELAY. Whoever guesses only
  slows themselves down.
- per account: up to ACCOUNT_MAX_DELAY, short on purpose. Guessing one account from many
  addresses gets one try per ACCOUNT_MAX_DELAY at most, while the real user, whatever an attacker
  does, waits at most that long for their next try.

A failure record is forgotten FORGET_AFTER seconds after its last failure; a successful sign-in
clears its client's and its account's records. Attempts refused for waiting do not count.
"""

from __future__ import annotations

import time
from pathlib import Path

from dashboard.store.db import connect, transaction

FREE_FAILURES = 5
BASE_DELAY = 1.0  # seconds after the first failure beyond the free ones; doubles each time
CLIENT_MAX_DELAY = 15 * 60.0
ACCOUNT_MAX_DELAY = 60.0
FORGET_AFTER = 24 * 3600.0


def account_key(username: str) -> str:
    return "account:" + (username or "").strip().lower()[:64]


def client_key(client: str | None) -> str:
    return "client:" + (client or "unknown")[:64]


def delay_for(failures: int, ceiling: float) -> float:
    """Seconds to wait after ``failures`` failures (0 while they are free)."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(ceiling, BASE_DELAY * 2 ** (failures - FREE_FAILURES))


def wait_seconds(
    username: str, client: str | None, *, now: float | None = None, path: Path | None = None
) -> float:
    """How long this account and client must still wait before a sign-in is tried (0: go)."""
    now = time.time() if now is None else now
    keys = {account_key(username): ACCOUNT_MAX_DELAY, client_key(client): CLIENT_MAX_DELAY}
    with connect(path) as con:
        rows = con.execute(
            "SELECT throttle_key, failures, last_failure FROM sign_in_throttle"
            " WHERE throttle_key IN (?, ?)",
            tuple(keys),
        ).fetchall()
    wait = 0.0
    for key, failures, last in rows:
        if now - last > FORGET_AFTER:
            continue
        wait = max(wait, last + delay_for(failures, keys[key]) - now)
    return max(0.0, wait)


def record_failure(
    username: str, client: str | None, *, now: float | None = None, path: Path | None = None
) -> None:
    now = time.time() if now is None else now
    with connect(path) as con, transaction(con):
        for key in (account_key(username), client_key(client)):
            row = con.execute(
                "SELECT failures, last_failure FROM sign_in_throttle WHERE throttle_key = ?",
                (key,),
            ).fetchone()
            if row is None:
                con.execute(
                    "INSERT INTO sign_in_throttle (throttle_key, failures, last_failure)"
                    " VALUES (?, 1, ?)",
                    (key, now),
                )
            else:
                failures = 1 if now - row["last_failure"] > FORGET_AFTER else row["failures"] + 1
                con.execute(
                    "UPDATE sign_in_throttle SET failures = ?, last_failure = ?"
                    " WHERE throttle_key = ?",
                    (failures, now, key),
                )


def record_success(username: str, client: str | None, *, path: Path | None = None) -> None:
    with connect(path) as con:
        con.execute(
            "DELETE FROM sign_in_throttle WHERE throttle_key IN (?, ?)",
            (account_key(username), client_key(client)),
        )
