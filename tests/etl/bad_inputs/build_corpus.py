"""Writes the broken files of the bad-input corpus (cases/<case id>/...) from the good base folder.

Run by hand when a case is added or changed (``.venv/bin/python tests/etl/bad_inputs/build_corpus.py``);
the files it writes are committed, so the harness never depends on this script or on the generator.
Each function below makes one case: what it breaks is written in cases.yml beside the expectation.
A case you write by hand (a file a council really sent) needs no function here: drop the file into
cases/<id>/ and add its entry to cases.yml.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.shared_data import REAL_DATA as REAL

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
CASES = HERE / "cases"


KS2, KS4, CENSUS, ABS = "991_ks2final.csv", "991_ks4final.csv", "991_census.csv", "england_abs.csv"
GIAS, INTEL = "edubasealldata20251101.csv", "intelligence.xlsx"
OFSTED = "ofsted/Management_information_-_state-funded_schools_-_latest_inspections_as_at_31_Aug_2026.csv"

MAKERS: dict[str, Callable[[Path], None]] = {}


def case(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    MAKERS[fn.__name__] = fn
    return fn


# --- helpers ------------------------------------------------------------------------------------


def rows_of(rel: str, encoding: str = "utf-8-sig") -> list[list[str]]:
    with open(BASE / rel, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def csv_text(rows: list[list[str]], crlf: bool = True, quote_all: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(
        buf,
        lineterminator="\r\n" if crlf else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    w.writerows(rows)
    return buf.getvalue()


def write(out: Path, rel: str, data: str | bytes, encoding: str = "utf-8") -> None:
    p = out / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def set_cells(rows: list[list[str]], edits: dict[tuple[int, str], str]) -> list[list[str]]:
    """edits: (file line, column name) -> new text. Line 1 is the header."""
    header = rows[0]
    out = [list(r) for r in rows]
    for (line, col), value in edits.items():
        r = out[line - 1]
        i = header.index(col)
        r.extend([""] * (i + 1 - len(r)))
        r[i] = value
    return out


def ks2(out: Path, edits: dict[tuple[int, str], str], name: str = KS2) -> None:
    write(out, name, "\ufeff" + csv_text(set_cells(rows_of(KS2), edits)))


def census(out: Path, rows: list[list[str]], name: str = CENSUS, **kw) -> None:
    write(out, name, "\ufeff" + csv_text(rows), **kw)


def gias(out: Path, edits: dict[tuple[int, str], str], encoding: str = "utf-8") -> None:
    text = csv_text(set_cells(rows_of(GIAS), edits), crlf=False, quote_all=True)
    write(out, GIAS, text, encoding)


def workbook(out: Path, change: Callable[[openpyxl.Workbook], None]) -> None:
    wb = openpyxl.load_workbook(BASE / INTEL)
    change(wb)
    (out / INTEL).parent.mkdir(parents=True, exist_ok=True)
    wb.save(out / INTEL)


# --- encodings ------------------------------------------------------------------------------------


@case
def ks2_windows_1252(out: Path) -> None:
    rows = set_cells(rows_of(KS2), {(5, "SCHNAME"): "St Merryn’s – Catholic Junior School"})
    write(out, KS2, csv_text(rows), "cp1252")


@case
def gias_windows_1252(out: Path) -> None:
    gias(out, {(3, "EstablishmentName"): "Farrfield Primary School – Café Annexe"}, "cp1252")


@case
def census_utf16_le_bom(out: Path) -> None:
    write(out, CENSUS, "\ufeff" + csv_text(rows_of(CENSUS)), "utf-16-le")


@case
def absence_utf16_be_no_bom(out: Path) -> None:
    write(out, ABS, csv_text(rows_of(ABS)), "utf-16-be")


@case
def ks4_mixed_utf8_and_1252(out: Path) -> None:
    raw = (BASE / KS4).read_bytes()
    lines = raw.split(b"\r\n")
    # line 4 re-typed in Windows-1252 (a curly apostrophe) in an otherwise UTF-8 file
    lines[3] = lines[3].replace(b"St Aldwyn's", "St Aldwyn’s".encode("cp1252"))
    lines[4] = lines[4].replace(b"Little Zellwold", "Little Zellwold – Upper".encode())
    write(out, KS4, b"\r\n".join(lines))


@case
def ks2_binary_garbage(out: Path) -> None:
    import random

    rnd = random.Random(10)
    write(out, KS2, b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(3000)))


@case
def gias_utf8_bom(out: Path) -> None:
    write(out, GIAS, "\ufeff" + csv_text(rows_of(GIAS), crlf=False, quote_all=True))


# --- columns --------------------------------------------------------------------------------------


def drop_column(rows: list[list[str]], col: str) -> list[list[str]]:
    i = rows[0].index(col)
    return [r[:i] + r[i + 1 :] for r in rows]


def rename_column(rows: list[list[str]], old: str, new: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[0][out[0].index(old)] = new
    return out


@case
def census_missing_urn(out: Path) -> None:
    census(out, drop_column(rows_of(CENSUS), "URN"))


@case
def ks2_urn_renamed(out: Path) -> None:
    write(out, KS2, "\ufeff" + csv_text(rename_column(rows_of(KS2), "URN", "School URN")))


@case
def gias_name_renamed(out: Path) -> None:
    rows = rename_column(rows_of(GIAS), "EstablishmentName", "Establishment name")
    write(out, GIAS, csv_text(rows, crlf=False, quote_all=True))


@case
def ks2_missing_headline_measure(out: Path) -> None:
    write(out, KS2, "\ufeff" + csv_text(drop_column(rows_of(KS2), "PTRWM_EXP")))


@case
def census_lowercase_padded_header(out: Path) -> None:
    rows = rows_of(CENSUS)
    rows[0] = [f" {h.lower()} " for h in rows[0]]
    census(out, rows)


# --- Excel (the intelligence workbook) ------------------------------------------------------------


@case
def intelligence_title_rows(out: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        for ws in wb.worksheets:
            ws.insert_rows(1, 2)
            ws["A1"] = "Eastmoor County Council: school improvement intelligence"
            ws["A2"] = "OFFICIAL-SENSITIVE: do not share"

    workbook(out, change)


@case
def intelligence_merged_title(out: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["visits"]
        ws.insert_rows(1, 2)
        ws["A1"] = "Visits log 2025/26"
        ws.merge_cells("A1:F1")

    workbook(out, change)


@case
def intelligence_missing_required_column(out: Path) -> None:
    workbook(out, lambda wb: wb["complaints"].delete_cols(3))  # made_to


@case
def intelligence_impossible_date(out: Path) -> None:
    workbook(out, lambda wb: wb["complaints"].cell(3, 2, "31/02/2026"))


@case
def intelligence_future_date(out: Path) -> None:
    import datetime as dt

    workbook(out, lambda wb: wb["concerns"].cell(2, 2, dt.datetime(2031, 3, 1)))


@case
def intelligence_short_urn(out: Path) -> None:
    workbook(out, lambda wb: wb["visits"].cell(4, 1, 99101))


@case
def xlsx_that_is_a_renamed_csv(out: Path) -> None:
    write(out, INTEL, (BASE / CENSUS).read_bytes())


@case
def xlsx_truncated(out: Path) -> None:
    data = (BASE / INTEL).read_bytes()
    write(out, INTEL, data[: len(data) // 2])


@case
def ks2_saved_as_xlsx(out: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "991_ks2final"
    for r in rows_of(KS2)[:6]:
        ws.append(r)
    out.mkdir(parents=True, exist_ok=True)
    wb.save(out / "991_ks2final_2019.xlsx")


# --- duplicates -----------------------------------------------------------------------------------


@case
def ks2_duplicate_urn(out: Path) -> None:
    rows = rows_of(KS2)
    rows.insert(8, rows[3])  # line 4 again as line 9
    write(out, KS2, "\ufeff" + csv_text(rows))


@case
def census_duplicate_urn_different_values(out: Path) -> None:
    rows = rows_of(CENSUS)
    dup = list(rows[2])
    dup[rows[0].index("NOR")] = "110"
    rows.append(dup)
    census(out, rows)


@case
def gias_duplicate_urn(out: Path) -> None:
    rows = rows_of(GIAS)
    rows.append(list(rows[1]))
    write(out, GIAS, csv_text(rows, crlf=False, quote_all=True))


@case
def ks2_same_fact_in_two_files(out: Path) -> None:
    rows = rows_of(KS2)
    header = rows[0]
    first, second = list(rows[1]), list(rows[2])
    second[header.index("PTRWM_EXP")] = "61%"  # the final file says 54%
    write(out, "991_ks2revised.csv", "\ufeff" + csv_text([header, first, second]))


# --- unknown districts and LA codes ---------------------------------------------------------------


@case
def gias_unknown_district(out: Path) -> None:
    gias(out, {(4, "DistrictAdministrative (name)"): "Atlantis"})


@case
def gias_la_code_not_a_number(out: Path) -> None:
    gias(out, {(5, "LA (code)"): "Eastmoor"})


@case
def ks2_lea_not_an_la_code(out: Path) -> None:
    ks2(out, {(6, "LEA"): "99X"})


@case
def census_five_digit_urn(out: Path) -> None:
    census(out, set_cells(rows_of(CENSUS), {(6, "URN"): "99100"}))


@case
def census_four_digit_la_code(out: Path) -> None:
    census(out, set_cells(rows_of(CENSUS), {(7, "LA"): "9991"}))


# --- truncated and empty --------------------------------------------------------------------------


@case
def gias_cut_inside_quotes(out: Path) -> None:
    text = (BASE / GIAS).read_text(encoding="utf-8")
    cut = text.rfind('"Hollinshaw')  # inside the last row
    write(out, GIAS, text[: cut + 6])


@case
def ks2_cut_mid_row(out: Path) -> None:
    raw = (BASE / KS2).read_bytes()
    lines = raw.split(b"\r\n")
    last = lines[-2] if lines[-1] == b"" else lines[-1]
    keep = raw[: raw.rfind(last)] + last[: len(last) // 3]
    write(out, KS2, keep)


@case
def census_header_only(out: Path) -> None:
    census(out, rows_of(CENSUS)[:1])


@case
def absence_zero_bytes(out: Path) -> None:
    write(out, ABS, b"")


@case
def census_blank_lines_only(out: Path) -> None:
    write(out, CENSUS, b"\r\n\r\n\r\n")


@case
def ks4_cut_in_header(out: Path) -> None:
    raw = (BASE / KS4).read_bytes()
    write(out, KS4, raw[:200])


# --- codes, percentages, separators ---------------------------------------------------------------


@case
def ks2_missing_value_codes(out: Path) -> None:
    ks2(
        out,
        {
            (2, "PTRWM_EXP"): "SUPP",
            (3, "PTRWM_EXP"): "NE",
            (4, "PTRWM_EXP"): "x",
            (5, "PTRWM_EXP"): "c",
            (6, "PTRWM_EXP"): "z",
            (7, "READPROG"): "LOWCOV",
            (8, "PTRWM_HIGH"): "low",
            (9, "READPROG"): "NP",
            (10, "PTRWM_EXP"): "supp",
            (11, "PTRWM_EXP"): "NA",
        },
    )


@case
def ks2_unknown_codes(out: Path) -> None:
    ks2(out, {(2, "PTRWM_EXP"): "N/A", (3, "READPROG"): "-", (4, "MAT_AVERAGE"): "*"})


@case
def census_percent_and_thousands(out: Path) -> None:
    census(
        out,
        set_cells(
            rows_of(CENSUS),
            {(4, "NOR"): "1,972", (2, "PNUMFSMEVER"): "43.7%", (3, "NOR"): " 107 "},
        ),
    )


@case
def absence_decimal_comma(out: Path) -> None:
    rows = set_cells(rows_of(ABS), {(3, "PERCTOT"): "8,5"})
    write(out, ABS, "\ufeff" + csv_text(rows))


# --- impossible values ----------------------------------------------------------------------------


@case
def ks2_percent_out_of_range(out: Path) -> None:
    ks2(out, {(3, "PTRWM_EXP"): "107%", (4, "PTRWM_HIGH"): "-5%"})


@case
def census_negative_pupils(out: Path) -> None:
    census(out, set_cells(rows_of(CENSUS), {(5, "NOR"): "-12"}))


@case
def census_too_many_pupils(out: Path) -> None:
    """A school's NOR typed as 10751 (a slip of the keyboard): more pupils than any school has."""
    census(out, set_cells(rows_of(CENSUS), {(5, "NOR"): "10751"}))


@case
def ks2_progress_out_of_bounds(out: Path) -> None:
    ks2(out, {(2, "READPROG"): "45.3", (3, "READ_AVERAGE"): "150"})


@case
def ks4_impossible_scores(out: Path) -> None:
    rows = set_cells(rows_of(KS4), {(2, "P8MEA"): "12.5", (3, "ATT8SCR"): "150"})
    write(out, KS4, "\ufeff" + csv_text(rows))


@case
def absence_over_100(out: Path) -> None:
    rows = set_cells(rows_of(ABS), {(4, "PERCTOT"): "120"})
    write(out, ABS, "\ufeff" + csv_text(rows))


@case
def gias_impossible_pupils_and_fsm(out: Path) -> None:
    gias(out, {(3, "NumberOfPupils"): "-3", (4, "PercentageFSM"): "140"})


@case
def gias_too_many_pupils(out: Path) -> None:
    gias(out, {(3, "NumberOfPupils"): "12000"})


@case
def ofsted_grade_7_and_future_date(out: Path) -> None:
    """Real published header (Oxfordshire official statistics, OGL): six real rows, two broken."""
    src = next((REAL / "ofsted").glob("*.csv"))
    with open(src, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[:7]
    rows = set_cells(
        rows, {(3, "Overall effectiveness"): "7", (5, "Inspection start date"): "14/03/2031"}
    )
    write(out, "ofsted_oxfordshire_2017.csv", csv_text(rows))


# --- wrong shapes ---------------------------------------------------------------------------------


@case
def ks2_one_mb_cell(out: Path) -> None:
    ks2(out, {(4, "PTRWM_EXP"): "57% " + "x" * (1 << 20)})


@case
def ks2_unquoted_comma_ragged_row(out: Path) -> None:
    raw = (BASE / KS2).read_bytes()
    write(out, KS2, raw.replace(b"Wickhurst Junior Academy", b"Wickhurst, Junior Academy", 1))


@case
def census_semicolon_delimited(out: Path) -> None:
    rows = rows_of(CENSUS)
    text = "\r\n".join(";".join(c.replace(".", ",") for c in r) for r in rows) + "\r\n"
    write(out, CENSUS, text)


@case
def census_tab_delimited(out: Path) -> None:
    text = "\r\n".join("\t".join(r) for r in rows_of(CENSUS)) + "\r\n"
    write(out, CENSUS, text)


@case
def ks2_html_error_page(out: Path) -> None:
    write(
        out,
        KS2,
        '<!DOCTYPE html>\n<html lang="en"><head><title>Service unavailable</title></head>\n'
        "<body><h1>Sorry, there is a problem with the service</h1>\n"
        "<p>Try again later.</p></body></html>\n",
    )


# --- manifest.csv ---------------------------------------------------------------------------------


def manifest_with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = (BASE / "manifest.csv").read_text()
    if replace:
        text = text.replace(*replace)
    return text + extra


@case
def manifest_row_for_missing_file(out: Path) -> None:
    write(out, "manifest.csv", manifest_with("2019-2020/991_ks2final.csv,201920,final\n"))


@case
def manifest_unknown_status(out: Path) -> None:
    write(
        out,
        "manifest.csv",
        manifest_with(replace=("991_ks2final.csv,201819,final", "991_ks2final.csv,201819,finall")),
    )


@case
def manifest_impossible_year(out: Path) -> None:
    write(
        out,
        "manifest.csv",
        manifest_with(replace=("991_census.csv,201819", "991_census.csv,2018/20")),
    )


@case
def file_without_a_year(out: Path) -> None:
    shutil.copy(BASE / CENSUS, out / "census_latest.csv")


def main() -> None:
    shutil.rmtree(CASES, ignore_errors=True)
    for name, make in MAKERS.items():
        folder = CASES / name
        folder.mkdir(parents=True)
        make(folder)
    print(f"wrote {len(MAKERS)} cases into {CASES}")


if __name__ == "__main__":
    main()
