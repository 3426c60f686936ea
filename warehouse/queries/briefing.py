"""Briefing and district comparison: aggregates of an area (a district or the whole county), no names.

``named_intensive`` is the one query that names schools; the data-access layer calls it only for
roles that may name schools. Every value is bound as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from warehouse.sql_files import load_sql

Allowed = Sequence[int] | None  # the caller's URNs; None: every school


def _allowed(allowed: Allowed) -> list[int] | None:
    return None if allowed is None else [int(u) for u in allowed]


def _run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    return con.execute(load_sql(f"queries/{name}"), params).df()


def areas(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    """The home LA and its districts (la_code, la_name, district, schools)."""
    return _run(con, "briefing_areas", allowed=_allowed(allowed))


def glance(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    """Open schools, pupils and % FSM by phase in every area: each district (whole_la false) and
    the whole home LA (whole_la true), one query for all (``glance_of`` takes one area)."""
    return _run(con, "briefing_glance", allowed=_allowed(allowed))


def area_rows(every: pd.DataFrame, district: str | None) -> pd.DataFrame:
    """One area's rows of a query of every area (``glance``, ``measures``; district None: the
    whole home LA), without the area's columns, in the query's order."""
    mine = (
        every["whole_la"]
        if district is None
        else (~every["whole_la"]) & every["district"].eq(district).fillna(False)
    )
    rows = every.loc[mine.to_numpy(dtype=bool)]
    return rows.drop(columns=["district", "whole_la"]).reset_index(drop=True)


def every_area(every: pd.DataFrame) -> dict[str | None, pd.DataFrame]:
    """``area_rows`` of every area of ``every`` at once (None: the whole home LA), grouped in one
    pass: an area's first view then takes its rows instead of filtering the query again. An area
    not in the result has no rows."""
    rows = every.drop(columns=["district", "whole_la"])
    whole = every["whole_la"].to_numpy(dtype=bool)
    out = {None: rows.take(np.flatnonzero(whole)).reset_index(drop=True)}
    named = ~whole & every["district"].notna().to_numpy(dtype=bool)
    pos = np.flatnonzero(named)
    districts = every["district"].to_numpy(dtype=object)[named]
    for area, at in pd.Series(pos).groupby(districts, sort=False).indices.items():
        out[area] = rows.take(pos[at]).reset_index(drop=True)  # in the query's order
    return out


def glance_of(every: pd.DataFrame, district: str | None) -> pd.DataFrame:
    """One area's rows of ``glance`` (district None: the whole home LA): phase, schools, pupils,
    pct_fsm, in the query's order (most schools first)."""
    return area_rows(every, district)[["phase", "schools", "pupils", "pct_fsm"]]


def measures(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    """Headline measures per year with county and national figures in every area: each district
    (whole_la false) and the whole home LA (whole_la true), one query for all (``area_rows``
    takes one area)."""
    return _run(con, "briefing_measures", allowed=_allowed(allowed))


def categories(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, district: str | None
) -> pd.DataFrame:
    """Schools per support category, per year and district."""
    return _run(con, "briefing_categories", allowed=_allowed(allowed), district=district)


def named_intensive(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, district: str | None
) -> pd.DataFrame:
    """Schools in intensive support for published-data or inspection reasons (names)."""
    return _run(con, "briefing_named_intensive", allowed=_allowed(allowed), district=district)


def district_averages(con: duckdb.DuckDBPyConnection, *, allowed: Allowed) -> pd.DataFrame:
    """Each district's average per year for the headline measures."""
    return _run(con, "districts_averages", allowed=_allowed(allowed))
