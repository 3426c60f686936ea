"""Inspection readiness: the home LA's risk triggers, the schools behind one, and schools causing concern."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from warehouse.sql_files import load_sql

Allowed = Sequence[int] | None  # the caller's URNs; None: every school


def _allowed(allowed: Allowed) -> list[int] | None:
    return None if allowed is None else [int(u) for u in allowed]


def triggers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """la_risk_triggers of the home LA, every phase and year (LA-level figures, no schools)."""
    return con.execute(load_sql("queries/readiness_triggers")).df()


def trigger_schools(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    trigger_id: str,
    phase: str,
    time_period: int | None,
) -> pd.DataFrame:
    """The schools behind one trigger, phase and year (None: every model year, by year)."""
    params = {
        "allowed": _allowed(allowed),
        "trigger_id": str(trigger_id),
        "phase": str(phase),
        "time_period": None if time_period is None else int(time_period),
    }
    return con.execute(load_sql("queries/readiness_trigger_schools"), params).df()


def schools_causing_concern(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    time_period: int | None = None,
    every_year: bool = False,
) -> pd.DataFrame:
    """Intensive and targeted schools of the home LA in a year (None: the latest; ``every_year``:
    every model year, ordered by year)."""
    params = {
        "allowed": _allowed(allowed),
        "time_period": None if time_period is None else int(time_period),
        "every_year": bool(every_year),
    }
    return con.execute(load_sql("queries/readiness_concern"), params).df()


def transitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Counts of the home LA's schools moving between support categories, year on year."""
    return con.execute(load_sql("queries/readiness_transitions")).df()
