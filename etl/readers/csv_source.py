"""Reading delimited text files the way DfE, GIAS and Ofsted publish them.

Encoding is decided in Python (DuckDB reads no Windows-1252 offline), then DuckDB reads every
cell as text with short rows padded, and we check the column count against the header, because
DuckDB's sniffer silently returns one column for these files otherwise.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from etl.readers.base import normalise_header

_SAMPLE_BYTES = 1 << 20


def sniff_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or cp1252: the whole file must decode as UTF-8 to be called UTF-8."""
    raw = Path(path).read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"


def to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a Windows-1252 file (undefined bytes kept via latin-1), else the file itself."""
    if encoding != "cp1252":
        return Path(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / (Path(path).name + ".utf8")
    out.write_text(text, encoding="utf-8")
    return out


def read_header(path: Path, encoding: str) -> tuple[tuple[str, ...], str]:
    """The header cells and the delimiter (tab or comma, whichever splits the first line more)."""
    with open(
        path,
        encoding="utf-8-sig" if encoding.startswith("utf-8") else encoding,
        errors="replace",
        newline="",
    ) as fh:
        first = fh.readline()
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    cells = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    return normalise_header(cells), delimiter


def read_raw(
    con: duckdb.DuckDBPyConnection,
    text_path: Path,
    table: str,
    header: tuple[str, ...],
    delimiter: str = ",",
) -> int:
    """Create TEMP table ``table`` with every column as VARCHAR (named as the header) plus
    ``__line`` (the 1-based line number in the file, header = 1). Returns the row count.

    Rows with fewer cells than the header are padded with NULL; rows with more keep the header's
    columns (GIAS "with links" rows). Column names are the header's, de-duplicated with a suffix.
    """
    names = unique_names(header)
    columns = "{" + ", ".join(f"'{_q(n)}': 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE "{_q(table)}" AS
        SELECT (row_number() OVER () + 1)::INTEGER AS __line, *
        FROM read_csv(?, auto_detect = false, header = false, skip = 1, delim = ?,
                      quote = '"', escape = '"', columns = {columns}, null_padding = true,
                      strict_mode = false, parallel = false)
        """,
        [str(text_path), delimiter],
    )
    got = len(con.execute(f'DESCRIBE "{_q(table)}"').fetchall()) - 1
    if got != len(names):
        raise ValueError(f"{text_path}: read {got} columns but the header has {len(names)}")
    return con.execute(f'SELECT count(*) FROM "{_q(table)}"').fetchone()[0]


def _q(name: str) -> str:
    return name.replace("'", "''").replace('"', '""')


def unique_names(header: tuple[str, ...]) -> list[str]:
    """The column names read_raw gives a header: blanks named, repeats suffixed __2, __3."""
    seen: dict[str, int] = {}
    out = []
    for h in header:
        h = h or "column"
        n = seen.get(h.lower(), 0)
        seen[h.lower()] = n + 1
        out.append(h if n == 0 else f"{h}__{n + 1}")
    return out
