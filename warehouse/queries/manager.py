"""The improvement manager's workspace: county context, schools with their model rows, reasons,
workbook intelligence, LA/national series, and one school's history (SQL in queries/manager_*.sql)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from warehouse.sql_files import load_sql

Allowed = Sequence[int] | None  # the caller's URNs; None: every school


def _allowed(allowed: Allowed) -> list[int] | None:
    return None if allowed is None else [int(u) for u in allowed]


def _df(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    return con.execute(load_sql(f"queries/{name}"), params).df()


MODEL_TABLES = ("model_years", "support_category", "support_reasons", "achievement", "trends",
                "school_inspection_status", "school_bands", "group_gaps", "national_reference")  # fmt: skip


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def context(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The county (la_code, la_name) with every model year and its as-at date; empty when the
    build holds no model tables (a bare warehouse)."""
    tables = _tables(con)
    if not set(MODEL_TABLES) <= tables:
        return pd.DataFrame(columns=["la_code", "la_name", "time_period", "year_label", "is_latest",
                                     "as_at", "previous_time_period"])  # fmt: skip
    return _df(con, "manager_context")


def model_settings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if "model_settings" not in _tables(con):
        return pd.DataFrame(columns=["key", "value_json"])
    return _df(con, "manager_settings")


def schools(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    la_code: int,
    time_period: int,
    pupil_group: str,
) -> pd.DataFrame:
    return _df(
        con,
        "manager_schools",
        allowed=_allowed(allowed),
        la_code=int(la_code),
        time_period=int(time_period),
        pupil_group=pupil_group,
    )


def reasons(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, la_code: int, time_period: int
) -> pd.DataFrame:
    return _df(
        con,
        "manager_reasons",
        allowed=_allowed(allowed),
        la_code=int(la_code),
        time_period=int(time_period),
    )


def intelligence(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, la_code: int | None, urn: int | None
) -> pd.DataFrame:
    return _df(
        con,
        "manager_intelligence",
        allowed=_allowed(allowed),
        la_code=None if la_code is None else int(la_code),
        urn=None if urn is None else int(urn),
    )


def area_series(
    con: duckdb.DuckDBPyConnection,
    *,
    la_code: int,
    measures: Sequence[str],
    pupil_group: str,
    phase_scope: str = "primary",
) -> pd.DataFrame:
    return _df(
        con,
        "manager_area_series",
        la_code=int(la_code),
        measures=list(measures),
        pupil_group=pupil_group,
        phase_scope=phase_scope,
    )


def school_series(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int, pupil_group: str
) -> pd.DataFrame:
    return _df(
        con,
        "manager_school_series",
        allowed=_allowed(allowed),
        urn=int(urn),
        pupil_group=pupil_group,
    )


def school_model(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _df(con, "manager_school_model", allowed=_allowed(allowed), urn=int(urn))


def model_urns(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, la_code: int) -> set[int]:
    """The allowed schools of the LA whose ``school_model`` has rows."""
    params = {"allowed": _allowed(allowed), "la_code": int(la_code)}
    rows = con.execute(load_sql("queries/manager_model_urns"), params)
    return {int(r[0]) for r in rows.fetchall()}


def school_gaps(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int, time_period: int
) -> pd.DataFrame:
    return _df(
        con,
        "manager_school_gaps",
        allowed=_allowed(allowed),
        urn=int(urn),
        time_period=int(time_period),
    )


def inspections(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    return _df(con, "manager_inspections", allowed=_allowed(allowed), urn=int(urn))


def boundaries(con: duckdb.DuckDBPyConnection, *, la_code: int) -> pd.DataFrame:
    if "boundaries" not in _tables(con):
        return pd.DataFrame(columns=["name", "kind", "la_code", "geojson"])
    return _df(con, "manager_boundaries", la_code=int(la_code))


def bands(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, la_code: int, time_period: int
) -> pd.DataFrame:
    """Each school's band under every heading in a year (the overview counts schools per band)."""
    return _df(
        con,
        "manager_bands",
        allowed=_allowed(allowed),
        la_code=int(la_code),
        time_period=int(time_period),
    )


def workbook_notices(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, la_code: int
) -> pd.DataFrame:
    """The workbook's notices of concern and DfE concerns of the LA's schools (notices page)."""
    if "notices_of_concern" not in _tables(con):  # a governor deployment holds no intelligence
        return pd.DataFrame(columns=["urn", "name", "district", "kind", "date", "review_due",
                                     "status", "detail", "source_file", "source_line"])  # fmt: skip
    return _df(con, "manager_notices", allowed=_allowed(allowed), la_code=int(la_code))


def group_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    allowed: Allowed,
    la_code: int,
    time_period: int,
    pupil_group: str | None,
) -> pd.DataFrame:
    """Each school's headline figure for one pupil group (None: every group, a ``pupil_group``
    column first) against national for that group, with the group's size and its percentile
    among every school with a published figure (priority list)."""
    return _df(
        con,
        "manager_group_figures",
        allowed=_allowed(allowed),
        la_code=int(la_code),
        time_period=int(time_period),
        pupil_group=pupil_group,
    )
