"""Statistical neighbours reader: valid pairs load, bad rows are rejected with their line, the rest loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.readers import neighbours
from etl.readers.base import SourceFile
from warehouse.connection import open_in_memory

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def con():
    c = open_in_memory()
    c.execute((REPO / "warehouse" / "sql" / "staging" / "schema.sql").read_text(encoding="utf-8"))
    yield c
    c.close()


def test_neighbours_load_and_bad_rows_rejected(con, tmp_path):
    path = tmp_path / "statistical_neighbours.csv"
    path.write_text(
        "\ufeffla_code,neighbour_la_code,rank\n850,860,1\n850,936,2\n850,85,3\n850,850,4\n850,860,5\n850,881,\n,,\n",
        encoding="utf-8",
    )
    header = ("la_code", "neighbour_la_code", "rank")
    assert neighbours.recognise(header) and not neighbours.recognise(("URN", "LA"))
    src = SourceFile(
        path=path,
        name="statistical_neighbours.csv",
        text_path=path,
        encoding="utf-8-sig",
        header=header,
    )
    res = neighbours.stage(con, src)
    assert con.execute(
        "SELECT la_code, neighbour_la_code, rank FROM stg_statistical_neighbours ORDER BY 2"
    ).fetchall() == [(850, 860, 1), (850, 881, None), (850, 936, 2)]
    assert con.execute("SELECT line, column_name, value FROM rejects ORDER BY line").fetchall() == [
        (4, "neighbour_la_code", "85"),
        (5, "neighbour_la_code", "850"),
        (6, "neighbour_la_code", "860"),
    ]
    assert res.rows_read == 6 and res.rows_rejected == 3
