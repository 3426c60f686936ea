"""Ofsted reader: the real Oxfordshire official-statistics file, and fixtures of eras a, b and c built
from the published headers in shared/data/formats/ofsted (Windows-1252, curly quotes, blank end rows)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.readers import ofsted
from etl.readers.base import SourceFile
from etl.readers.csv_source import read_header, sniff_encoding, to_utf8
from tests.shared_data import SHARED_DATA
from warehouse.connection import open_in_memory

REPO = Path(__file__).resolve().parents[3]
SHARED = SHARED_DATA
FORMATS = SHARED / "formats" / "ofsted"
OXON = (
    SHARED
    / "real"
    / "ofsted"
    / (
        "maintained-schools-and-academies-inspections-and-outcomes-as-at-31-december-2017-oxfordshire.csv"
    )
)


@pytest.fixture
def con():
    c = open_in_memory()
    c.execute((REPO / "warehouse" / "sql" / "staging" / "schema.sql").read_text(encoding="utf-8"))
    yield c
    c.close()


def source(path: Path, tmp_path: Path, name: str | None = None) -> SourceFile:
    """Built as the loader's discovery does: sniff, transcode, read the header."""
    enc = sniff_encoding(path)
    header, delim = read_header(path, enc)
    return SourceFile(
        path=path,
        name=name or path.name,
        text_path=to_utf8(path, enc, tmp_path / "utf8"),
        encoding=enc,
        header=header,
        delimiter=delim,
    )


def published_header(file: str) -> list[str]:
    lines = [
        ln
        for ln in (FORMATS / file).read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    if file.endswith(".tsv"):
        return [ln.split("\t")[1] for ln in lines]
    return lines


def write_fixture(path: Path, header: list[str], rows: list[dict], delimiter: str) -> Path:
    """cp1252 file in the published column order, plus the blank rows Ofsted files end with."""
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
        w.writerow([""] * len(header))
        w.writerow([""] * len(header))
    assert "’".encode("cp1252") in path.read_bytes()
    return path


# ---------------------------------------------------------------- the real Oxfordshire file
def test_real_oxfordshire_loads_every_row_and_grade(con, tmp_path):
    src = source(OXON, tmp_path, "ofsted/oxon.csv")
    assert (
        ofsted.recognise(src.header) and ofsted.layout_for(src.header).name == "official_statistics"
    )
    with open(OXON, encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh))
    res = ofsted.stage(con, src)

    missing = {"", "NULL"}
    n_current = sum(r["Inspection number"] not in missing for r in raw)
    n_previous = sum(r["Previous inspection number"] not in missing for r in raw)
    assert res.rows_read == len(raw)
    assert con.execute("SELECT count(*) FROM stg_named_schools").fetchone()[0] == len(raw)
    assert (
        con.execute("SELECT count(*) FROM stg_inspections").fetchone()[0] == n_current + n_previous
    )
    assert con.execute("SELECT DISTINCT era FROM stg_inspections").fetchall() == [("legacy",)]

    got = {
        (urn, iid): oe
        for urn, iid, oe in con.execute(
            "SELECT urn, inspection_id, overall_effectiveness FROM stg_inspections"
        ).fetchall()
    }
    for r in raw:
        for iid, oe in (
            ("Inspection number", "Overall effectiveness"),
            ("Previous inspection number", "Previous overall effectiveness"),
        ):
            if r[iid] not in missing:
                want = int(r[oe]) if r[oe] not in missing else None
                assert got[(int(r["URN"]), r[iid])] == want

    # every judgement cell 1-4 is a row with the same grade; 9 and NULL are not; others are rejects
    judged = {
        (urn, field): grade
        for urn, field, grade in con.execute(
            "SELECT urn, source_field, grade FROM stg_inspection_judgements"
        ).fetchall()
    }
    area_cols = [c for c, _ in ofsted._CIF_AREAS] + [
        "Previous " + c[0].lower() + c[1:] for c, _ in ofsted._CIF_AREAS
    ]
    n_other = 0
    for r in raw:
        for col in area_cols:
            key = (int(r["URN"]), col)
            if r[col] in {"1", "2", "3", "4"}:
                assert judged.pop(key) == r[col]
            else:
                assert key not in judged
                n_other += r[col] not in missing | {"9"}
    assert judged == {}
    rejects = con.execute(
        "SELECT count(*), count(DISTINCT value) FROM rejects WHERE file_name = 'ofsted/oxon.csv'"
    ).fetchone()
    assert rejects[0] == n_other

    cats = dict(
        con.execute(
            "SELECT category_of_concern, count(*) FROM stg_inspections WHERE category_of_concern IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    want = {}
    for r in raw:
        for col in ("Category of concern", "Previous category of concern"):
            if r[col] not in missing:
                want[r[col]] = want.get(r[col], 0) + 1
    assert cats == want
    latest = max(
        dt.datetime.strptime(r[c], "%d/%m/%Y").date()
        for r in raw
        for c in ("Inspection end date", "Previous inspection end date")
        if r[c] not in missing
    )
    assert (
        ofsted.infer_time_period(src)
        == (latest.year if latest.month >= 9 else latest.year - 1) * 100
        + (latest.year + (latest.month >= 9)) % 100
    )


# ---------------------------------------------------------------- era a (to August 2024)
def test_era_a_graded_and_previous_inspection(con, tmp_path):
    header = published_header("era_a_latest_inspections_c2024-04.tsv")
    rows = [
        {
            "URN": "100001",
            "LAESTAB": "8502001",
            "School name": "St Mary’s C of E Primary",
            "Type of education": "Voluntary Aided School",
            "Inspection number of latest graded inspection": "10230001",
            "Inspection type": "S5 Inspection",
            "Inspection start date": "07/03/2023",
            "Inspection end date": "08/03/2023",
            "Publication date": "20/04/2023",
            "Overall effectiveness": "2",
            "Category of concern": "",
            "Quality of education": "2",
            "Behaviour and attitudes": "1",
            "Personal development": "2",
            "Effectiveness of leadership and management": "2",
            "Safeguarding is effective?": "Yes",
            "Early years provision (where applicable)": "9",
            "Sixth form provision (where applicable)": "NULL",
            "Previous graded inspection number": "ITS400001",
            "Previous inspection start date": "01/02/2017",
            "Previous inspection end date": "02/02/2017",
            "Previous graded inspection overall effectiveness": "3",
            "Previous quality of education": "9",
            "Previous effectiveness of leadership and management": "3",
            "Previous safeguarding is effective?": "9",
        },
        {
            "URN": "100002",
            "LAESTAB": "8502002",
            "School name": "Oak Academy",
            "Inspection number of latest graded inspection": "10230002",
            "Inspection start date": "12/06/2024",
            "Inspection end date": "32/06/2024",
            "Overall effectiveness": "4",
            "Category of concern": "SM",
            "Quality of education": "4",
            "Safeguarding is effective?": "No",
        },
    ]
    src = source(write_fixture(tmp_path / "mi_a.tsv", header, rows, "\t"), tmp_path)
    assert src.encoding == "cp1252" and ofsted.layout_for(src.header).name == "era_a"
    res = ofsted.stage(con, src)
    assert res.rows_read == 2  # the blank end rows are skipped
    insp = con.execute(
        "SELECT urn, inspection_id, era, overall_effectiveness, category_of_concern, safeguarding, inspection_end "
        "FROM stg_inspections ORDER BY urn, inspection_end DESC NULLS LAST"
    ).fetchall()
    assert insp == [
        (100001, "10230001", "legacy", 2, None, "Yes", dt.date(2023, 3, 8)),
        (100001, "ITS400001", "legacy", 3, None, None, dt.date(2017, 2, 2)),
        (
            100002,
            "10230002",
            "legacy",
            4,
            "SM",
            "No",
            dt.date(2024, 6, 12),
        ),  # bad end date: start date kept
    ]
    j = con.execute(
        "SELECT inspection_id, area, grade, grade_scale FROM stg_inspection_judgements ORDER BY 1, 2"
    ).fetchall()
    assert ("10230001", "behaviour_and_attitudes", "1", "four_point") in j
    assert not [
        x for x in j if x[1] in ("early_years", "sixth_form")
    ]  # 9 and NULL are not judgements
    assert ("ITS400001", "leadership_and_management", "3", "four_point") in j
    assert con.execute("SELECT line, column_name, value FROM rejects").fetchall() == [
        (3, "Inspection end date", "32/06/2024")
    ]
    assert (
        con.execute("SELECT name FROM stg_named_schools WHERE urn = 100001").fetchone()[0]
        == "St Mary’s C of E Primary"
    )
    assert ofsted.infer_time_period(src) == 202324


# ---------------------------------------------------------------- era b (2024/25)
def test_era_b_not_judged_is_sub_judgements_without_overall(con, tmp_path):
    header = published_header("era_b_latest_inspections_as_at_31_Mar_2025.tsv")
    assert len(header) == 74
    rows = [
        {
            "URN": "100010",
            "School name": "King’s Lane Primary",
            "Inspection number of latest graded inspection": "10340010",
            "Inspection start date": "15/10/2024",
            "Publication date": "20/11/2024",
            "Overall effectiveness": "Not judged",
            "Quality of education": "3",
            "Behaviour and attitudes": "2",
            "Personal development": "2",
            "Effectiveness of leadership and management": "3",
            "Safeguarding is effective?": "Yes",
            "Early years provision (where applicable)": "2",
            "Sixth form provision (where applicable)": "9",
            "Previous graded inspection number": "10100010",
            "Previous inspection start date": "05/03/2019",
            "Previous graded inspection overall effectiveness": "2",
            "Previous quality of education": "2",
        },
        {
            "URN": "100005",
            "School name": "Thomas Coram Centre",
            "Inspection number of latest graded inspection": "ITS425578",
            "Inspection start date": "05/06/2014",
            "Overall effectiveness": "1",
            "Quality of education": "9",
            "Effectiveness of leadership and management": "1",
            "Safeguarding is effective?": "9",
        },
    ]
    src = source(write_fixture(tmp_path / "mi_b.csv", header, rows, ","), tmp_path)
    assert ofsted.layout_for(src.header).name == "era_b"
    ofsted.stage(con, src)
    insp = con.execute(
        "SELECT inspection_id, era, overall_effectiveness, safeguarding FROM stg_inspections ORDER BY 1"
    ).fetchall()
    assert insp == [
        ("10100010", "legacy", 2, None),
        ("10340010", "sub_judgements_2024", None, "Yes"),
        ("ITS425578", "legacy", 1, None),
    ]
    j = dict(
        con.execute(
            "SELECT area, grade FROM stg_inspection_judgements WHERE inspection_id = '10340010'"
        ).fetchall()
    )
    assert j == {
        "quality_of_education": "3",
        "behaviour_and_attitudes": "2",
        "personal_development": "2",
        "leadership_and_management": "3",
        "early_years": "2",
    }
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    assert ofsted.infer_time_period(src) == 202425


# ---------------------------------------------------------------- era c (report cards)
def test_era_c_report_card_kept_area_by_area_and_oeif_block_separate(con, tmp_path):
    header = published_header("era_c_D2_most_recent_inspections_2025-26.txt")
    assert len(header) == 85
    card = {
        "Inclusion": "Strong standard",
        "Curriculum and teaching": "Expected standard",
        "Achievement": "Needs attention",
        "Attendance and behaviour": "Expected standard",
        "Personal development and wellbeing": "Exceptional",
        "Early years (where applicable)": "",
        "Post-16 provision (where applicable)": "NULL",
        "Leadership and governance": "Urgent improvement",
    }
    rows = [
        {
            "URN": "100020",
            "School name": "St Anne’s Catholic Primary",
            "Inspection number of latest full inspection": "10400020",
            "Inspection type": "S5 Inspection",
            "Inspection start date": "02/12/2025",
            "Publication date": "15/01/2026",
            "Safeguarding standards": "Met",
            **card,
            "Safeguarding standards - date of grade": "02/12/2025",
            "Inspection number of latest OEIF graded inspection": "10200020",
            "Inspection start date of latest OEIF graded inspection": "10/01/2022",
            "Latest OEIF overall effectiveness": "3",
            "Latest OEIF quality of education": "3",
            "Latest OEIF  safeguarding is effective?": "Yes",
            "Latest OEIF category of concern": "",
        },
        {
            "URN": "100021",
            "School name": "Hill Top School",
            "Inspection number of latest full inspection": "10300021",
            "Inspection start date": "10/01/2025",
            "Inspection number of latest OEIF graded inspection": "10300021",
            "Inspection start date of latest OEIF graded inspection": "10/01/2025",
            "Latest OEIF overall effectiveness": "Not judged",
            "Latest OEIF quality of education": "2",
            "Latest OEIF  safeguarding is effective?": "Yes",
        },
        {
            "URN": "100022",
            "School name": "Bad Card School",
            "Inspection number of latest full inspection": "10400022",
            "Inspection start date": "03/02/2026",
            "Safeguarding standards": "Not met",
            "Inclusion": "Good",
        },
    ]
    src = source(write_fixture(tmp_path / "mi_c.csv", header, rows, ","), tmp_path)
    assert ofsted.layout_for(src.header).name == "era_c"
    ofsted.stage(con, src)
    insp = con.execute(
        "SELECT urn, inspection_id, era, overall_effectiveness, safeguarding FROM stg_inspections ORDER BY 1, 2"
    ).fetchall()
    assert insp == [
        (100020, "10200020", "legacy", 3, "Yes"),
        (100020, "10400020", "report_card", None, "Met"),
        (
            100021,
            "10300021",
            "sub_judgements_2024",
            None,
            "Yes",
        ),  # no report card yet: only the OEIF block
        (100022, "10400022", "report_card", None, "Not met"),
    ]
    # report cards never carry an overall grade, and each area is its own row with the published words
    assert (
        con.execute(
            "SELECT count(*) FROM stg_inspections WHERE era = 'report_card' AND overall_effectiveness IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    rc = dict(
        con.execute(
            "SELECT source_field, grade FROM stg_inspection_judgements WHERE inspection_id = '10400020' AND grade_scale = 'report_card_five_point'"
        ).fetchall()
    )
    assert rc == {k: v for k, v in card.items() if v not in ("", "NULL")}
    assert con.execute(
        "SELECT DISTINCT grade_scale FROM stg_inspection_judgements WHERE era = 'report_card'"
    ).fetchall() == [("report_card_five_point",)]
    assert con.execute("SELECT line, column_name, value FROM rejects").fetchall() == [
        (4, "Inclusion", "Good")
    ]
    assert ofsted.infer_time_period(src) == 202526


def test_era_c_in_year_sheet(con, tmp_path):
    header = published_header("era_c_D1_in_year_inspections_2025-26.txt")
    rows = [
        {
            "URN": "100030",
            "School name": "Fen’s End",
            "Inspection number": "10400030",
            "Inspection start date": "20/11/2025",
            "Safeguarding standards": "Met",
            "Achievement": "Strong standard",
            "Inclusion": "expected standard",
        }
    ]
    src = source(write_fixture(tmp_path / "d1.csv", header, rows, ","), tmp_path)
    assert ofsted.layout_for(src.header).name == "era_c_in_year"
    ofsted.stage(con, src)
    assert con.execute("SELECT era, overall_effectiveness FROM stg_inspections").fetchall() == [
        ("report_card", None)
    ]
    assert dict(con.execute("SELECT area, grade FROM stg_inspection_judgements").fetchall()) == {
        "achievement": "Strong standard",
        "inclusion": "Expected standard",
    }


def test_not_recognised_as_ofsted():
    assert not ofsted.recognise(("RECTYPE", "URN", "TELIG", "PTRWM_EXP"))
    assert not ofsted.recognise(("urn", "change_date", "role"))


# ---------------------------------------------------------------- cell rules and physical lines
def test_cell_rules_and_lines_with_empty_line_and_line_break_in_a_cell(con, tmp_path):
    """Set-based reading keeps the row-by-row rules: outer spaces, 2.0, NaN, 9, 8, bad dates, and the
    file's physical line numbers even after an empty line and a cell with a line break."""
    header = published_header("era_a_latest_inspections_c2024-04.tsv")
    rows = [
        {
            "URN": " 100101 ",
            "School name": "St Mary’s\nAnnex",
            "Inspection start date": "07/03/2023",
            "Overall effectiveness": " 2.0 ",
            "Quality of education": "NaN",
            "Behaviour and attitudes": "8",
            "Safeguarding is effective?": "yes",
        },
        {
            "URN": "100102",
            "Inspection start date": "2024-09-02",
            "Inspection end date": "31/02/2024",
            "Overall effectiveness": "9",
            "Quality of education": "3",
        },
    ]
    path = write_fixture(tmp_path / "lines.csv", header, rows, ",")
    first, rest = path.read_bytes().split(b"\r\n", 1)
    path.write_bytes(
        first + b"\r\n\r\n" + rest
    )  # line 2 empty; row 1 on lines 3-4, row 2 on line 5
    src = source(path, tmp_path)
    res = ofsted.stage(con, src)
    assert res.rows_read == 2 and res.rows_rejected == 0
    assert con.execute(
        "SELECT urn, era, overall_effectiveness, safeguarding, inspection_end, source_line "
        "FROM stg_inspections ORDER BY source_line"
    ).fetchall() == [
        (100101, "legacy", 2, "Yes", dt.date(2023, 3, 7), 3),
        (100102, "sub_judgements_2024", None, None, dt.date(2024, 9, 2), 5),
    ]
    assert con.execute("SELECT urn, area, grade FROM stg_inspection_judgements").fetchall() == [
        (100102, "quality_of_education", "3")
    ]
    assert con.execute("SELECT line, column_name, value FROM rejects ORDER BY line").fetchall() == [
        (3, "Behaviour and attitudes", "8"),
        (5, "Inspection end date", "31/02/2024"),
    ]
    assert con.execute("SELECT name FROM stg_named_schools WHERE urn = 100101").fetchone()[0] == (
        "St Mary’s\nAnnex"
    )


# ---------------------------------------------------------------- the cell macros
_EDGE_CELLS = [
    "",
    "  ",
    "NULL",
    " null ",
    "NaN",
    "None",
    "nul",
    "n/a",
    "9",
    "9.0",
    " 2.0 ",
    "+2",
    "-2",
    "02",
    "2.",
    "2.5",
    "100101",
    "\u00a0100101\u3000",
    "\u0661\u0660\u0660\u0661\u0660\u0661",
    "07/03/2023",
    "7/3/2023",
    "31/02/2024",
    "29/02/2024",
    "1/1/0000",
    "01/01/0001",
    "2023-03-07",
    "2023-3-7",
    "2023-03-07 00:00",
    "2023-03-07T00:00:00.000",
    "2023-03-07 01:00",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2023/03/07",
    "07-03-2023",
    "7/3/23",
    "infinity",
    "20230307",
    "+2023-03-07",
    "2023-03-07\n",
    "\uff12\uff10\uff12\uff13-\uff10\uff13-\uff10\uff17",
]
_CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789/-:. T+x") + ["\u00a0", "\u2003", "\u0663", "\n"]),
    max_size=14,
)


def _python_rules(text: str) -> tuple:
    """What the row-by-row reader made of a cell: kept text, whole number, date (None when missing
    or unreadable)."""
    from etl.readers._rows import is_missing, parse_date, parse_int

    def ok(parse):
        try:
            return parse(text)
        except ValueError:
            return None

    return (None if is_missing(text) else text.strip(), ok(parse_int), ok(parse_date))


@pytest.fixture(scope="module")
def macro_con():
    c = open_in_memory()
    for sql in ofsted._macros():
        c.execute(sql)
    yield c
    c.close()


def _sql_rules(con, text: str) -> tuple:
    return con.execute(
        "SELECT ofs_cell(x), ofs_int(ofs_cell(x)), ofs_date(ofs_cell(x)) FROM (SELECT ?::VARCHAR x)",
        [text],
    ).fetchone()


@pytest.mark.parametrize("text", _EDGE_CELLS)
def test_cell_macros_agree_with_the_python_parsers(macro_con, text):
    """Year 0000, 31 February, a time other than midnight, Unicode digits and spaces: the SQL macros
    read every cell as _rows does (the year-0 case would be 1 BC in DuckDB)."""
    assert _sql_rules(macro_con, text) == _python_rules(text)


@given(_CELL_TEXT)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_cell_is_read_by_the_macros_as_by_the_python_parsers(macro_con, text):
    assert _sql_rules(macro_con, text) == _python_rules(text)


def test_a_checked_date_is_a_small_expression(macro_con):
    """A macro is inlined with its argument copied at every mention: nested macros that named their
    argument several times made each Ofsted statement cost 0.2 s to plan (the date of a column was
    parsed 10 times over, its digits translated 20 times, in the plan before optimisation)."""
    macro_con.execute("SET explain_output = 'all'")
    try:
        plans = dict(
            macro_con.execute("EXPLAIN SELECT ofs_past(ofs_date(x)) FROM (SELECT 'a' x)").fetchall()
        )
    finally:
        macro_con.execute("RESET explain_output")
    unoptimised = plans["logical_plan"]
    assert unoptimised.count("[/-]([0-9]{1,2})[/-]") <= 2  # the dd/mm/yyyy pattern
    assert unoptimised.count("translate(") <= 2  # the Unicode digits
