"""DfE files that are not data: field lists (``*_meta.csv``), ``la_and_region_codes_meta.csv``,
methodology notes, ``abbreviations.xlsx``, READMEs. Recognised so the loader skips them with a line in
the report (decision 4), never a failure. ``stage`` writes nothing.

``recognise(header)`` works on the first row (for an xlsx, the first row of the first sheet; for a
text file, its first line). ``is_metadata_name(name)`` is for files with no usable header (README,
xlsx the loader does not open): the one place a file name is used, and only to skip.
"""

from __future__ import annotations

import re

import duckdb

from etl.readers.base import SourceFile, StageResult, has_columns

KIND = "metadata"
NEEDS_TIME_PERIOD = False

# header column sets of the published field lists and code lists
_META_HEADERS: tuple[tuple[str, ...], ...] = (
    ("Column", "FieldName", "Label/Description"),  # ks2_meta.csv (to 2017)
    ("Column", "Field Name", "Label/Description"),  # ks2_meta.csv (2018 on)
    (
        "Metafile heading",
        "Metafile description",
    ),  # ks4 / ks5 meta (csv has a leading Column; xlsx not)
    ("Field Number", "Field Reference", "Field Name"),  # census_meta.csv
    ("Variable", "Label", "Type", "Description"),  # pupdestprovisional_meta.csv
    ("LEA", "LA Name", "REGION", "REGION NAME"),  # la_and_region_codes_meta.csv
    ("Field Reference", "Field Name"),
    ("Field", "Description"),
)
_FIRST_CELL = re.compile(
    r"(abbreviations|performance tables|explanation of terminology|methodology|metadata|readme|"
    r"average point score|progress 8|this file|notes?\b)",
    re.I,
)
_NAME = re.compile(
    r"(_meta\.(csv|xlsx?)$|^meta[_.]|abbreviations\.xlsx?$|^readme(\.[a-z]+)?$|\.md$|\.txt$|\.pdf$|\.docx?$)",
    re.I,
)


def recognise(header) -> bool:
    cells = [c for c in header if c and c.strip()]
    if any(has_columns(header, *cols) for cols in _META_HEADERS):
        return True
    # one-cell text headers: notes, titles of abbreviation sheets, methodology files
    return (
        len(cells) <= 2
        and bool(cells)
        and bool(_FIRST_CELL.search(cells[0]))
        and not has_columns(header, "URN")
    )


def is_metadata_name(name: str) -> bool:
    """True for names that are documentation by convention (``*_meta.csv``, ``abbreviations.xlsx``, README...)."""
    return bool(_NAME.search(name.replace("\\", "/").rsplit("/", 1)[-1]))


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    res = StageResult()
    res.notes.append(
        f"{src.name}: DfE metadata (field list, code list or notes), not data: skipped"
    )
    return res
