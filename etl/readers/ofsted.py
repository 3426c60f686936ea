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
The report card's per-area "date of grade" has no staging column yet and is not stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from etl.readers._rows import (
    Rejects,
    academic_year,
    decode_text,
    insert_rows,
    is_missing,
    parse_date,
    parse_int,
    parse_urn,
)
from etl.readers.base import SourceFile, StageResult, has_columns

KIND = "ofsted"
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
    school_type: tuple[str, ...] = ("Type of education",)
    excludes: tuple[str, ...] = field(default=())  # none of these may be in the header


# Most specific first: the report-card files also contain "Category of concern" etc.
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "era_c",
        ("URN", "Safeguarding standards", "Inclusion", "Latest OEIF overall effectiveness"),
        (REPORT_CARD_LATEST, OEIF_LATEST),
    ),
    Layout("era_c_in_year", ("URN", "Safeguarding standards", "Inclusion"), (REPORT_CARD_LATEST,)),
    Layout(
        "official_statistics",
        ("URN", "Overall effectiveness", "Outcomes for pupils", "Inspection start date"),
        (CIF_CURRENT, CIF_PREVIOUS),
    ),
    Layout(
        "era_a",
        ("URN", "Web link", "Inspection end date", "Overall effectiveness", "Quality of education"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
    ),
    Layout(
        "era_b",
        ("URN", "Web link (opens in new window)", "Overall effectiveness", "Quality of education"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
    ),
    # any other EIF-era MI file (e.g. a re-saved one without the web link column)
    Layout(
        "eif",
        ("URN", "Overall effectiveness", "Quality of education", "Inspection start date"),
        (CURRENT_GRADED, PREVIOUS_GRADED),
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


def _read(src: SourceFile) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of every row, read from the original bytes (cp1252 or UTF-8, tab or comma)."""
    text = decode_text(src.path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.replace("\ufeff", "").strip() for h in next(reader, [])]
    rows: list[tuple[int, list[str]]] = []
    line = reader.line_num + 1
    for cells in reader:
        rows.append((line, cells))
        line = reader.line_num + 1
    return header, rows


class _Row:
    """Cell access by (candidate) column name for one row."""

    def __init__(self, index: dict[str, int], cells: list[str]) -> None:
        self.index = index
        self.cells = cells

    def column(self, names: tuple[str, ...]) -> str | None:
        for n in names:
            if _norm(n) in self.index:
                return n
        return None

    def get(self, names: tuple[str, ...]) -> str | None:
        for n in names:
            i = self.index.get(_norm(n))
            if i is not None:
                v = self.cells[i].strip() if i < len(self.cells) else ""
                return None if is_missing(v) else v
        return None


def _dates(row: _Row, block: Block, line: int, rej: Rejects) -> dict[str, dt.date | None]:
    out = {}
    for key, names in (
        ("start", block.start),
        ("end", block.end),
        ("publication", block.publication),
    ):
        value = row.get(names)
        try:
            out[key] = parse_date(value)
        except ValueError as exc:
            rej.add(line, row.column(names), value, str(exc))
            out[key] = None
    return out


def _four_point(value: str) -> str | None:
    """'2' or '2.0' -> '2'; '9' (not applicable) -> None; ValueError for anything else."""
    n = parse_int(value)
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


def _stage_block(
    row: _Row, block: Block, urn: int, line: int, src: SourceFile, rej: Rejects
) -> tuple[dict | None, list[dict]]:
    """One inspection (or None when the block is empty for this row) and its judgements."""
    inspection_id = row.get(block.inspection_id)
    area_values = [(col, area, row.get((col,))) for col, area in block.areas]
    overall_raw = row.get(block.overall) if block.overall else None
    safeguarding_raw = row.get(block.safeguarding) if block.safeguarding else None
    start_raw = row.get(block.start)
    if block.kind == "report_card":
        # The D2 "latest full inspection" is an OEIF one until the school has a report card: its
        # areas are then empty and the OEIF block holds the inspection.
        if not any(v for _, _, v in area_values) and safeguarding_raw is None:
            return None, []
    elif inspection_id is None and start_raw is None and overall_raw is None:
        return None, []

    dates = _dates(row, block, line, rej)
    overall: int | None = None
    if block.kind == "report_card":
        era, scale = "report_card", REPORT_CARD
    else:
        scale = FOUR_POINT
        not_judged = overall_raw is not None and _norm(overall_raw) == "not judged"
        if overall_raw is not None and not not_judged:
            try:
                g = _four_point(overall_raw)
                overall = int(g) if g else None
            except ValueError as exc:
                rej.add(line, row.column(block.overall), overall_raw, str(exc))
        late = dates["start"] is not None and dates["start"] >= NEW_FRAMEWORK_START
        era = "sub_judgements_2024" if overall is None and (not_judged or late) else "legacy"

    safeguarding = None
    if safeguarding_raw is not None:
        col = row.column(block.safeguarding)
        try:
            if block.kind == "report_card":
                safeguarding = _canonical(safeguarding_raw, SAFEGUARDING_STANDARDS)
            elif safeguarding_raw.strip() not in ("9", "9.0"):
                safeguarding = _canonical(safeguarding_raw, ("Yes", "No"))
        except ValueError as exc:
            rej.add(line, col, safeguarding_raw, str(exc))

    category = row.get(block.category) if block.category else None
    end = dates["end"] or dates["start"]
    inspection = {
        "urn": urn,
        "inspection_id": inspection_id,
        "era": era,
        "inspection_type": row.get(block.inspection_type) if block.inspection_type else None,
        "inspection_start": dates["start"],
        "inspection_end": end,
        "publication_date": dates["publication"],
        "overall_effectiveness": overall,
        "category_of_concern": category.upper() if category else None,
        "safeguarding": safeguarding,
        "source_file": src.name,
        "source_line": line,
    }
    judgements = []
    for col, area, value in area_values:
        if value is None:
            continue
        try:
            grade = (
                _canonical(value, REPORT_CARD_GRADES)
                if scale == REPORT_CARD
                else _four_point(value)
            )
        except ValueError as exc:
            rej.add(line, row.column((col,)), value, str(exc))
            continue
        if grade is None:
            continue
        judgements.append(
            {
                "urn": urn,
                "inspection_id": inspection_id,
                "inspection_end": end,
                "era": era,
                "area": area,
                "grade": grade,
                "grade_scale": scale,
                "source_file": src.name,
                "source_field": row.column((col,)),
            }
        )
    return inspection, judgements


def _school_rows(src: SourceFile):
    header, rows = _read(src)
    layout = layout_for(header)
    if layout is None:
        raise ValueError(f"{src.name}: not an Ofsted layout this reader knows")
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        index.setdefault(_norm(h), i)
    for line, cells in rows:
        yield layout, line, _Row(index, cells)


def infer_time_period(src: SourceFile) -> int | None:
    """The academic year of the latest inspection date in the file: Ofsted files carry no year in their
    name that means the same thing twice ("as at 31 March 2025" is 2024/25 data), so the dates decide."""
    latest: dt.date | None = None
    for layout, _line, row in _school_rows(src):
        for block in layout.blocks:
            for names in (block.start, block.end):
                try:
                    d = parse_date(row.get(names))
                except ValueError:
                    continue
                if d and (latest is None or d > latest):
                    latest = d
    return academic_year(latest) if latest else None


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    """Write every inspection of every row; a bad cell is rejected on its own so the inspection still loads."""
    result = StageResult()
    rej = Rejects(src.name)
    inspections: list[dict] = []
    judgements: list[dict] = []
    schools: list[dict] = []
    time_period = src.time_period
    layout_name = None
    latest: dt.date | None = None
    for layout, line, row in _school_rows(src):
        layout_name = layout.name
        urn_raw = row.get(("URN",))
        if urn_raw is None:
            continue  # blank rows at the end of Ofsted files
        result.rows_read += 1
        try:
            urn = parse_urn(urn_raw)
        except ValueError as exc:
            rej.add(line, "URN", urn_raw, str(exc))
            result.rows_rejected += 1
            continue
        for block in layout.blocks:
            inspection, judged = _stage_block(row, block, urn, line, src, rej)
            if inspection is None:
                continue
            inspections.append(inspection)
            judgements.extend(judged)
            for d in (inspection["inspection_start"], inspection["inspection_end"]):
                if d and (latest is None or d > latest):
                    latest = d
        laestab = row.get(("LAESTAB",))
        la_code = None
        if laestab and laestab.split(".")[0].isdigit() and len(laestab.split(".")[0]) == 7:
            la_code = int(laestab[:3])
        schools.append(
            {
                "urn": urn,
                "name": row.get(("School name",)),
                "la_code": la_code,
                "school_type": row.get(layout.school_type),
                "phase": None,
                "source_file": src.name,
            }
        )
    if time_period is None and latest is not None:
        time_period = academic_year(latest)
        result.time_period = time_period
    for s in schools:
        s["time_period"] = time_period
    result.add("stg_inspections", insert_rows(con, "stg_inspections", inspections))
    result.add(
        "stg_inspection_judgements", insert_rows(con, "stg_inspection_judgements", judgements)
    )
    result.add("stg_named_schools", insert_rows(con, "stg_named_schools", schools))
    n_rejects = rej.write(con)
    if n_rejects:
        result.add("rejects", n_rejects)
    result.notes.append(
        f"Ofsted layout {layout_name}: {len(inspections)} inspections from {result.rows_read} schools"
    )
    return result
