"""A governor deployment's warehouse holds no soft intelligence at all, yet shows governors the same
published figures, categories and reasons as the full deployment does."""

from __future__ import annotations

import pytest

from etl.governor_copy import make_governor_copy
from warehouse import contract
from warehouse.connection import open_read_only, resolve_build

INTELLIGENCE = {
    "leadership_changes": ["notes"],
    "complaints": ["notes"],
    "concerns": ["notes"],
    "visits": ["officer", "purpose", "outcome"],
    "notices_of_concern": ["reason"],
    "dfe_concerns": ["summary"],
}


@pytest.fixture(scope="module")
def copies(fixture_warehouse, tmp_path_factory):
    target = tmp_path_factory.mktemp("governor") / "warehouse.duckdb"
    make_governor_copy(fixture_warehouse, target)
    full = open_read_only(resolve_build(fixture_warehouse))
    gov = open_read_only(resolve_build(target))
    yield full, gov
    full.close()
    gov.close()


def _texts(con) -> set[str]:
    """Every distinct free-text value the full warehouse's intelligence tables hold."""
    out: set[str] = set()
    for table, columns in INTELLIGENCE.items():
        for col in columns:
            out |= {
                r[0]
                for r in con.execute(f'SELECT DISTINCT "{col}" FROM {table}').fetchall()
                if r[0]
            }
    return out


def test_the_fixture_has_intelligence_to_remove(copies):
    full, _ = copies
    assert full.execute("SELECT count(*) FROM support_reasons WHERE confidential").fetchone()[0] > 0
    assert _texts(full)


def test_no_intelligence_table_has_rows(copies):
    _, gov = copies
    for table in [*INTELLIGENCE, *(f"stg_{t}" for t in INTELLIGENCE)]:
        assert gov.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_no_intelligence_text_survives_in_any_column_of_any_table(copies):
    full, gov = copies
    secrets = {t for t in _texts(full) if len(t) >= 8}
    columns = gov.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE data_type IN ('VARCHAR', 'VARCHAR[]')"
    ).fetchall()
    for table, column in columns:
        values = {
            str(r[0]) for r in gov.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()
        }
        for secret in secrets:
            assert not any(secret in v for v in values), (table, column, secret)


def test_confidential_reasons_become_the_one_generic_line(copies):
    full, gov = copies
    urn, tp = full.execute(
        "SELECT urn, time_period FROM support_reasons WHERE confidential LIMIT 1"
    ).fetchone()
    want = full.execute(
        "SELECT governor_reasons, category FROM support_category WHERE urn = ? AND time_period = ?",
        [urn, tp],
    ).fetchone()
    got = gov.execute(
        "SELECT reasons, category, rule_ids FROM support_category WHERE urn = ? AND time_period = ?",
        [urn, tp],
    ).fetchone()
    assert got[0] == want[0] and got[1] == want[1]
    assert any("in confidence" in r for r in got[0])
    assert "confidential" in got[2]
    assert gov.execute("SELECT count(*) FROM support_reasons WHERE confidential").fetchone()[0] == 0


def test_published_figures_and_categories_are_unchanged(copies):
    full, gov = copies
    for table in ("school_measures", "achievement", "schools", "inspections"):
        n_full = full.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert gov.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n_full, table
    cats = "SELECT urn, time_period, category FROM support_category ORDER BY ALL"
    assert full.execute(cats).fetchall() == gov.execute(cats).fetchall()


def test_the_copy_keeps_the_data_contract(copies):
    _, gov = copies
    assert contract.check(gov) == []


PUPIL_LEVEL = ("pupil_results", "pupil_progress", "stg_pupils")


def test_no_pupil_level_row_reaches_the_governor_copy(copies):
    full, gov = copies
    assert full.execute("SELECT count(*) FROM pupil_results").fetchone()[0] > 0
    for table in PUPIL_LEVEL:
        assert gov.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    keys = {r[0] for r in full.execute("SELECT pupil_key FROM pupil_results").fetchall()}
    for (table,) in gov.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        cols = [r[0] for r in gov.execute(f'DESCRIBE "{table}"').fetchall() if r[1] == "VARCHAR"]
        for col in cols:
            values = {
                r[0] for r in gov.execute(f'SELECT DISTINCT "{col}" FROM "{table}"').fetchall()
            }
            assert not values & keys, f"a pupil key in {table}.{col}"


def test_school_aggregates_from_pupils_stay_in_the_governor_copy(copies):
    full, gov = copies
    n = "SELECT count(*) FROM pupil_group_aggregates"
    assert gov.execute(n).fetchone()[0] == full.execute(n).fetchone()[0] > 0
