"""Shared by the establishment readers (GIAS, spine): insert stg_establishments rows from a
classified SELECT, reject bad/duplicate URNs, and convert easting/northing to WGS84 (vectorised)."""

from __future__ import annotations

import duckdb
import numpy as np

from etl.codes import SCHOOL_PUPILS_MAX
from etl.readers._dfe import q


def reject_bad_urns(
    con: duckdb.DuckDBPyConnection, raw: str, urn_col: str, file_name: str
) -> tuple[str, int]:
    """Creates TEMP table ``<raw>_ok`` (__line, urn) of loadable rows; rejects the rest. Returns (table, n_rejected)."""
    ok = raw + "_ok"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {q(ok)} AS
            WITH t AS (
              SELECT __line, NULLIF(trim({q(urn_col)}), '') AS urn_text,
                     CASE WHEN regexp_full_match(coalesce(trim({q(urn_col)}), ''), '[1-9][0-9]{{5}}')
                          THEN CAST(trim({q(urn_col)}) AS INTEGER) END AS urn
              FROM {q(raw)}
            )
            SELECT __line, urn_text, urn,
                   row_number() OVER (PARTITION BY urn ORDER BY __line) AS nth,
                   min(__line) OVER (PARTITION BY urn) AS first_line
            FROM t"""
    )
    n = con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, __line, ?, urn_text,
                   CASE WHEN urn IS NULL THEN 'URN is not a six-digit whole number: row not loaded'
                        ELSE 'URN ' || urn || ' appears more than once in this file: line ' || first_line || ' kept (decision 2)' END
            FROM {q(ok)} WHERE urn IS NULL OR nth > 1 ORDER BY __line""",
        [file_name, urn_col],
    ).fetchone()[0]
    con.execute(f"DELETE FROM {q(ok)} WHERE urn IS NULL OR nth > 1")
    return ok, n


def add_lat_lon(con: duckdb.DuckDBPyConnection, file_name: str) -> int:
    """Fill latitude/longitude of this file's stg_establishments rows from easting/northing
    (British National Grid EPSG:27700 -> WGS84 EPSG:4326), one vectorised pyproj call."""
    from pyproj import Transformer

    rows = con.execute(
        """SELECT source_line, easting, northing FROM stg_establishments
           WHERE source_file = ? AND easting IS NOT NULL AND northing IS NOT NULL
             AND easting > 0 AND northing > 0""",
        [file_name],
    ).fetchnumpy()
    if len(rows["source_line"]) == 0:
        return 0
    tr = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(
        np.asarray(rows["easting"], dtype=float), np.asarray(rows["northing"], dtype=float)
    )
    import pandas as pd

    df = pd.DataFrame({"source_line": np.asarray(rows["source_line"]), "lat": lat, "lon": lon})
    con.register("__sid_latlon", df)
    try:
        con.execute(
            """UPDATE stg_establishments e SET latitude = round(l.lat, 6), longitude = round(l.lon, 6)
               FROM __sid_latlon l WHERE e.source_file = ? AND e.source_line = l.source_line""",
            [file_name],
        )
    finally:
        con.unregister("__sid_latlon")
    return len(df)


def cell(cols: dict[str, str], names: tuple[str, ...] | list[str]) -> str:
    """SQL for the first of ``names`` the file has (raw table alias ``r``), blank as NULL; NULL if
    none: GIAS and the spine rename columns between years, so each field lists its spellings."""
    for name in names:
        if name.lower() in cols:
            return f"NULLIF(trim(r.{q(cols[name.lower()])}), '')"
    return "NULL::VARCHAR"


def date_expr(expr: str, formats: list[str]) -> str:
    """SQL turning text in any of ``formats`` into a DATE (NULL when none matches)."""
    fmts = ", ".join(f"'{f}'" for f in formats)
    return f"CAST(try_strptime({expr}, [{fmts}]) AS DATE)"


# Establishment cells checked before loading: (stg column, rule). A failing cell goes to rejects with
# its line and column and is loaded as NULL; the rest of the row still loads.
LA_RULE = "la"
COUNT_RULE = "count"
PCT_RULE = "pct"
_LA_OK = "regexp_full_match({x}, '[1-9][0-9]{{2}}')"


def la_code_sql(expr: str) -> str:
    """An LA code: three digits 100-999, else NULL (the cell is rejected by reject_bad_cells)."""
    return f"CASE WHEN {_LA_OK.format(x=expr)} THEN CAST({expr} AS INTEGER) END"


def count_sql(expr: str) -> str:
    """A school's whole number of pupils, 0 to SCHOOL_PUPILS_MAX (else NULL)."""
    return (
        f"CASE WHEN parse_value({expr}) BETWEEN 0 AND {SCHOOL_PUPILS_MAX} "
        f"THEN TRY_CAST(round(parse_value({expr})) AS INTEGER) END"
    )


def pct_sql(expr: str) -> str:
    """A percentage 0-100 (else NULL)."""
    return f"CASE WHEN parse_value({expr}) BETWEEN 0 AND 100 THEN parse_value({expr}) END"


def reject_bad_cells(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    ok: str,
    cols: dict[str, str],
    file_name: str,
    checks: list[tuple[tuple[str, ...], str]],
) -> int:
    """Reject (cell by cell) LA codes that are not three digits, negative or unreadable pupil counts
    and percentages outside 0-100, in the rows ``ok`` keeps. Returns the number of rejects."""
    parts, params = [], []
    for names, rule in checks:
        col = next((cols[n.lower()] for n in names if n.lower() in cols), None)
        if col is None:
            continue
        x = f"NULLIF(trim(r.{q(col)}), '')"
        if rule == LA_RULE:
            bad = f"NOT {_LA_OK.format(x=x)}"
            why = "not a three-digit local authority code (100-999): the row is loaded without it"
        elif rule == COUNT_RULE:
            bad = f"(is_invalid({x}) OR NOT parse_value({x}) BETWEEN 0 AND {SCHOOL_PUPILS_MAX})"
            why = (
                f"not a school's number of pupils (a whole number from 0 to {SCHOOL_PUPILS_MAX:,}): "
                "the row is loaded without it"
            )
        else:
            bad = f"(is_invalid({x}) OR NOT parse_value({x}) BETWEEN 0 AND 100)"
            why = "not a percentage from 0 to 100: the row is loaded without it"
        parts.append(
            f"SELECT r.__line AS line, ? AS col, {x} AS val, ? AS why FROM {q(raw)} r "
            f"JOIN {q(ok)} ok ON r.__line = ok.__line WHERE {x} IS NOT NULL AND {bad}"
        )
        params += [col, why]
    if not parts:
        return 0
    return con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, line, col, left(val, 200), why FROM ({" UNION ALL ".join(parts)}) ORDER BY line, col""",
        [file_name, *params],
    ).fetchone()[0]
