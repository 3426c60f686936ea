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


def settings_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(load_sql("queries/governor_model_settings")).df()


# The tables each query reads: a build without them (an older or partial warehouse) gets an empty
# frame with these columns instead of an error, so the profile shows what there is.
NEEDS: dict[str, tuple[str, ...]] = {
    "school": ("schools",),
    "measures": (
        "schools",
        "school_measures",
        "la_measures",
        "national_reference",
        "model_settings",
    ),
    "achievement": ("achievement",),
    "group_gaps": ("group_gaps", "school_measures"),
    "trends": ("trends",),
    "inspections": ("inspections", "inspection_judgements"),
    "support": ("support_category",),
    "support_reasons": ("support_reasons",),
    "workbook_event_dates": ("complaints", "concerns"),
    "settings_rows": ("model_settings",),
    "data_info": ("load_info", "model_years"),
}
COLUMNS: dict[str, list[str]] = {
    "school": ["urn", "name", "la_code", "la_name", "district", "phase", "school_type",
               "establishment_group", "is_academy", "status", "open_date", "postcode", "pupils",
               "pct_fsm"],
    "measures": ["urn", "time_period", "key_stage", "measure", "pupil_group", "value",
                 "status_code", "ci_lower", "ci_upper", "cohort", "la_value", "la_status_code",
                 "national_value", "national_status_code", "national_scope", "source_file",
                 "source_field"],
    "achievement": ["urn", "time_period", "key_stage", "attainment_measure", "attainment_score",
                    "progress_measure", "progress_score", "progress_ci_lower",
                    "progress_ci_upper", "achievement_score", "method", "method_note", "cohort",
                    "national_percentile", "loaded_percentile", "rank_among_loaded", "n_loaded",
                    "achievement_band", "band_basis"],
    "group_gaps": ["urn", "time_period", "key_stage", "measure", "pupil_group", "value",
                   "status_code", "cohort", "national_value", "gap_vs_national_same_group",
                   "national_non_disadvantaged", "national_disadvantaged",
                   "gap_vs_national_non_disadvantaged", "gap_vs_national_disadvantaged",
                   "national_gap", "note"],
    "trends": ["urn", "time_period", "key_stage", "component", "measure", "value",
               "national_value", "relative", "years", "relatives", "n_years", "change",
               "direction", "spans_covid_gap", "explanation"],
    "inspections": ["urn", "inspection_id", "era", "inspection_type", "inspection_start",
                    "inspection_end", "publication_date", "overall_effectiveness",
                    "category_of_concern", "safeguarding", "area", "grade", "grade_scale"],
    "support": ["urn", "time_period", "category", "governor_reasons", "is_academy",
                "recommended_action", "as_at", "governor_summary", "governor_watch_flags",
                "rules_not_applied", "not_categorised_reason"],
    "support_reasons": ["urn", "time_period", "rule_id", "kind", "level", "source",
                        "confidential", "reason", "headline", "fact_date", "evidence"],
    "workbook_event_dates": ["urn", "kind", "date"],
    "settings_rows": ["name", "value_json"],
    "data_info": ["load_date", "finished_at", "latest_time_period", "as_at"],
}  # fmt: skip


def tables(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The tables and views the build holds."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return frozenset(r[0] for r in rows)
