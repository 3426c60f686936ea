"""Issue 19 hardening below the pages: the password rule, private files, the session cookie's
middleware (hand-over, metrics, Host allow-list) and the portable schema change."""

from __future__ import annotations

import asyncio
import re
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard import web
from dashboard.store import backup, db, passwords, sessions, users


@pytest.fixture
def store(tmp_path, monkeypatch):
    path = tmp_path / "private" / "store.sqlite"
    monkeypatch.setenv("SID_STORE_PATH", str(path))
    monkeypatch.delenv("SID_COOKIE_SECRET", raising=False)
    users.create_user("u", "U", "officer", "a long passphrase")
    return path


@pytest.mark.parametrize(
    "password",
    ["12345678", "aaaaaaaa", " " * 8, "abababab", "password1", "Pass Word1", "abcdefgh",
     "87654321", "qwertyuiop", "short", "x" * 300, "officer"],
)  # fmt: skip
def test_common_and_weak_passwords_are_refused(password):
    assert passwords.problem(password, "officer") is not None


@pytest.mark.parametrize(
    "password", ["eastmoor-demo", "correct horse battery", "alllowercaseletters", "ÉcoleNuméro9"]
)
def test_no_composition_rules(password):
    assert passwords.problem(password) is None


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_store_and_backups_are_private(store, tmp_path):
    assert mode(store) == 0o600 and mode(store.parent) == 0o700
    with db.connect() as con:  # the WAL files SQLite makes take the store's mode
        con.execute("INSERT INTO audit_log (at, action) VALUES ('now', 'login')")
        for extra in store.parent.glob("store.sqlite-*"):
            assert mode(extra) == 0o600, extra
    copy = tmp_path / "backups" / "store-copy.sqlite"
    backup.backup(copy)
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700


def test_an_old_world_readable_store_is_tightened(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    path.touch(mode=0o644)
    path.chmod(0o644)
    db.open_store(path).close()
    assert mode(path) == 0o600


def test_warehouse_builds_are_private(tmp_path):
    """Everything a load writes is written while it holds the load lock (etl/load.py)."""
    from etl import builds
    from warehouse import connection

    warehouse = tmp_path / "warehouse.duckdb"
    with builds.load_lock(warehouse):
        build = connection.builds_dir(warehouse) / "run.duckdb"
        build.parent.mkdir(parents=True, exist_ok=True)
        connection.open_build_for_writing(build).close()
    assert mode(build) == 0o600 and mode(build.parent) == 0o700
    assert mode(builds.lock_path(warehouse)) == 0o600


def test_the_schema_change_is_portable_sql():
    """Migration 4 must also run on PostgreSQL (the deploy engineer's store option)."""
    sql = db.MIGRATIONS[3]
    assert not re.search(
        r"(?i)\b(json_|datetime\(|strftime|AUTOINCREMENT|PRAGMA|WITHOUT ROWID)", sql
    )
    columns = re.findall(r"ADD COLUMN \w+ (\w+)", sql) + re.findall(r"(?m)^ {8}\w+\s+(\w+)", sql)
    assert len(columns) == 7 and set(columns) <= {"TEXT", "INTEGER", "REAL"}, columns


def test_cookie_hand_over_once_then_rotate(store):
    client = "browser-value"
    token = sessions.start("u", client_hash=web.client_hash(client))
    headers = web.cookies_for_page_load({"sid_client": client}, secure=True)
    assert any(h.startswith("__Host-sid_session=") and "Secure" in h and "HttpOnly" in h
               for h in headers)  # fmt: skip
    assert any(h.startswith("__Host-sid_client=") for h in headers)
    again = web.cookies_for_page_load({"sid_client": client}, secure=True)
    assert not any("sid_session=" in h and "Max-Age=0" not in h for h in again)  # spent
    assert sessions.touch(token, 3600) == "u"  # the tab that signed in keeps its own session


def test_metrics_only_for_a_direct_local_scrape():
    local = {"type": "http", "client": ("127.0.0.1", 5), "headers": []}
    relayed = {**local, "headers": [(b"x-forwarded-for", b"203.0.113.5")]}
    remote = {**local, "client": ("203.0.113.5", 5)}
    assert web.metrics_allowed(local)
    assert not web.metrics_allowed(relayed) and not web.metrics_allowed(remote)


def test_metrics_route_answers_404_through_the_middleware():
    sent = []

    async def app(scope, receive, send):  # what Streamlit would answer
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/_stcore/metrics", "method": "GET",
             "client": ("10.0.0.9", 1), "headers": [(b"host", b"x")]}  # fmt: skip
    # in a thread of its own: a session's Playwright (sync API) may keep an event loop running in
    # this worker's main thread, where asyncio.run refuses to start another
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, web.SessionCookieMiddleware(app)(scope, None, send)).result()
    assert sent[0]["status"] == 404


def test_host_allow_list(monkeypatch):
    scope = {"type": "http", "headers": [(b"host", b"evil.example:443")]}
    assert web.host_allowed(scope)  # default: any (the proxy checks)
    monkeypatch.setenv("SID_ALLOWED_HOSTS", "dashboard.council.example")
    assert not web.host_allowed(scope)
    good = {"type": "http", "headers": [(b"host", b"dashboard.council.example:8501")]}
    assert web.host_allowed(good)


def test_every_preloaded_element_script_is_found_and_the_header_stays_short():
    """A Streamlit upgrade renames its scripts' hashes: each stem must still match one file, and
    the Link header must fit a reverse proxy's header buffer."""
    assert len(web.preload_files()) == len(web.PRELOADED)
    header = web.preload_header().decode()
    assert 0 < len(header) <= web.PRELOAD_HEADER_MAX
    linked = re.findall(r"</static/js/([^>]+)>; rel=modulepreload", header)
    assert len(linked) == header.count("rel=modulepreload")
    assert set(web.preload_files()) <= set(linked)  # the elements' own scripts come first
    assert all((web._static_js() / name).is_file() for name in linked)


def _through_middleware(scope) -> list[dict]:
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, web.SessionCookieMiddleware(app)(scope, None, send)).result()
    return sent


def test_page_loads_name_the_element_scripts_and_nothing_else_does(store):
    page = {"type": "http", "path": "/", "method": "GET", "client": ("127.0.0.1", 1),
            "headers": [(b"host", b"x"), (b"accept", b"text/html")]}  # fmt: skip
    headers = dict(_through_middleware(page)[0]["headers"])
    assert headers[b"link"] == web.preload_header()
    assert b"set-cookie" in headers  # the cookies are still set beside it
    script = {**page, "path": "/static/js/x.js", "headers": [(b"host", b"x")]}
    assert b"link" not in dict(_through_middleware(script)[0]["headers"])
