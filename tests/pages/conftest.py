"""Fixtures for these tests: a tiny hand-made warehouse (attack markers) or the fixture county
built by the real ETL and model, each with a fresh store holding the demo users."""

import pytest

from tests.dashboard.fixtures import dash_env, dash_warehouse, demo_store  # noqa: F401


@pytest.fixture
def county_env(fixture_warehouse, tmp_path, monkeypatch):
    """Settings pointing at the fixture county (real ETL + model) and a fresh store of demo users."""
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(fixture_warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    monkeypatch.setenv("SID_BRIEFING_NAMES_SCHOOLS", "false")
    demo_store(fixture_warehouse, store)
    return {"warehouse": fixture_warehouse, "store": store}
