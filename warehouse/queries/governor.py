"""Governor profile: one school's measures with comparators, achievement, groups, trends,
inspections and support category (governor reasons only), and the data date.

Every function restricts rows to ``allowed`` in its SQL (warehouse/sql/queries/governor_*.sql);
call them through dashboard/data_access/governor.py, which adds suppression and the audit.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.queries.schools import Allowed, _allowed
from warehouse.sql_files import load_sql


def _one_school(
    con: duckdb.DuckDBPyConnection, name: str, allowed: Allowed, urn: int
) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn)}
    return con.execute(load_sql(f"queries/{name}"), params).df()


def school(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_school", allowed, urn)


def measures(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_measures", allowed, urn)


def achievement(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_achievement", allowed, urn)


def group_gaps(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_group_gaps", allowed, urn)


def trends(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_trends", allowed, urn)


def inspections(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_inspections", allowed, urn)


def support(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _one_school(con, "governor_support", allowed, urn)


def data_info(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(load_sql("queries/governor_data_info")).df()


def support_reasons(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int, time_period: int
) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn), "time_period": int(time_period)}
    return con.execute(load_sql("queries/governor_support_reasons"), params).df()


def workbook_event_dates(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int
) -> pd.DataFrame:
    """Kind and date only of workbook complaints and concerns (never call in a governor deployment)."""
    return _one_school(con, "governor_workbook_event_dates", allowed, urn)


def model_settings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(load_sql("queries/governor_model_settings")).df()
