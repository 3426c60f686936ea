"""The council's pseudonymised pupil file (issue 9): one row per pupil, year and key stage, with prior
attainment, results and characteristics, into stg_pupils. Format in docs/pupil-data.md.

Recognised by its header: a ``pupil_key`` (or ``upn``) column with ``urn``, ``key_stage`` and
``prior_attainment``. A file with UPNs has them replaced by HMAC-SHA256 keys (etl/readers/_upn.py)
before anything is written; without a salt it is refused. No UPN and no pupil key is ever written
to ``rejects`` (their cells are rejected with the line number only). Two rows for one pupil, year
and key stage in one file are a broken input: every such row is rejected.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import duckdb
import pandas as pd

from etl.readers import _upn
from etl.readers._dfe import q
from etl.readers._typed import Cell, choice, flag, integer, number, type_rows
from etl.readers.base import SourceFile, StageResult
from etl.readers.csv_source import read_raw, unique_names

KIND = "pupils"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False  # every row carries its own time_period

_counter = itertools.count(1)
_INVALID_KEY = "\x00invalid"

KEY_STAGES = {"KS2": "ks2", "2": "ks2", "KS4": "ks4", "4": "ks4"}
SEN = {
    "N": "none",
    "NONE": "none",
    "K": "support",
    "SUPPORT": "support",
    "E": "ehcp",
    "EHCP": "ehcp",
}
SEX = {"F": "F", "FEMALE": "F", "G": "F", "M": "M", "MALE": "M", "B": "M"}
BANDS = {"L": "low", "LOW": "low", "M": "middle", "MIDDLE": "middle", "H": "high", "HIGH": "high"}

# TRY_CAST: DuckDB may evaluate the second test before the first, so a cell such as "2018" must not
# stop the load with a conversion error (it is a reject)
_TIME_PERIOD = (
    "regexp_full_match({c}, '(20[0-9]{2})([0-9]{2})') AND "
    "(TRY_CAST(substr({c}, 3, 2) AS INTEGER) + 1) % 100 = TRY_CAST(substr({c}, 5, 2) AS INTEGER)"
)

CELLS: tuple[Cell, ...] = (
    integer("urn", 100000, 999999, "not a URN (six digits)", required=True),
    Cell(
        "time_period",
        "TRY_CAST({c} AS INTEGER)",
        f"NOT ({_TIME_PERIOD})",
        "not a DfE six-digit academic year such as 202223",
        required=True,
    ),
    choice("key_stage", KEY_STAGES, required=True),
    number("prior_attainment", 0, 100),
    choice("prior_band", BANDS),
    flag("disadvantaged"),
    flag("fsm"),
    choice("sen", SEN),
    flag("eal"),
    choice("sex", SEX),
    integer("birth_month", 1, 12, "not a month from 1 to 12"),
    number("reading", 0, 200),
    number("writing", 0, 200),
    number("maths", 0, 200),
    flag("rwm_expected"),
    number("attainment8", 0, 100),
)
COLUMNS = ("pupil_key", "upn", *(c.name for c in CELLS))


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def recognise(header: Sequence[str]) -> bool:
    keys = {_key(h) for h in header}
    return bool(keys & {"pupil_key", "upn"}) and {"urn", "key_stage", "prior_attainment"} <= keys


def _key_cell(from_upn: bool) -> Cell:
    if from_upn:
        return Cell(
            "pupil_key",
            "{c}",
            f"{{c}} = '{_INVALID_KEY}'",
            "not a UPN (a letter, 11 digits and a digit or letter); the value is not stored",
            required=True,
            keep_value=False,
        )
    return Cell(
        "pupil_key",
        "{c}",
        f"regexp_full_match({{c}}, '{_upn.UPN_PATTERN}') OR length({{c}}) > 64",
        "looks like a UPN or is over 64 characters: pupil keys must be pseudonymous (give a "
        "`upn` column instead to have UPNs hashed at load); the value is not stored",
        required=True,
        keep_value=False,
    )


def _hash_upns(con: duckdb.DuckDBPyConnection, raw: str, upn_col: str, salt: bytes) -> str:
    """Add ``__pupil_key`` to ``raw`` (HMAC of each valid UPN) and blank the UPN column itself."""
    distinct = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT upper(trim({q(upn_col)})) FROM {q(raw)} "
            f"WHERE regexp_full_match(upper(trim({q(upn_col)})), ?)",
            [_upn.UPN_PATTERN],
        ).fetchall()
    ]
    mapping = pd.DataFrame({"upn": distinct, "k": _upn.keys_for(distinct, salt)}, dtype="object")
    view = f"__upn_keys_{next(_counter)}"
    con.register(view, mapping)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {q(raw + "_k")} AS
                SELECT r.* EXCLUDE ({q(upn_col)}),
                       CASE WHEN NULLIF(trim(r.{q(upn_col)}), '') IS NULL THEN NULL
                            ELSE coalesce(m.k, ?) END AS __pupil_key
                FROM {q(raw)} r LEFT JOIN {q(view)} m ON upper(trim(r.{q(upn_col)})) = m.upn""",
            [_INVALID_KEY],
        )
    finally:
        con.unregister(view)
    con.execute(f"DROP TABLE {q(raw)}")
    return raw + "_k"


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    res = StageResult()
    names = unique_names(src.header)
    by_key = {_key(n): n for n in reversed(names)}  # first spelling of a column wins
    from_upn = "upn" in by_key
    if from_upn and "pupil_key" in by_key:
        raise ValueError(
            "the file has both a pupil_key and a upn column; give one (UPNs are hashed at load)"
        )
    salt = _upn.read_salt() if from_upn else b""  # refuse before reading a single row
    n = next(_counter)
    raw = f"__raw_pupils_{n}"
    res.rows_read = read_raw(con, src.text_path, raw, src.header, src.delimiter)
    columns = {k: v for k, v in by_key.items() if k in COLUMNS}
    if from_upn:
        raw = _hash_upns(con, raw, by_key["upn"], salt)
        columns["pupil_key"] = "__pupil_key"
    cells = (_key_cell(from_upn), *CELLS)
    typed, _ = type_rows(con, raw, cells, columns, src.name)
    dup = con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, __line, 'pupil_key', NULL,
                   'the same pupil appears ' || n || ' times for ' || time_period || ' ' || key_stage ||
                   ' in this file (lines ' || lines || '): none of these rows is loaded'
            FROM (SELECT __line, time_period, key_stage,
                         count(*) OVER w AS n,
                         string_agg(__line::VARCHAR, ', ' ORDER BY __line) OVER w AS lines
                  FROM {q(typed)} WHERE __ok
                  WINDOW w AS (PARTITION BY pupil_key, time_period, key_stage))
            WHERE n > 1 ORDER BY __line""",
        [src.name],
    ).fetchone()[0]
    cols = ", ".join(q(c.name) for c in cells)
    written = con.execute(
        f"""INSERT INTO stg_pupils ({cols}, key_from_upn, source_file, source_line)
            SELECT {cols}, ?, ?, __line FROM {q(typed)}
            WHERE __ok QUALIFY count(*) OVER (PARTITION BY pupil_key, time_period, key_stage) = 1
            ORDER BY __line""",
        [from_upn, src.name],
    ).fetchone()[0]
    res.add("stg_pupils", written)
    res.rows_rejected = res.rows_read - written
    rejects = con.execute(
        "SELECT count(*) FROM rejects WHERE file_name = ?", [src.name]
    ).fetchone()[0]
    if rejects:
        res.add("rejects", rejects)
        res.notes.append(
            f"{src.name}: {res.rows_rejected} pupil rows not loaded ({dup} repeated pupils; "
            "see rejects)"
        )
    if from_upn:
        res.notes.append(f"{src.name}: UPNs replaced by keyed hashes (HMAC-SHA256) at load")
    for t in (typed, raw):
        con.execute(f"DROP TABLE IF EXISTS {q(t)}")
    return res
