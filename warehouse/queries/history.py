"""One school's history across URN changes and its latest inspection of each kind (SQL in
queries/school_lineage.sql and school_latest_inspections.sql)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from warehouse.sql_files import load_sql

Allowed = Sequence[int] | None


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()[0]
    )


def _run(con, name: str, allowed: Allowed, urn: int | None) -> pd.DataFrame:
    allowed = None if allowed is None else [int(u) for u in allowed]
    urn = None if urn is None else int(urn)
    return con.execute(load_sql(f"queries/{name}"), {"allowed": allowed, "urn": urn}).df()


def lineage(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int | None) -> pd.DataFrame:
    """Direct predecessors of one school, or of every allowed school when ``urn`` is None, by
    school (empty for a build made before school_lineage existed)."""
    if not _has(con, "school_lineage"):
        return pd.DataFrame(
            columns=[
                "urn",
                "predecessor_urn",
                "predecessor_name",
                "change",
                "link_type",
                "link_date",
            ]
        )
    return _run(con, "school_lineage", allowed, urn)


def latest_inspections(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int
) -> pd.DataFrame:
    return _run(con, "school_latest_inspections", allowed, urn)
