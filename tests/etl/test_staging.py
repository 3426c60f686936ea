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


# --- the model: the similar-schools steps beside the steps that do not need them ------------------


def _names(text: str) -> set[str]:
    import re

    return set(re.findall(r"[a-z_][a-z0-9_]*", text.lower()))


def test_the_model_steps_run_beside_each_other_share_no_table():
    from etl.load import MODEL_BESIDE, MODEL_JOIN
    from warehouse.sql_files import SQL_DIR, build_order, load_sql

    names = build_order("model")
    start, join = names.index(MODEL_BESIDE[0]), names.index(MODEL_JOIN)
    main = [n for n in names[start:join] if n not in MODEL_BESIDE]
    assert main and all(names.index(b) < join for b in MODEL_BESIDE)

    def text(step: str) -> str:
        if step.startswith("python:"):
            module = step.removeprefix("python:").replace(".", "/")
            return (SQL_DIR.parents[1] / f"{module}.py").read_text()
        return load_sql(step)

    made_beside = {"similar_school_features", "similar_school_groups", "similar_school_pools"}
    made_beside |= {"similar_school_comparison", "similar_school_pool"}
    made_beside |= {"similar_school_context_values"}  # dropped by the comparison
    made_main = {n.split("/")[-1] for n in main}
    for step in main:
        assert not _names(text(step)) & made_beside, step
    for step in MODEL_BESIDE:
        assert not _names(text(step)) & made_main, step


def test_a_model_failure_beside_is_the_loads_even_when_a_later_step_fails_too(
    fixture_source, tmp_path, monkeypatch
):
    import warehouse.similar_schools as similar
    from warehouse import sql_files

    def broken(con):
        time.sleep(0.5)  # fails after group_gaps has failed on the main connection
        raise RuntimeError("similar schools broke")

    monkeypatch.setattr(similar, "build", broken)
    real_step = sql_files.run_step

    def step(con, name):
        if name == "model/group_gaps":
            raise RuntimeError("group gaps broke")
        return real_step(con, name)

    import etl.load

    monkeypatch.setattr(etl.load, "run_step", step)
    w = tmp_path / "wh" / "warehouse.duckdb"
    with pytest.raises(RuntimeError, match="similar schools broke"):
        load(fixture_source, w, LoadSettings(progress=False))
    assert not w.exists() and not list((tmp_path / "wh" / "builds").glob("*.duckdb"))
