"""Browser tests: serve the app with `streamlit run` on a free port against the tiny warehouse and a
temporary store, and drive Debian's Chromium with Playwright (no browser download needed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard import demo_users
from tests.dashboard import tiny_warehouse
from tests.dashboard.fixtures import dash_env, dash_warehouse  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(
    directory: Path, warehouse: Path, *, port: int | None = None, extra_args: tuple = ()
):  # demo governors: schools of the warehouse's home_la
    """Run `streamlit run dashboard/app.py` against ``warehouse`` with demo users in a new store
    (``extra_args``: more command-line options, for example ``--secrets.files``)."""
    store = directory / "store.sqlite"
    demo_users.create_demo_users(warehouse, store)
    port = port or _free_port()
    env = dict(
        os.environ,
        SID_WAREHOUSE=str(warehouse),
        SID_STORE_PATH=str(store),
        SID_DEPLOYMENT="full",
        SID_BRIEFING_NAMES_SCHOOLS="false",
    )
    log = open(directory / "streamlit.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard/app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((directory / "streamlit.log").read_text())
            time.sleep(0.3)
        yield type("Served", (), {"url": url, "store": store, "warehouse": warehouse})
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def served_app(tmp_path_factory):
    """The app on the tiny hand-made warehouse (named marker schools for the attack tests)."""
    directory = tmp_path_factory.mktemp("served")
    with _serve(directory, tiny_warehouse.build(directory)) as served:
        yield served


@pytest.fixture(scope="session")
def served_county(tmp_path_factory, fixture_warehouse):
    """The app on the fixture county built by the real ETL and model (tests/conftest.py)."""
    directory = tmp_path_factory.mktemp("served_county")
    with _serve(directory, fixture_warehouse) as served:
        yield served


@pytest.fixture(scope="session")
def served_real(tmp_path_factory, real_warehouse):
    """The app on the REAL published files of ../shared/data/real, loaded by the real ETL (once
    per run: tests/conftest.py)."""
    directory = tmp_path_factory.mktemp("served_real")
    with _serve(directory, real_warehouse) as served:
        yield served


# `browser` (one headless Chromium per test process) lives in tests/conftest.py, shared with
# tests/deploy: two Playwright instances in one process fail ("Sync API inside the asyncio loop").


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


@pytest.fixture
def laptop(browser):
    """A page at a 1366x768 laptop's viewport (the size the priority list is judged at)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page, timeout: float = 45_000) -> None:
    """Wait until the Streamlit script has finished its run (status widget gone). Generous: a
    shared 2-CPU machine under load can take 20 s to answer a sign-in (no timing is asserted)."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    page.wait_for_timeout(300)  # let the last deltas paint
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )


def sign_in(
    page, url: str, username: str, password: str = demo_users.DEMO_PASSWORD, then: str | None = None
) -> None:
    """Sign in at ``url``; then, if given, open path ``then`` inside the same session
    (a reload would start a new, signed-out session)."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Sign out").wait_for()
    wait_for_app(page)
    if then is not None:
        navigate_in_session(page, then)


def open_sections(page) -> None:
    """Click open, one by one, every section of the overview, the governor's profile or the
    priority list made only when opened (each click reruns the page with that section's content;
    the SECTIONS of dashboard/overview_screen.py, profile_view.py, components/priority_table.py)."""
    from dashboard import overview_screen, profile_view
    from dashboard.components import priority_table

    sections = (*overview_screen.SECTIONS, *profile_view.SECTIONS, *priority_table.SECTIONS)
    for label, _key in sections:
        open_section(page, label)


def open_section(page, label: str) -> None:
    """Click open the section made when opened whose summary reads ``label`` (if it is there)."""
    summary = page.locator('[data-testid="stExpander"] summary', has_text=label)
    if summary.count():
        summary.first.click()
        wait_for_app(page)


def navigate_in_session(page, path: str, timeout: float = 45_000, lands: bool = True) -> None:
    """Change the page path / URL parameters inside the signed-in session (as back/forward do).

    Waits for the new page's run, not only for an idle app: the run starts when the server has the
    new path, which on a busy machine can be after wait_for_app's pause, when the old page still
    looks finished. A page of another name is known by its tab title (set by the app as the run
    draws it); ``lands=False`` for a path the user may not open (the app stays where it was)."""
    expected = title_of(path) if lands else None
    before = page.title()
    page.evaluate(
        "p => { history.pushState({}, '', p); dispatchEvent(new PopStateEvent('popstate')); }", path
    )
    if expected is not None and expected != before:
        page.wait_for_function("t => document.title === t", arg=expected, timeout=timeout)
    wait_for_app(page, timeout=timeout)


def title_of(path: str) -> str | None:
    """The tab title of the page at ``path`` (dashboard/app.py), or None for the home path."""
    from dashboard.access import PAGES
    from dashboard.components.navigation import SIGN_IN_TITLE, document_title

    page_id = path.split("?", 1)[0].strip("/")
    titles = {spec.id: spec.title for spec in PAGES} | {"login": SIGN_IN_TITLE}
    return document_title(titles[page_id]) if page_id else None


def manager_view(served, monkeypatch, **filters):
    """The priority list as data_access orders it for ``filters`` (district, phase, school_type,
    category, group, year; unset: all, latest year), read from the served app's warehouse and
    store in the test process: what a page is checked against, never the page itself."""
    from dashboard.access import identity_for
    from dashboard.data_access import manager

    monkeypatch.setenv("SID_WAREHOUSE", str(served.warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(served.store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    boss = identity_for("manager", "M", "manager", [])
    ctx = manager.context(boss)
    return manager.priority_view(boss, ctx, {"year": ctx.latest, "group": "all", **filters})


# Streamlit's own sectioned sidebar navigation renders <li> inside <div> inside <ul> (axe "list" /
# "listitem" rules). It is the framework's markup, not ours, so scans leave that one element out.
AXE_CONTEXT = None


def axe_serious_violations(page) -> tuple[list, str]:
    """Serious or critical axe findings on the current page (and the report to print)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=AXE_CONTEXT) if AXE_CONTEXT else Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return bad, results.generate_report()
