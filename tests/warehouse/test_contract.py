"""The public data contract: checks pass on a real build, fail on a broken one; the doc is current."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from warehouse import contract
from warehouse.connection import open_read_only, resolve_build
from warehouse.sql_files import run_folder


def test_contract_passes_on_the_fixture_warehouse(fixture_warehouse):
    con = open_read_only(resolve_build(fixture_warehouse))
    try:
        assert contract.check(con) == []
    finally:
        con.close()


@pytest.fixture
def broken(fixture_warehouse, tmp_path):
    """A writable copy of the fixture build."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(resolve_build(fixture_warehouse), copy)
    con = duckdb.connect(str(copy))
    yield con
    con.close()


def test_contract_fails_on_broken_tables(broken):
    urn = broken.execute("SELECT min(urn) FROM schools").fetchone()[0]
    broken.execute(
        "INSERT INTO schools SELECT * FROM schools WHERE urn = ?", [urn]
    )  # duplicate key
    broken.execute(
        "UPDATE schools SET phase = 'Big school' WHERE urn = (SELECT max(urn) FROM schools)"
    )
    broken.execute(
        "UPDATE school_measures SET value = 140 WHERE rowid = (SELECT min(rowid) FROM school_measures WHERE measure = 'fsm_pct')"
    )
    broken.execute(
        "UPDATE school_measures SET time_period = NULL WHERE rowid = (SELECT max(rowid) FROM school_measures)"
    )
    broken.execute(
        "UPDATE school_measures SET cohort = 10751 WHERE rowid = (SELECT min(rowid) FROM school_measures WHERE source_file IS NOT NULL)"
    )
    where = broken.execute(
        "SELECT source_file FROM school_measures WHERE cohort = 10751"
    ).fetchone()
    broken.execute(  # a measure outside the 37 accepted (checked on its distinct values first)
        "UPDATE school_measures SET measure = 'ks2_made_up' WHERE rowid IN "
        "(SELECT rowid FROM school_measures WHERE measure = 'ks2_cohort' LIMIT 2)"
    )
    broken.execute("ALTER TABLE boundaries ADD COLUMN extra INTEGER")
    broken.execute("DROP TABLE statistical_neighbours")
    text = "\n".join(contract.check(broken))
    assert "schools: 1 duplicate keys on (urn)" in text
    assert "schools.phase has a value not accepted in 1 rows (e.g. 'Big school'" in text
    assert "school_measures.measure has a value not accepted in 2 rows (e.g. 'ks2_made_up'" in text
    assert "pupil_group has a value not accepted" not in text  # its values all accepted
    # a refusal names the source file (and line, where the table keeps it) a failing value came from
    assert (
        f"school_measures.cohort is above 10000 in 1 rows (e.g. '10751', from {where[0]})" in text
    )
    assert "school_measures: check 'percentages are 0-100' fails in 1 rows" in text
    assert "school_measures.time_period is NULL in 1 rows" in text
    assert "boundaries: columns not in the contract: extra" in text
    assert "statistical_neighbours: table missing" in text


def test_contract_passes_on_an_empty_core_build():
    con = duckdb.connect()
    run_folder(con, "staging")
    run_folder(con, "core")
    assert contract.check(con, include_model=False) == []


def test_every_core_table_and_column_is_described():
    _, tables = contract.load_contract()
    core = [t for t in tables if not t.model]
    from etl.load import CORE_TABLES

    assert set(CORE_TABLES) <= {t.name for t in core}
    for t in tables:
        assert t.spec.get("description"), t.name
        for col, spec in t.spec["columns"].items():
            assert (spec or {}).get("description"), f"{t.name}.{col} has no description"
            assert (spec or {}).get("type"), f"{t.name}.{col} has no type"


def test_generated_doc_is_current():
    assert contract.DOC_PATH.read_text(encoding="utf-8") == contract.markdown(), (
        "docs/data-contract.md is stale: run python -m warehouse.contract --markdown"
    )


def test_doc_states_storage_version_pointer_and_time_period():
    doc = contract.markdown()
    from warehouse.connection import STORAGE_VERSION

    assert STORAGE_VERSION in doc and "DuckDB 1.0" in doc
    assert "symbolic link to the current build" in doc
    assert "201819 means the academic year 2018/19" in doc
