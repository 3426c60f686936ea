"""Real downloads, read whole (issue 15): an Ofsted official statistics workbook the project never
saw loads in full beside the real Hampshire KS2 and GIAS files; a file no reader recognises and the
workbook's cover sheet are named in the report, load_files and the admin Loads page with the nearest
known format; a DfE CSV saved from Excel reads the same as the CSV; report cards from an .ods keep
each area's date of grade; rejects name the sheet row. Workbooks are built here with openpyxl (and
a hand-written .ods), never committed as binaries."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dashboard import demo_users
from etl.discover import discover
from etl.load import LoadSettings, load
from etl.readers import ks2, ofsted, sheet_source
from etl.readers.registry import reader_for
from etl.report import LoadRefused
from tests.etl import workbooks as W
from tests.pages.helpers import login, page_text
from tests.shared_data import REAL_DATA, SHARED_DATA
from warehouse import connection
from warehouse.connection import open_in_memory
from warehouse.sql_files import run_folder

GIAS = REAL_DATA / "gias" / "20220420_gias.csv"
KS2 = ["2016_850_ks2final.csv", "2017_850_ks2final.csv", "2018_850_ks2final.csv"]
BOOK = "State-funded_schools_inspections_and_outcomes_as_at_31_August_2025.xlsx"
STRANGER = "ofsted_outcomes_2018_resaved.csv"  # an Ofsted 2016-2019 file that lost its start date
FORMATS = SHARED_DATA / "formats" / "ofsted"

pytestmark = pytest.mark.skipif(not GIAS.exists(), reason=f"real data not present at {REAL_DATA}")


@pytest.fixture(scope="module")
def real_folder(tmp_path_factory) -> tuple[Path, list[W.OfstedRow]]:
    folder = tmp_path_factory.mktemp("real_download")
    for name in KS2:
        shutil.copy(REAL_DATA / "ks2" / name, folder / name)
    shutil.copy(GIAS, folder / GIAS.name)
    rows = W.official_rows(W.hampshire_schools(GIAS))
    W.write_official_statistics(folder / BOOK, rows)
    (folder / STRANGER).write_text(
        "URN,School name,Inspection end date,Overall effectiveness,Outcomes for pupils,"
        '"Quality of teaching, learning and assessment"\n115850,Alton Infant School,20/11/2017,2,2,2\n',
        encoding="utf-8",
    )
    (folder / "manifest.csv").write_text(
        "file,time_period,status\n"
        + "".join(f"{n},{2016 + i}{17 + i},final\n" for i, n in enumerate(KS2))
        + f"{GIAS.name},202122,\n{BOOK},,\n",
        encoding="utf-8",
    )
    return folder, rows


@pytest.fixture(scope="module")
def loaded(real_folder, tmp_path_factory):
    folder, rows = real_folder
    warehouse = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    report = load(folder, warehouse, LoadSettings(progress=False))
    con = connection.open_read_only(warehouse.resolve())
    yield report, con, rows, warehouse
    con.close()


def test_the_official_statistics_workbook_loads_in_full(loaded):
    """Every URN, date and grade of the workbook is in the warehouse, equal to the file."""
    report, con, rows, _ = loaded
    assert report.ok
    got = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT urn, inspection_id, inspection_start, inspection_end, publication_date, "
            "overall_effectiveness, category_of_concern, era FROM inspections"
        ).fetchall()
    }
    assert len(got) == len(rows) > 400
    for r in rows:
        assert got[r.urn] == (
            r.inspection_number,
            r.inspection_date,
            r.inspection_date,
            r.publication_date,
            r.overall,
            r.category,
            "legacy",
        ), r.urn
    judged = dict(
        con.execute(
            "SELECT urn, grade FROM inspection_judgements WHERE area = 'quality_of_education'"
        ).fetchall()
    )
    assert judged == {r.urn: str(r.overall) for r in rows}
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0


def test_the_report_says_which_sheet_was_read_and_which_ignored(loaded):
    report, con, rows, _ = loaded
    files = {f.file_name: f for f in report.files}
    data = files[f"{BOOK}[Data]"]
    assert data.action == "loaded" and data.kind == "ofsted" and data.n_rows == len(rows)
    assert "sheet 'Data' read, header on row 5" in data.note
    assert "4 title rows above the header not read" in data.note
    assert "1 note row below the data" in data.note
    assert "`Web link` holds Excel formulas: not read" in data.note
    cover = files[f"{BOOK}[Cover]"]
    assert cover.action == "skipped" and cover.kind == "ignored sheet"
    lf = dict(con.execute("SELECT file_name, action FROM load_files").fetchall())
    assert lf[f"{BOOK}[Data]"] == "loaded" and lf[f"{BOOK}[Cover]"] == "skipped"
    # rejects and lineage name the sheet row: the first school is on sheet row 6
    first = con.execute("SELECT source_line FROM inspections WHERE urn = ?", [rows[0].urn])
    assert first.fetchone()[0] == 6


def test_an_unrecognised_file_is_named_with_the_nearest_format(loaded):
    report, con, _, _ = loaded
    line = next(f for f in report.files if f.file_name == STRANGER)
    assert line.action == "skipped" and line.kind == "unrecognised"
    assert "looks like an Ofsted file of 2016 to 2019" in line.note
    assert "no column Inspection start date" in line.note
    assert STRANGER in report.text() and "Inspection start date" in report.text()
    note = con.execute("SELECT note FROM load_files WHERE file_name = ?", [STRANGER]).fetchone()
    assert "an Ofsted file of 2016 to 2019" in note[0]


def test_the_loads_page_names_the_unrecognised_file_and_its_nearest_format(
    loaded, tmp_path, monkeypatch
):
    _, _, _, warehouse = loaded
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    demo_users.create_demo_users(warehouse, store)
    at = login("admin", page="admin_loads")
    assert not at.exception
    text = page_text(at)
    assert STRANGER in text and "an Ofsted file of 2016 to 2019" in text
    assert f"{BOOK}[Cover]" in text


def test_coverage_tells_the_model_which_inputs_were_loaded(loaded):
    _, con, rows, _ = loaded
    cov = con.execute(
        "SELECT kind, scope, la_code, n_schools FROM loaded_inputs WHERE scope = 'la'"
    ).fetchall()
    assert ("ofsted", "la", 850, len(rows)) in cov
    assert {k for k, *_ in cov} == {"ks2", "gias", "ofsted"}


def test_trends_across_a_urn_change_are_marked_never_joined_silently(loaded):
    _, con, _, _ = loaded
    marked = con.execute(
        "SELECT urn, years, from_urns, predecessor_urns, explanation FROM trends "
        "WHERE len(predecessor_urns) > 0"
    ).fetchall()
    assert marked, "the real Hampshire extract has converters with KS2 results before conversion"
    for urn, years, from_urns, preds, explanation in marked:
        for year, frm in zip(years, from_urns, strict=True):
            own = con.execute(
                "SELECT count(*) FROM standardised_measures WHERE urn = ? AND time_period = ?",
                [urn, year],
            ).fetchone()[0]
            assert (frm is None) == (own > 0), (urn, year, frm)
        assert f"for predecessor URN {preds[0]}" in explanation


# ------------------------------------------------------------------ refusals and single sheets
def test_a_listed_workbook_with_no_known_table_refuses_naming_it(tmp_path):
    W.write_ods(tmp_path / "ofsted.ods", {"Cover": [["Title"]], "Data": [["Name", "Grade"]]})
    (tmp_path / "manifest.csv").write_text("file,time_period,status\nofsted.ods,,\n")
    with pytest.raises(LoadRefused, match=r"ofsted\.ods: listed in manifest\.csv but no sheet"):
        discover(tmp_path, tmp_path / "work")


def test_bad_cells_are_rejected_with_the_sheet_row(tmp_path):
    rows = W.official_rows(W.hampshire_schools(GIAS, 3))
    book = W.write_official_statistics(tmp_path / "o.xlsx", rows)
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb["Data"]["L7"] = 7  # row 7 = the second school: grade 7 does not exist
    wb["Data"]["J8"] = "31/02/2020"  # row 8: not a real date
    wb.save(book)
    found = discover(tmp_path, tmp_path / "work")
    (f,) = found.found
    con = open_in_memory()
    run_folder(con, "staging")
    res = f.reader.stage(con, f.src)
    got = con.execute(
        "SELECT file_name, line, column_name, value FROM rejects ORDER BY line"
    ).fetchall()
    assert got == [
        ("o.xlsx[Data]", 7, "Overall effectiveness", "7"),
        ("o.xlsx[Data]", 8, "Inspection date", "31/02/2020"),
    ]
    assert res.rows_read == 3


def test_a_ks2_csv_saved_from_excel_reads_the_same_as_the_csv(tmp_path):
    """Percentages saved as 0.72 formatted 0% come back as 72%; every staged value is equal."""
    src_csv = REAL_DATA / "ks2" / KS2[2]
    pct = (
        "PTRWM_EXP",
        "PTRWM_HIGH",
        "PTFSM6CLA1A",
        "PTRWM_EXP_FSM6CLA1A",
        "PTRWM_EXP_NotFSM6CLA1A",
    )
    (tmp_path / "csv").mkdir()
    (tmp_path / "xlsx").mkdir()
    shutil.copy(src_csv, tmp_path / "csv" / "ks2.csv")
    W.csv_as_xlsx(src_csv, tmp_path / "xlsx" / "ks2.xlsx", percent_columns=pct)
    staged = []
    for sub in ("csv", "xlsx"):
        (tmp_path / sub / "manifest.csv").write_text(
            f"file,time_period,status\nks2.{sub},201819,final\n"
        )
        (f,) = discover(tmp_path / sub, tmp_path / f"work_{sub}").found
        assert f.reader is ks2
        con = open_in_memory()
        run_folder(con, "staging")
        f.reader.stage(con, f.src)
        staged.append(
            sorted(
                con.execute(
                    "SELECT level, urn, measure, pupil_group, value, status_code FROM stg_measures"
                ).fetchall(),
                key=repr,
            )
        )
    assert len(staged[0]) > 10000
    assert staged[0] == staged[1]


def test_report_cards_from_an_ods_keep_each_areas_date_of_grade(tmp_path):
    header = W.published_header(FORMATS, "era_c_D2_most_recent_inspections_2025-26.txt")
    row = dict.fromkeys(header, None)
    row.update(
        {
            "URN": 115850,
            "School name": "Alton Infant School",
            "Inspection number of latest full inspection": "10400001",
            "Inspection start date": dt.date(2026, 1, 13),
            "Publication date": dt.date(2026, 2, 10),
            "Safeguarding standards": "Met",
            "Safeguarding standards - date of grade": dt.date(2026, 1, 13),
            "Inclusion": "Strong standard",
            "Inclusion - date of grade": dt.date(2026, 1, 13),
            "Achievement": "Needs attention",
            "Achievement - date of grade": dt.date(2025, 11, 20),
            "Attendance and behaviour": "Expected standard",
            "Attendance and behaviour - date of grade": "not a date",
        }
    )
    W.write_ods(
        tmp_path / "mi.ods",
        {
            "Cover": [["Management information"], ["State-funded schools"]],
            "D2_Most_recent_inspections": [
                ["D2: most recent inspections"],
                header,
                [row[h] for h in header],
            ],
        },
    )
    found = discover(tmp_path, tmp_path / "work")
    (f,) = found.found
    assert f.reader is ofsted and f.src.name == "mi.ods[D2_Most_recent_inspections]"
    assert [s.name for s in found.skipped] == ["mi.ods[Cover]"]
    con = open_in_memory()
    run_folder(con, "staging")
    f.reader.stage(con, f.src)
    dates = dict(con.execute("SELECT area, grade_date FROM stg_inspection_judgements").fetchall())
    assert dates == {
        "inclusion": dt.date(2026, 1, 13),
        "achievement": dt.date(2025, 11, 20),
        "attendance_and_behaviour": dt.date(2026, 1, 13),  # unreadable: dated by its inspection
    }
    sg = con.execute("SELECT safeguarding, safeguarding_date FROM stg_inspections").fetchone()
    assert sg == ("Met", dt.date(2026, 1, 13))
    rej = con.execute("SELECT line, column_name, value FROM rejects").fetchall()
    assert rej == [(3, "Attendance and behaviour - date of grade", "not a date")]


def test_the_same_inspection_in_two_files_newest_publication_wins(tmp_path):
    rows = W.official_rows(W.hampshire_schools(GIAS, 2))
    W.write_official_statistics(tmp_path / "a.xlsx", rows)
    newer = [
        W.OfstedRow(
            **{
                **r.__dict__,
                "publication_date": r.publication_date + dt.timedelta(days=9),
                "overall": 3,
            }
        )  # fmt: skip
        for r in rows
    ]
    W.write_official_statistics(tmp_path / "b_older_name.xlsx", newer)
    W.write_official_statistics(tmp_path / "c.xlsx", rows)  # the later file, older publication
    found = discover(tmp_path, tmp_path / "work")
    con = open_in_memory()
    run_folder(con, "staging")
    for f in found.found:
        f.reader.stage(con, f.src)
    run_folder(con, "core")
    got = con.execute(
        "SELECT urn, overall_effectiveness, publication_date, source_file FROM inspections"
    ).fetchall()
    assert {(u, o, p) for u, o, p, _ in got} == {(r.urn, 3, r.publication_date) for r in newer}
    assert all("a.xlsx[Data]; b_older_name.xlsx[Data]; c.xlsx[Data]" == s for *_, s in got)


def test_header_row_is_found_below_title_rows_and_recognised_by_reader():
    rows = [["Title"], [], ["URN", "School name", "Ofsted phase", "Inspection date",
                            "Overall effectiveness"], [100001, "A", "Primary", dt.date(2020, 1, 2), 2]]  # fmt: skip
    i, header, reader = sheet_source._find_header(rows, reader_for)
    assert (i, reader) == (2, ofsted) and header[0] == "URN"


@pytest.mark.parametrize(
    ("value", "percent", "text"),
    [
        (2.0, False, "2"),
        (5.9, False, "5.9"),
        (0.72, True, "72%"),
        (0.059, True, "5.9%"),
        (dt.datetime(2024, 3, 1), False, "2024-03-01"),
        (dt.date(2024, 3, 1), False, "2024-03-01"),
        ("SUPP", True, "SUPP"),
        ("two\nlines", False, "two lines"),
        (None, False, ""),
    ],
)
def test_cell_text_is_what_the_csv_said(value, percent, text):
    assert sheet_source.cell_text(value, percent) == text


def test_an_in_year_sheet_keeps_every_inspection_of_a_school(tmp_path):
    """In-year files have one row per inspection: two inspections of one school are two events."""
    header = W.published_header(FORMATS, "era_c_D1_in_year_inspections_2025-26.txt")

    def row(number, start, grade):
        r = dict.fromkeys(header, None)
        r.update({"URN": 115850, "School name": "Alton Infant School", "Inspection number": number,
                  "Inspection start date": start, "Achievement": grade})  # fmt: skip
        return [r[h] for h in header]

    W.write_ods(
        tmp_path / "in_year.ods",
        {"D1_In_year_inspections": [header, row("10400001", dt.date(2025, 11, 18), "Needs attention"),
                                    row("10400002", dt.date(2026, 2, 3), "Expected standard")]},
    )  # fmt: skip
    (f,) = discover(tmp_path, tmp_path / "work").found
    con = open_in_memory()
    run_folder(con, "staging")
    f.reader.stage(con, f.src)
    run_folder(con, "core")
    got = con.execute(
        "SELECT i.inspection_id, i.inspection_end, j.grade, j.grade_date FROM inspections i "
        "JOIN inspection_judgements j USING (urn, inspection_id) ORDER BY 1"
    ).fetchall()
    assert got == [
        ("10400001", dt.date(2025, 11, 18), "Needs attention", dt.date(2025, 11, 18)),
        ("10400002", dt.date(2026, 2, 3), "Expected standard", dt.date(2026, 2, 3)),
    ]
