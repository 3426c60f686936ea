"""etl/staging.py: files staged on two connections at once give what staging them one by one in
order gives: the same rows in the same order in every table, the same report, the same refusal."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from etl import staging
from etl.load import LoadSettings, load
from etl.report import LoadRefused
from warehouse import connection
from warehouse.connection import open_read_only, resolve_build


def _build(tmp_path: Path):
    con = connection.open_build_for_writing(tmp_path / "b.duckdb")
    con.execute("CREATE TABLE rejects (file_name VARCHAR NOT NULL, line INTEGER)")
    con.execute("CREATE TABLE stg_named_schools (urn INTEGER NOT NULL, source_file VARCHAR)")
    return con


def _run(tmp_path, on_main, fail=(), n=12, seed=1):
    """Events 0..n write their number to both tables (some rows each), sleeping at random so the
    two sides interleave differently every time; events in ``fail`` raise after writing."""
    con = _build(tmp_path)
    rnd = random.Random(seed)
    sleeps = [rnd.random() * 0.02 for _ in range(n + 1)]

    def event(c, i):
        time.sleep(sleeps[i])
        for k in range(3):
            c.execute("INSERT INTO rejects VALUES (?, ?)", [f"event {i}", k])
        c.execute("INSERT INTO stg_named_schools VALUES (?, ?)", [i, f"event {i}"])
        if i in fail:
            raise LoadRefused(f"event {i} failed")
        return [((i, 0), lambda: i)]

    cursor = con.cursor()
    actions, failure = staging.TwoSided(con, cursor, n, on_main, event).run()
    cursor.close()
    rows = con.execute("SELECT file_name, line FROM rejects ORDER BY rowid").fetchall()
    named = [
        r[0] for r in con.execute("SELECT urn FROM stg_named_schools ORDER BY rowid").fetchall()
    ]
    shadows = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]
    con.close()
    return actions, failure, rows, named, shadows


@pytest.mark.parametrize(
    "main_events",
    [
        {0, 3, 4, 7, 10, 12},  # interleaved
        {0, 1, 2, 3, 4, 5, 12},  # the county's order: the DfE files first, the final flush last
        {6, 7, 8, 9, 10, 11, 12},  # the other side first
        {12},  # everything but the final flush on the second connection
    ],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_rows_land_in_the_serial_order_whatever_the_timing(tmp_path, main_events, seed):
    actions, failure, rows, named, shadows = _run(tmp_path, lambda i: i in main_events, seed=seed)
    assert failure is None
    assert rows == [(f"event {i}", k) for i in range(13) for k in range(3)]
    assert named == list(range(13))
    assert [a[0] for a in actions] == [(i, 0) for i in range(13)]
    assert shadows == 0  # the main connection's shadow tables are gone


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_earliest_failure_wins_and_the_report_stops_before_it(tmp_path, seed):
    # event 5 (second connection) fails; event 8 (main) fails too, whichever runs first
    main_events = {0, 3, 4, 7, 8, 10, 12}
    actions, failure, rows, _, _ = _run(
        tmp_path, lambda i: i in main_events, fail={5, 8}, seed=seed
    )
    assert str(failure.error) == "event 5 failed" and failure.position == (5, 0)
    assert [a[0] for a in actions] == [(i, 0) for i in range(5)]
    # what serves is never this build; the rows before the failure are all there, in order
    assert rows[: 5 * 3] == [(f"event {i}", k) for i in range(5) for k in range(3)]


def test_a_main_failure_before_the_other_sides_wins(tmp_path):
    actions, failure, _, _, _ = _run(tmp_path, lambda i: i in {0, 2, 12}, fail={2, 9})
    assert str(failure.error) == "event 2 failed"
    assert [a[0] for a in actions] == [(0, 0), (1, 0)]


def _staged(warehouse: Path) -> dict:
    con = open_read_only(resolve_build(warehouse))
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'stg_%' "
                "OR table_name IN ('rejects', 'load_files') ORDER BY 1"
            ).fetchall()
        ]
        # stg_aggregate_measures is made by core (a parallel statement): its order is not staging's
        order = {"stg_aggregate_measures": "ALL"}
        return {
            t: con.execute(f'SELECT * FROM "{t}" ORDER BY {order.get(t, "rowid")}').fetchall()
            for t in tables
        }
    finally:
        con.close()


def test_a_county_staged_on_two_connections_equals_one_by_one(
    fixture_source, tmp_path, monkeypatch
):
    settings = LoadSettings(progress=False, model=False)
    two = load(fixture_source, tmp_path / "two" / "warehouse.duckdb", settings)
    monkeypatch.setattr(staging, "CONCURRENT_READERS", frozenset())
    one = load(fixture_source, tmp_path / "one" / "warehouse.duckdb", settings)
    lines = lambda r: [{k: v for k, v in vars(f).items() if k != "seconds"} for f in r.files]  # noqa: E731
    assert lines(two) == lines(one)
    assert two.staged == one.staged and two.notes == one.notes and two.tables == one.tables
    # the counts per table are the sums of the files' (a batch's flush counted once)
    for t, n in two.staged.items():
        assert n == sum(f.tables.get(t, 0) for f in two.files), t
    a, b = (
        _staged(tmp_path / "two" / "warehouse.duckdb"),
        _staged(tmp_path / "one" / "warehouse.duckdb"),
    )
    assert a.keys() == b.keys() and "stg_inspections" in a
    for t in a:
        assert a[t] == b[t], t
    # both sides had files: the Ofsted, GIAS and pupil files stage on the second connection
    kinds = {f.kind for f in two.files}
    assert {"ofsted", "gias", "ks2"} <= kinds
