"""Session-wide fixtures: one tiny warehouse built by the REAL load from a tiny generated county,
and the real published files loaded once.

``fixture_warehouse`` is the warehouse pointer (a symlink to the build, as in production); open it
with ``warehouse.connection.open_read_only(resolve_build(fixture_warehouse))``. ``fixture_source``
is the generated source folder it was loaded from. ``real_warehouse``: ../shared/data/real loaded
by the real ETL. Each is built ONCE for the whole run, however many xdist workers ask (the first
builds under a lock, the others wait and reuse it: a load costs 15 s of CPU, more on a busy
machine). They are read-only for tests: a test that changes a warehouse copies it first.

``make test`` runs ``-n 2 --dist loadfile --no-loadscope-reorder``: whole modules go to the two
workers in collection order, and ``pytest_collection_modifyitems`` puts the slowest modules first
(SLOW_FIRST) so that no long module starts last while the other worker sits idle (xdist's default
order, most tests first, sent the few-test, many-minute modules to the end).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SCHOOLS = 40
FIXTURE_NATIONAL = 300
FIXTURE_SEED = 7


# Modules that take minutes, slowest first (wall time of a full run, 3 December 2026): they are
# handed out before everything else, so the two workers finish together. Not listed: the usual order.
SLOW_FIRST = (
    "tests/etl/generate/test_generate.py",
    "tests/etl/test_bad_inputs.py",  # second: it needs no session fixture, so the other worker
    "tests/etl/test_load_faults.py",  # never waits while the first generates the fixture county
    "tests/pages/test_manager_pages.py",
    "tests/pages/test_governor_profile.py",
    "tests/browser/test_filters_exports_browser.py",
    "tests/browser/test_page_walk.py",
    "tests/etl/fetch/test_fetch.py",
    "tests/pages/test_pages.py",
    "tests/consistency/test_fixture_county.py",
    "tests/pages/test_auth_attacks.py",
    "tests/etl/test_load.py",
    "tests/pages/test_visit_plan.py",
    "tests/browser/test_browser.py",
    "tests/consistency/test_real_files.py",
    "tests/browser/test_refresh_browser.py",
    "tests/deploy/test_proxy.py",
    "tests/pages/test_briefing_pages.py",
    "tests/browser/test_real_data_walk.py",
    "tests/etl/test_workbooks.py",
    "tests/browser/test_sign_in_browser.py",
    "tests/dashboard/test_data_access.py",
    "tests/pages/test_attacks.py",
    "tests/pages/test_admin_user_forms.py",
    "tests/warehouse/model/test_similar_real_data.py",
    "tests/documents/test_profile_pdf.py",
)


def pytest_collection_modifyitems(session, config, items):
    """Slowest modules first (stable: the order inside a module is kept)."""
    rank = {path: i for i, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def shared_build(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """``build(folder)`` run once for the whole test run, in a folder every xdist worker sees; the
    first worker to ask builds under a lock, the others wait for it and reuse the folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = tmp_path_factory.getbasetemp()
    root = base.parent if worker else base  # pytest-N/, shared by the run's workers
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                build(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def fixture_source(tmp_path_factory) -> Path:
    try:
        from etl.generate import generate
    except ImportError as exc:  # the generator is not in this tree yet
        pytest.skip(f"etl.generate unavailable: {exc}")

    def build(folder: Path) -> None:
        generate(folder / "source", n_schools=FIXTURE_SCHOOLS, national_schools=FIXTURE_NATIONAL,
                 seed=FIXTURE_SEED)  # fmt: skip

    return shared_build(tmp_path_factory, "fixture_county", build) / "source"


@pytest.fixture(scope="session")
def fixture_warehouse(fixture_source, tmp_path_factory) -> Path:
    from etl.load import LoadSettings, load

    def build(folder: Path) -> None:
        load(fixture_source, folder / "warehouse.duckdb", LoadSettings(progress=False))

    return shared_build(tmp_path_factory, "fixture_warehouse", build) / "warehouse.duckdb"


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory) -> Path:
    """The real published files (tests/shared_data.REAL_DATA) loaded once by the real ETL, through
    its command line (``python -m etl load``); what it printed is kept beside the warehouse in
    ``load.out`` (tests/etl/test_load.py reads it)."""
    from tests.shared_data import REAL_DATA

    if not REAL_DATA.is_dir():
        pytest.skip(f"real published data not present at {REAL_DATA}")

    def build(folder: Path) -> None:
        w = folder / "warehouse.duckdb"
        cmd = [sys.executable, "-m", "etl", "load", str(REAL_DATA), "--warehouse", str(w)]
        run = subprocess.run(
            [*cmd, "--no-progress"], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        assert run.returncode == 0, run.stderr
        (folder / "load.out").write_text(run.stdout)

    return shared_build(tmp_path_factory, "real_warehouse", build) / "warehouse.duckdb"


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the session (tests/postgres.py); ``postgres.new_database()``
    gives a test its own empty store. Started only when a test asks for it."""
    from tests import postgres as pg

    server = pg.start()
    yield server
    from dashboard.store import postgresql

    postgresql.close_idle()
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one per test process, for tests/browser and tests/deploy
    (Playwright's sync API allows one instance per thread)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
