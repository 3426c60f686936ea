"""Optional statistical neighbours (decision 5): ``statistical_neighbours.csv`` with la_code,
neighbour_la_code, rank into stg_statistical_neighbours.

LA codes are the DfE three-digit codes (850 Hampshire), the same as every other file's LA column, so
neighbour comparisons join without a lookup. A row that is not usable (codes not three digits, an LA
listed as its own neighbour, a repeated pair) is rejected with its line; the others load.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import duckdb

from etl.readers._rows import Rejects, decode_text, insert_rows, is_missing, parse_int
from etl.readers.base import SourceFile, StageResult
from etl.readers.csv_source import sheet_first_row

KIND = "neighbours"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False

COLUMNS = ("la_code", "neighbour_la_code", "rank")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def recognise(header: Sequence[str]) -> bool:
    """Recognised by its two code columns; rank is optional."""
    keys = {_key(h) for h in header}
    return {"la_code", "neighbour_la_code"} <= keys


def _la_code(value: str) -> int:
    n = parse_int(value)
    if n is None or not 100 <= n <= 999:
        raise ValueError(f"not a DfE three-digit LA code: {value!r}")
    return n


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    """Every usable pair; problems go to rejects so one typo does not drop an LA's whole list."""
    result = StageResult()
    rej = Rejects(src.name)
    text = decode_text(src.text_path)  # the UTF-8 copy (a workbook sheet's CSV for .xlsx)
    offset = sheet_first_row(src.text_path) - 1  # lines are sheet rows for a workbook sheet
    first = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter="\t" if first.count("\t") > first.count(",") else ",",
    )
    header = [_key(h.replace("\ufeff", "")) for h in next(reader, [])]
    index = {h: i for i, h in enumerate(header)}
    rows, seen = [], set()
    line = reader.line_num + 1
    for cells in reader:
        this_line, line = line + offset, reader.line_num + 1
        cell = {
            c: (cells[index[c]].strip() if c in index and index[c] < len(cells) else "")
            for c in COLUMNS
        }
        if all(is_missing(v) for v in cell.values()):
            continue
        result.rows_read += 1
        rec, bad = {}, False
        for col in COLUMNS:
            try:
                if col == "rank":
                    rec[col] = parse_int(cell[col])
                    if rec[col] is not None and rec[col] < 1:
                        raise ValueError(f"rank must be 1 or more: {cell[col]!r}")
                else:
                    rec[col] = _la_code(cell[col])
            except ValueError as exc:
                rej.add(this_line, col, cell[col], str(exc))
                bad = True
        if not bad and rec["la_code"] == rec["neighbour_la_code"]:
            rej.add(
                this_line,
                "neighbour_la_code",
                cell["neighbour_la_code"],
                "an LA cannot be its own neighbour",
            )
            bad = True
        if not bad and (rec["la_code"], rec["neighbour_la_code"]) in seen:
            rej.add(
                this_line,
                "neighbour_la_code",
                cell["neighbour_la_code"],
                "pair listed twice; the first row is kept",
            )
            bad = True
        if bad:
            result.rows_rejected += 1
            continue
        seen.add((rec["la_code"], rec["neighbour_la_code"]))
        rec["source_file"] = src.name
        rows.append(rec)
    result.add("stg_statistical_neighbours", insert_rows(con, "stg_statistical_neighbours", rows))
    n = rej.write(con)
    if n:
        result.add("rejects", n)
    return result
