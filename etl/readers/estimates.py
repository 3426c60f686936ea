"""National estimates per prior-attainment group (decision 15): the average result of pupils nationally
with the same prior attainment, per year, key stage and subject, into stg_pupil_estimates.

Recognised by its header: ``prior_group``, ``prior_from``, ``prior_to``, ``subject`` and ``estimate``
(format in docs/pupil-data.md). A group is the prior attainment range [prior_from, prior_to). The
DfE publishes such tables with its progress methodology; the default county generates its own. A
group given twice for one year, key stage and subject is rejected (every copy), as is a range whose
end is not above its start.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import duckdb

from etl.readers._dfe import q
from etl.readers._typed import Cell, choice, integer, number, type_rows
from etl.readers.base import SourceFile, StageResult
from etl.readers.csv_source import read_raw, unique_names
from etl.readers.pupils import _TIME_PERIOD, KEY_STAGES

KIND = "estimates"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False  # every row carries its own time_period

_counter = itertools.count(1)
SUBJECTS = {s.upper(): s for s in ("reading", "writing", "maths", "attainment8")}
SUBJECT_STAGE = {"reading": "ks2", "writing": "ks2", "maths": "ks2", "attainment8": "ks4"}

CELLS: tuple[Cell, ...] = (
    Cell(
        "time_period",
        "TRY_CAST({c} AS INTEGER)",
        f"NOT ({_TIME_PERIOD})",
        "not a DfE six-digit academic year such as 202223",
        required=True,
    ),
    choice("key_stage", KEY_STAGES, required=True),
    choice("subject", SUBJECTS, required=True),
    integer("prior_group", 1, 999, "not a group number from 1", required=True),
    number("prior_from", -1000, 1000, required=True),
    number("prior_to", -1000, 1000, required=True),
    number("estimate", -1000, 1000, required=True),
    integer("pupils", 0, 10_000_000, "not a whole number of pupils"),
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def recognise(header: Sequence[str]) -> bool:
    keys = {_key(h) for h in header}
    return {"prior_group", "prior_from", "prior_to", "subject", "estimate"} <= keys


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    res = StageResult()
    raw = f"__raw_estimates_{next(_counter)}"
    res.rows_read = read_raw(con, src.text_path, raw, src.header, src.delimiter)
    names = unique_names(src.header)
    by_key = {_key(n): n for n in reversed(names)}
    wanted = {c.name for c in CELLS}
    typed, _ = type_rows(
        con, raw, CELLS, {k: v for k, v in by_key.items() if k in wanted}, src.name
    )
    stages = " ".join(f"WHEN '{s}' THEN '{k}'" for s, k in SUBJECT_STAGE.items())
    con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, __line, col, val, why FROM (
                SELECT __line, 'prior_to' AS col, CAST(prior_to AS VARCHAR) AS val,
                       'the range must end above where it starts (prior_from)' AS why
                FROM {q(typed)} WHERE __ok AND prior_to <= prior_from
                UNION ALL
                SELECT __line, 'subject', subject, 'not a ' || key_stage || ' subject'
                FROM {q(typed)} WHERE __ok AND (CASE subject {stages} END) <> key_stage
                UNION ALL
                SELECT __line, 'prior_group', CAST(prior_group AS VARCHAR),
                       'group given ' || count(*) OVER w || ' times for this year, key stage and '
                       || 'subject: none of these rows is loaded'
                FROM {q(typed)} WHERE __ok
                WINDOW w AS (PARTITION BY time_period, key_stage, subject, prior_group)
                QUALIFY count(*) OVER w > 1
            ) ORDER BY __line""",
        [src.name],
    )
    cols = ", ".join(q(c.name) for c in CELLS)
    written = con.execute(
        f"""INSERT INTO stg_pupil_estimates ({cols}, source_file, source_line)
            SELECT {cols}, ?, __line FROM {q(typed)}
            WHERE __ok AND prior_to > prior_from AND (CASE subject {stages} END) = key_stage
            QUALIFY count(*) OVER (PARTITION BY time_period, key_stage, subject, prior_group) = 1
            ORDER BY __line""",
        [src.name],
    ).fetchone()[0]
    res.add("stg_pupil_estimates", written)
    res.rows_rejected = res.rows_read - written
    if res.rows_rejected:
        res.add("rejects", res.rows_rejected)
    for t in (typed, raw):
        con.execute(f"DROP TABLE IF EXISTS {q(t)}")
    return res
