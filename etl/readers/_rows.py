"""Shared helpers of the non-DfE readers (ofsted, intelligence, boundaries, neighbours): typed inserts
of Python rows, rejects, and the date and URN parsing their small files need.

These files are small (a national Ofsted file is about 22,000 rows), so the readers parse cells in
Python, where a bad cell can be reported with its line and column, and insert each table in one
set-based statement from a DataFrame (duckdb's executemany is row by row and slow).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd

_counter = itertools.count(1)

_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_MISSING = {"", "null", "nan", "none"}


def is_missing(value: object) -> bool:
    """Empty cells and the literal ``NULL`` both mean missing in Ofsted files and in hand-made workbooks."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip().lower() in _MISSING


def parse_date(value: object) -> dt.date | None:
    """A date from an Excel date cell, ISO ``yyyy-mm-dd`` or ``dd/mm/yyyy`` (never mm/dd: English data).

    Raises ValueError for anything else so the caller can write a reject naming the cell.
    """
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _DMY.match(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:  # 31/02/2026
        raise ValueError(f"not a real date: {text!r} ({exc})") from None
    raise ValueError(f"not a date (expected dd/mm/yyyy or yyyy-mm-dd): {text!r}")


def parse_int(value: object) -> int | None:
    """An integer from ``123``, ``123.0`` (Excel and pandas floats) or text; ValueError otherwise."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a whole number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"not a whole number: {value!r}")
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(text.split(".")[0])
    raise ValueError(f"not a whole number: {text!r}")


def parse_urn(value: object) -> int | None:
    """A URN: six digits (100000-999999). ValueError for anything else, so a typo is rejected not guessed."""
    n = parse_int(value)
    if n is None:
        return None
    if not 100000 <= n <= 999999:
        raise ValueError(f"not a URN (six digits): {value!r}")
    return n


def academic_year(day: dt.date) -> int:
    """DfE six-digit academic year (September to August) of a date: 2024-11-05 -> 202425."""
    start = day.year if day.month >= 9 else day.year - 1
    return start * 100 + (start + 1) % 100


def decode_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16, a UTF-8 file with some Windows-1252 lines,
    else Windows-1252 (latin-1 for its five undefined bytes). Decided here, from the original bytes, so
    a reader never depends on how the loader transcoded the file (csv_source.decode_bytes)."""
    from etl.readers.csv_source import decode_bytes

    return decode_bytes(Path(path).read_bytes())


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict]) -> int:
    """Insert dict rows into ``table`` in one statement, each value cast to the column's declared type.

    Values travel as text (dates as ISO) so pandas' type inference cannot change them on the way.
    """
    if not rows:
        return 0
    types = {r[0]: r[1] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
    cols = [c for c in types if any(c in r for r in rows)]
    data = {c: [_text(r.get(c)) for r in rows] for c in cols}
    frame = pd.DataFrame(data, dtype="object")
    view = f"__rows_{next(_counter)}"
    con.register(view, frame)
    try:
        select = ", ".join(f'CAST("{c}" AS {types[c]})' for c in cols)
        col_list = ", ".join(f'"{c}"' for c in cols)
        con.execute(f'INSERT INTO "{table}" ({col_list}) SELECT {select} FROM "{view}"')
    finally:
        con.unregister(view)
    return len(rows)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


class Rejects:
    """Collects rejected cells/rows of one file and writes them to ``rejects`` in one insert."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.rows: list[dict] = []
        self.lines: set[tuple[str, int | None]] = set()

    def add(
        self,
        line: int | None,
        column: str | None,
        value: object,
        reason: str,
        *,
        file_name: str | None = None,
    ) -> None:
        name = file_name or self.file_name
        self.rows.append(
            {
                "file_name": name,
                "line": line,
                "column_name": column,
                "value": _text(value),
                "reason": reason,
            }
        )
        self.lines.add((name, line))

    def write(self, con: duckdb.DuckDBPyConnection) -> int:
        return insert_rows(con, "rejects", self.rows)
