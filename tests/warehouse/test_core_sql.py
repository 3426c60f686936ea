"""The shape of core/school_measures.sql at national size: the 8 million staged cells are each read
once by the statements that need them all, not again by every statement of decision 2."""

from __future__ import annotations

from warehouse.connection import open_in_memory
from warehouse.sql_files import load_sql


def _statements(name: str) -> list[str]:
    con = open_in_memory()
    return [s.query for s in con.extract_statements(load_sql(name))]


def test_school_measures_reads_the_staged_cells_in_three_statements_only():
    reading = [s for s in _statements("core/school_measures") if "stg_measure_cells" in s]
    # the keys that two files give (numbers only, no join of the fields), the cells of those keys
    # (which the ranking and its rejects then read), every other cell into the final table
    assert len(reading) == 3
    assert reading[0].lstrip().startswith("CREATE OR REPLACE TEMP TABLE _school_measures_multi")
    assert "stg_measures " not in reading[0] and "stg_measure_fields" not in reading[0]
    assert reading[1].lstrip().startswith("CREATE OR REPLACE TEMP TABLE _school_measures_cells")
    assert reading[2].lstrip().startswith("CREATE OR REPLACE TABLE school_measures")
