"""Fixtures for the model tests: a hand-built core warehouse (see core_fixture.py) with the model run on it."""

from __future__ import annotations

import pytest

from tests.warehouse.model import scenario
from warehouse import model_settings
from warehouse.connection import open_in_memory


@pytest.fixture(scope="session")
def settings():
    s = model_settings.load()
    # A fixed as-at date for the latest year so the tests are reproducible (docs/method.md "The as-at date").
    ref = s["as_at_reference_date"]
    s["as_at_reference_date"] = type(ref)(ref.section, ref.key, "2024-12-31", ref.help, ref.type)
    return s


@pytest.fixture(scope="session")
def model(settings):
    con = open_in_memory()
    scenario.build(con)
    model_settings.run_model(con, settings=settings)
    yield con
    con.close()


def rows(con, sql, params=None):
    """All rows of a query as dicts."""
    cur = con.cursor()
    res = cur.execute(sql, params or [])
    cols = [d[0] for d in res.description]
    return [dict(zip(cols, r, strict=True)) for r in res.fetchall()]
