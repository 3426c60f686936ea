"""Similar schools (issue 22): one school's comparison with its group, and (managers only) the group.

Rows are restricted to ``allowed`` in the SQL (warehouse/sql/queries/similar_*.sql); call these through
dashboard/data_access/similar.py, which checks the role (the group's names are for managers and
officers only) and audits.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.queries.schools import Allowed, _allowed
from warehouse.sql_files import load_sql


def comparison(con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int) -> pd.DataFrame:
    params = {"allowed": _allowed(allowed), "urn": int(urn)}
    return con.execute(load_sql("queries/similar_comparison"), params).df()


def group(
    con: duckdb.DuckDBPyConnection, *, allowed: Allowed, urn: int, time_period: int, key_stage: str
) -> pd.DataFrame:
    params = {
        "allowed": _allowed(allowed),
        "urn": int(urn),
        "time_period": int(time_period),
        "key_stage": str(key_stage),
    }
    return con.execute(load_sql("queries/similar_group"), params).df()
