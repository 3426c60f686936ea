"""Fixtures shared by tests/dashboard, tests/pages and tests/browser (imported by their conftest)."""

from __future__ import annotations

import pytest

from dashboard import demo_users
from tests.dashboard import tiny_warehouse


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
    demo_users.create_demo_users(dash_warehouse, store)
    return {"warehouse": dash_warehouse, "store": store}
