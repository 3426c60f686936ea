"""The council's confidential intelligence workbook (leadership changes, complaints, concerns, visits,
notices of concern, concerns raised with the DfE) into the stg_* tables of the same names.

Two shapes, one set of rules (``SHEETS`` below is the single definition; the template workbook and
docs/intelligence-workbook.md are written from it):
- an Excel workbook (.xlsx) with one sheet per kind, named as the kind (case and spaces ignored);
  other sheets (README) are ignored. The loader passes ``header`` = the sheet names; a header that is
  the first row of the first sheet (the template's README title) is recognised too.
- CSV files, one per kind, recognised by their header (urn + the kind's date column + its own columns).

Excel is read with openpyxl, never DuckDB's excel extension (downloaded at run time; no internet).
Dates may be real Excel dates, ISO yyyy-mm-dd or dd/mm/yyyy. A bad date, a URN that is not six digits,
a value outside a column's allowed list or a missing required value rejects that row, with the sheet
(``intelligence.xlsx[complaints]``), line and column named; the other rows still load.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.readers._rows import Rejects, decode_text, insert_rows, is_missing, parse_date, parse_urn
from etl.readers.base import SourceFile, StageResult

KIND = "intelligence"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False

TEMPLATE_TITLE = "School improvement intelligence workbook"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # urn, date, choice, text
    required: bool = False
    allowed: tuple[str, ...] = ()
    help: str = ""
    past: bool = False  # a date that records something that happened: never after the load date


@dataclass(frozen=True)
class Sheet:
    name: str  # sheet name, CSV kind and the stg_<name> table
    purpose: str
    columns: tuple[Column, ...]

    @property
    def table(self) -> str:
        return f"stg_{self.name}"

    @property
    def date_column(self) -> str:
        return self.columns[1].name


_URN = Column(
    "urn", "urn", True, help="The school's unique reference number (six digits, as in GIAS)."
)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "leadership_changes",
        "Changes of headteacher and other senior leaders (a headteacher change in the last 12 months makes a school targeted).",
        (
            _URN,
            Column(
                "change_date",
                "date",
                True,
                help="Date the change took effect (or was announced, if the start date is not known).",
            ),
            Column(
                "role",
                "choice",
                True,
                (
                    "headteacher",
                    "executive_headteacher",
                    "head_of_school",
                    "deputy_headteacher",
                    "chair_of_governors",
                    "trust_ceo",
                    "other",
                ),
                "Whose post changed.",
            ),
            Column(
                "change_type",
                "choice",
                True,
                ("new_permanent", "interim", "acting", "departure", "other"),
                "new_permanent: a substantive appointment; interim or acting: a temporary one; departure: the post holder left and no one is yet in post.",
            ),
            Column("notes", "text", help="Free text. Confidential: never shown to governors."),
        ),
    ),
    Sheet(
        "complaints",
        "Complaints about a school received by the council or known to have gone to Ofsted.",
        (
            _URN,
            Column(
                "received_date", "date", True, help="Date the complaint was received.", past=True
            ),
            Column("made_to", "choice", True, ("council", "ofsted"), "Who received it."),
            Column(
                "category",
                "choice",
                False,
                (
                    "safeguarding",
                    "send",
                    "behaviour",
                    "bullying",
                    "teaching",
                    "leadership",
                    "communication",
                    "admissions",
                    "exclusions",
                    "other",
                ),
                "Main subject of the complaint.",
            ),
            Column(
                "status",
                "choice",
                False,
                ("open", "closed", "upheld", "not_upheld", "withdrawn"),
                "Where it stands.",
            ),
            Column("notes", "text", help="Free text. Confidential."),
        ),
    ),
    Sheet(
        "concerns",
        "Concerns shared by other council teams or by school leaders (finance, HR, governor services, safeguarding).",
        (
            _URN,
            Column("raised_date", "date", True, help="Date the concern was raised.", past=True),
            Column(
                "concern_type",
                "choice",
                True,
                ("finance", "hr", "governance", "safeguarding", "school_leaders"),
                "Which team (or the school's own leaders) raised it.",
            ),
            Column(
                "severity", "choice", False, ("low", "medium", "high"), "The raising team's view."
            ),
            Column("status", "choice", False, ("open", "closed"), "Open until the team closes it."),
            Column("notes", "text", help="Free text. Confidential."),
        ),
    ),
    Sheet(
        "visits",
        "School improvement visits made by the council's officers or advisers.",
        (
            _URN,
            Column("visit_date", "date", True, help="Date of the visit.", past=True),
            Column("officer", "text", help="Who visited (name or role)."),
            Column(
                "purpose",
                "text",
                help="Why, e.g. annual review, data conversation, follow-up of a notice of concern.",
            ),
            Column("outcome", "text", help="What was agreed or found."),
            Column(
                "rag",
                "choice",
                False,
                ("red", "amber", "green"),
                "The officer's rating after the visit.",
            ),
        ),
    ),
    Sheet(
        "notices_of_concern",
        "Notices of concern issued by the council (an open notice makes a school intensive).",
        (
            _URN,
            Column("issued_date", "date", True, help="Date the notice was issued.", past=True),
            Column(
                "review_date", "date", help="Date of the agreed review (usually 6-8 weeks later)."
            ),
            Column(
                "status",
                "choice",
                True,
                ("open", "closed", "escalated"),
                "escalated: passed to formal powers (maintained schools) or to the DfE (academies).",
            ),
            Column("reason", "text", help="Why the notice was issued."),
        ),
    ),
    Sheet(
        "dfe_concerns",
        "Concerns about academies raised with the DfE (the council cannot intervene in an academy; it reports).",
        (
            _URN,
            Column("raised_date", "date", True, help="Date the concern was raised.", past=True),
            Column(
                "raised_with",
                "choice",
                True,
                ("DfE", "RSC", "Regions Group"),
                "Who it was raised with (RSC: Regional Schools Commissioner, now the DfE Regions Group).",
            ),
            Column("summary", "text", help="What was raised. Confidential."),
            Column(
                "status",
                "choice",
                False,
                ("open", "closed"),
                "Open until the DfE has responded and the council closes it.",
            ),
        ),
    ),
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}


def _key(name: object) -> str:
    """Sheet, column and choice names compared as snake_case: 'Change date' == 'change_date'."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def sheet_for_header(header: Sequence[str]) -> Sheet | None:
    """The kind a CSV header is (urn, the kind's date column and every required column)."""
    keys = {_key(h) for h in header}
    for sheet in SHEETS:
        if all(c.name in keys for c in sheet.columns if c.required):
            return sheet
    return None


def recognise(header: Sequence[str]) -> bool:
    """A workbook is recognised by its sheet names, a CSV by its columns (never by file name)."""
    if header and _key(header[0]) == _key(TEMPLATE_TITLE):
        return True
    if any(_key(h) in SHEETS_BY_NAME for h in header):
        return True
    return sheet_for_header(header) is not None


def recognise_path(path: Path) -> bool:
    """For an .xlsx the loader cannot read a header from: true when a sheet is named as a kind."""
    try:
        return any(_key(n) in SHEETS_BY_NAME for n in sheet_names(Path(path)))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return False


def sheet_names(path: Path) -> list[str]:
    """Sheet names of an .xlsx, without loading the cells (what the loader should pass as ``header``)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _is_xlsx(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _xlsx_tables(path: Path) -> Iterable[tuple[str, list[tuple[int, tuple]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = [(i, tuple(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            yield ws.title, rows
    finally:
        wb.close()


def _csv_rows(path: Path) -> list[tuple[int, tuple]]:
    text = decode_text(path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    line = 1
    for cells in reader:
        out.append((line, tuple(cells)))
        line = reader.line_num + 1
    return out


def _stage_sheet(
    con: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    rows: list[tuple[int, tuple]],
    file_name: str,
    rej: Rejects,
    result: StageResult,
) -> None:
    if not rows:
        return
    rows = rows[_header_row(sheet, rows) :]
    header = [_key(h) if h is not None else "" for h in rows[0][1]]
    index = {h: i for i, h in reversed(list(enumerate(header))) if h}
    absent = [c.name for c in sheet.columns if c.required and c.name not in index]
    if absent:
        shown = ", ".join(str(h) for h in rows[0][1] if h is not None and str(h).strip())
        raise ValueError(
            f"{file_name}: no column {', '.join(absent)} (required) in the header row "
            f"(row {rows[0][0]}: {shown or 'empty'}). Add the column, or rename it as in "
            "docs/intelligence-workbook.md; nothing was loaded"
        )
    unknown = [h for h in header if h and h not in {c.name for c in sheet.columns}]
    if unknown:
        result.notes.append(f"{file_name}: columns ignored: {', '.join(unknown)}")
    out = []
    for line, cells in rows[1:]:
        raw = {
            c.name: (
                cells[index[c.name]] if c.name in index and index[c.name] < len(cells) else None
            )
            for c in sheet.columns
        }
        if all(is_missing(v) for v in raw.values()):
            continue  # blank rows (Excel keeps formatted empty rows)
        result.rows_read += 1
        rec, problems = {}, []
        for col in sheet.columns:
            value = raw[col.name]
            try:
                rec[col.name] = _parse(col, value)
            except ValueError as exc:
                problems.append((col.name, value, str(exc)))
                continue
            if rec[col.name] is None and col.required:
                problems.append((col.name, value, f"{col.name} is required"))
        if problems:
            for column, value, reason in problems:
                rej.add(line, column, value, reason, file_name=file_name)
            result.rows_rejected += 1
            continue
        rec["source_file"] = file_name
        rec["source_line"] = line
        out.append(rec)
    result.add(sheet.table, insert_rows(con, sheet.table, out))


# Title rows a council puts above the header (a merged title cell, "OFFICIAL-SENSITIVE", blank rows)
# are skipped: the header is the first of these rows holding every required column of the sheet.
HEADER_SEARCH_ROWS = 10


def _header_row(sheet: Sheet, rows: list[tuple[int, tuple]]) -> int:
    """Index in ``rows`` of the header row (0 when none qualifies: the caller then names what is missing)."""
    need = {c.name for c in sheet.columns if c.required}
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if need <= {_key(c) for c in cells if c is not None}:
            return i
    return 0


def _parse(col: Column, value: object):
    if is_missing(value):
        return None
    if col.kind == "urn":
        return parse_urn(value)
    if col.kind == "date":
        day = parse_date(value)
        if col.past and day is not None and day > dt.date.today():
            raise ValueError(
                f"{col.name} is in the future ({day.isoformat()}): it records something that has happened"
            )
        return day
    if col.kind == "choice":
        for a in col.allowed:
            if _key(value) == _key(a):
                return a
        raise ValueError(f"{col.name} must be one of {', '.join(col.allowed)}: {value!r}")
    return str(value).strip()


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    """Every known sheet (or the one CSV kind) into its table; bad rows to rejects with sheet, line and column."""
    result = StageResult()
    rej = Rejects(src.name)
    if _is_xlsx(src.path):
        seen = []
        for title, rows in _xlsx_tables(src.path):
            sheet = SHEETS_BY_NAME.get(_key(title))
            if sheet is None:
                continue  # README and any working sheets of the council's own
            seen.append(sheet.name)
            _stage_sheet(con, sheet, rows, f"{src.name}[{title}]", rej, result)
        result.notes.append(f"intelligence workbook sheets loaded: {', '.join(seen) or 'none'}")
    else:
        rows = _csv_rows(src.path)
        sheet = sheet_for_header(rows[0][1] if rows else ())
        if sheet is None:
            rej.add(None, None, None, "not an intelligence CSV: no kind's columns in the header")
        else:
            _stage_sheet(con, sheet, rows, src.name, rej, result)
            result.notes.append(f"intelligence {sheet.name} from CSV")
    n = rej.write(con)
    if n:
        result.add("rejects", n)
    return result
