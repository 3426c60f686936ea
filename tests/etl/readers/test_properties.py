"""Property-based tests (hypothesis) of cell parsing and the readers: whatever a council's file holds,
a cell becomes the right number, a kept code, or a reject (never a silent zero); every row of a file
with short rows is counted; CSV written by Python reads back cell for cell; and corrupted bytes give a
refusal naming the file, never a traceback. Example counts are small so the suite stays quick."""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from etl.codes import CODE_MEANINGS, install_macros, parse_cell
from etl.load import LoadSettings, load
from etl.readers import census, csv_source
from etl.readers.base import SourceFile
from etl.report import LoadRefused
from warehouse.sql_files import run_folder

BASE = Path(__file__).resolve().parents[1] / "bad_inputs" / "base"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

_CON = duckdb.connect()
install_macros(_CON)


def parse(text: str) -> tuple[float | None, str | None, bool]:
    """etl.codes.parse_cell without re-creating the macros for every example."""
    return _CON.execute(
        "SELECT parse_value(?::VARCHAR), parse_status(?::VARCHAR), is_invalid(?::VARCHAR)",
        [text, text, text],
    ).fetchone()


def staging_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    run_folder(con, "staging")
    return con


# --- cells -----------------------------------------------------------------------------------------


def _thousands(n: int) -> str:
    return f"{n:,}"


numbers = st.one_of(
    st.integers(-(10**9), 10**9).map(lambda n: (str(n), float(n))),
    st.integers(0, 10**9).map(lambda n: (_thousands(n), float(n))),
    st.decimals(-1000, 1000, places=2, allow_nan=False).map(lambda d: (str(d), float(d))),
    st.decimals(0, 100, places=1, allow_nan=False).map(lambda d: (f"{d}%", float(d))),
)


@FAST
@given(numbers, st.sampled_from(["", " ", "  ", "\u00a0"]))
def test_a_published_number_parses_to_its_value(cell, pad):
    text, expected = cell
    value, status, invalid = parse(pad + text + pad)
    assert status is None and not invalid
    assert value == pytest.approx(expected)


@FAST
@given(st.sampled_from(sorted(CODE_MEANINGS)), st.booleans(), st.sampled_from(["", " "]))
def test_a_code_is_kept_and_never_a_number(code, upper, pad):
    text = pad + (code.upper() if upper else code) + pad
    value, status, invalid = parse(text)
    assert value is None and status == code and not invalid


@FAST
@given(st.text(max_size=12))
def test_any_cell_is_exactly_one_of_number_code_blank_or_reject(text):
    value, status, invalid = parse(text)
    stripped = re.sub(r"^[ \t\n\f\r\u00a0]+|[ \t\n\f\r\u00a0]+$", "", text)
    blank = stripped.upper() in ("", "NULL")
    kinds = [value is not None, status is not None, invalid, blank and value is None]
    assert sum(kinds) == 1, (text, value, status, invalid)
    if value is not None:
        assert math.isfinite(value)
        if value == 0:  # never a silent zero: only a written zero is zero
            assert re.fullmatch(
                r"[+-]?(0[0,]*\.?0*|\.0+)([eE][+-]?\d+)?%?", re.sub(r"\s", "", text)
            )


def test_the_helper_agrees_with_parse_cell():
    for text in ("72%", "SUPP", "12,5", "", "1,234"):
        assert parse(text) == parse_cell(duckdb.connect(), text)


@FAST
@given(st.integers(1, 999), st.integers(0, 9))
def test_a_decimal_comma_is_never_read_as_a_bigger_number(whole, tenth):
    value, _, invalid = parse(f"{whole},{tenth}")
    assert value is None and invalid


# --- whole files -----------------------------------------------------------------------------------

CENSUS_HEADER = ["URN", "LA", "ESTAB", "SCHOOLTYPE", "NOR", "PNUMFSMEVER", "PSENELK"]
NOR = CENSUS_HEADER.index("NOR")


def _src(path: Path, header: list[str]) -> SourceFile:
    enc = csv_source.sniff_encoding(path)
    h, delim = csv_source.read_header(path, enc)
    return SourceFile(path, path.name, path, enc, h, delim, time_period=201819)


@SLOW
@given(
    st.lists(
        st.tuples(
            st.integers(1, len(CENSUS_HEADER)),  # how many cells the row keeps (short rows)
            st.one_of(st.just(""), st.integers(0, 3000).map(str)),
            st.one_of(st.just(""), st.decimals(0, 100, places=1).map(str)),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_short_rows_load_with_counts_equal_to_the_source(tmp_path_factory, rows):
    lines, nor_cells = [",".join(CENSUS_HEADER)], 0
    for i, (keep, nor, pct) in enumerate(rows):
        full = [str(100001 + i), "991", str(2000 + i), "Academy", nor, pct, "1.5"]
        cells = full[:keep]
        nor_cells += keep > NOR and nor != ""
        lines.append(",".join(cells))
    path = tmp_path_factory.mktemp("short") / "census.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    con = staging_con()
    res = census.stage(con, _src(path, CENSUS_HEADER))
    assert res.rows_read == len(rows) and res.rows_rejected == 0
    assert con.execute("SELECT count(*) FROM stg_named_schools").fetchone()[0] == len(rows)
    got = con.execute(
        "SELECT count(*) FROM stg_measures WHERE measure = 'pupils_on_roll'"
    ).fetchone()[0]
    assert got == nor_cells


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    max_size=15,
) | st.sampled_from(["a,b", 'say "hi"', "two\nlines", " pad ", "café – ‘x’"])


@SLOW
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=12))
def test_csv_written_by_python_reads_back_cell_for_cell(tmp_path_factory, rows):
    assume(all(any(c.strip() for c in r) for r in rows))  # an all-blank record is a blank line
    header = ["URN", "NAME", "NOTE"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path_factory.mktemp("roundtrip") / "t.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    con = staging_con()
    n = csv_source.read_raw(con, path, "t", tuple(header))
    got = con.execute('SELECT "URN", "NAME", "NOTE" FROM t ORDER BY __line').fetchall()
    assert n == len(rows)
    assert [[c or "" for c in r] for r in got] == [[c for c in r] for r in rows]


@SLOW
@given(st.data())
def test_corrupted_bytes_give_a_message_naming_the_file(tmp_path_factory, data):
    """Random damage to a real-format census file: the load succeeds or is refused with a message that
    names the file; no other exception escapes."""
    raw = bytearray((BASE / "991_census.csv").read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        i = data.draw(st.integers(0, len(raw) - 1))
        if op == "flip":
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[i:]
        elif op == "insert":
            raw[i:i] = data.draw(
                st.sampled_from([b'"', b",", b"\x00", b"\r\n", b"\xff\xfe", b";;"])
            )
        else:
            del raw[i : i + data.draw(st.integers(1, 40))]
        if not raw:
            break
    folder = tmp_path_factory.mktemp("corrupt")
    src = folder / "src"
    src.mkdir()
    (src / "991_census.csv").write_bytes(bytes(raw))
    (src / "manifest.csv").write_text("file,time_period,status\n991_census.csv,201819,final\n")
    try:
        report = load(
            src, folder / "w" / "warehouse.duckdb", LoadSettings(progress=False, model=False)
        )
    except LoadRefused as exc:
        assert "991_census.csv" in str(exc) or "manifest.csv" in str(exc), str(exc)
        assert "Traceback" not in str(exc)
    else:
        assert report.ok
    shutil.rmtree(folder, ignore_errors=True)
