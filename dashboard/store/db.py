"""Open the operational store and create or migrate its schema (schema_version table).

The store is an embedded SQLite file by default (SID_STORE_PATH), or one PostgreSQL database shared
by several app servers (SID_STORE_URL=postgresql://...; dashboard/store/postgresql.py). Every store
function takes ``path``: a SQLite file, or a ``postgresql://`` URL; None means the settings. The
SQL the store modules write runs on both: ``?`` placeholders, TEXT / INTEGER / DOUBLE PRECISION
columns, and ``one_of`` for "column in this list". See docs/operational-store.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from dashboard.store import postgresql
from warehouse import settings

Location = Path | str  # a SQLite file, or a postgresql:// URL

# Raised by either backend when a constraint, a primary key or an append-only trigger refuses a write.
IntegrityError = (sqlite3.IntegrityError, psycopg.IntegrityError)


class Migration(str):
    """A migration whose SQL differs between the backends: the string itself is SQLite's text,
    ``postgresql`` PostgreSQL's. A portable migration is a plain string, run on both as it is."""

    postgresql: str

    def __new__(cls, sqlite: str, postgresql: str) -> Migration:
        obj = super().__new__(cls, sqlite)
        obj.postgresql = postgresql
        return obj


def script(migration: str, dialect: str) -> str:
    """The text of ``migration`` for ``dialect`` ('sqlite' or 'postgresql')."""
    if dialect == postgresql.DIALECT:
        return getattr(migration, "postgresql", migration)
    return str(migration)


# Each migration runs once, in order; the schema_version table records how far a store has got.
# Never edit a shipped migration: append a new one.
MIGRATIONS: tuple[str, ...] = (
    Migration(
    """
    CREATE TABLE users (
        username      TEXT PRIMARY KEY,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL CHECK (role IN ('manager','officer','governor','briefing','admin')),
        password_hash TEXT NOT NULL,
        active        INTEGER NOT NULL DEFAULT 1,
        is_demo       INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE user_schools (
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        urn      INTEGER NOT NULL,
        PRIMARY KEY (username, urn)
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username   TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        issued_at  REAL NOT NULL,
        last_seen  REAL NOT NULL
    );
    CREATE TABLE audit_log (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        username TEXT,
        role     TEXT,
        action   TEXT NOT NULL CHECK (action IN
                 ('view_school','export','login','logout','login_failed','admin_change')),
        urn      INTEGER,
        detail   TEXT
    );
    CREATE INDEX audit_log_at ON audit_log(at);
    CREATE TABLE school_notes (
        id     INTEGER PRIMARY KEY,
        urn    INTEGER NOT NULL,
        at     TEXT NOT NULL,
        author TEXT NOT NULL,
        kind   TEXT NOT NULL CHECK (kind IN
               ('visit','note','concern','notice_of_concern','dfe_concern')),
        date   TEXT,
        text   TEXT NOT NULL,
        rag    TEXT CHECK (rag IS NULL OR rag IN ('red','amber','green'))
    );
    CREATE INDEX school_notes_urn ON school_notes(urn);
    """,
    postgresql.MIGRATIONS[0]),
    # 2: notices of concern (and DfE/RSC concerns) can be closed; headteacher changes can be
    # entered. SQLite cannot change a CHECK, so school_notes is rebuilt with its rows and ids.
    Migration(
    """
    CREATE TABLE school_notes_v2 (
        id        INTEGER PRIMARY KEY,
        urn       INTEGER NOT NULL,
        at        TEXT NOT NULL,
        author    TEXT NOT NULL,
        kind      TEXT NOT NULL CHECK (kind IN
                  ('visit','note','concern','notice_of_concern','dfe_concern','headteacher_change')),
        date      TEXT,
        text      TEXT NOT NULL,
        rag       TEXT CHECK (rag IS NULL OR rag IN ('red','amber','green')),
        status    TEXT CHECK (status IS NULL OR status IN ('open','closed')),
        closed_at TEXT,
        closed_by TEXT,
        CHECK ((status IS NOT NULL) = (kind IN ('notice_of_concern','dfe_concern'))),
        CHECK ((coalesce(status, '') = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL))
    );
    INSERT INTO school_notes_v2 (id, urn, at, author, kind, date, text, rag, status)
        SELECT id, urn, at, author, kind, date, text, rag,
               CASE WHEN kind IN ('notice_of_concern','dfe_concern') THEN 'open' END
        FROM school_notes;
    DROP TABLE school_notes;
    ALTER TABLE school_notes_v2 RENAME TO school_notes;
    CREATE INDEX school_notes_urn ON school_notes(urn);
    """,
    postgresql.MIGRATIONS[1]),
    # 3: everything written in the app becomes an append-only, versioned record (issue 8): a record
    # keeps every version with who wrote it and when; an edit is a new version, a withdrawal is a new
    # version marked withdrawn; triggers refuse UPDATE and DELETE. (record_id, version) as primary key
    # means two people editing the same version cannot both win: the second insert fails and is
    # reported as a conflict. school_notes rows move across with their ids (a closed notice becomes
    # version 1 open + version 2 closed by whoever closed it).
    Migration(
    """
    CREATE TABLE records (
        record_id  INTEGER NOT NULL CHECK (record_id >= 1),
        version    INTEGER NOT NULL CHECK (version >= 1),
        kind       TEXT NOT NULL CHECK (kind IN
                   ('visit','note','concern','notice_of_concern','dfe_concern','headteacher_change',
                    'planned_visit','officer_capacity')),
        urn        INTEGER,
        written_at TEXT NOT NULL,
        written_by TEXT NOT NULL CHECK (length(written_by) > 0),
        withdrawn  INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
        body       TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'object'),
        PRIMARY KEY (record_id, version)
    );
    CREATE INDEX records_kind_urn ON records(kind, urn);
    CREATE INDEX records_urn ON records(urn);
    CREATE TRIGGER records_no_update BEFORE UPDATE ON records
    BEGIN
        SELECT RAISE(ABORT, 'records are append-only: write a new version');
    END;
    CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN
        SELECT RAISE(ABORT, 'records are append-only: withdraw a record instead of deleting it');
    END;
    INSERT INTO records (record_id, version, kind, urn, written_at, written_by, body)
        SELECT id, 1, kind, urn, at, author,
               json_object('date', date, 'text', text, 'rag', rag,
                           'status', CASE WHEN status IS NULL THEN NULL ELSE 'open' END)
        FROM school_notes;
    INSERT INTO records (record_id, version, kind, urn, written_at, written_by, body)
        SELECT id, 2, kind, urn, closed_at, closed_by,
               json_object('date', date, 'text', text, 'rag', rag, 'status', 'closed')
        FROM school_notes WHERE status = 'closed';
    DROP TABLE school_notes;
    """,
    postgresql.MIGRATIONS[2]),
    # 4: sessions that survive a reload and end everywhere at once; single sign-on; sign-in
    # throttling (issue 19). SQLite's text as shipped; PostgreSQL's says DOUBLE PRECISION for REAL
    # (a 4-byte float there: epoch seconds would lose minutes).
    # users.sign_in: 'password' (a local account) or 'sso' (signs in through the identity provider;
    # the username is the lower-case e-mail and password_hash never verifies).
    # users.sessions_revoked_at: every session, and every identity-provider sign-in, of this user
    # from before this time (epoch seconds) is refused (sign-out, password reset, role change,
    # deactivation end them all).
    # sessions.client_hash: the browser a new session was started in (hash of its pre-sign-in
    # cookie), until the server has handed that browser its session cookie.
    # sign_in_throttle: failed sign-ins per account and per client, for growing delays.
    Migration(
    """
    ALTER TABLE users ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'password';
    ALTER TABLE users ADD COLUMN sessions_revoked_at REAL NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN client_hash TEXT;
    ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'password';
    CREATE INDEX sessions_client ON sessions(client_hash);
    CREATE INDEX sessions_username ON sessions(username);
    CREATE TABLE sign_in_throttle (
        throttle_key TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_failure REAL NOT NULL
    );
    """,
    postgresql.MIGRATIONS[3]),
)  # fmt: skip


def statements(script: str) -> list[str]:
    """Split a migration into statements; a trigger's body holds semicolons of its own, so split
    only where SQLite says a statement is complete."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return [s for s in out if s.rstrip(";").strip()]


def dialect(con) -> str:
    """'sqlite' or 'postgresql': which backend a store connection talks to."""
    return getattr(con, "dialect", "sqlite")


def location(path: Location | None = None) -> Location:
    """Where the store is: ``path`` if given, else SID_STORE_URL if set, else SID_STORE_PATH."""
    if path is not None and str(path) != "":
        return path if postgresql.is_url(path) else Path(path)
    return settings.store_url() or settings.store_path()


def _migrate_sqlite(con: sqlite3.Connection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    if schema_version(con) >= len(MIGRATIONS):
        return
    con.execute("BEGIN IMMEDIATE")  # one process migrates; others wait, then see the new version
    try:
        current = schema_version(con)
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version > current:
                for statement in statements(script(migration, "sqlite")):
                    con.execute(statement)
                con.execute("INSERT INTO schema_version VALUES (?)", (version,))
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


_migrated_urls: set[str] = set()  # PostgreSQL stores this process has brought up to date


def _migrate_postgresql(con: postgresql.Connection) -> None:
    if con.url in _migrated_urls:
        return
    postgresql.begin(con)  # the write lock: one app server migrates, the others wait, then see it
    try:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = schema_version(con)
        for version, migration in enumerate(MIGRATIONS, start=1):
            if version > current:
                con.run_script(script(migration, postgresql.DIALECT))
                con.execute("INSERT INTO schema_version VALUES (?)", (version,))
    except BaseException:
        postgresql.rollback(con)
        raise
    postgresql.commit(con)
    _migrated_urls.add(con.url)


def open_store(path: Location | None = None):
    """A new connection to the store, schema created or migrated. SQLite: WAL mode, foreign keys
    on, synchronous=FULL. PostgreSQL: a ``postgresql.Connection`` (close it to give it back)."""
    where = location(path)
    if postgresql.is_url(where):
        con = postgresql.check_out(where)
        try:
            _migrate_postgresql(con)
        except BaseException:
            con.raw.close()
            raise
        return con
    private_folder(where.parent)
    # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
    os.close(os.open(where, os.O_RDWR | os.O_CREAT, 0o600))
    if where.stat().st_mode & 0o077 and where.stat().st_uid == os.getuid():
        where.chmod(0o600)  # a store created before this rule: tightened on first open
    return _connect(where)


def _connect(where: Path) -> sqlite3.Connection:
    con = sqlite3.connect(  # autocommit (`transaction()` groups); kept idle for any thread
        where, timeout=10, isolation_level=None, check_same_thread=False
    )
    con.row_factory = sqlite3.Row
    _journal_mode_wal(con)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")
    # FULL: a committed entry survives a power cut as well as an app crash (WAL alone, at NORMAL,
    # may lose the last commits on power loss). The cost is one fsync per write: entries are few.
    con.execute("PRAGMA synchronous=FULL")
    _migrate_sqlite(con)
    return con


def _journal_mode_wal(con: sqlite3.Connection, patience: float = 10.0) -> None:
    """Switch a store to WAL, waiting for other app servers that open it at the same moment.

    Switching needs an exclusive lock; on a new store opened by several servers at once SQLite
    answers "database is locked" at once, without calling the busy handler (it would deadlock
    the connection's own shared lock), so the wait is here: short retries up to ``patience`` s.
    """
    deadline = time.monotonic() + patience
    pause = 0.005
    while True:
        try:
            con.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) as 0700 (owner only). An existing folder is left
    as it is: it may be shared on purpose (a data folder an operator set up)."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask


@contextmanager
def connect(path: Location | None = None) -> Iterator[Any]:
    """``with connect() as con:`` a connection for one operation, given back afterwards.

    PostgreSQL's are kept open by postgresql.py. SQLite's are kept too (``_check_out``): opening
    one (the file's mode, four pragmas, the schema check) cost more than the reads a page makes
    on it, and a script run made three to six of them. A kept connection sees every write
    committed since (autocommit: each read starts a fresh read transaction), by this process or
    any other; one given back inside a transaction is closed, never handed to someone else."""
    where = location(path)
    if postgresql.is_url(where):
        con = open_store(where)
        try:
            yield con
        finally:
            con.close()
        return
    con, key = _check_out(where)
    try:
        yield con
    finally:
        _check_in(con, key)


# SQLite connections kept open between operations: (file, device, inode) -> connection. The inode
# names the file itself: a store deleted and created again at the same path (its old inode stays
# allocated while a kept connection holds it open) is never served from the old file's
# connections. Few in all (tests create hundreds of stores): the oldest is closed beyond that.
_IDLE_MAX = 12
_idle: list[tuple[tuple[str, int, int], sqlite3.Connection]] = []
_idle_lock = threading.Lock()


def _file_key(where: Path) -> tuple[str, int, int] | None:
    try:
        st = where.stat()
    except OSError:
        return None
    if st.st_mode & 0o077 and st.st_uid == os.getuid():
        where.chmod(0o600)  # as open_store does: a store made group/world readable is tightened
    return (str(where), st.st_dev, st.st_ino)


def _check_out(where: Path) -> tuple[sqlite3.Connection, tuple[str, int, int] | None]:
    key = _file_key(where)
    if key is not None:
        with _idle_lock:
            for i in range(len(_idle) - 1, -1, -1):
                if _idle[i][0] == key:
                    return _idle.pop(i)[1], key
    con = open_store(where)
    return con, key if key is not None else _file_key(where)


def _check_in(con: sqlite3.Connection, key: tuple[str, int, int] | None) -> None:
    if key is None or con.in_transaction:  # an error mid-transaction: never hand it on
        con.close()
        return
    with _idle_lock:
        _idle.append((key, con))
        extra = _idle[:-_IDLE_MAX] if len(_idle) > _IDLE_MAX else []
        del _idle[: len(extra)]
    for _, old in extra:
        old.close()


def close_idle() -> None:
    """Close the SQLite connections kept open (tests that replace a store file under a server)."""
    with _idle_lock:
        items = list(_idle)
        _idle.clear()
    for _, con in items:
        con.close()


def _after_fork_in_child() -> None:  # a forked child never uses the parent's SQLite connections
    global _idle, _idle_lock
    _forgotten.append(_idle)
    _idle, _idle_lock = [], threading.Lock()


_forgotten: list = []
os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def transaction(con) -> Iterator[Any]:
    """Group several writes so they land together or not at all. Writers queue one at a time on
    both backends (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock held to the commit), so a
    read-then-write inside a transaction sees every write committed before it."""
    if dialect(con) == postgresql.DIALECT:
        postgresql.begin(con)
        try:
            yield con
        except BaseException:
            postgresql.rollback(con)
            raise
        postgresql.commit(con)
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def one_of(con, column: str, values: Sequence) -> tuple[str, Any]:
    """``column`` is one of ``values`` (any number of them), as SQL with one ``?`` and its value."""
    if dialect(con) == postgresql.DIALECT:
        return f"{column} = ANY(?)", list(values)
    return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))


def schema_version(con) -> int:
    return con.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
