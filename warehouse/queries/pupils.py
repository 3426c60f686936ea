"""Pupil progress (issue 9): schools with pupil data, one school's anonymous pupil distribution, its
figures computed from pupils by group, and its reconciliation with the published figures.

Every function restricts rows to ``allowed`` in its SQL (warehouse/sql/queries/pupil_*.sql). Call
them through dashboard/data_access/pupils.py, which checks the role (no pupil rows for governors or
briefing) and suppresses small groups.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.queries.schools import Allowed, _allowed
from warehouse.sql_files import load_sql

# The tables the pupil queries read: an older build without them gets empty frames instead.
TABLES = ("pupil_results", "pupil_progress", "pupil_group_aggregates", "pupil_reconciliation")


def loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the build holds the pupil model's tables (older builds do not)."""
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return set(TABLES) <= have


def schools(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    return con.execute(load_sql("queries/pupil_schools"), {"allowed": _allowed(allowed)}).df()


def distribution(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    urn: int | None,
    time_period: int,
    measure: str,
    disadvantaged: bool | None = None,
    sen: str | None = None,
    eal: bool | None = None,
    sex: str | None = None,
) -> pd.DataFrame:
    params = {
        "allowed": _allowed(allowed),
        "urn": None if urn is None else int(urn),
        "time_period": int(time_period),
        "measure": measure,
        "disadvantaged": disadvantaged,
        "sen": sen,
        "eal": eal,
        "sex": sex,
    }
    return con.execute(load_sql("queries/pupil_distribution"), params).df()


def group_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    urn: int | None,
    time_period: int | None = None,
    measure: str | None = None,
) -> pd.DataFrame:
    """One school's figures by group (``urn`` None: every allowed school's, by school), of every
    year and measure or of one (``time_period``, ``measure``)."""
    params = {
        "allowed": _allowed(allowed),
        "urn": None if urn is None else int(urn),
        "time_period": None if time_period is None else int(time_period),
        "measure": measure,
    }
    return con.execute(load_sql("queries/pupil_group_figures"), params).df()


def reconciliation(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn)}
    return con.execute(load_sql("queries/pupil_reconciliation"), params).df()
