"""Reading delimited text files the way DfE, GIAS and Ofsted publish them.

Encoding is decided in Python (DuckDB reads no Windows-1252 offline), then DuckDB reads every
cell as text with short rows padded, and we check the column count against the header, because
DuckDB's sniffer silently returns one column for these files otherwise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path

import duckdb

from etl.readers.base import normalise_header
from etl.report import UnreadableFile

_SAMPLE_BYTES = 1 << 20


# Encodings the loader writes in the report (load_files.encoding). "utf-8+cp1252" is a file someone
# edited in two programs: UTF-8 lines with a few Windows-1252 lines; each line is decoded on its own.
MIXED = "utf-8+cp1252"
_UTF16 = ("utf-16", "utf-16-le", "utf-16-be")
_HTML_START = ("<!doctype html", "<html", "<?xml", "<head", "<body")


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NUL bytes sit in every other position (text saved as "Unicode"
    by Excel or PowerShell without a byte-order mark), else None."""
    head = raw[:4000]
    if len(head) < 4:
        return None
    even = head[0::2].count(0) / len(head[0::2])
    odd = head[1::2].count(0) / len(head[1::2])
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _has_utf8_multibyte(line: bytes) -> bool:
    try:
        return not line.isascii() and bool(line.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def classify_bytes(raw: bytes) -> str:
    """The encoding label of a text file's bytes. Raises UnreadableFile for bytes that are not text
    (NUL bytes outside UTF-16: a zip, an image, a workbook renamed .csv)."""
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        return "utf-16"
    utf16 = _utf16_without_bom(raw)
    if utf16:
        return utf16
    if b"\x00" in raw:
        hint = (
            " It looks like an Excel workbook or a zip file renamed: save the table as CSV."
            if raw.startswith(b"PK\x03\x04")
            else ""
        )
        raise UnreadableFile(f"is not a text file (it holds binary data).{hint}")
    bom = raw.startswith(b"\xef\xbb\xbf")
    if (raw[3:] if bom else raw).isascii():  # most DfE files: valid UTF-8 without decoding them
        return "utf-8-sig" if bom else "utf-8"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        lines = raw.split(b"\n")
        if any(_has_utf8_multibyte(line) for line in lines):
            return MIXED
        return "cp1252"
    return "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"


def decode_bytes(raw: bytes, encoding: str | None = None) -> str:
    """The text of a file's bytes in ``encoding`` (classify_bytes decides when None), BOM removed.
    Windows-1252's five undefined bytes fall back to Latin-1 so nothing is lost."""
    encoding = encoding or classify_bytes(raw)
    if encoding in _UTF16:
        return raw.decode(encoding, errors="replace").lstrip("\ufeff")
    if encoding == MIXED:
        return "\n".join(_decode_line(line) for line in raw.split(b"\n")).lstrip("\ufeff")
    if encoding.startswith("utf-8"):
        return raw.decode("utf-8-sig")
    return _decode_line(raw)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def sniff_encoding(path: Path) -> str:
    """utf-8-sig, utf-8, utf-16(-le/-be), utf-8+cp1252 (mixed) or cp1252: the whole file must decode
    as UTF-8 to be called UTF-8. Raises UnreadableFile when the bytes are not text."""
    return classify_bytes(Path(path).read_bytes())


def to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a file in any other encoding (undefined bytes kept via latin-1), else the file itself."""
    if encoding in ("utf-8", "utf-8-sig", "binary"):
        return Path(path)
    text = decode_bytes(Path(path).read_bytes(), encoding)
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / (Path(path).name + ".utf8")
    out.write_text(text, encoding="utf-8")
    return out


def read_header(path: Path, encoding: str) -> tuple[tuple[str, ...], str]:
    """The header cells and the delimiter (tab or comma, whichever splits the first line more).

    Raises UnreadableFile for a web page saved as .csv, and for a file that separates its columns
    with semicolons or bars (a European Excel export: its decimal commas would be misread)."""
    if encoding in _UTF16 or encoding == MIXED:
        with open(path, "rb") as fh:
            first = decode_bytes(fh.read(1 << 16), encoding).split("\n", 1)[0] + "\n"
    else:
        with open(
            path,
            encoding="utf-8-sig" if encoding.startswith("utf-8") else encoding,
            errors="replace",
            newline="",
        ) as fh:
            first = fh.readline()
    probe = first.lstrip("\ufeff \t\r\n").lower()
    if probe.startswith(_HTML_START):
        raise UnreadableFile(
            "is a web page (HTML), not a CSV file: the download probably failed or returned an error "
            "page. Download the file again."
        )
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    for other, what in ((";", "semicolons"), ("|", "vertical bars")):
        if first.count(other) > max(first.count(delimiter), 1) * 2:
            raise UnreadableFile(
                f"separates its columns with {what} ({other!r}), not commas. Save it again as "
                "'CSV (Comma delimited)' (decimal commas such as 12,5 would otherwise be misread)."
            )
    cells = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    return normalise_header(cells), delimiter


def read_raw(
    con: duckdb.DuckDBPyConnection,
    text_path: Path,
    table: str,
    header: tuple[str, ...],
    delimiter: str = ",",
    extra: bool = False,
    keep: Collection[str] | None = None,
) -> int:
    """Create TEMP table ``table`` with every column as VARCHAR (named as the header) plus
    ``__line`` (the 1-based line number in the file, header = 1; for a workbook sheet written by
    sheet_source, the sheet row, header = its row). Returns the row count.

    Rows with fewer cells than the header are padded with NULL; rows with more keep the header's
    columns (GIAS "with links" rows). With ``extra``, the first cell beyond the header is kept in
    ``__extra`` so a reader can reject over-long rows. Column names are the header's, de-duplicated
    with a suffix (``unique_names``). With ``keep`` (names as unique_names gives them), only those
    columns are kept: every cell is still read and counted, but a DfE file's hundreds of columns
    the reader never looks at are not copied into the table. Raises ValueError naming the line
    when a quoted cell never closes (a file cut short inside quotes: DuckDB would otherwise swallow
    every later row into that one cell).
    """
    unclosed = unclosed_quote_line(text_path, delimiter)
    if unclosed is not None:
        raise ValueError(
            f"line {unclosed}: a quoted cell opens here and never closes, so the file was cut short "
            "(an interrupted download?) or a quote is missing. Download or save the file again."
        )
    names = unique_names(header) + (["__extra"] if extra else [])
    # a sheet of a workbook (sheet_source) numbers its lines as the sheet's rows
    first = sheet_first_row(text_path)
    columns = "{" + ", ".join(f"'{_q(n)}': 'VARCHAR'" for n in names) + "}"
    if keep is not None:
        wanted = set(keep) | {"__extra"}
        names = [n for n in names if n in wanted]
    select = "".join(f', "{_q(n)}"' for n in names) if keep is not None else ", *"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE "{_q(table)}" AS
        SELECT (row_number() OVER () + {int(first)})::INTEGER AS __line{select}
        FROM read_csv(?, auto_detect = false, header = false, skip = 1, delim = ?,
                      quote = '"', escape = '"', columns = {columns}, null_padding = true,
                      strict_mode = false, parallel = false, max_line_size = 8388608)
        """,
        [str(text_path), delimiter],
    )
    got = len(con.execute(f'DESCRIBE "{_q(table)}"').fetchall()) - 1
    if got != len(names):
        raise ValueError(f"{text_path}: read {got} columns but the header has {len(names)}")
    return con.execute(f'SELECT count(*) FROM "{_q(table)}"').fetchone()[0]


def sheet_first_row(text_path: Path) -> int:
    """The line number of the header: 1, or the sheet row of a converted workbook sheet."""
    from etl.readers.sheet_source import first_row

    return first_row(text_path)


def unclosed_quote_line(text_path: Path, delimiter: str = ",") -> int | None:
    """The line whose quoted cell never closes, else None. An odd number of quote characters is the
    cheap test (doubled quotes inside cells count two); only then is the file parsed to find the line."""
    raw = Path(text_path).read_bytes()
    if raw.count(b'"') % 2 == 0:
        return None
    text = raw.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return start
    return None


def last_line_note(text_path: Path, n_header: int, delimiter: str = ",") -> str | None:
    """A warning when the file does not end with a line break and its last row is shorter than the
    header: a download cut mid-row looks like that. Published files also end that way sometimes (a
    short last row with no final newline), so this is a note in the report, not a refusal."""
    with open(text_path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - (1 << 16)))
        tail = fh.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    last = tail.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    cells = next(csv.reader(io.StringIO(last), delimiter=delimiter), [])
    if len(cells) >= n_header:
        return None
    lines = Path(text_path).read_bytes().count(b"\n") + 1
    return (
        f"the last line ({lines}) has {len(cells)} of {n_header} cells and the file does not end with "
        "a line break: if the download was cut short, its last row is incomplete; download it again"
    )


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
