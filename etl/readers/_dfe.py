"""Shared machinery of the DfE readers (ks2, ks4, census, absence): read raw, classify rows, reject
bad rows, write stg_named_schools, and unpivot the canonical measures with set-based SQL.

Each reader declares its field mapping as a list of ``Field`` (one data structure per reader) and its
row classification as SQL expressions (``RowSpec``); everything else is here. Identifiers are quoted,
values (measure names, field names, file name, year) are bound parameters.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import duckdb

from etl.codes import SCHOOL_PUPILS_MAX, install_macros, limit_range, measure_range, range_text
from etl.manifest import missing_year_message
from etl.readers.base import SourceFile, StageResult
from etl.readers.csv_source import last_line_note, read_raw, unique_names
from warehouse.connection import quote_ident as q  # readers import it from here

_counter = itertools.count(1)

INVALID_CELL = "not a number or a known missing-value code"
LONG_ROW = (
    "row has more cells than the header: a comma inside an unquoted name shifts every later cell, "
    "so the row is not loaded"
)
BAD_LA = "not a three-digit local authority code (100-999)"
NEGATIVE_PUPILS = "a number of pupils cannot be negative: cohort not loaded"
TOO_MANY_PUPILS = (
    f"more pupils than any school has (at most {SCHOOL_PUPILS_MAX:,}): cohort not loaded"
)
# The checks a staged cell can fail: stg_measure_cells.problem is the sum of their bits (NULL: none).
PROBLEM_BITS = {
    "bad_v": 1,  # the value is not a number or a known code
    "bad_lo": 2,  # nor is the lower confidence limit
    "bad_hi": 4,  # nor the upper
    "bad_co": 8,  # nor the cohort
    "out_of_range": 16,  # the value is outside its measure's possible range
    "ci_bad": 32,  # a school's confidence interval does not contain its value
    "co_negative": 64,  # a negative number of pupils
    "co_too_big": 128,  # more pupils than any school has
    "lo_impossible": 256,  # the lower confidence limit is beyond any possible (etl/codes.py limit_range)
    "hi_impossible": 512,  # the upper
}
# Longest value kept in rejects.value (a 1 MB cell would otherwise be copied whole).
REJECT_VALUE_CHARS = 200


@dataclass(frozen=True)
class Field:
    """One published column -> one canonical measure for one pupil group."""

    field: str  # the published column name (matched case-insensitively)
    measure: str
    pupil_group: str = "all"
    lower: str | None = None  # column of the lower confidence limit
    upper: str | None = None
    cohort: str | None = None  # column holding the number of pupils the figure covers
    expr: str | None = None  # optional SQL (over quoted raw columns) replacing the column's text
    needs: tuple[
        str, ...
    ] = ()  # extra columns expr needs (all must exist, else the field is skipped)


def groups(
    base: str,
    measure: str,
    suffixes: Sequence[tuple[str, str]],
    *,
    lower: str | None = None,
    upper: str | None = None,
    cohorts: dict[str, str] | None = None,
) -> list[Field]:
    """Fields for ``base`` and each group suffix. ``lower``/``upper`` are templates with {base}
    and {sfx} (sfx = '' or '_B'), e.g. '{base}{sfx}_LOWER' or 'P8CILOW{sfx}'."""
    out = []
    for sfx, group in suffixes:
        out.append(
            Field(
                field=f"{base}{sfx}",
                measure=measure,
                pupil_group=group,
                lower=lower.format(base=base, sfx=sfx) if lower else None,
                upper=upper.format(base=base, sfx=sfx) if upper else None,
                cohort=(cohorts or {}).get(group),
            )
        )
    return out


@dataclass(frozen=True)
class RowSpec:
    """SQL expressions (over the raw table's quoted columns) that classify each row."""

    level: str  # -> 'school' | 'la' | 'national' | NULL (unknown: the row is rejected)
    level_column: str | None  # the column named in the reject when level is NULL
    urn: str  # text of the URN
    la: str  # text of the LA code
    national_scope: str = "NULL"
    name: str = "NULL"
    school_type: str = "NULL"


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """lower-case column name -> the column name as published, for the raw table."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {q(table)}").fetchall()]
    return {c.lower(): c for c in cols if c not in ("__line", "__extra")}


def col_or_null(cols: dict[str, str], *names: str) -> str:
    """The first of ``names`` present, as a quoted identifier with outer spaces trimmed, else NULL."""
    for n in names:
        if n.lower() in cols:
            return f"NULLIF(trim({q(cols[n.lower()])}), '')"
    return "NULL::VARCHAR"


def require_time_period(src: SourceFile, kind: str) -> int:
    if src.time_period is None:
        raise ValueError(missing_year_message(src.name, kind, src.file_status or "final"))
    return src.time_period


def present_fields(fields: Iterable[Field], cols: dict[str, str]) -> list[Field]:
    """The fields whose column exists in this file's header, names resolved to the file's spelling.
    A missing field is skipped (columns change between years); a missing CI/cohort column is dropped."""
    out = []
    for f in fields:
        if any(n.lower() not in cols for n in f.needs):
            continue
        if f.expr is None and f.field.lower() not in cols:
            continue

        def res(n: str | None) -> str | None:
            return cols.get(n.lower()) if n else None

        name = f.field if f.expr is not None else cols[f.field.lower()]
        out.append(
            Field(
                name,
                f.measure,
                f.pupil_group,
                res(f.lower),
                res(f.upper),
                res(f.cohort),
                f.expr,
                f.needs,
            )
        )
    return out


def stage_dfe(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    *,
    kind: str,
    fields: Sequence[Field],
    spec: Callable[[dict[str, str]], RowSpec],
    phase: str | None,
    headline: Sequence[str] = (),
) -> StageResult:
    """Read ``src`` and write rejects, stg_named_schools and stg_measures. Returns the StageResult.

    ``headline``: published columns the model depends on; each one missing from the header is named
    in the load report (columns change between years, so a missing one is not an error)."""
    time_period = require_time_period(src, kind)
    install_macros(con)
    n = next(_counter)
    raw, rows = f"__raw_{kind}_{n}", f"__rows_{kind}_{n}"
    res = StageResult(time_period=None)
    # the raw table keeps only the columns this reader's SQL names (a KS4 file has ~500)
    names = unique_names(src.header)
    cols = {c.lower(): c for c in names if c not in ("__line", "__extra")}
    rs = spec(cols)
    use = present_fields(fields, cols)
    res.rows_read = read_raw(
        con,
        src.text_path,
        raw,
        src.header,
        src.delimiter,
        extra=True,
        keep=_named_columns(names, rs, use),
    )
    note = last_line_note(src.text_path, len(src.header), src.delimiter)
    if note:
        res.notes.append(f"{src.name}: {note}")
    missing = [h for h in headline if h.lower() not in cols]
    if missing:
        res.notes.append(
            f"{src.name}: no column {', '.join(missing)} (renamed or removed?), so "
            f"{'that measure is' if len(missing) == 1 else 'those measures are'} not loaded from this file"
        )
    la_col = next((cols[c] for c in ("lea", "la") if c in cols), None)

    # 1. classify every row; decide which are rejected and why
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {q(rows)} AS
        WITH c AS (
            SELECT __line, ({rs.level}) AS level, ({rs.urn}) AS urn_text, ({rs.la}) AS la_text,
                   ({rs.national_scope}) AS national_scope, ({rs.name}) AS name, ({rs.school_type}) AS school_type,
                   {col_or_null(cols, rs.level_column) if rs.level_column else "NULL::VARCHAR"} AS level_text,
                   NULLIF(trim("__extra"), '') AS extra_text
            FROM {q(raw)}
        ), t AS (
            SELECT *,
                   CASE WHEN regexp_full_match(coalesce(urn_text, ''), '[1-9][0-9]{{5}}') THEN CAST(urn_text AS INTEGER) END AS urn,
                   CASE WHEN regexp_full_match(coalesce(la_text, ''), '[1-9][0-9]{{2}}') THEN CAST(la_text AS INTEGER) END AS la_code,
                   la_text IS NOT NULL AND NOT regexp_full_match(la_text, '[1-9][0-9]{{2}}') AS bad_la
            FROM c
        ), d AS (
            SELECT *,
                   row_number() OVER (PARTITION BY level, CASE WHEN level = 'school' THEN urn END,
                                      CASE WHEN level <> 'school' THEN la_code END,
                                      CASE WHEN level <> 'school' THEN national_scope END ORDER BY __line) AS nth,
                   min(__line) OVER (PARTITION BY level, CASE WHEN level = 'school' THEN urn END,
                                     CASE WHEN level <> 'school' THEN la_code END,
                                     CASE WHEN level <> 'school' THEN national_scope END) AS first_line
            FROM t
        )
        SELECT __line, level, CASE WHEN level = 'school' THEN urn END AS urn, bad_la, la_text,
               CASE WHEN level = 'national' THEN NULL ELSE la_code END AS la_code,
               CASE WHEN level = 'school' THEN NULL ELSE national_scope END AS national_scope,
               name, school_type,
               CASE
                 WHEN extra_text IS NOT NULL THEN ?
                 WHEN level IS NULL THEN 'unknown record type: not a school, LA or national row'
                 WHEN level = 'la' AND bad_la THEN 'LA code ' || ? || ': row not loaded'
                 WHEN level = 'school' AND urn IS NULL THEN 'URN is not a six-digit whole number: row not loaded'
                 WHEN level = 'school' AND nth > 1 THEN
                      'URN ' || urn || ' appears more than once in this file: line ' || first_line || ' kept (decision 2)'
                 WHEN level <> 'school' AND nth > 1 THEN
                      'aggregate row repeated in this file: line ' || first_line || ' kept (decision 2)'
               END AS reason,
               CASE WHEN extra_text IS NOT NULL THEN NULL WHEN level IS NULL THEN ?
                    WHEN level = 'la' AND bad_la THEN ? ELSE ? END AS reject_column,
               CASE WHEN extra_text IS NOT NULL THEN extra_text WHEN level IS NULL THEN level_text
                    WHEN level = 'la' AND bad_la THEN la_text ELSE urn_text END AS reject_value
        FROM d
        """,
        [LONG_ROW, BAD_LA, rs.level_column, la_col, _urn_column(cols)],
    )
    bad = con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, __line, reject_column, {_short("reject_value")}, reason FROM {q(rows)}
            WHERE reason IS NOT NULL ORDER BY __line""",
        [src.name],
    ).fetchone()[0]
    res.rows_rejected = bad
    if bad:
        res.add("rejects", bad)
    # a school row keeps its figures when only its LA code is unreadable (la_code stays NULL)
    bad_la = con.execute(
        f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
            SELECT ?, __line, ?, {_short("la_text")}, ? || ': the row is loaded without an LA code'
            FROM {q(rows)} WHERE reason IS NULL AND bad_la AND level = 'school' ORDER BY __line""",
        [src.name, la_col, BAD_LA],
    ).fetchone()[0]
    if bad_la:
        res.add("rejects", bad_la)

    # 2. the schools this file names (decision 3)
    named = con.execute(
        f"""INSERT INTO stg_named_schools (urn, name, la_code, school_type, phase, time_period, source_file)
            SELECT urn, name, la_code, school_type, ?, ?, ? FROM {q(rows)}
            WHERE reason IS NULL AND level = 'school' ORDER BY __line""",
        [phase, time_period, src.name],
    ).fetchone()[0]
    res.add("stg_named_schools", named)

    # 3. the canonical measures, unpivoted in one scan
    if not use:
        res.notes.append(f"{src.name}: none of the {kind} measure fields is in this file's header")
        res.add("stg_measures", 0)
        for t in (rows, raw):
            con.execute(f"DROP TABLE IF EXISTS {q(t)}")
        return res
    pending = _Pending(src, kind, raw, rows, tuple(use), time_period, res, res.rows_read * len(use))
    batch = _batches.get(id(con))
    if batch is not None and batch.con is con and pending.cells <= ALONE_CELLS:
        res.deferred = True
        batch.add(pending)
    else:
        _stage_measures(con, [pending])
    return res


@dataclass
class _Pending:
    """A file whose rows are classified and whose measures are still to be unpivoted."""

    src: SourceFile
    kind: str
    raw: str
    rows: str
    use: tuple[Field, ...]
    time_period: int
    res: StageResult
    cells: int


# A file of more cells than this is unpivoted at once, on its own: its statements' fixed costs are
# small beside its cells, and a batch of large files would hold all their parsed cells in memory at
# once (pushing the staged measures out to disk). Smaller files wait for a batch, which runs when its
# files hold BATCH_CELLS cells.
ALONE_CELLS = 100_000
BATCH_CELLS = 500_000
_batches: dict[int, Batch] = {}


class Batch:
    """Files of the DfE readers whose measures are unpivoted together: one set of statements for
    every file of the same kind and the same fields, instead of one per file (a county's 40 small
    files each paid ~0.1 CPU s of planning and start-up in these statements, whatever their rows).
    Every file keeps its own counts, rejects (file, line, column) and notes in its StageResult."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.waiting: list[_Pending] = []

    def add(self, p: _Pending) -> None:
        self.waiting.append(p)

    @property
    def cells(self) -> int:
        return sum(p.cells for p in self.waiting)

    def flush(self) -> list[tuple[StageResult, float]]:
        """Unpivot every waiting file; returns each file's result and its share (by cells) of its
        batch's seconds, in the order the files were staged."""
        import time

        waiting, self.waiting = self.waiting, []
        groups: dict[tuple, list[_Pending]] = {}
        for p in waiting:
            cols = tuple(sorted(_value_columns(self.con, p)))
            groups.setdefault((p.kind, p.use, cols), []).append(p)
        share: dict[int, float] = {}
        for members in groups.values():
            t = time.perf_counter()
            try:
                _stage_measures(self.con, members)
            except Exception as exc:
                names = ", ".join(p.src.name for p in members)
                raise ValueError(f"unpivoting the measures of {names}: {exc}") from exc
            took = time.perf_counter() - t
            total = sum(p.cells for p in members) or 1
            for p in members:
                share[id(p)] = took * p.cells / total
            for p in members:
                p.res.deferred = False
        return [(p.res, share[id(p)]) for p in waiting]


def start_batch(con: duckdb.DuckDBPyConnection) -> Batch:
    """From now on stage_dfe on ``con`` leaves the unpivot to ``Batch.flush`` (the loader's)."""
    batch = Batch(con)
    _batches[id(con)] = batch
    return batch


def end_batch(con: duckdb.DuckDBPyConnection) -> None:
    _batches.pop(id(con), None)


def _value_columns(con: duckdb.DuckDBPyConnection, p: _Pending) -> list[str]:
    """The raw columns the fields' values, intervals, cohorts and expressions name."""
    names = [r[0] for r in con.execute(f"DESCRIBE {q(p.raw)}").fetchall()]
    names = [n for n in names if n not in ("__line", "__extra")]
    return _named_columns(names, RowSpec("", None, "", ""), p.use)


def _named_columns(names: Sequence[str], rs: RowSpec, use: Sequence[Field]) -> list[str]:
    """The raw columns the reader's SQL names: the row spec's, and each field's value, interval,
    cohort and expression columns (identifiers match case-insensitively, as in DuckDB)."""
    text = " ".join(
        [
            rs.level,
            rs.urn,
            rs.la,
            rs.national_scope,
            rs.name,
            rs.school_type,
            q(rs.level_column or ""),
            q("lea"),
            q("la"),
            *(f.expr or q(f.field) for f in use),
            *(q(n) for f in use for n in (f.lower, f.upper, f.cohort, *f.needs) if n),
        ]
    ).lower()
    return [n for n in names if q(n).lower() in text]


def _stage_measures(con: duckdb.DuckDBPyConnection, files: Sequence[_Pending]) -> None:
    """For files of one kind with the same fields (and value columns): unpivot the kept rows' fields,
    parse every cell once and write it to stg_measure_cells in one pass, then the bad cells to rejects.

    The cells go straight from the unpivot into stg_measure_cells (unsorted: core sorts what the
    build keeps; sorting 1.7 million cells of a national KS2 file cost a third of the insert), with
    ``problem``, the checks a cell failed (``PROBLEM_BITS``), beside them. Only the few cells with a
    problem are looked at again: their texts are read back from the raw tables to write their
    rejects, and those not loaded (no value and no code) are then deleted. (Writing every cell's
    texts and flags to a table first, to read the kept ones and the bad ones from it, cost more than
    parsing them.)

    The unpivot carries only the cells' text and the field's number ``i``; what is the same for every
    row of a field (its names, its measure's possible range) sits once in a small table joined in
    where it is needed. Fields are numbered in (measure, pupil group) order. parse_value's fast path
    takes plain numbers; a cell that parses as a number is never a code, so parse_status runs only
    on the rest, and the blank and code tests of the invalid-cell check only on cells that are
    neither.

    The files go through each statement together (``__file`` numbers them), each file's counts and
    notes go to its own StageResult, and its rejects name it; their raw and row tables are dropped."""
    kind = files[0].kind
    n = next(_counter)
    use = sorted(files[0].use, key=lambda f: (f.measure, f.pupil_group))
    fld, fls = f"__fld_{kind}_{n}", f"__files_{kind}_{n}"
    cells_rej = f"__cellrej_{kind}_{n}"
    values, params = [], []

    def rng_of(f: Field, school: bool) -> str | None:
        lo_ok, hi_ok = measure_range(f.measure, school=school)
        return range_text(lo_ok, hi_ok) if (lo_ok, hi_ok) != (None, None) else None

    def lim_of(f: Field) -> str | None:
        lo_lim, hi_lim = limit_range(f.measure)
        return range_text(lo_lim, hi_lim) if lo_lim is not None else None

    for i, f in enumerate(use, start=1):
        values.append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        params += [
            i,
            f.field,
            f.measure,
            f.pupil_group,
            f.lower,
            f.upper,
            f.cohort,
            rng_of(f, school=False),
            rng_of(f, school=True),
            lim_of(f),
        ]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {q(fld)} AS SELECT * FROM (VALUES {", ".join(values)})
            AS t(i, f, m, g, lf, uf, cf, rng, rng_school, lim)""",
        params,
    )
    # the cells name their field and file by number (staging/measure_cells.sql)
    base = add_measure_fields(con, fld)
    file_ids = [
        add_measure_file(con, p.src.name, p.time_period, kind, p.src.file_status) for p in files
    ]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {q(fls)} (__file INTEGER, file_id INTEGER,
            file_name VARCHAR)"""
    )
    con.execute(
        f"INSERT INTO {q(fls)} VALUES " + ", ".join("(?, ?, ?)" for _ in files),
        [x for j, p in enumerate(files) for x in (j, file_ids[j], p.src.name)],
    )
    vcols = "".join(f", r.{q(c)}" for c in _value_columns(con, files[0]))

    def wide(only_problems: bool) -> str:
        """The files' loaded rows with their classification and value columns (with
        ``only_problems``: only the rows with a cell that failed a check)."""
        return " UNION ALL ".join(
            f"""SELECT {j} AS __file, w.__line AS __w_line, w.level AS __w_level, w.urn AS __w_urn,
                       w.la_code AS __w_la_code, w.national_scope AS __w_national_scope{vcols}
                FROM {q(p.raw)} r JOIN {q(p.rows)} w ON r.__line = w.__line
                WHERE w.reason IS NULL"""
            + (
                f""" AND w.__line IN (SELECT source_line FROM stg_measure_cells
                                      WHERE file_id = {file_ids[j]} AND problem IS NOT NULL)"""
                if only_problems
                else ""
            )
            for j, p in enumerate(files)
        )

    def cells(of: Callable[[Field], str | None]) -> str:
        return "[" + ", ".join(of(f) or "NULL::VARCHAR" for f in use) + "]"

    def consts(of: Callable[[Field], float | None]) -> str:
        return (
            "["
            + ", ".join("NULL::DOUBLE" if of(f) is None else f"{of(f)!r}::DOUBLE" for f in use)
            + "]"
        )

    v_of = lambda f: f"CAST({f.expr} AS VARCHAR)" if f.expr else q(f.field)  # noqa: E731

    # A cohort column serves many fields (KS2's TELIG 17): each is parsed and checked once per row,
    # in a list of the row's cohorts, and each field picks its own by position (N + 1: none).
    cohorts = list(dict.fromkeys(f.cohort for f in use if f.cohort))
    co_at = [cohorts.index(f.cohort) + 1 if f.cohort else len(cohorts) + 1 for f in use]

    co_text = f"unnest({cells(lambda f: q(f.cohort) if f.cohort else None)}) AS co,"

    def long(only_problems: bool) -> str:
        """The unpivot: one row per loaded row and field, with its value and interval texts, and its
        cohort parsed (pco) and checked (bad_co) (with ``only_problems``, its cohort's text too)."""
        return f"""
            SELECT __file, __w_line AS __line, __w_level AS level, __w_urn AS urn,
                   __w_la_code AS la_code, __w_national_scope AS national_scope,
                   unnest(range(1, {len(use) + 1})) AS i,
                   unnest({cells(v_of)}) AS v,
                   unnest({cells(lambda f: q(f.lower) if f.lower else None)}) AS lo,
                   unnest({cells(lambda f: q(f.upper) if f.upper else None)}) AS hi,
                   {co_text if only_problems else ""}
                   unnest(list_select(__pcos, {co_at})) AS pco,
                   unnest(list_select(__bad_cos, {co_at})) AS bad_co
            FROM (
                SELECT *,
                       -- is_invalid(x), from the values parsed
                       list_transform(__cos, lambda x, j: CASE WHEN __pcos[j] IS NOT NULL OR x IS NULL
                                                                OR parse_status(x) IS NOT NULL THEN FALSE
                                                           ELSE NOT is_blank(x) END) AS __bad_cos
                FROM (
                    SELECT *, list_transform(__cos, lambda x: parse_value(x)) AS __pcos
                    FROM (SELECT *, [{"".join(f"{q(c)}, " for c in cohorts)}NULL::VARCHAR] AS __cos
                          FROM ({wide(only_problems)}))))"""

    min_ok = consts(lambda f: measure_range(f.measure)[0])
    max_ok = consts(lambda f: measure_range(f.measure)[1])
    max_ok_school = consts(lambda f: measure_range(f.measure, school=True)[1])
    lim_lo, lim_hi = (
        consts(lambda f: limit_range(f.measure)[0]),
        consts(lambda f: limit_range(f.measure)[1]),
    )
    flags = " + ".join(f"{bit} * {flag}::USMALLINT" for flag, bit in PROBLEM_BITS.items())
    con.execute(
        f"""
        INSERT INTO stg_measure_cells (level, urn, la_code, file_id, field_id, value, status_code,
                                       ci_lower, ci_upper, cohort, national_scope, source_line,
                                       problem)
        WITH long AS ({long(False)}), parsed AS (
            SELECT *, parse_value(v) AS pv, parse_value(lo) AS plo, parse_value(hi) AS phi,
                   {min_ok}[i] AS min_ok,
                   CASE WHEN level = 'school' THEN {max_ok_school}[i] ELSE {max_ok}[i] END AS max_ok,
                   {lim_lo}[i] AS lim_lo, {lim_hi}[i] AS lim_hi
            FROM long
        ), coded AS (
            SELECT *, CASE WHEN pv IS NULL THEN parse_status(v) END AS ps,
                   coalesce(plo < lim_lo OR plo > lim_hi, FALSE) AS lo_impossible,
                   coalesce(phi < lim_lo OR phi > lim_hi, FALSE) AS hi_impossible
            FROM parsed
        ), checked AS (
            SELECT *,
                   -- is_invalid(x), from the values parsed above
                   CASE WHEN pv IS NOT NULL OR ps IS NOT NULL OR v IS NULL THEN FALSE
                        ELSE NOT is_blank(v) END AS bad_v,
                   CASE WHEN plo IS NOT NULL OR lo IS NULL OR parse_status(lo) IS NOT NULL THEN FALSE
                        ELSE NOT is_blank(lo) END AS bad_lo,
                   CASE WHEN phi IS NOT NULL OR hi IS NULL OR parse_status(hi) IS NOT NULL THEN FALSE
                        ELSE NOT is_blank(hi) END AS bad_hi,
                   coalesce(pv < min_ok OR pv > max_ok, FALSE) AS out_of_range,
                   -- published aggregate rows carry placeholder intervals (0 to 0): schools only
                   -- an impossible limit is not loaded (its own reject), so it cannot fail this
                   coalesce(level = 'school' AND NOT (pv < min_ok OR pv > max_ok)
                            AND ((plo > pv AND NOT lo_impossible) OR (phi < pv AND NOT hi_impossible)),
                            FALSE) AS ci_bad,
                   coalesce(pco < 0, FALSE) AS co_negative,
                   coalesce(level = 'school' AND pco > {SCHOOL_PUPILS_MAX}, FALSE) AS co_too_big
            FROM coded
        ), flagged AS (
            SELECT *, NULLIF({flags}, 0) AS problem FROM checked
        )
        SELECT level, urn, la_code, ids[__file + 1], {base} + i,
               CASE WHEN NOT (out_of_range OR ci_bad) THEN pv END,
               ps, CASE WHEN NOT (out_of_range OR ci_bad OR lo_impossible) THEN plo END,
               CASE WHEN NOT (out_of_range OR ci_bad OR hi_impossible) THEN phi END,
               CASE WHEN pco >= 0 AND NOT co_too_big THEN TRY_CAST(round(pco) AS INTEGER) END,
               national_scope, __line, problem
        FROM flagged, (SELECT ?::INTEGER[] AS ids)
        WHERE (pv IS NOT NULL AND NOT (out_of_range OR ci_bad)) OR ps IS NOT NULL
              OR problem IS NOT NULL""",
        [file_ids],
    )

    lo_id, hi_id = min(file_ids), max(file_ids)  # the batch's files are numbered in a row
    counts = con.execute(
        f"""SELECT file_id, count(*), count(problem) FROM stg_measure_cells
            WHERE file_id BETWEEN {lo_id} AND {hi_id} GROUP BY 1"""
    ).fetchall()
    written = {file_id: n for file_id, n, _ in counts}
    cell_rejects: dict[int, int] = {}
    if any(bad for _, _, bad in counts):
        # the cells that failed a check: their texts again, from the raw rows that hold them
        bit = {flag: f"(c.problem & {b}) <> 0" for flag, b in PROBLEM_BITS.items()}
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {q(cells_rej)} AS
                WITH b AS MATERIALIZED (
                    SELECT l.*, d.f, d.m, d.lf, d.uf, d.cf, d.lim,
                           CASE WHEN l.level = 'school' THEN d.rng_school ELSE d.rng END AS rng,
                           {bit["bad_v"]} AS bad_v, {bit["bad_lo"]} AS bad_lo, {bit["bad_hi"]} AS bad_hi,
                           {bit["bad_co"]} AS bad_co, {bit["out_of_range"]} AS out_of_range,
                           {bit["ci_bad"]} AS ci_bad, {bit["co_negative"]} AS co_negative,
                           {bit["co_too_big"]} AS co_too_big, {bit["lo_impossible"]} AS lo_impossible,
                           {bit["hi_impossible"]} AS hi_impossible
                    FROM stg_measure_cells c
                    JOIN {q(fls)} f ON f.file_id = c.file_id
                    JOIN ({long(True)}) l
                        ON l.__file = f.__file AND l.__line = c.source_line AND l.i = c.field_id - {base}
                    JOIN {q(fld)} d ON d.i = l.i
                    WHERE c.file_id BETWEEN {lo_id} AND {hi_id} AND c.problem IS NOT NULL
                )
                SELECT __file, __line, col, {_short("val")} AS val, why FROM (
                    SELECT __file, __line, f AS col, v AS val, ? AS why, 1 AS prio FROM b WHERE bad_v
                    UNION ALL SELECT __file, __line, lf, lo, ?, 1 FROM b WHERE bad_lo
                    UNION ALL SELECT __file, __line, uf, hi, ?, 1 FROM b WHERE bad_hi
                    UNION ALL SELECT __file, __line, cf, co, ?, 1 FROM b WHERE bad_co
                    UNION ALL SELECT __file, __line, f, v, 'outside the possible range ' || rng || ' for ' || m
                        || ': value not loaded', 2 FROM b WHERE out_of_range
                    UNION ALL SELECT __file, __line, lf, lo, 'a confidence limit outside ' || lim
                        || ' is not possible for ' || m || ': limit not loaded', 2 FROM b WHERE lo_impossible
                    UNION ALL SELECT __file, __line, uf, hi, 'a confidence limit outside ' || lim
                        || ' is not possible for ' || m || ': limit not loaded', 2 FROM b WHERE hi_impossible
                    UNION ALL SELECT __file, __line, f, v, 'the confidence interval '
                        || coalesce(nullif(trim(lo), ''), 'blank') || ' to '
                        || coalesce(nullif(trim(hi), ''), 'blank') || ' (' || coalesce(lf, 'no column')
                        || ', ' || coalesce(uf, 'no column') || ') does not contain the value: value not loaded', 3
                        FROM b WHERE ci_bad
                    UNION ALL SELECT __file, __line, cf, co, ?, 4 FROM b WHERE co_negative
                    UNION ALL SELECT __file, __line, cf, co, ?, 4 FROM b WHERE co_too_big
                )
                QUALIFY row_number() OVER (PARTITION BY __file, __line, col ORDER BY prio, why) = 1""",
            [
                INVALID_CELL,
                INVALID_CELL,
                INVALID_CELL,
                INVALID_CELL,
                NEGATIVE_PUPILS,
                TOO_MANY_PUPILS,
            ],
        )
        con.execute(
            f"""INSERT INTO rejects (file_name, line, column_name, value, reason)
                SELECT f.file_name, c.__line, c.col, c.val, c.why
                FROM {q(cells_rej)} c JOIN {q(fls)} f USING (__file) ORDER BY c.__file, c.__line, c.col"""
        )
        cell_rejects = dict(
            con.execute(f"SELECT __file, count(*) FROM {q(cells_rej)} GROUP BY 1").fetchall()
        )
        # a cell with a problem and neither a value nor a code was written only for its rejects
        con.execute(
            f"""DELETE FROM stg_measure_cells WHERE file_id BETWEEN {lo_id} AND {hi_id}
                AND problem IS NOT NULL AND value IS NULL AND status_code IS NULL"""
        )
        written = dict(
            con.execute(
                f"""SELECT file_id, count(*) FROM stg_measure_cells
                    WHERE file_id BETWEEN {lo_id} AND {hi_id} GROUP BY 1"""
            ).fetchall()
        )
    for j, p in enumerate(files):
        bad = cell_rejects.get(j, 0)
        if bad:
            p.res.add("rejects", bad)
            p.res.notes.append(
                f"{p.src.name}: {bad} cells were not loaded: not a number or known code, or an "
                "impossible value (see rejects)"
            )
        p.res.add("stg_measures", written.get(file_ids[j], 0))
    for t in (fld, fls, cells_rej, *(x for p in files for x in (p.rows, p.raw))):
        con.execute(f"DROP TABLE IF EXISTS {q(t)}")


def add_measure_file(
    con: duckdb.DuckDBPyConnection, name: str, time_period: int, kind: str, status: str | None
) -> int:
    """Number a file whose cells go to stg_measure_cells (its name, year, kind and status written
    once, in stg_measure_files); returns its file_id."""
    return con.execute(
        """INSERT INTO stg_measure_files (file_id, time_period, source_kind, source_file, file_status)
           SELECT coalesce(max(file_id), 0) + 1, ?, ?, ?, ? FROM stg_measure_files
           RETURNING file_id""",
        [time_period, kind, name, status],
    ).fetchone()[0]


def add_measure_fields(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Number the fields of ``table`` (columns i: 1, 2, ...; m: measure; g: pupil group; f: the
    published column) in stg_measure_fields: field i gets the field_id base + i; returns base."""
    base = con.execute("SELECT coalesce(max(field_id), 0) FROM stg_measure_fields").fetchone()[0]
    con.execute(f"INSERT INTO stg_measure_fields SELECT {base} + i, m, g, f FROM {q(table)}")
    return base


def _short(expr: str) -> str:
    """SQL keeping at most REJECT_VALUE_CHARS characters of a rejected value, saying how long it was."""
    n = REJECT_VALUE_CHARS
    return (
        f"CASE WHEN length({expr}) > {n} THEN left({expr}, {n}) || '... (' || length({expr}) "
        f"|| ' characters)' ELSE {expr} END"
    )


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _urn_column(cols: dict[str, str]) -> str | None:
    return cols.get("urn")
