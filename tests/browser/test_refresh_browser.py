"""An ETL refresh while 20 signed-in sessions read (issue 10): a served app, 20 browser contexts in
one headless Chromium (mixed roles) rerunning pages in a loop while two full loads run into the
served warehouse path. No page load may fail (exception box, error text, timeout), and every
session that names schools shows the newest load's data afterwards, never going back to older."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import pytest

from dashboard import demo_users
from tests.browser.conftest import ROOT, _serve, wait_for_app
from tests.etl.fault_sources import renamed_copy, small_copy

pytestmark = pytest.mark.browser

MARKERS = ("(load B)", "(load C)")  # the school names of the two loads end with these
# (username, the two pages it alternates between; the first shows school names where it can)
ROLES = (
    [("manager", ("/schools?view=table", "/priority"))] * 5
    + [("officer", ("/schools?view=table", "/overview"))] * 3
    + [("governor1", ("/schools?view=table", "/profile"))] * 3
    + [("governor2", ("/profile", "/schools?view=table"))] * 2
    + [("federation", ("/schools?view=table", "/profile"))] * 2
    + [("admin", ("/schools?view=table", "/admin_loads"))] * 2
    + [("briefing", ("/briefing", "/districts"))] * 3
)
NAMES_SCHOOLS = {"manager", "officer", "governor1", "governor2", "federation", "admin"}
ERROR_TEXT = re.compile(
    r"Traceback|\b[A-Z]\w*(Error|Exception):|IO Error|Catalog Error|Binder Error|"
    r"No warehouse at|Connection error|database has been invalidated"
)
# The loads leave out the national files (the bulk of the load time): pages then rank among the
# loaded schools (decision 8), so the refresh also changes the shape of what the pages show.
LOCAL_FILES = (
    "edubasealldata*.csv",
    "*/991_*.csv",
    "ofsted/*.csv",
    "intelligence.xlsx",
    "boundaries.geojson",
    "statistical_neighbours.csv",
)
# The h1 of each page with a fixed title: waiting for it proves the new page's run has started.
TITLES = {
    "/schools?view=table": "Schools",
    "/priority": "Priority list",
    "/overview": "County overview",
    "/admin_loads": "Loads",
    "/districts": "District comparison",
}
PAGE_TIMEOUT_MS = 60_000  # a rerun slower than this counts as a failed page load


@dataclass
class Session:
    username: str
    paths: tuple[str, str]
    page: object
    seen: list[int] = field(default_factory=list)  # index of the newest marker shown, -1: none

    def newest_marker(self) -> int:
        text = self.page.locator("body").inner_text()
        return max((i for i, m in enumerate(MARKERS) if m in text), default=-1)


@pytest.fixture
def refresh_app(fixture_warehouse, fixture_source, tmp_path):
    """The app serving a copy of the fixture county, and two renamed copies of its source."""
    shutil.copytree(fixture_warehouse.parent, tmp_path / "data", symlinks=True)
    local = small_copy(fixture_source, tmp_path / "local", LOCAL_FILES)
    sources = [renamed_copy(local, tmp_path / f"src{i}", m) for i, m in enumerate(MARKERS)]
    with _serve(tmp_path, tmp_path / "data" / "warehouse.duckdb") as served:
        yield served, sources


def _failure(s: Session, what: str) -> str | None:
    """Why the page a session shows is a failed page load, or None."""
    pg = s.page
    if pg.locator('[data-testid="stException"]').count():
        return f"{s.username} {what}: exception box"
    if pg.locator('[data-testid="stAlertContentError"]').count():
        return f"{s.username} {what}: error message"
    found = ERROR_TEXT.search(pg.locator("body").inner_text())
    return f"{s.username} {what}: {found.group(0)!r} on the page" if found else None


def _settle(
    sessions: list[Session], what: str, failures: list[str], path: int | None = None
) -> None:
    for s in sessions:
        try:
            title = TITLES.get(s.paths[path % 2]) if path is not None else None
            if title:
                s.page.locator("h1", has_text=title).wait_for(timeout=PAGE_TIMEOUT_MS)
            wait_for_app(s.page, timeout=PAGE_TIMEOUT_MS)
        except Exception as exc:  # a timeout is a failed page load
            failures.append(f"{s.username} {what}: {type(exc).__name__}")
            continue
        if problem := _failure(s, what):
            failures.append(problem)


def _sign_in_all(sessions: list[Session], url: str, failures: list[str]) -> None:
    for s in sessions:
        s.page.goto(url)
    _settle(sessions, "login page", failures)
    for s in sessions:
        s.page.get_by_label("Username").fill(s.username)
        s.page.get_by_label("Password", exact=True).fill(demo_users.DEMO_PASSWORD)
        s.page.get_by_role("button", name="Sign in").click()
    for s in sessions:
        s.page.get_by_role("button", name="Sign out").wait_for(timeout=PAGE_TIMEOUT_MS)
    _settle(sessions, "sign-in", failures)


def _round(sessions: list[Session], n: int, failures: list[str]) -> None:
    """Every session opens its next page at once (a rerun inside the signed-in session; a reload
    would sign it out), then each is checked when its run has finished."""
    for s in sessions:
        s.page.evaluate(
            "p => { history.pushState({}, '', p); dispatchEvent(new PopStateEvent('popstate')); }",
            s.paths[n % 2],
        )
    _settle(sessions, f"round {n}", failures, path=n)
    for s in sessions:
        if s.username in NAMES_SCHOOLS and s.paths[n % 2] in ("/schools?view=table", "/profile"):
            s.seen.append(s.newest_marker())


def test_twenty_sessions_read_through_two_loads_without_a_failed_page(refresh_app, browser):
    served, sources = refresh_app
    loads: list[tuple[int, float, str]] = []

    def run_loads() -> None:
        for src in sources:
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "etl", "load", str(src), "--warehouse"]
                + [str(served.warehouse), "--no-progress"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            loads.append((proc.returncode, round(time.perf_counter() - t, 1), proc.stderr[-500:]))

    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in ROLES]
    try:
        sessions = [
            Session(user, paths, ctx.new_page())
            for (user, paths), ctx in zip(ROLES, contexts, strict=True)
        ]
        failures: list[str] = []
        t0 = time.perf_counter()
        _sign_in_all(sessions, served.url, failures)
        signed_in = time.perf_counter() - t0
        etl = threading.Thread(target=run_loads)
        etl.start()
        n = 0
        while etl.is_alive() or n < 2:
            _round(sessions, n, failures)
            n += 1
        etl.join()
        _round(sessions, n + (n % 2), failures)  # everyone back on a page that names schools
        print(
            f"signed in 20 sessions in {signed_in:.1f} s; {n + 1} rounds of 20 page runs in "
            f"{time.perf_counter() - t0 - signed_in:.1f} s; loads (exit, seconds): "
            f"{[(rc, s) for rc, s, _ in loads]}"
        )
    finally:
        for ctx in contexts:
            ctx.close()
    assert [rc for rc, _, _ in loads] == [0, 0], loads
    assert failures == []
    for s in sessions:
        if s.username in NAMES_SCHOOLS:
            assert s.seen == sorted(s.seen), (s.username, s.seen)  # never back to older data
            assert s.seen[-1] == len(MARKERS) - 1, (s.username, s.seen)  # the newest load
