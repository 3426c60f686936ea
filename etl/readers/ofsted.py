"""Ofsted school inspection outcomes, every published layout, into stg_inspections and
stg_inspection_judgements (one row per inspection, one row per judgement, never merged into one grade).

Layouts (recognised by header, names compared ignoring case and repeated spaces):
- ``official_statistics``: "Maintained schools and academies inspections and outcomes" (2015-2019 common
  inspection framework, 51 columns: Outcomes for pupils, Quality of teaching, learning and assessment, ...).
- ``era_a``: management information to August 2024 (``Web link``, ``Inspection end date``, EIF judgements).
- ``era_b``: management information 2024/25 (``Web link (opens in new window)``, no end date; new
  inspections have Overall effectiveness "Not judged").
- ``era_c``: report cards from 10 November 2025 (sheet D2 "most recent": areas with a date of grade, plus
  the last OEIF graded inspection in its own block; sheet D1 "in year": areas only).

Each layout holds up to two inspections per row: the latest one and the previous graded one (era a/b,
official statistics) or the last OEIF one (era c). Each is staged as its own inspection. The era of a
graded (OEIF) inspection is decided per inspection, because a 2024/25 file still holds schools last
graded in 2014: ``legacy`` when it has an overall grade 1-4 or started before 1 September 2024,
``sub_judgements_2024`` when it says "Not judged" or started later. Report cards are ``report_card``,
graded area by area on the five-point scale and never given an overall grade.

Cell rules: empty and ``NULL`` are missing; 9 means not applicable (no judgement row); anything else
outside the scale (the official statistics' 8, a typo) is a rejected cell, the rest of the row loads.
Rows without a URN (the blank rows at the end of Ofsted files) are skipped. Every row with a URN also
names its school in stg_named_schools (decision 3), inspected or not.

The MI files publish no inspection end date after August 2024: ``inspection_end`` then holds the start
date, so every inspection has a date to order by (the published start date is in ``inspection_start``).
Each report-card area's "date of grade" is stored as the judgement's grade_date (safeguarding standards'
as the inspection's safeguarding_date); a judgement published without one is dated by its inspection.

Set-based (engineering notes: read with DuckDB, no Python row loops): the file is read into a TEMP
VARCHAR table (csv_source.read_raw, with __line), every cell is parsed by TEMP ``ofs_*`` SQL macros that
follow the _rows rules exactly (Python's whitespace, ``NULL``/nan/none, Unicode digits, dd/mm/yyyy and
ISO dates), each block becomes one SELECT, and the tables are written with INSERT ... SELECT in file
order. Only the wording of the (few) rejected cells' reasons comes from the _rows parsers in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from etl.readers._rows import (
    Rejects,
    academic_year,
    decode_text,
    parse_date,
    parse_int,
    parse_urn,
)
from etl.readers.base import SourceFile, StageResult, has_columns
from etl.readers.csv_source import read_raw, sheet_first_row, unique_names
from warehouse.connection import open_in_memory
from warehouse.connection import quote_ident as _q

KIND = "ofsted"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False

FOUR_POINT = "four_point"
REPORT_CARD = "report_card_five_point"
REPORT_CARD_GRADES = (
    "Exceptional",
    "Strong standard",
    "Expected standard",
    "Needs attention",
    "Urgent improvement",
)
SAFEGUARDING_STANDARDS = ("Met", "Not met")
NEW_FRAMEWORK_START = dt.date(2024, 9, 1)  # no overall effectiveness grade from this date


@dataclass(frozen=True)
class Block:
    """The columns of one inspection inside a row. Each field lists candidate column names."""

    kind: str  # graded (OEIF, 1-4 scale) or report_card
    inspection_id: tuple[str, ...]
    start: tuple[str, ...]
    end: tuple[str, ...] = ()
    publication: tuple[str, ...] = ()
    inspection_type: tuple[str, ...] = ()
    overall: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    safeguarding: tuple[str, ...] = ()
    areas: tuple[tuple[str, str], ...] = ()  # (column, area)
    # report cards: (column, area) of each area's "date of grade"; an area without one is dated by
    # its inspection (the date the grade was given)
    area_dates: tuple[tuple[str, str], ...] = ()
    safeguarding_date: tuple[str, ...] = ()


_EIF_AREAS = (
    ("Quality of education", "quality_of_education"),
    ("Behaviour and attitudes", "behaviour_and_attitudes"),
    ("Personal development", "personal_development"),
    ("Effectiveness of leadership and management", "leadership_and_management"),
    ("Early years provision (where applicable)", "early_years"),
    ("Sixth form provision (where applicable)", "sixth_form"),
)
_CIF_AREAS = (
    ("Outcomes for pupils", "outcomes_for_pupils"),
    ("Quality of teaching, learning and assessment", "quality_of_teaching_learning_and_assessment"),
    ("Effectiveness of leadership and management", "leadership_and_management"),
    ("Personal development, behaviour and welfare", "personal_development_behaviour_and_welfare"),
    ("Early years provision (where applicable)", "early_years"),
    ("16 - 19 study programmes", "sixth_form"),
)
_RC_AREAS = (
    ("Inclusion", "inclusion"),
    ("Curriculum and teaching", "curriculum_and_teaching"),
    ("Achievement", "achievement"),
    ("Attendance and behaviour", "attendance_and_behaviour"),
    ("Personal development and wellbeing", "personal_development_and_wellbeing"),
    ("Early years (where applicable)", "early_years"),
    ("Post-16 provision (where applicable)", "post_16_provision"),
    ("Leadership and governance", "leadership_and_governance"),
)


def _prefixed(areas: tuple[tuple[str, str], ...], prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}{col[0].lower()}{col[1:]}", area) for col, area in areas)


CURRENT_GRADED = Block(
    kind="graded",
    inspection_id=(
        "Inspection number of latest graded inspection",
        "Inspection number of latest full inspection",
        "Inspection number",
    ),
    start=("Inspection start date",),
    end=("Inspection end date",),
    publication=("Publication date",),
    inspection_type=("Inspection type",),
    overall=("Overall effectiveness",),
    category=("Category of concern",),
    safeguarding=("Safeguarding is effective?",),
    areas=_EIF_AREAS,
)
PREVIOUS_GRADED = Block(
    kind="graded",
    inspection_id=(
        "Previous graded inspection number",
        "Previous full inspection number",
        "Previous inspection number",
    ),
    start=("Previous inspection start date",),
    end=("Previous inspection end date",),
    publication=("Previous publication date",),
    overall=(
        "Previous graded inspection overall effectiveness",
        "Previous full inspection overall effectiveness",
        "Previous overall effectiveness",
    ),
    category=("Previous category of concern",),
    safeguarding=("Previous safeguarding is effective?",),
    areas=_prefixed(_EIF_AREAS, "Previous "),
)
CIF_CURRENT = Block(
    kind="graded",
    inspection_id=("Inspection number",),
    start=("Inspection start date",),
    end=("Inspection end date",),
    publication=("Publication date",),
    inspection_type=("Inspection type",),
    overall=("Overall effectiveness",),
    category=("Category of concern",),
    areas=_CIF_AREAS,
)
CIF_PREVIOUS = Block(
    kind="graded",
    inspection_id=("Previous inspection number",),
    start=("Previous inspection start date",),
    end=("Previous inspection end date",),
    publication=("Previous publication date",),
    overall=("Previous overall effectiveness",),
    category=("Previous category of concern",),
    areas=_prefixed(_CIF_AREAS, "Previous "),
)
REPORT_CARD_LATEST = Block(
    kind="report_card",
    inspection_id=("Inspection number of latest full inspection", "Inspection number"),
    start=("Inspection start date",),
    publication=("Publication date",),
    inspection_type=("Inspection type",),
    category=("Category of concern",),
    safeguarding=("Safeguarding standards",),
    areas=_RC_AREAS,
    area_dates=(
        ("Inclusion - date of grade", "inclusion"),
        ("Curriculum and teaching - date of grade", "curriculum_and_teaching"),
        ("Achievement - date of grade", "achievement"),
        ("Attendance and behaviour - date of grade", "attendance_and_behaviour"),
        (
            "Personal development and wellbeing - date of grade",
            "personal_development_and_wellbeing",
        ),
        ("Early years - date of grade", "early_years"),
        ("Post-16 provision - date of grade", "post_16_provision"),
        ("Leadership and governance - date of grade", "leadership_and_governance"),
    ),
    safeguarding_date=("Safeguarding standards - date of grade",),
)
# Ofsted's official statistics data sheet "State-funded schools inspections and outcomes as at DATE"
# (2019 on, also supplied to the DfE): one row per school, one date called "Inspection date".
STATE_FUNDED_OFFICIAL = Block(
    kind="graded",
    inspection_id=(
        "Inspection number",
        "Inspection number of latest graded inspection",
        "Inspection number of latest full inspection",
    ),
    start=("Inspection start date", "Inspection date"),
    end=("Inspection end date", "Inspection date"),
    publication=("Publication date",),
    inspection_type=("Inspection type",),
    overall=("Overall effectiveness",),
    category=("Category of concern",),
    safeguarding=("Safeguarding is effective?",),
    areas=_EIF_AREAS,
)
OEIF_LATEST = Block(
    kind="graded",
    inspection_id=("Inspection number of latest OEIF graded inspection",),
    start=("Inspection start date of latest OEIF graded inspection",),
    publication=("Publication date of latest OEIF graded inspection",),
    inspection_type=("Inspection type of latest OEIF graded inspection",),
    overall=("Latest OEIF overall effectiveness",),
    category=("Latest OEIF category of concern",),
    safeguarding=("Latest OEIF safeguarding is effective?",),
    areas=(
        ("Latest OEIF quality of education", "quality_of_education"),
        ("Latest OEIF behaviour and attitudes", "behaviour_and_attitudes"),
        ("Latest OEIF personal development", "personal_development"),
        ("Latest OEIF effectiveness of leadership and management", "leadership_and_management"),
        ("Latest OEIF early years provision (where applicable)", "early_years"),
        ("Latest OEIF sixth form provision (where applicable)", "sixth_form"),
    ),
)


@dataclass(frozen=True)
class Layout:
    name: str
    signature: tuple[str, ...]  # all must be in the header
    blocks: tuple[Block, ...]
    label: str = "an Ofsted inspections file"  # what the report calls a file that resembles it
    school_type: tuple[str, ...] = ("Type of education",)
    excludes: tuple[str, ...] = field(default=())  # none of these may be in the header


# Most specific first: the report-card files also contain "Category of concern" etc.
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "era_c",
        ("URN", "Safeguarding standards", "Inclusion", "Latest OEIF overall effectiveness"),
        (REPORT_CARD_LATEST, OEIF_LATEST),
        label="an Ofsted management information file of report cards (from November 2025)",
    ),
    Layout(
        "era_c_in_year",
        ("URN", "Safeguarding standards", "Inclusion"),
        (REPORT_CARD_LATEST,),
        label="an Ofsted in-year inspections file of report cards (from November 2025)",
    ),
    Layout(
        "official_statistics",
        ("URN", "Overall effectiveness", "Outcomes for pupils", "Inspection start date"),
        (CIF_CURRENT, CIF_PREVIOUS),
        label="an Ofsted file of 2016 to 2019 (common inspection framework: official statistics "
        "or management information)",
    ),
    Layout(
        "era_a",
        ("URN", "Web link", "Inspection end date", "Overall effectiveness", "Quality of education"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
        label="an Ofsted management information file of September 2019 to August 2024",
    ),
    Layout(
        "era_b",
        ("URN", "Web link (opens in new window)", "Overall effectiveness", "Quality of education"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
        label="an Ofsted management information file of 2024/25",
    ),
    Layout(
        "official_statistics_state_funded",
        ("URN", "Ofsted phase", "Inspection date", "Overall effectiveness"),
        (STATE_FUNDED_OFFICIAL, PREVIOUS_GRADED),
        label="an Ofsted official statistics data sheet (state-funded schools inspections and "
        "outcomes, 2019 on)",
    ),
    # any other EIF-era MI file (e.g. a re-saved one without the web link column)
    Layout(
        "eif",
        ("URN", "Overall effectiveness", "Quality of education", "Inspection start date"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
        label="an Ofsted inspections file of the education inspection framework (2019 to 2025)",
    ),
)


def layout_for(header: Sequence[str]) -> Layout | None:
    """The layout a header belongs to, or None. Public so the loader's report can name it."""
    for layout in LAYOUTS:
        if has_columns(header, *layout.signature):
            return layout
    return None


def recognise(header: Sequence[str]) -> bool:
    """Ofsted files are told apart from DfE files by their judgement columns, not by file name."""
    return layout_for(header) is not None


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def _four_point(value: str) -> str | None:
    """'2' or '2.0' -> '2'; '9' (not applicable) -> None; ValueError for anything else."""
    words = {"outstanding": 1, "good": 2, "requires improvement": 3, "inadequate": 4}
    n = words.get(_norm(value)) if isinstance(value, str) else None
    n = n if n is not None else parse_int(value)
    if n == 9:
        return None
    if n not in (1, 2, 3, 4):
        raise ValueError(f"not a grade 1-4 (9 = not applicable): {value!r}")
    return str(n)


def _canonical(value: str, allowed: tuple[str, ...]) -> str:
    for a in allowed:
        if _norm(value) == _norm(a):
            return a
    raise ValueError(f"not one of {', '.join(allowed)}: {value!r}")


# ---------------------------------------------------------------- set-based SQL
# The cell rules of _rows (Python's str.strip/split whitespace, Unicode decimal digits as int() reads
# them, dd/mm/yyyy and ISO dates) as TEMP macros, so every cell is parsed inside DuckDB.
_WS = (  # what str.strip and str.split treat as white space
    r"[\x{09}-\x{0D}\x{1C}-\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
    r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"
)


@functools.cache
def _decimal_digits() -> tuple[str, str]:
    """Every non-ASCII Unicode decimal digit (category Nd) and its ASCII digit, built on first use
    (a walk over every code point: 0.1-0.3 s at import that a load without an Ofsted file, and every
    dashboard process importing the readers, no longer pays)."""
    nd = "".join(filter(str.isdecimal, map(chr, range(0x80, 0x110000))))  # str.isdecimal: Nd
    return nd, "".join(str(unicodedata.decimal(c)) for c in nd)


_DMY_RE = r"([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})"
_ISO_RE = r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?"
# the same with a year from 0001 (DuckDB would read 0000 as 1 BC; Python refuses it)
_ISO_Y1_RE = r"([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)" + _ISO_RE.removeprefix(
    r"([0-9]{4})"
)


def _lit(s: str | None) -> str:
    return "NULL" if s is None else "'" + s.replace("'", "''") + "'"


def _macros() -> list[str]:
    """The cell rules as TEMP macros. A macro is inlined where it is used, with its argument copied
    at every mention (DuckDB's own nullif names its first argument twice): so the macros name their
    argument once where they can, and the statements give them columns (a cell parsed in a select
    below), never another macro. Nested macros that named their argument several times made each
    Ofsted statement cost 0.2 s to plan, for ~3,000 rows."""
    nd, nd_ascii = _decimal_digits()
    return [
        f"CREATE OR REPLACE TEMP MACRO ofs_strip(x) AS regexp_replace(x, '^{_WS}+|{_WS}+$', '', 'g')",
        # a cell as _Row.get saw it: stripped text, NULL when empty / NULL / nan / none (any case)
        """CREATE OR REPLACE TEMP MACRO ofs_cell(x) AS
           nullif(regexp_replace(ofs_strip(x), '^(?i:null|nan|none)$', ''), '')""",
        f"CREATE OR REPLACE TEMP MACRO ofs_norm(s) AS lower(regexp_replace(s, '{_WS}+', ' ', 'g'))",
        # translate is slow with ~700 digits: only non-ASCII text (more bytes than characters) needs
        # it. Names s four times: given a column only
        f"""CREATE OR REPLACE TEMP MACRO ofs_digits(s) AS
           CASE WHEN strlen(s) = length(s) THEN s ELSE translate(s, {_lit(nd)}, {_lit(nd_ascii)}) END""",
        # parse_int: a whole number (or n.0); NULL when not one (no match extracts '')
        r"""CREATE OR REPLACE TEMP MACRO ofs_int(s) AS
           TRY_CAST(regexp_extract(ofs_digits(s), '^([+-]?[0-9]+)(?:\.0+)?$', 1) AS HUGEINT)""",
        # parse_date: NULL when missing or not a date (the caller tells the two apart). dd/mm/yyyy is
        # rewritten yyyy-mm-dd, then an ISO date (year 0001 on, as Python's) becomes 'y-m-d' and
        # anything else '--', which no cast reads
        f"""CREATE OR REPLACE TEMP MACRO ofs_date(s) AS
           TRY_CAST(regexp_replace(regexp_replace(ofs_digits(s), '^{_DMY_RE}$', '\\3-\\2-\\1'),
                                   '^(?:{_ISO_Y1_RE})$|^(?s:.*)$', '\\1-\\2-\\3') AS DATE)""",
        # a four-point grade: 1-4 (or 9), or the grade's published word
        """CREATE OR REPLACE TEMP MACRO ofs_grade4(s) AS
           CASE ofs_norm(s) WHEN 'outstanding' THEN 1 WHEN 'good' THEN 2
                WHEN 'requires improvement' THEN 3 WHEN 'inadequate' THEN 4 ELSE ofs_int(s) END""",
        # an inspection date after today is impossible: NULL here, rejected with its own reason
        # (least ignores a NULL, so a missing date gives tomorrow, which nullif makes NULL again)
        "CREATE OR REPLACE TEMP MACRO ofs_past(d) AS nullif(least(d, current_date + 1), current_date + 1)",
    ]


class _Columns:
    """Candidate column names resolved against one file's header, as _Row did: the first candidate
    present in the header wins (even when its cell is empty)."""

    def __init__(self, header: Sequence[str]) -> None:
        self.raw_names = unique_names(tuple(header))
        self.index: dict[str, int] = {}
        for i, h in enumerate(header):
            self.index.setdefault(_norm(h), i)

    def column(self, names: tuple[str, ...]) -> str | None:
        for n in names:
            if _norm(n) in self.index:
                return n
        return None

    def cell(self, names: tuple[str, ...], table: str = "r") -> str:
        """SQL for the cell as _Row.get returned it (stripped text or NULL)."""
        for n in names:
            i = self.index.get(_norm(n))
            if i is not None:
                return f"ofs_cell({table}.{_q(self.raw_names[i])})"
        return "NULL::VARCHAR"


_counter = itertools.count(1)


def _line_count(text: str) -> int:
    """Physical lines as csv.reader counts them (\\r\\n, \\r and \\n all end a line)."""
    n = text.count("\n") + text.count("\r") - text.count("\r\n")
    return n + (1 if text and not text.endswith(("\n", "\r")) else 0)


def _read_raw(con: duckdb.DuckDBPyConnection, src: SourceFile, table: str) -> None:
    """TEMP table ``table``: __line plus every header column as VARCHAR.

    DuckDB reads the file (csv_source.read_raw). Its __line is the record number, which is the
    physical line whenever every record is one line; DuckDB also skips empty lines. When the file
    has a cell with a line break or an empty line, the record count says so and the file is parsed
    by the csv module instead (only the cells are kept, no per-cell work), so lines stay the file's.
    """
    n = read_raw(con, src.text_path, table, src.header, src.delimiter)
    text = decode_text(src.text_path)  # the UTF-8 text read_raw read (a workbook sheet's CSV)
    if n + 1 == _line_count(text):
        return
    offset = sheet_first_row(src.text_path) - 1
    names = unique_names(tuple(src.header))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=src.delimiter)
    next(reader, None)
    lines, cells = [], []
    line = reader.line_num + 1
    width = len(names)
    for row in reader:
        lines.append(line + offset)
        cells.append((row + [None] * width)[:width])
        line = reader.line_num + 1
    frame = pd.DataFrame(cells, columns=names, dtype="object") if cells else None
    view = f"__ofsted_rows_{next(_counter)}"
    con.execute(f"DELETE FROM {_q(table)}")
    if frame is None:
        return
    frame.insert(0, "__line", lines)
    con.register(view, frame)
    try:
        cols = ", ".join(f"CAST({_q(c)} AS VARCHAR)" for c in names)
        con.execute(
            f"INSERT INTO {_q(table)} SELECT CAST(__line AS INTEGER), {cols} FROM {_q(view)}"
        )
    finally:
        con.unregister(view)


def _layout(src: SourceFile) -> Layout:
    layout = layout_for(src.header)
    if layout is None:
        raise ValueError(f"{src.name}: not an Ofsted layout this reader knows")
    return layout


_AREA_TYPE = (
    "STRUCT(ai INTEGER, field VARCHAR, area VARCHAR, v VARCHAR, dfield VARCHAR, d VARCHAR)[]"
)


def _block_select(block: Block, k: int, cols: _Columns) -> str:
    """One row per (school row, block): the block's cells, parsed, and what _stage_block decided."""
    rc = block.kind == "report_card"
    present_areas = [
        (i, col, area)
        for i, (col, area) in enumerate(block.areas)
        if cols.column((col,)) is not None
    ]
    date_col = {area: col for col, area in block.area_dates if cols.column((col,)) is not None}
    area_cells = "".join(
        f", {cols.cell((col,))} AS av{i}, "
        + (
            f"{cols.cell((date_col[area],))} AS ad{i}"
            if area in date_col
            else f"NULL::VARCHAR AS ad{i}"
        )
        for i, col, area in present_areas
    )
    areas = [
        f"struct_pack(ai := {i}, field := {_lit(col)}, area := {_lit(area)}, v := av{i}, "
        f"dfield := {_lit(cols.column((date_col[area],)) if area in date_col else None)}, d := ad{i})"
        for i, col, area in present_areas
    ]
    area_list = f"[{', '.join(areas)}]" if areas else f"CAST([] AS {_AREA_TYPE})"
    if rc:
        present = (
            "("
            + " OR ".join(
                [f"av{i} IS NOT NULL" for i, _, _ in present_areas] + ["sg_raw IS NOT NULL"]
            )
            + ")"
        )
        overall = "NULL::INTEGER"
        overall_bad = "false"
        era = "'report_card'"
        sg = "CASE sg_n WHEN 'met' THEN 'Met' WHEN 'not met' THEN 'Not met' END"
        sg_bad = f"sg_raw IS NOT NULL AND ({sg}) IS NULL"
        sg_kind = "met"
    else:
        present = "(iid IS NOT NULL OR start_raw IS NOT NULL OR ov_raw IS NOT NULL)"
        judged = "(ov_raw IS NOT NULL AND ov_n <> 'not judged')"
        overall = f"CASE WHEN {judged} AND ov_g IN (1, 2, 3, 4) THEN ov_g END"
        # not NOT IN (1, 2, 3, 4, 9): DuckDB plans an IN list of five or more values as a join
        overall_bad = f"({judged} AND coalesce(NOT (ov_g BETWEEN 1 AND 4 OR ov_g = 9), true))"
        era = (
            f"CASE WHEN ({overall}) IS NULL AND (coalesce(ov_n = 'not judged', false)"
            f" OR coalesce(start_d >= DATE '{NEW_FRAMEWORK_START.isoformat()}', false))"
            " THEN 'sub_judgements_2024' ELSE 'legacy' END"
        )
        yn = "CASE sg_n WHEN 'yes' THEN 'Yes' WHEN 'no' THEN 'No' END"
        sg = f"CASE WHEN sg_raw IN ('9', '9.0') THEN NULL ELSE {yn} END"
        sg_bad = f"sg_raw IS NOT NULL AND sg_raw NOT IN ('9', '9.0') AND ({yn}) IS NULL"
        sg_kind = "yes_no"
    return f"""
        SELECT line, blk, urn, iid, itype, start_raw, end_raw, pub_raw, ov_raw, sg_raw, {area_list} AS areas,
               start_d, end_d, pub_d, coalesce(end_d, start_d) AS end_,
               ({overall}) AS overall, {overall_bad} AS overall_bad,
               ({era}) AS era, upper(cat_raw) AS category,
               ({sg}) AS safeguarding, ({sg_bad}) AS sg_bad,
               {_lit(block.kind)} AS kind, {_lit(sg_kind)} AS sg_kind,
               {_lit(cols.column(block.start))} AS start_col, {_lit(cols.column(block.end))} AS end_col,
               {_lit(cols.column(block.publication))} AS pub_col,
               {_lit(cols.column(block.overall))} AS ov_col,
               {_lit(cols.column(block.safeguarding))} AS sg_col,
               sgd_raw, ofs_past(ofs_date(sgd_raw)) AS sgd_d,
               {_lit(cols.column(block.safeguarding_date))} AS sgd_col
        FROM (
          SELECT *, CASE WHEN end_d0 < start_d THEN NULL ELSE end_d0 END AS end_d
          FROM (
            SELECT *, ofs_past(ofs_date(start_raw)) AS start_d, ofs_past(ofs_date(end_raw)) AS end_d0,
                   ofs_past(ofs_date(pub_raw)) AS pub_d, ofs_grade4(ov_raw) AS ov_g,
                   ofs_norm(ov_raw) AS ov_n, ofs_norm(sg_raw) AS sg_n
            FROM (
                SELECT r.__line AS line, {k} AS blk, u.urn,
                       {cols.cell(block.inspection_id)} AS iid,
                       {cols.cell(block.inspection_type)} AS itype,
                       {cols.cell(block.start)} AS start_raw,
                       {cols.cell(block.end)} AS end_raw,
                       {cols.cell(block.publication)} AS pub_raw,
                       {cols.cell(block.overall)} AS ov_raw,
                       {cols.cell(block.category)} AS cat_raw,
                       {cols.cell(block.safeguarding)} AS sg_raw,
                       {cols.cell(block.safeguarding_date)} AS sgd_raw{area_cells}
                FROM {{raw}} r JOIN {{urns}} u ON u.line = r.__line
                WHERE u.urn IS NOT NULL
            )
          )
        )
        WHERE {present}"""


def _date_kind(raw: str) -> str:
    """Why a date cell that is present was not loaded: unreadable, in the future, or an end date
    before the inspection's start (impossible values are rejected, never loaded)."""
    return (
        f"CASE WHEN ofs_date({raw}) IS NULL THEN 'date' "
        f"WHEN ofs_date({raw}) > current_date THEN 'future_date' ELSE 'end_before_start' END"
    )


def _reason(kind: str, value: str) -> str:
    """The reject reason the Python parsers give for ``value`` (only rejected cells come here)."""
    if kind == "future_date":
        return f"a date in the future ({value}): an inspection cannot have happened yet; not loaded"
    if kind == "end_before_start":
        return f"the end date {value} is before the inspection's start date: not loaded"
    check = {
        "urn": parse_urn,
        "date": parse_date,
        "four_point": _four_point,
        "met": lambda v: _canonical(v, SAFEGUARDING_STANDARDS),
        "yes_no": lambda v: _canonical(v, ("Yes", "No")),
        "report_card": lambda v: _canonical(v, REPORT_CARD_GRADES),
    }[kind]
    try:
        check(value)
    except ValueError as exc:
        return str(exc)
    return f"not a valid {kind.replace('_', ' ')} value: {value!r}"


def infer_time_period(src: SourceFile) -> int | None:
    """The academic year of the latest inspection date in the file: Ofsted files carry no year in their
    name that means the same thing twice ("as at 31 March 2025" is 2024/25 data), so the dates decide."""
    layout = _layout(src)
    cols = _Columns(src.header)
    con = open_in_memory()
    try:
        for sql in _macros():
            con.execute(sql)
        _read_raw(con, src, "raw")
        cells = [
            cols.cell(names)
            for block in layout.blocks
            for names in (block.start, block.end)
            if cols.column(names) is not None
        ]
        if not cells:
            return None
        dates = ", ".join(f"ofs_date(d{i})" for i in range(len(cells)))
        latest = con.execute(
            f"SELECT max(greatest({dates})) "
            f"FROM (SELECT {', '.join(f'{c} AS d{i}' for i, c in enumerate(cells))} FROM raw r)"
        ).fetchone()[0]
    finally:
        con.close()
    return academic_year(latest) if latest else None


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    """Write every inspection of every row; a bad cell is rejected on its own so the inspection still loads."""
    layout = _layout(src)
    cols = _Columns(src.header)
    result = StageResult()
    for sql in _macros():
        con.execute(sql)
    n = next(_counter)
    raw, urns, blocks = f"__ofsted_raw_{n}", f"__ofsted_urns_{n}", f"__ofsted_blocks_{n}"
    judged = f"__ofsted_judged_{n}"
    _read_raw(con, src, raw)
    try:
        la = cols.cell(("LAESTAB",))
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_q(urns)} AS
            SELECT line, urn_raw, name, school_type, CASE WHEN n BETWEEN 100000 AND 999999 THEN n END AS urn,
                   CASE WHEN regexp_full_match(ofs_digits(split_part(laestab, '.', 1)), '[0-9]{{7}}')
                        THEN CAST(left(ofs_digits(laestab), 3) AS INTEGER) END AS la_code
            FROM (
                SELECT *, ofs_int(urn_raw) AS n  -- a macro is given columns (see _macros)
                FROM (
                    SELECT r.__line AS line, {cols.cell(("URN",))} AS urn_raw,
                           {la} AS laestab, {cols.cell(("School name",))} AS name,
                           {cols.cell(layout.school_type)} AS school_type
                    FROM {_q(raw)} r
                )
            )
            WHERE urn_raw IS NOT NULL
            """
        )
        selects = [
            _block_select(b, k, cols).format(raw=_q(raw), urns=_q(urns))
            for k, b in enumerate(layout.blocks)
        ]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_q(blocks)} AS {' UNION ALL '.join(selects)}")
        result.rows_read, result.rows_rejected, any_rows = con.execute(
            f"SELECT (SELECT count(*) FROM {_q(urns)}), "
            f"(SELECT count(*) FROM {_q(urns)} WHERE urn IS NULL), "
            f"(SELECT count(*) > 0 FROM {_q(raw)})"
        ).fetchone()

        time_period = src.time_period
        if time_period is None:
            latest = con.execute(
                f"SELECT max(greatest(start_d, end_)) FROM {_q(blocks)}"
            ).fetchone()[0]
            if latest is not None:
                time_period = academic_year(latest)
                result.time_period = time_period

        n_insp = con.execute(
            f"""INSERT INTO stg_inspections (urn, inspection_id, era, inspection_type, inspection_start,
                    inspection_end, publication_date, overall_effectiveness, category_of_concern,
                    safeguarding, safeguarding_date, source_file, source_line)
                SELECT urn, iid, era, itype, start_d, end_, pub_d, overall, category, safeguarding,
                       CASE WHEN safeguarding IS NOT NULL THEN coalesce(sgd_d, end_) END, ?, line
                FROM {_q(blocks)} ORDER BY line, blk""",
            [src.name],
        ).fetchone()[0]
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {_q(judged)} AS
            SELECT line, blk, a.ai AS ai, urn, iid, end_, era, kind, a.area AS area,
                   a.field AS field, a.v AS v, a.dfield AS dfield, a.d AS d,
                   ofs_past(ofs_date(a.d)) AS grade_d,
                   CASE WHEN kind = 'report_card' THEN
                        CASE v_n {" ".join(f"WHEN {_lit(_norm(g))} THEN {_lit(g)}" for g in REPORT_CARD_GRADES)} END
                   WHEN v_g IN (1, 2, 3, 4) THEN CAST(v_g AS VARCHAR) END AS grade,
                   CASE WHEN kind = 'report_card' THEN 'report_card'
                        WHEN v_g = 9 THEN NULL ELSE 'four_point' END AS bad_kind
            FROM (  -- each cell's grade and words once: a macro is inlined at every mention
                SELECT *, ofs_norm(a.v) AS v_n, ofs_grade4(a.v) AS v_g
                FROM (SELECT line, blk, urn, iid, end_, era, kind, unnest(areas) AS a FROM {_q(blocks)})
                WHERE a.v IS NOT NULL
            )"""
        )
        n_judged = con.execute(
            f"""INSERT INTO stg_inspection_judgements (urn, inspection_id, inspection_end, era, area, grade,
                    grade_scale, grade_date, source_file, source_field)
                SELECT urn, iid, end_, era, area, grade,
                       CASE WHEN kind = 'report_card' THEN ? ELSE ? END, coalesce(grade_d, end_), ?, field
                FROM {_q(judged)} WHERE grade IS NOT NULL ORDER BY line, blk, ai""",
            [REPORT_CARD, FOUR_POINT, src.name],
        ).fetchone()[0]
        n_named = con.execute(
            f"""INSERT INTO stg_named_schools (urn, name, la_code, school_type, phase, time_period, source_file)
                SELECT urn, name, la_code, school_type, NULL, ?, ? FROM {_q(urns)}
                WHERE urn IS NOT NULL ORDER BY line""",
            [time_period, src.name],
        ).fetchone()[0]

        # rejected cells, in the order the row-by-row reader met them; only their reasons are
        # worded in Python (by the same parsers), the cells are found in SQL
        bad = con.execute(
            f"""
            SELECT line, -1 AS seq, 'URN' AS col, urn_raw AS v, 'urn' AS kind FROM {_q(urns)} WHERE urn IS NULL
            UNION ALL SELECT line, blk * 100, start_col, start_raw, {_date_kind("start_raw")}
                FROM {_q(blocks)} WHERE start_raw IS NOT NULL AND start_d IS NULL
            UNION ALL SELECT line, blk * 100 + 1, end_col, end_raw, {_date_kind("end_raw")}
                FROM {_q(blocks)} WHERE end_raw IS NOT NULL AND end_d IS NULL
                    AND end_col IS DISTINCT FROM start_col  -- one "Inspection date" column: once
            UNION ALL SELECT line, blk * 100 + 2, pub_col, pub_raw, {_date_kind("pub_raw")}
                FROM {_q(blocks)} WHERE pub_raw IS NOT NULL AND pub_d IS NULL
            UNION ALL SELECT line, blk * 100 + 3, ov_col, ov_raw, 'four_point' FROM {_q(blocks)} WHERE overall_bad
            UNION ALL SELECT line, blk * 100 + 4, sg_col, sg_raw, sg_kind FROM {_q(blocks)} WHERE sg_bad
            UNION ALL SELECT line, blk * 100 + 5, sgd_col, sgd_raw, {_date_kind("sgd_raw")}
                FROM {_q(blocks)} WHERE sgd_raw IS NOT NULL AND sgd_d IS NULL
            UNION ALL SELECT line, blk * 100 + 10 + ai, field, v, bad_kind FROM {_q(judged)}
                WHERE grade IS NULL AND bad_kind IS NOT NULL
            UNION ALL SELECT line, blk * 100 + 50 + ai, dfield, d, {_date_kind("d")} FROM {_q(judged)}
                WHERE d IS NOT NULL AND grade_d IS NULL
            ORDER BY line, seq
            """
        ).fetchall()
    finally:
        for t in (judged, blocks, urns, raw):
            con.execute(f"DROP TABLE IF EXISTS {_q(t)}")

    rej = Rejects(src.name)
    for line, _seq, col, value, kind in bad:
        rej.add(line, col, value, _reason(kind, value))
    result.add("stg_inspections", n_insp)
    result.add("stg_inspection_judgements", n_judged)
    result.add("stg_named_schools", n_named)
    n_rejects = rej.write(con)
    if n_rejects:
        result.add("rejects", n_rejects)
    result.notes.append(
        f"Ofsted layout {layout.name if any_rows else None}: {n_insp} inspections from {result.rows_read} schools"
    )
    return result
