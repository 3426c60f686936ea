"""Published tables that arrive as a spreadsheet (.xlsx, .xlsm, .xls, .ods) instead of CSV.

Ofsted publishes its official statistics and monthly management information as Excel and ODS
workbooks (title rows above the header, notes below the data, a cover and notes sheets beside it),
and councils open DfE CSV files in Excel and save them as .xlsx. This module turns the sheet that
holds a recognised table into the same raw text table the CSV path produces (a UTF-8 CSV whose
first line is the header), so every reader works unchanged, and records the sheet row of that
header beside it so rejects name the sheet row (csv_source.read_raw reads it back).

How a sheet is read (a decision, documented in docs/loading-messages.md):
- Values come from python-calamine (fast: a 22,000-row Ofsted sheet in about a second, openpyxl
  takes 30 s). calamine returns what the workbook stores; nothing is ever evaluated here.
- Formulas are never evaluated and never read: for .xlsx, openpyxl (read-only, ``data_only=False``,
  which gives a formula's text, not a result) looks at the first ``SAMPLE_ROWS`` data rows; a
  column whose cells there are formulas (Ofsted's web-link ``=HYPERLINK(...)`` column) is written
  empty and named in the report. The same pass finds columns formatted as percentages (a DfE CSV
  opened in Excel turns ``72%`` into 0.72 shown as 72%), which are written back as ``72%`` so the
  readers see what the CSV said.
- Dates (real Excel dates) are written ISO ``YYYY-MM-DD``; whole numbers without ``.0``; other
  numbers in their shortest exact form. Line breaks inside a cell become spaces (one record, one line,
  so record numbers stay sheet rows).
- The header row is the first of the sheet's first ``HEADER_SCAN_ROWS`` rows that a reader recognises
  (title rows above it are skipped). Rows after the last row with at least two filled cells (notes,
  sources, blank rows at the end) are not data; the report says how many were left out.
- Every sheet with a recognised header is read, each as ``book.xlsx[Sheet]``; every other sheet is
  listed in the report as ignored, with the closest known format when it resembles one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.readers.base import normalise_header
from etl.report import UnreadableFile

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SCAN_ROWS = 50  # title rows above a header: Ofsted's official statistics have a few
SAMPLE_ROWS = 200  # rows openpyxl reads to find formula and percentage columns
NOT_TABLE_KINDS = {"metadata", "intelligence"}  # recognised from a row, but never a table here
FIRST_ROW_SUFFIX = ".first_row"  # sidecar: the sheet row of the header line (see read_raw)


@dataclass
class SheetTable:
    """A sheet whose header a reader recognised, written out as a UTF-8 CSV."""

    sheet: str
    header: tuple[str, ...]
    header_row: int  # 1-based sheet row of the header
    text_path: Path
    reader: Any
    n_rows: int  # data rows written
    notes: list[str] = field(default_factory=list)


@dataclass
class IgnoredSheet:
    sheet: str
    reason: str


@dataclass
class Workbook:
    tables: list[SheetTable] = field(default_factory=list)
    ignored: list[IgnoredSheet] = field(default_factory=list)
    best_header: tuple[str, ...] = ()  # the unrecognised row closest to a known format, for hints


def check_magic(path: Path) -> None:
    """Raise UnreadableFile when the bytes are not a workbook (a CSV renamed .xlsx, a cut download)."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        if magic != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise UnreadableFile(
                "is not an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx, "
                "or rename it .csv if it is text."
            )
        return
    if magic[:4] != b"PK\x03\x04":
        kind = (
            "an OpenDocument spreadsheet (.ods)"
            if suffix == ".ods"
            else "an Excel workbook (.xlsx)"
        )
        raise UnreadableFile(
            f"is not {kind}: it looks like a text or CSV file renamed {suffix}. "
            "Open it in Excel and save it as a workbook, or rename it .csv."
        )


def sheet_names(path: Path) -> tuple[str, ...]:
    """The workbook's sheet names (raises UnreadableFile for a damaged workbook)."""
    check_magic(path)
    wb = _open(path)
    try:
        return tuple(wb.sheet_names)
    finally:
        wb.close()


def _open(path: Path):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors: a damaged zip, bad XML, a password
        raise UnreadableFile(
            f"is a damaged or incomplete workbook, or one protected by a password "
            f"({type(exc).__name__}: {exc}); save or download it again."
        ) from None


def cell_text(value: Any, percent: bool = False) -> str:
    """A cell as the CSV would have said it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value * 100}%" if percent else str(value)
    if isinstance(value, float):
        v = round(value * 100, 10) if percent else value
        text = str(int(v)) if v.is_integer() else repr(v)
        return text + ("%" if percent else "")
    text = str(value)
    if "\n" in text or "\r" in text:
        text = " ".join(text.splitlines())
    return text


def _trimmed(cells: Sequence[Any]) -> list[str]:
    out = [cell_text(c) for c in cells]
    while out and not out[-1].strip():
        out.pop()
    return out


def _filled(cells: Sequence[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _find_header(
    rows: list[list[Any]], reader_for: Callable
) -> tuple[int, tuple[str, ...], Any] | None:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = _trimmed(row)
        if _filled(cells) < 2:
            continue
        header = normalise_header(cells)
        reader = reader_for(header)
        if reader is not None and getattr(reader, "KIND", None) not in NOT_TABLE_KINDS:
            return i, header, reader
    return None


def _best_unrecognised(rows: list[list[Any]]) -> tuple[str, ...]:
    """The row among the first ones that comes closest to a known format (for the report's hint)."""
    from etl.readers.hints import closest

    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for row in rows[:HEADER_SCAN_ROWS]:
        cells = _trimmed(row)
        if _filled(cells) < 2:
            continue
        header = normalise_header(cells)
        hit = closest(header)
        if hit is not None and hit.score > best[0]:
            best = (hit.score, header)
    return best[1]


def _formats(path: Path, sheet: str, header_row: int, width: int) -> tuple[set[int], set[int]]:
    """(formula columns, percentage columns) among the first SAMPLE_ROWS data rows (.xlsx only)."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return set(), set()
    import openpyxl

    formulas: set[int] = set()
    percents: set[int] = set()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=header_row + 1, max_row=header_row + SAMPLE_ROWS):
            for j, c in enumerate(row[: width + 8]):
                v = getattr(c, "value", None)
                if v is None:
                    continue
                if getattr(c, "data_type", None) == "f" or (
                    isinstance(v, str) and v.startswith("=")
                ):
                    formulas.add(j)
                elif isinstance(v, int | float) and "%" in (getattr(c, "number_format", "") or ""):
                    percents.add(j)
    finally:
        wb.close()
    return formulas, percents


def read_workbook(path: Path, reader_for: Callable, workdir: Path) -> Workbook:
    """Every sheet of the workbook: the recognised ones written as CSV into ``workdir``."""
    check_magic(path)
    wb = _open(path)
    out = Workbook()
    best_score = 0.0
    try:
        for k, name in enumerate(wb.sheet_names):
            try:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:
                out.ignored.append(
                    IgnoredSheet(name, f"cannot be read ({type(exc).__name__}: {exc})")
                )
                continue
            found = _find_header(rows, reader_for)
            if found is None:
                out.ignored.append(IgnoredSheet(name, _why_ignored(rows)))
                cand = _best_unrecognised(rows)
                if cand:
                    from etl.readers.hints import closest

                    score = closest(cand).score
                    if score > best_score:
                        best_score, out.best_header = score, cand
                continue
            out.tables.append(_write_table(path, name, k, rows, found, workdir))
    finally:
        wb.close()
    return out


def _why_ignored(rows: list[list[Any]]) -> str:
    from etl.readers.hints import unrecognised_hint

    filled = [r for r in rows if _filled(_trimmed(r))]
    if not filled:
        return "the sheet is empty"
    cand = _best_unrecognised(rows)
    hint = unrecognised_hint(cand) if cand else ""
    return (
        f"no header row of a known table in its first {HEADER_SCAN_ROWS} rows "
        f"({len(filled)} filled rows: a cover, notes or contents sheet?)"
        + (f". {hint}" if hint else "")
    )


def _write_table(
    path: Path,
    sheet: str,
    k: int,
    rows: list[list[Any]],
    found: tuple[int, tuple[str, ...], Any],
    workdir: Path,
) -> SheetTable:
    i, header, reader = found
    header_row = i + 1
    width = len(header)
    formulas, percents = _formats(path, sheet, header_row, width)
    body = rows[i + 1 :]
    last = -1
    min_filled = 2 if width > 2 else 1
    for j in range(len(body) - 1, -1, -1):
        if sum(1 for c in body[j] if cell_text(c).strip()) >= min_filled:
            last = j
            break
    data, tail = body[: last + 1], body[last + 1 :]
    notes: list[str] = [f"sheet {sheet!r} read, header on row {header_row}"]
    if i:
        notes.append(f"{i} title row{'s' if i > 1 else ''} above the header not read")
    n_tail = sum(1 for r in tail if _filled(_trimmed(r)))
    if n_tail:
        notes.append(
            f"{n_tail} note row{'s' if n_tail > 1 else ''} below the data (after row "
            f"{header_row + last + 1}) not read"
        )
    shown = [header[j] for j in sorted(formulas) if j < width]
    if shown:
        notes.append(
            "column " + ", ".join(f"`{h}`" for h in shown) + " holds Excel formulas: not read "
            "(formulas are never evaluated)"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    text_path = workdir / f"{path.name}.{k:02d}.csv"
    with open(text_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in data:
            cells = [
                "" if j in formulas else cell_text(v, j in percents) for j, v in enumerate(row)
            ]
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            w.writerow(cells)
    Path(str(text_path) + FIRST_ROW_SUFFIX).write_text(str(header_row), encoding="utf-8")
    return SheetTable(sheet, header, header_row, text_path, reader, len(data), notes)


def first_row(text_path: Path) -> int:
    """The sheet row of a converted sheet's header line; 1 for every ordinary text file."""
    side = Path(str(text_path) + FIRST_ROW_SUFFIX)
    try:
        return int(side.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 1
