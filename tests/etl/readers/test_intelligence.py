"""Intelligence workbook reader: a valid workbook and CSV load; bad cells are rejected with the sheet,
line and column named while the other rows load; the template and the docs follow the reader's definition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from etl.readers import intelligence
from etl.readers.base import SourceFile
from etl.templates import TEMPLATE_PATH, write_template
from warehouse.connection import open_in_memory

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def con():
    c = open_in_memory()
    c.execute((REPO / "warehouse" / "sql" / "staging" / "schema.sql").read_text(encoding="utf-8"))
    yield c
    c.close()


def xlsx_source(path: Path, name: str = "intelligence.xlsx") -> SourceFile:
    """As the loader builds it for a workbook: encoding binary, header = the sheet names."""
    return SourceFile(
        path=path,
        name=name,
        text_path=path,
        encoding="binary",
        header=tuple(intelligence.sheet_names(path)),
    )


def filled_workbook(tmp_path: Path) -> Path:
    path = write_template(tmp_path / "intelligence.xlsx")
    wb = load_workbook(path)
    wb["leadership_changes"].append(
        [123456, dt.datetime(2025, 9, 1), "Headteacher", "New permanent", "new head from September"]
    )
    wb["complaints"].append([123456, "2025-10-03", "Ofsted", "safeguarding", "open", None])
    wb["complaints"].append(
        [123457, "31/02/2025", "council", "bullying", "closed", "bad date"]
    )  # line 3: rejected
    wb["complaints"].append(
        [234567, "04/11/2025", "council", "Not upheld", "closed", "category wrong"]
    )  # line 4
    wb["complaints"].append([None, None, None, None, None, None])  # blank: skipped
    wb["complaints"].append(
        ["23456", "05/11/2025", "council", "other", "closed", "urn too short"]
    )  # line 6
    wb["complaints"].append(
        [234567, "06/11/2025", "COUNCIL", "Other", "Not upheld", None]
    )  # line 7: fine
    wb["concerns"].append(
        [123456, dt.date(2025, 11, 20), "finance", "high", "open", "deficit budget"]
    )
    wb["visits"].append(
        [123456, dt.datetime(2025, 12, 1), "J Smith", "annual review", "actions agreed", "Amber"]
    )
    wb["notices_of_concern"].append([123456, "2026-01-05", "2026-02-20", "open", "KS2 results"])
    wb["dfe_concerns"].append(
        [345678, "12/01/2026", "Regions Group", "governance of the trust", "open"]
    )
    ws = wb.create_sheet("officer workings")
    ws.append(["anything", "at all"])
    wb.save(path)
    return path


def test_valid_workbook_loads_and_bad_rows_are_rejected_with_sheet_line_column(con, tmp_path):
    path = filled_workbook(tmp_path)
    src = xlsx_source(path)
    assert intelligence.recognise(src.header) and intelligence.recognise_path(path)
    res = intelligence.stage(con, src)

    def rows(table):
        return con.execute(
            f"SELECT * EXCLUDE (source_file, source_line) FROM {table} ORDER BY ALL"
        ).fetchall()

    assert rows("stg_leadership_changes") == [
        (123456, dt.date(2025, 9, 1), "headteacher", "new_permanent", "new head from September")
    ]
    assert rows("stg_complaints") == [
        (123456, dt.date(2025, 10, 3), "ofsted", "safeguarding", "open", None),
        (234567, dt.date(2025, 11, 6), "council", "other", "not_upheld", None),
    ]
    assert rows("stg_concerns") == [
        (123456, dt.date(2025, 11, 20), "finance", "high", "open", "deficit budget")
    ]
    assert rows("stg_visits") == [
        (123456, dt.date(2025, 12, 1), "J Smith", "annual review", "actions agreed", "amber")
    ]
    assert rows("stg_notices_of_concern") == [
        (123456, dt.date(2026, 1, 5), dt.date(2026, 2, 20), "open", "KS2 results")
    ]
    assert rows("stg_dfe_concerns") == [
        (345678, dt.date(2026, 1, 12), "Regions Group", "governance of the trust", "open")
    ]
    assert con.execute("SELECT DISTINCT source_file FROM stg_complaints").fetchall() == [
        ("intelligence.xlsx[complaints]",)
    ]

    rejects = con.execute(
        "SELECT file_name, line, column_name, value FROM rejects ORDER BY line"
    ).fetchall()
    assert rejects == [
        ("intelligence.xlsx[complaints]", 3, "received_date", "31/02/2025"),
        ("intelligence.xlsx[complaints]", 4, "category", "Not upheld"),
        ("intelligence.xlsx[complaints]", 6, "urn", "23456"),
    ]
    assert res.rows_rejected == 3 and res.tables["stg_complaints"] == 2


def test_csv_per_kind_recognised_by_header(con, tmp_path):
    path = tmp_path / "visits_export.csv"
    path.write_bytes(
        "URN,Visit date,Officer,Purpose,Outcome,RAG\r\n"
        "123456,14/10/2025,Zoë O’Neill,data conversation,fine,green\r\n"
        "123456,2025-13-01,Zoë O’Neill,follow-up,,red\r\n".encode("cp1252")
    )
    header = ("URN", "Visit date", "Officer", "Purpose", "Outcome", "RAG")
    assert intelligence.recognise(header)
    assert intelligence.sheet_for_header(header).name == "visits"
    assert (
        intelligence.sheet_for_header(("urn", "raised_date", "raised_with")).name == "dfe_concerns"
    )
    assert intelligence.sheet_for_header(("urn", "raised_date", "concern_type")).name == "concerns"
    src = SourceFile(
        path=path, name="visits_export.csv", text_path=path, encoding="cp1252", header=header
    )
    intelligence.stage(con, src)
    assert con.execute(
        "SELECT urn, visit_date, officer, rag, source_line FROM stg_visits"
    ).fetchall() == [(123456, dt.date(2025, 10, 14), "Zoë O’Neill", "green", 2)]
    assert con.execute("SELECT file_name, line, column_name FROM rejects").fetchall() == [
        ("visits_export.csv", 3, "visit_date")
    ]


def test_not_recognised():
    assert not intelligence.recognise(("RECTYPE", "URN", "TELIG"))
    assert not intelligence.recognise(("la_code", "neighbour_la_code", "rank"))


def test_shipped_template_is_current_and_empty(tmp_path, con):
    fresh = load_workbook(write_template(tmp_path / "t.xlsx"))
    wb = load_workbook(TEMPLATE_PATH)

    def cells(book):
        return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in book.worksheets}

    assert cells(fresh) == cells(wb), "the shipped template is stale: run python -m etl.templates"
    assert wb.sheetnames == ["README"] + [s.name for s in intelligence.SHEETS]
    for s in intelligence.SHEETS:
        assert [c.value for c in wb[s.name][1]] == [c.name for c in s.columns]
    res = intelligence.stage(con, xlsx_source(TEMPLATE_PATH, "intelligence_template.xlsx"))
    assert res.rows_read == 0 and con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0


def test_docs_describe_every_column_and_allowed_value():
    doc = (REPO / "docs" / "intelligence-workbook.md").read_text(encoding="utf-8")
    for s in intelligence.SHEETS:
        assert f"## `{s.name}`" in doc
        for c in s.columns:
            assert f"| `{c.name}` |" in doc
            for a in c.allowed:
                assert f"`{a}`" in doc
