"""The operational store: schema and migrations, users, sessions, audit log, notes."""

import sqlite3

import pytest

from dashboard.store import audit, db, notes, records, sessions, users


@pytest.fixture
def store(tmp_path):
    return tmp_path / "store.sqlite"


def test_schema_created_in_wal_mode_and_reopen_is_idempotent(store):
    with db.connect(store) as con:
        assert db.schema_version(con) == len(db.MIGRATIONS)
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "users",
        "user_schools",
        "sessions",
        "audit_log",
        "records",
        "schema_version",
    } <= tables
    assert "school_notes" not in tables  # moved into records by migration 3
    with db.connect(store) as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(
            db.MIGRATIONS
        )


def test_passwords_hashed_with_argon2_and_verified(store):
    users.create_user("gov", "A Governor", "governor", "correct horse", [2, 1], path=store)
    with db.connect(store) as con:
        stored = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    user = users.verify_password("gov", "correct horse", path=store)
    assert user is not None and user.urns == frozenset({1, 2}) and user.role == "governor"
    assert users.verify_password("gov", "wrong password", path=store) is None
    assert users.verify_password("nobody", "correct horse", path=store) is None
    users.set_active("gov", False, path=store)
    assert users.verify_password("gov", "correct horse", path=store) is None


def test_a_hash_from_the_old_setting_signs_in_and_is_re_made_with_the_current_one(store):
    from argon2 import PasswordHasher

    users.create_user("gov", "A Governor", "governor", "correct horse", [1], path=store)
    old = PasswordHasher().hash("correct horse")  # argon2-cffi's default: m=65536, t=3, p=4
    with db.connect(store) as con:
        con.execute("UPDATE users SET password_hash = ? WHERE username = 'gov'", (old,))
    assert users.verify_password("gov", "wrong password", path=store) is None
    with db.connect(store) as con:  # a failed sign-in changes nothing
        assert con.execute("SELECT password_hash FROM users").fetchone()[0] == old
    assert users.verify_password("gov", "correct horse", path=store) is not None
    with db.connect(store) as con:
        remade = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert remade.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # OWASP's first setting
    assert users.verify_password("gov", "correct horse", path=store) is not None


def test_user_rules(store):
    with pytest.raises(ValueError):
        users.create_user("x", "X", "superuser", "long enough", path=store)
    with pytest.raises(ValueError):
        users.create_user("x", "X", "manager", "short", path=store)
    users.create_user("x", "X", "manager", "long enough", path=store)
    with pytest.raises(users.UserError, match="taken"):
        users.create_user("x", "X", "manager", "long enough", path=store)


def test_only_demo_users(store):
    assert users.only_demo_users(store) is False  # empty store
    users.create_user("demo", "Demo", "manager", "long enough", is_demo=True, path=store)
    assert users.only_demo_users(store) is True
    users.create_user("real", "Real", "manager", "long enough", path=store)
    assert users.only_demo_users(store) is False


def test_sessions_expire_after_idle_time_and_end_on_logout(store):
    users.create_user("u", "U", "officer", "long enough", path=store)
    token = sessions.start("u", path=store, now=1000.0)
    assert sessions.touch(token, 60, path=store, now=1050.0) == "u"
    assert sessions.touch(token, 60, path=store, now=1200.0) is None  # idle 150 s > 60 s
    assert sessions.touch(token, 60, path=store, now=1201.0) is None  # and it stays gone
    token = sessions.start("u", path=store)
    assert sessions.touch("forged-" + token, 60, path=store) is None
    sessions.end(token, path=store)
    assert sessions.touch(token, 60, path=store) is None


def test_deactivating_a_user_ends_their_sessions(store):
    users.create_user("u", "U", "officer", "long enough", path=store)
    token = sessions.start("u", path=store)
    users.set_active("u", False, path=store)
    assert sessions.touch(token, 3600, path=store) is None


def test_audit_log_records_and_filters(store):
    audit.record("login", "a", "manager", path=store)
    audit.record("view_school", "a", "manager", 100001, path=store)
    audit.record("export", "b", "governor", None, "schools list", path=store)
    assert [e["action"] for e in audit.entries(path=store)] == ["export", "view_school", "login"]
    assert [e["urn"] for e in audit.entries(action="view_school", path=store)] == [100001]
    assert len(audit.entries(username="b", path=store)) == 1
    with pytest.raises(ValueError):
        audit.record("delete_everything", "a", "manager", path=store)
    audit.record("login_failed", "a", None, path=store)
    assert audit.recent_failures("a", 15, path=store) == 1


def test_notes_kept_per_school(store):
    notes.add_note(1, "officer", "visit", "Visit went well", rag="green", path=store)
    notes.add_note(2, "officer", "concern", "Staffing", path=store)
    assert [n["text"] for n in notes.notes_for([1], path=store)] == ["Visit went well"]
    assert len(notes.notes_for(None, path=store)) == 2
    assert notes.notes_for([], path=store) == []
    with pytest.raises(ValueError):
        notes.add_note(1, "officer", "gossip", "x", path=store)


def test_repeated_views_are_one_entry(store):
    for _ in range(3):
        audit.record_view("a", "governor", 1, path=store)
    audit.record_view("a", "governor", 2, "not found or not permitted", path=store)
    audit.record_view("a", "governor", 2, "not found or not permitted", path=store)
    audit.record_view("b", "governor", 1, path=store)
    assert len(audit.entries(action="view_school", path=store)) == 3


def _old_store(path, upto: int = 1) -> None:
    """A store as shipped before migration ``upto + 1``, holding two notes (and, from migration 2,
    a closed notice)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version in range(upto):
        for statement in db.statements(db.MIGRATIONS[version]):
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", (version + 1,))
    if upto == 1:
        con.execute(
            "INSERT INTO school_notes (id, urn, at, author, kind, date, text, rag) VALUES"
            " (7, 1, '2026-01-01T09:00:00+00:00', 'o', 'notice_of_concern', '2026-01-01', 'N',"
            " NULL), (8, 1, '2026-01-02T09:00:00+00:00', 'o', 'visit', '2026-01-02', 'V', 'green')"
        )
    else:
        con.execute(
            "INSERT INTO school_notes (id, urn, at, author, kind, date, text, status, closed_at,"
            " closed_by) VALUES (9, 2, '2026-02-01T09:00:00+00:00', 'o', 'notice_of_concern',"
            " '2026-02-01', 'Old notice', 'closed', '2026-03-20T10:00:00+00:00', 'm')"
        )
    con.close()


def test_migrations_keep_old_notes_and_open_their_notices(store):
    _old_store(store, upto=1)
    with db.connect(store) as con:
        assert db.schema_version(con) == len(db.MIGRATIONS)
    got = {n["id"]: n for n in notes.notes_for([1], path=store)}
    assert (got[7]["kind"], got[7]["text"], got[7]["status"]) == ("notice_of_concern", "N", "open")
    assert (got[8]["kind"], got[8]["rag"], got[8]["status"]) == ("visit", "green", None)
    assert got[7]["closed_at"] is None and got[7]["closed_by"] is None
    assert got[7]["at"] == "2026-01-01T09:00:00+00:00" and got[7]["author"] == "o"
    new = notes.add_note(1, "o", "headteacher_change", "New head from January", path=store)
    assert new == 9  # ids continue after the migrated ones (7, 8)
    assert notes.get_note(new, path=store)["status"] is None  # only notices have a status
    closed = notes.close_note(7, "manager", path=store)
    assert closed["status"] == "closed" and closed["closed_by"] == "manager" and closed["closed_at"]


def test_migration_3_turns_a_closed_notice_into_two_versions(store):
    _old_store(store, upto=2)
    versions = records.history(9, path=store)
    assert [(v.version, v.body["status"], v.written_by) for v in versions] == [
        (1, "open", "o"),
        (2, "closed", "m"),
    ]
    assert versions[1].written_at == "2026-03-20T10:00:00+00:00"


def test_only_open_notices_and_dfe_concerns_can_be_closed_once(store):
    notice = notes.add_note(1, "o", "notice_of_concern", "Notice", path=store)
    dfe = notes.add_note(2, "o", "dfe_concern", "Raised with the RSC", path=store)
    visit = notes.add_note(1, "o", "visit", "Visit", path=store)
    assert notes.get_note(notice, path=store)["status"] == "open"
    notes.close_note(notice, "m", path=store)
    with pytest.raises(ValueError, match="already closed"):
        notes.close_note(notice, "m", path=store)
    assert notes.close_note(dfe, "m", path=store)["status"] == "closed"
    with pytest.raises(ValueError, match="cannot be closed"):
        notes.close_note(visit, "m", path=store)
    with pytest.raises(LookupError):
        notes.close_note(9999, "m", path=store)
    with db.connect(store) as con, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE records SET body = '{}' WHERE record_id = ?", (visit,))
