"""Downloads: THE writer of every CSV and Excel file the app offers (a notes sheet in Excel says
where the data came from). Pages never call ``DataFrame.to_csv`` or an Excel library themselves; a test
(tests/dashboard/test_exports_everywhere.py) fails if one does, and presses every download button
of every page with formula payloads in the data.

Formula injection (OWASP "CSV injection"): a text cell that begins with "=", "+", "-", "@", a tab
or a carriage return, after any leading spaces, could run as a formula when the file is opened (a
user name typed on the login page, a school name, a note). Such cells are neutralised: in CSV they
get a leading apostrophe, which spreadsheets show as text; in Excel they are stored as text cells
with the "quote prefix" style, so editing the cell does not turn it into a formula either. Column
headers are treated the same way. Numbers stay numbers (-0.8 is not a formula).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60  # characters: wider columns wrap rather than push the sheet off screen
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def is_formula_like(v: Any) -> bool:
    """True for text a spreadsheet could run as a formula."""
    return isinstance(v, str) and v.lstrip(" ").startswith(FORMULA_START)


def neutralise(v: Any) -> Any:
    """A text cell made safe to open in a spreadsheet (other values unchanged)."""
    return "'" + v if is_formula_like(v) else v


def _csv_cell(v: Any) -> Any:
    """Neutralised, with any carriage return made a line feed: Python's csv writer (with "\n"
    line ends) leaves a field holding a lone CR unquoted, and a spreadsheet starts a new row
    there, so "\r=1+1" would become a formula in the next row. A field with a line feed is
    always quoted."""
    v = neutralise(v)
    return v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v


def _csv_column(column: pd.Series) -> pd.Series:
    """``_csv_cell`` of each value; a text column (StringDtype) in one loop without the calls
    (a county's schools list has tens of thousands of cells, made on each new filter choice)."""
    if not isinstance(column.dtype, pd.StringDtype):
        return column.map(_csv_cell)
    values = column.tolist()
    for i, v in enumerate(values):
        if type(v) is str:
            if v.lstrip(" ").startswith(FORMULA_START):
                v = "'" + v
            if "\r" in v:
                v = v.replace("\r\n", "\n").replace("\r", "\n")
            values[i] = v
    return pd.Series(values, index=column.index, dtype=column.dtype, name=column.name)


def _text_columns(df: pd.DataFrame) -> list:
    return [
        c
        for c in df.columns
        if not (
            pd.api.types.is_numeric_dtype(df[c])
            or pd.api.types.is_bool_dtype(df[c])
            or pd.api.types.is_datetime64_any_dtype(df[c])
        )
    ]


def to_csv_bytes(df: pd.DataFrame, provenance: Any = None) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads "£" and "’" right), no index column.

    Missing values are empty cells; a status_code column, if present, says why. With
    ``provenance`` (dashboard.domain.provenance.Provenance, decision 25) the file ends with comment
    lines starting "#": the data's own date and each source file (``pd.read_csv(comment="#")``
    reads the data alone).
    """
    out = df.copy()
    for c in _text_columns(out):
        out[c] = _csv_column(out[c])
    out.columns = [_csv_cell(str(c)) for c in out.columns]
    text = out.to_csv(index=False)
    if provenance is not None:
        lines = [f"Data as at: {provenance.as_at}", f"Source: {provenance.source}"]
        lines += [f"Source file: {f}" for f in provenance.file_lines]
        text += "".join(
            f"# {neutralise(line).replace(chr(13), ' ').replace(chr(10), ' ')}\n" for line in lines
        )
    return text.encode("utf-8-sig")


def sheet_title(name: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return (_BAD_SHEET_CHARS.sub(" ", str(name)).strip() or "Data")[:31]


def _cell(v: Any) -> Any:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return str(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()  # numpy scalar -> Python
    if isinstance(v, (int, float, str, bool, date, datetime)):
        return v
    return str(v)


def _cells(column: pd.Series, values: list) -> list:
    """``_cell`` of each value of a column, with a short way for plain text and numbers (a county
    visit plan has ten thousand cells, made on each new filter choice of the priority list)."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""  # not nullable ones
    if kind in ("i", "u", "b"):  # numpy integers and booleans: never missing
        return values
    if kind == "f":  # numpy floats: NaN is missing
        return [None if v != v else v for v in values]
    if isinstance(column.dtype, pd.StringDtype):  # text, or the dtype's missing marker
        return [v if type(v) is str else _cell(v) for v in values]
    return [_cell(v) for v in values]


# Files offered on every rerun, cached on the key of the data they are made from (a data-access
# view key: build, allowed URNs, filters and store entries, e.g. manager.PriorityView.key) and
# what they are: the bytes are made once per key instead of on every rerun. The frame itself is
# not hashed (a leading underscore keeps it out of the key), so the key must determine it: pass
# only a table made from the data the key names. Five minutes: an Excel file's "Produced"
# time is when it was first made.
_KEYED = {"show_spinner": False, "ttl": 300, "max_entries": 64}


@st.cache_resource(**_KEYED)
def _keyed_csv(what: str, key: tuple, sources: tuple, *, _df: pd.DataFrame, _provenance) -> bytes:
    return to_csv_bytes(_df, _provenance)


def keyed_csv_bytes(what: str, key: tuple, df: pd.DataFrame, provenance: Any = None) -> bytes:
    """``to_csv_bytes(df, provenance)`` made once per (what, key, provenance)."""
    sources = (
        None
        if provenance is None
        else (str(provenance.as_at), str(provenance.source), tuple(provenance.file_lines))
    )
    return _keyed_csv(what, key, sources, _df=df, _provenance=provenance)


@st.cache_resource(**_KEYED)
def _keyed_excel(what: str, key: tuple, sheet_name: str, title: str, notes: tuple[str, ...],
                 source: str, data_date: str, *, _df: pd.DataFrame) -> bytes:  # fmt: skip
    return to_excel_bytes(_df, sheet_name, title, list(notes), source=source, data_date=data_date)


def keyed_excel_bytes(what: str, key: tuple, df: pd.DataFrame, sheet_name: str, title: str,
                      notes: tuple[str, ...], source: str, data_date: str) -> bytes:  # fmt: skip
    """``to_excel_bytes`` (title, notes, source, data date) made once per (what, key, those)."""
    return _keyed_excel(what, key, sheet_name, title, tuple(notes), source, data_date, _df=df)


def _suppression_words() -> str:
    """The suppression rule as stated everywhere (dashboard.access.suppression_rule)."""
    from dashboard.access import suppression_rule

    try:
        return suppression_rule()
    except Exception:  # settings unreadable outside the app: the rule with the default threshold
        return suppression_rule(5)


def to_excel_bytes(
    df: pd.DataFrame,
    sheet_name: str = "Data",
    title: str | None = None,
    notes: Iterable[str] | str | None = None,
    *,
    source: str | None = None,
    data_date: str | date | None = None,
    provenance: Any = None,
) -> bytes:
    """An .xlsx workbook: the data sheet (optional title row, bold header, filters, frozen header,
    fitted column widths) and a "Notes" sheet with title, source, data date, when it was produced
    and any notes. With ``provenance`` (decision 25) the source and data date come from it and a
    "Sources" sheet lists every source file with its year, status and publication date."""
    if provenance is not None:
        source = source or provenance.source
        data_date = data_date or provenance.as_at
    # xlsxwriter, not openpyxl: it streams cells straight into the file's XML, two to three times
    # faster (a visit plan of a county is made on each new filter choice of the priority list)
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = _Formats(wb)
    ws = wb.add_worksheet(sheet_title(sheet_name))
    row = 0
    if title:
        fmt.text(ws, 0, 0, str(title), "title")
        row = 2
    header_row = row
    for j, col in enumerate(df.columns):
        fmt.text(ws, header_row, j, str(col), "header")
    values = [df.iloc[:, j].tolist() for j in range(len(df.columns))]
    cells = [_cells(df.iloc[:, j], column) for j, column in enumerate(values)]  # once per cell
    for i, record in enumerate(zip(*cells, strict=True), start=header_row + 1):
        for j, v in enumerate(record):
            if v is not None:
                fmt.value(ws, i, j, v)
    for j, col in enumerate(df.columns):
        lengths = [len(str(col))] + [
            len(str(v)) for v, c in zip(values[j], cells[j], strict=True) if c is not None
        ]
        ws.set_column(j, j, min(MAX_COLUMN_WIDTH, max(lengths) + 2))
    if len(df.columns):
        ws.autofilter(header_row, 0, header_row + max(len(df), 1), len(df.columns) - 1)
        ws.freeze_panes(header_row + 1, 0)

    info = wb.add_worksheet("Notes")
    lines: list[tuple[str, str]] = [
        ("Title", str(title or sheet_name)),
        ("Source", str(source or "Not stated")),
        ("Data date", str(data_date or "Not stated")),
        ("Produced", datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("Rows", str(len(df))),
        (
            "Missing figures",
            "An empty cell is a figure that was not published; where a code is shown it gives the reason. "
            + _suppression_words(),
        ),
    ]
    if isinstance(notes, str):
        notes = [notes]
    lines += [("Note", str(n)) for n in (notes or [])]
    for i, (k, v) in enumerate(lines):
        fmt.text(info, i, 0, k, "bold")
        fmt.text(info, i, 1, v, "wrapped")
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 100)
    if provenance is not None and len(provenance.files):
        src = wb.add_worksheet("Sources")
        frame = provenance.frame()
        for j, col in enumerate(frame.columns):
            fmt.text(src, 0, j, str(col), "bold")
        for i, record in enumerate(frame.itertuples(index=False, name=None), start=1):
            for j, v in enumerate(record):
                fmt.text(src, i, j, str(v))
        for j, width in enumerate((60, 50, 10, 12, 24)):
            src.set_column(j, j, width)
    wb.close()
    return buf.getvalue()


_STYLES = {  # the text cell styles of an exported workbook
    "plain": {},
    "title": {"bold": True, "font_size": 14},
    "header": {"bold": True, "text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
    "wrapped": {"text_wrap": True, "valign": "top"},
}


class _Formats:
    """The workbook's cell formats, and the two ways a cell is written. Text is always written as
    text, never as a formula, whatever it starts with; formula-like text also gets the quote prefix
    (Excel shows it as typed and keeps it text when edited)."""

    def __init__(self, wb) -> None:
        self._plain = {k: wb.add_format(p) if p else None for k, p in _STYLES.items()}
        self._quoted = {k: wb.add_format({**p, "quote_prefix": True}) for k, p in _STYLES.items()}
        self._date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self._datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    def text(self, ws, row: int, col: int, text: str, style: str = "plain") -> None:
        fmt = (self._quoted if is_formula_like(text) else self._plain)[style]
        ws.write_string(row, col, text, fmt)

    def value(self, ws, row: int, col: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, str):
            self.text(ws, row, col, value)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            if math.isfinite(value):  # an infinite "figure" is no figure: left empty
                ws.write_number(row, col, value)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self._datetime)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, self._date)
        else:
            self.text(ws, row, col, str(value))
