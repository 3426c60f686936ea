"""The source files of the figures (decision 25): what every page's 'Data as at' and every export's
source line are made from."""

from __future__ import annotations

import duckdb
import pandas as pd

from warehouse.sql_files import load_sql


def source_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """file_name, kind, time_period, file_status of every loaded file."""
    return con.execute(load_sql("queries/provenance")).df()


def comparison_sets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """key_stage, time_period, is_national, n_schools, la_names of each achievement comparison set."""
    return con.execute(load_sql("queries/comparison_sets")).df()
