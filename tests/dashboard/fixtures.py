"""Fixtures shared by tests/dashboard, tests/pages and tests/browser (imported by their conftest)."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from dashboard import demo_users
from tests.dashboard import tiny_warehouse

_DEMO_STORES: dict[tuple[str, str, float], Path] = {}


def demo_store(warehouse: Path, store: Path) -> Path:
    """A new SQLite store at ``store`` holding the demo users of ``warehouse``: what
    ``demo_users.create_demo_users(warehouse, store)`` writes, made once per warehouse build and
    test process and copied (seven argon2 hashes cost ~1.5 s of CPU; a copy costs nothing)."""
    from warehouse.connection import resolve_build

    build = resolve_build(warehouse)
    key = (str(warehouse), str(build), build.stat().st_mtime)
    template = _DEMO_STORES.get(key)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="demo-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        demo_users.create_demo_users(warehouse, folder / "made.sqlite")
        template = folder / "store.sqlite"
        src, dst = sqlite3.connect(folder / "made.sqlite"), sqlite3.connect(template)
        try:  # the backup reads through the WAL: one whole file
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        _DEMO_STORES[key] = template
    fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(template.read_bytes())
    return store


@pytest.fixture(scope="session")
def dash_warehouse(tmp_path_factory):
    """The pointer path of a tiny warehouse (schools + school_measures), built once per session."""
    return tiny_warehouse.build(tmp_path_factory.mktemp("warehouse"))


@pytest.fixture
def dash_env(dash_warehouse, tmp_path, monkeypatch):
    """Settings pointing at the tiny warehouse and a fresh store holding the demo users."""
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(dash_warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "false")
    demo_store(dash_warehouse, store)
    return {"warehouse": dash_warehouse, "store": store}
