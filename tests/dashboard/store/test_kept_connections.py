"""SQLite connections kept open between operations (dashboard/store/db.py): a kept connection
never serves a stale or a different store, and never hands on a half-done transaction."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from dashboard.store import db, users


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store.sqlite"
    users.create_user("ann", "Ann", "manager", "password-123", [], path=path)
    yield path
    db.close_idle()


def test_a_kept_connection_sees_a_write_made_by_another_connection(store):
    assert users.get_user("ann", store).role == "manager"  # a connection is now kept open
    other = sqlite3.connect(store, isolation_level=None)  # e.g. another process, or the CLI
    other.execute("UPDATE users SET role = 'officer' WHERE username = 'ann'")
    other.close()
    assert users.get_user("ann", store).role == "officer"


def test_a_store_deleted_and_made_again_at_the_same_path_is_read_afresh(store):
    assert users.get_user("ann", store) is not None  # kept: a connection to the old file
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{store}{suffix}"):
            os.remove(f"{store}{suffix}")
    users.create_user("bob", "Bob", "governor", "password-123", [100001], path=store)
    assert users.get_user("ann", store) is None  # not found in the old, deleted file
    assert users.get_user("bob", store).urns == frozenset({100001})


def test_a_connection_given_back_inside_a_transaction_is_closed_not_kept(store):
    with db.connect(store) as con:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE users SET display_name = 'Half done' WHERE username = 'ann'")
        left_open = con
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        left_open.execute("SELECT 1")
    assert users.get_user("ann", store).display_name == "Ann"  # the half-done write never landed
    with db.connect(store) as con:  # and nothing waits on its write lock
        with db.transaction(con):
            con.execute("UPDATE users SET display_name = 'Ann B' WHERE username = 'ann'")
    assert users.get_user("ann", store).display_name == "Ann B"


def test_an_error_inside_a_transaction_rolls_back_before_the_connection_is_kept(store):
    with pytest.raises(RuntimeError), db.connect(store) as con, db.transaction(con):
        con.execute("UPDATE users SET display_name = 'Never' WHERE username = 'ann'")
        raise RuntimeError("mid-way")
    with db.connect(store) as con:
        assert not con.in_transaction
        name = con.execute("SELECT display_name FROM users WHERE username = 'ann'").fetchone()[0]
    assert name == "Ann"


def test_a_store_made_readable_by_others_is_tightened_when_a_kept_connection_is_reused(store):
    users.get_user("ann", store)
    os.chmod(store, 0o644)
    users.get_user("ann", store)
    assert stat.S_IMODE(os.stat(store).st_mode) == 0o600


def test_only_a_few_connections_are_kept_in_all(tmp_path):
    for i in range(db._IDLE_MAX + 5):
        users.get_user("nobody", tmp_path / f"s{i}.sqlite")
    assert len(db._idle) == db._IDLE_MAX
    db.close_idle()
    assert db._idle == []
