"""Session-wide fixtures: one tiny warehouse built by the REAL load from a tiny generated county.

``fixture_warehouse`` is the warehouse pointer (a symlink to the build, as in production); open it
with ``warehouse.connection.open_read_only(resolve_build(fixture_warehouse))``. ``fixture_source``
is the generated source folder it was loaded from. Built once per session (about two seconds).
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE_SCHOOLS = 40
FIXTURE_NATIONAL = 300
FIXTURE_SEED = 7


@pytest.fixture(scope="session")
def fixture_source(tmp_path_factory) -> Path:
    try:
        from etl.generate import generate
    except ImportError as exc:  # the generator is not in this tree yet
        pytest.skip(f"etl.generate unavailable: {exc}")
    out = tmp_path_factory.mktemp("fixture_county") / "source"
    generate(out, n_schools=FIXTURE_SCHOOLS, national_schools=FIXTURE_NATIONAL, seed=FIXTURE_SEED)
    return out


@pytest.fixture(scope="session")
def fixture_warehouse(fixture_source, tmp_path_factory) -> Path:
    from etl.load import LoadSettings, load

    warehouse = tmp_path_factory.mktemp("fixture_warehouse") / "warehouse.duckdb"
    load(fixture_source, warehouse, LoadSettings(progress=False))
    return warehouse


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
