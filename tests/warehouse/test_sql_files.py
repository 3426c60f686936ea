"""run_folder runs a folder's order.txt: "&" lines on a second connection beside the lines after
them (issue 20: the model's one-threaded Python step beside SQL that does not need it), "join"
waits for them, and a failure on either side is raised naming its file, with nothing left running."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from warehouse import sql_files
from warehouse.connection import open_in_memory

RAN: list[tuple[str, str]] = []  # (step, thread name), written by the Python step below


def build(con) -> None:  # the Python step "python:tests.warehouse.test_sql_files"
    RAN.append(("python", threading.current_thread().name))
    time.sleep(float(con.execute("SELECT getvariable('pause')").fetchone()[0] or 0))
    con.execute("CREATE OR REPLACE TABLE from_python AS SELECT getvariable('k') AS k")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A folder ``t`` of SQL files and its order.txt under a stand-in warehouse/sql."""
    root = tmp_path / "sql"
    (root / "t").mkdir(parents=True)
    monkeypatch.setattr(sql_files, "SQL_DIR", root)
    sql_files.load_sql.cache_clear()
    monkeypatch.setitem(sys.modules, "tests.warehouse.test_sql_files", sys.modules[__name__])
    RAN.clear()

    def write(order: str, **files: str) -> None:
        (root / "t" / "order.txt").write_text(order, encoding="utf-8")
        for name, text in files.items():
            (root / "t" / f"{name}.sql").write_text(text, encoding="utf-8")

    yield write
    sql_files.load_sql.cache_clear()


@pytest.fixture
def con(tmp_path):
    """A connection as the load opens one: in memory, the build attached and in use."""
    con = open_in_memory()
    con.execute(f"ATTACH '{tmp_path / 'build.duckdb'}' AS build")
    con.execute("USE build")
    con.execute("SET VARIABLE k = [1, 2]::INTEGER[]")
    con.execute("SET VARIABLE pause = 0.0")
    yield con
    con.close()


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _branch_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("build ")]


def test_a_branch_runs_in_its_own_thread_with_the_builds_tables_and_variables(folder, con):
    folder(
        "a\n& python:tests.warehouse.test_sql_files\n& b\nc\njoin\nd\n",
        a="CREATE TABLE a AS SELECT 10 AS x;",
        b="CREATE TABLE b AS SELECT x + list_sum(getvariable('k')) AS y FROM a;",
        c="CREATE TABLE c AS SELECT x * 2 AS z FROM a;",
        d="CREATE TABLE d AS SELECT y, z, (SELECT k FROM from_python) AS k FROM b, c;",
    )
    sql_files.run_folder(con, "t")
    assert con.execute("SELECT y, z, k FROM build.d").fetchall() == [(13, 20, [1, 2])]
    assert RAN == [("python", "build python:tests.warehouse.test_sql_files")]
    assert _branch_threads() == []


def test_a_failing_branch_is_raised_at_the_join_naming_its_file(folder, con):
    folder(
        "a\n& b\nc\njoin\nd\n",
        a="CREATE TABLE a AS SELECT 1 AS x;",
        b="CREATE TABLE b AS SELECT no_such_column FROM a;",
        c="CREATE TABLE c AS SELECT 2 AS x;",
        d="CREATE TABLE d AS SELECT * FROM b;",
    )
    with pytest.raises(RuntimeError, match=r"warehouse/sql/t/b\.sql failed: .*no_such_column"):
        sql_files.run_folder(con, "t")
    made = _tables(con)
    assert made == {"a", "c"}  # the line after the join never ran
    assert _branch_threads() == []


def test_a_failure_on_the_main_line_stops_the_branch_before_it_is_raised(folder, con):
    con.execute("SET VARIABLE pause = 0.5")  # the branch's Python step is still running ...
    folder(
        "& python:tests.warehouse.test_sql_files\n& b\nc\n",
        b="CREATE TABLE b AS SELECT 1 AS x;",
        c="SELECT * FROM no_such_table;",  # ... when the main line fails
    )
    with pytest.raises(RuntimeError, match=r"warehouse/sql/t/c\.sql failed"):
        sql_files.run_folder(con, "t")
    assert _branch_threads() == []  # waited for, not left writing to the build
    made = _tables(con)
    assert "b" not in made  # the branch's next step was not started


def test_a_folder_line_runs_the_subfolders_own_order_on_the_branch(folder, con, tmp_path):
    sub = sql_files.SQL_DIR / "t" / "sub"
    sub.mkdir()
    (sub / "order.txt").write_text("# its own order\ns1\ns2\n", encoding="utf-8")
    (sub / "s1.sql").write_text(
        "CREATE OR REPLACE TABLE s1 AS SELECT x + 1 AS x FROM a;", encoding="utf-8"
    )
    (sub / "s2.sql").write_text(
        "CREATE OR REPLACE TABLE s2 AS SELECT x * 10 AS x FROM s1;", encoding="utf-8"
    )
    folder(
        "a\n& folder:sub\nc\njoin\nd\n",
        a="CREATE OR REPLACE TABLE a AS SELECT 1 AS x;",
        c="CREATE OR REPLACE TABLE c AS SELECT 2 AS x;",
        d="CREATE OR REPLACE TABLE d AS SELECT s2.x + c.x AS x FROM s2, c;",
    )
    assert sql_files.build_order("t")[1] == sql_files.Step("folder:t/sub", beside=True)
    sql_files.run_folder(con, "t")
    assert con.execute("SELECT x FROM build.d").fetchall() == [(22,)]
    (sub / "s2.sql").write_text(
        "CREATE OR REPLACE TABLE s2 AS SELECT nothing FROM s1;", encoding="utf-8"
    )
    sql_files.load_sql.cache_clear()
    with pytest.raises(RuntimeError, match=r"warehouse/sql/t/sub/s2\.sql failed"):
        sql_files.run_folder(con, "t")
