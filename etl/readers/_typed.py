"""Set-based typing of a raw text table for the council's own CSV formats (pupils, estimates).

A column is declared once as a ``Cell``: how its text becomes a typed value (a SQL expression), and
which non-blank texts are invalid (SQL that may name the value, ``{v}``, computed once). ``type_rows`` then types every column and writes every invalid
cell to ``rejects`` (file, line, column, value, reason) in a few statements, so a file of 500,000
pupils is never looped over in Python (docs/architecture.md, engineering notes). A row with an
invalid or missing required cell is not loaded; the rest of the file is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from etl.readers._dfe import q

_counter = itertools.count(1)

# Accepted spellings of yes / no in hand-made council files.
YES = ("Y", "YES", "TRUE", "1", "T")
NO = ("N", "NO", "FALSE", "0", "F")


def blank(c: str) -> str:
    """SQL: the cell is empty (absent column, spaces, or the literal NULL)."""
    return f"({c} IS NULL OR trim({c}) = '' OR upper(trim({c})) = 'NULL')"


def _lits(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


@dataclass(frozen=True)
class Cell:
    """One column of a council file: ``value`` and ``invalid`` are SQL over ``{c}`` (the trimmed text);
    ``invalid`` may also name ``{v}``, the value."""

    name: str  # column name in the staging table (and the file's header, normalised)
    value: str  # SQL giving the typed value from {c}
    invalid: str  # SQL condition: a non-blank {c} (its value {v}) that is not acceptable
    reason: str  # why an invalid cell is rejected
    required: bool = False
    keep_value: bool = True  # False: the reject stores no value (a cell that may hold a UPN)


def number(name: str, lo: float, hi: float, *, required: bool = False) -> Cell:
    v = "TRY_CAST({c} AS DOUBLE)"
    return Cell(
        name,
        v,
        # not a number, NaN (DuckDB orders NaN above every number) or outside [lo, hi]
        f"coalesce(NOT ({{v}} BETWEEN {lo} AND {hi}), TRUE)",
        f"not a number from {lo:g} to {hi:g}",
        required,
    )


def integer(name: str, lo: int, hi: int, reason: str, *, required: bool = False) -> Cell:
    ok = "regexp_full_match({c}, '[+-]?[0-9]+(\\.0+)?')"
    return Cell(
        name,
        f"CASE WHEN {ok} THEN TRY_CAST(TRY_CAST({{c}} AS DOUBLE) AS INTEGER) END",
        f"(NOT {ok} OR NOT (TRY_CAST({{c}} AS DOUBLE) BETWEEN {lo} AND {hi}))",
        reason,
        required,
    )


def flag(name: str, *, required: bool = False) -> Cell:
    # a CASE, not IN lists: DuckDB plans an IN list of five or more values as a join
    whens = " ".join(
        f"WHEN {_lits([k])} THEN {b}" for keys, b in ((YES, "TRUE"), (NO, "FALSE")) for k in keys
    )
    return Cell(
        name,
        f"CASE upper({{c}}) {whens} END",
        "{v} IS NULL",
        "not Y or N",
        required,
    )


def choice(name: str, mapping: dict[str, str], *, required: bool = False) -> Cell:
    """Text from a closed list: keys (matched case-insensitively) -> stored value."""
    whens = " ".join(f"WHEN {_lits([k.upper()])} THEN {_lits([v])}" for k, v in mapping.items())
    return Cell(
        name,
        f"CASE upper({{c}}) {whens} END",
        "{v} IS NULL",  # not a key (an IN list of five or more keys would be planned as a join)
        "not one of " + ", ".join(dict.fromkeys(mapping.values())),
        required,
    )


def text(name: str, *, required: bool = False, max_len: int = 100) -> Cell:
    return Cell(
        name, "{c}", f"length({{c}}) > {max_len}", f"longer than {max_len} characters", required
    )


def type_rows(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    cells: Sequence[Cell],
    columns: dict[str, str],
    file_name: str,
) -> tuple[str, int]:
    """Type ``raw`` (a read_raw table) into a new TEMP table; write rejects of invalid cells.

    ``columns`` maps a cell name to the raw column holding it (absent: every cell blank). Returns
    (typed table name, rows rejected). The typed table has ``__line``, every cell and ``__ok``
    (FALSE for a row with any rejected cell).
    """
    n = next(_counter)
    typed = f"__typed_{n}"
    selects, bads, trimmed, parsed = [], [], [], []
    for i, cell in enumerate(cells):
        src = f"trim({q(columns[cell.name])})" if cell.name in columns else "NULL::VARCHAR"
        # each cell's trimmed text, whether it is blank and its value once, as columns of the inner
        # selects: the rules below name them up to a dozen times, and an inlined expression would
        # be planned and evaluated at every mention
        trimmed.append(f"NULLIF({src}, '') AS __c{i}")
        c, is_blank, value = f"__c{i}", f"__k{i}", f"__v{i}"
        parsed.append(f"{blank(c)} AS {is_blank}, {cell.value.replace('{c}', c)} AS {value}")
        invalid = cell.invalid.replace("{c}", c).replace("{v}", value)
        bad = f"NOT {is_blank} AND ({invalid})"
        if cell.required:
            bad = f"{is_blank} OR ({bad})"
        selects.append(f"CASE WHEN {is_blank} THEN NULL ELSE {value} END AS {q(cell.name)}")
        selects.append(f"coalesce({bad}, FALSE) AS {q('__bad_' + cell.name)}")
        bads.append(q("__bad_" + cell.name))
        selects.append(f"{c if cell.keep_value else 'NULL::VARCHAR'} AS {q('__text_' + cell.name)}")
        selects.append(f"{is_blank} AS {q('__blank_' + cell.name)}")
    # __ok from the __bad_ columns of the select below it (named in the same select, each would be
    # inlined again)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {q(typed)} AS SELECT *, NOT ({' OR '.join(bads)}) AS __ok "
        f"FROM (SELECT __line, {', '.join(selects)} FROM (SELECT *, {', '.join(parsed)} "
        f"FROM (SELECT __line, {', '.join(trimmed)} FROM {q(raw)})))"
    )
    parts, params = [], []
    for cell in cells:
        missing = "required: the cell is empty"
        parts.append(
            f"SELECT __line, ? AS col, {q('__text_' + cell.name)} AS val, "
            f"CASE WHEN {q('__blank_' + cell.name)} THEN ? ELSE ? END AS why "
            f"FROM {q(typed)} WHERE {q('__bad_' + cell.name)}"
        )
        params += [cell.name, missing, cell.reason]
    con.execute(
        "INSERT INTO rejects (file_name, line, column_name, value, reason) "
        f"SELECT ?, __line, col, val, why FROM ({' UNION ALL '.join(parts)}) ORDER BY __line, col",
        [file_name, *params],
    )
    bad_rows = con.execute(f"SELECT count(*) FROM {q(typed)} WHERE NOT __ok").fetchone()[0]
    return typed, bad_rows
