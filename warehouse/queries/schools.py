"""Schools: lists, filter options, counts and one school's profile and latest measures."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from warehouse.sql_files import load_sql

Allowed = Sequence[int] | None  # the caller's URNs; None: every school


def _allowed(allowed: Allowed) -> list[int] | None:
    return None if allowed is None else [int(u) for u in allowed]


def list_schools(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    la_code: int | None = None,
    district: str | None = None,
    phase: str | None = None,
    school_type: str | None = None,
) -> pd.DataFrame:
    params = {
        "allowed": _allowed(allowed),
        "la_code": la_code,
        "district": district,
        "phase": phase,
        "school_type": school_type,
    }
    return con.execute(load_sql("queries/schools_list"), params).df()


def filter_options(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    return con.execute(
        load_sql("queries/school_filter_options"), {"allowed": _allowed(allowed)}
    ).df()


def school_counts(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    return con.execute(load_sql("queries/school_counts"), {"allowed": _allowed(allowed)}).df()


def school_profile(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn)}
    return con.execute(load_sql("queries/school_profile"), params).df()


def latest_measures(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn)}
    return con.execute(load_sql("queries/school_latest_measures"), params).df()


def home_la(con: duckdb.DuckDBPyConnection) -> int | None:
    """The LA code of the council the warehouse serves (None in a build without home_la)."""
    row = con.execute(load_sql("queries/home_la")).fetchone()
    return None if row is None else int(row[0])
