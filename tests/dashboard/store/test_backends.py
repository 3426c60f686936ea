"""The two backends of the store are one store: the same tables and columns after the same
migrations, users / sessions / the audit log behaving alike, several app servers migrating a new
store at once migrating it once, and SQLite-style SQL bound safely for PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest

from dashboard.store import audit, db, postgresql, sessions, users


def _columns(store) -> dict[str, list[str]]:
    with db.connect(store) as con:
        if db.dialect(con) == "sqlite":
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
            return {t: [r["name"] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_the_same_migrations_give_the_same_tables_and_columns_on_both(tmp_path, postgres):
    lite, pg = _columns(tmp_path / "store.sqlite"), _columns(postgres.new_database())
    assert lite == pg
    assert {"users", "sessions", "audit_log", "records", "schema_version"} <= set(pg)
    for migration in db.MIGRATIONS:  # every migration has a text for each backend
        assert db.script(migration, "sqlite").strip() and db.script(migration, "postgresql").strip()


def test_users_sessions_and_the_audit_log_behave_alike(store):
    users.create_user("gov", "A Governor", "governor", "correct horse", [2, 1], path=store)
    with pytest.raises(users.UserError, match="taken"):
        users.create_user("gov", "Again", "governor", "correct horse", path=store)
    user = users.verify_password("gov", "correct horse", path=store)
    assert user is not None and user.urns == frozenset({1, 2})
    assert users.verify_password("gov", "wrong", path=store) is None
    assert users.only_demo_users(store) is False

    token = sessions.start("gov", path=store, now=1000.0)
    assert sessions.touch(token, 60, path=store, now=1030.5) == "gov"
    assert sessions.touch(token, 60, path=store, now=1200.0) is None  # idle too long: ended
    token = sessions.start("gov", path=store, now=2000.0)
    users.set_active("gov", False, path=store)
    assert sessions.touch(token, 60, path=store, now=2001.0) is None

    audit.record("login_failed", "gov", None, path=store)
    audit.record("login_failed", "gov", None, detail="50% of 'quoted' ? text", path=store)
    audit.record_view("gov", "governor", 1, path=store)
    audit.record_view("gov", "governor", 1, path=store)  # within ten minutes: one entry
    audit.record_view("gov", "governor", 1, "not permitted", path=store)
    assert audit.recent_failures("gov", 5, path=store) == 2
    assert len(audit.entries(action="view_school", path=store)) == 2
    assert len(audit.entries(username="gov", urn=1, path=store)) == 2
    assert audit.entries(action="login_failed", limit=1, path=store)[0]["detail"] == (
        "50% of 'quoted' ? text"
    )


def _open(store) -> int:
    with db.connect(store) as con:
        return con.execute("SELECT count(*) FROM schema_version").fetchone()[0]


def test_app_servers_starting_at_once_on_a_new_store_migrate_it_once(store, tmp_path):
    # Several rounds, each on a new store: switching a new SQLite store to WAL from six processes
    # at once failed with "database is locked" in about one round in six (SQLite does not wait
    # for the busy timeout there); a failed open stops an app server at start.
    rounds = [] if postgresql.is_url(str(store)) else range(19)  # PostgreSQL: one new database
    stores = [store] + [tmp_path / f"round{i}" / "store.sqlite" for i in rounds]
    with ProcessPoolExecutor(max_workers=6) as pool:
        for where in stores:
            counts = list(pool.map(_open, [where] * 6))
            assert counts == [len(db.MIGRATIONS)] * 6, where


def test_sqlite_style_sql_is_bound_for_postgresql_without_touching_quoted_text():
    sql = "SELECT '?', \"a?\" FROM t WHERE x = ? AND y LIKE '10%' -- ? no\n AND z = ?"
    query, order = postgresql._translate(sql)
    assert query == (
        "SELECT '?', \"a?\" FROM t WHERE x = %s AND y LIKE '10%%' -- ? no\n AND z = %s"
    )
    assert order == (None, None)
    assert postgresql._bind("a = ?2 OR b = ?1 OR c = ?2", ("one", "two")) == (
        "a = %s OR b = %s OR c = %s",
        ["two", "one", "two"],
    )
    assert postgresql._bind("SELECT 1", ()) == ("SELECT 1", None)
    assert (
        postgresql.redact("postgresql://sid:s3cret@db:5432/x") == "postgresql://sid:***@db:5432/x"
    )
