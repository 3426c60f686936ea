"""Get Information About Schools (GIAS) establishment extracts ("edubasealldata", any year 2016
onwards, with or without links). Ragged "with links" rows (more cells than the header) keep the
header's columns; dates are dd-mm-yyyy; easting/northing become latitude/longitude (EPSG:27700 ->
EPSG:4326). The extract date comes from the file name (``YYYYMMDD_...`` or ``edubasealldataYYYYMMDD``)
or else the newest LastChangedDate.
"""

from __future__ import annotations

import csv
import datetime as dt
import re

import duckdb

from etl.codes import install_macros
from etl.readers._dfe import columns_of, q
from etl.readers._estab import (
    COUNT_RULE,
    LA_RULE,
    PCT_RULE,
    add_lat_lon,
    cell,
    count_sql,
    date_expr,
    la_code_sql,
    pct_sql,
    reject_bad_cells,
    reject_bad_urns,
)
from etl.readers._rows import insert_rows
from etl.readers.base import SourceFile, StageResult, has_columns
from etl.readers.csv_source import read_raw, sheet_first_row

KIND = "gias"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = (
    False  # establishments have no academic year; infer_time_period gives the extract's
)

# stg_establishments column -> GIAS column(s), first present wins (older extracts drop "(name)")
COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("URN",),
    "name": ("EstablishmentName",),
    "la_code": ("LA (code)", "LA"),
    "la_name": ("LA (name)",),
    "district": ("DistrictAdministrative (name)", "DistrictAdministrative"),
    "phase": ("PhaseOfEducation (name)", "PhaseOfEducation"),
    "school_type": ("TypeOfEstablishment (name)", "TypeOfEstablishment"),
    "establishment_group": ("EstablishmentTypeGroup (name)", "EstablishmentTypeGroup"),
    "status": ("EstablishmentStatus (name)", "EstablishmentStatus"),
    "open_date": ("OpenDate",),
    "close_date": ("CloseDate",),
    "postcode": ("Postcode",),
    "easting": ("Easting",),
    "northing": ("Northing",),
    "pupils": ("NumberOfPupils",),
    "pct_fsm": ("PercentageFSM",),
    "ofsted_rating": ("OfstedRating (name)", "OfstedRating"),
    "ofsted_last_insp": ("OfstedLastInsp",),
    "last_changed": ("LastChangedDate",),
}

DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
ACADEMY_GROUPS = ("academies", "free schools")
# types outside those groups that are academies or free schools (special / AP / 16-19 academies, UTCs, studio schools)
ACADEMY_TYPE_PATTERNS = (
    "%academy%",
    "free school%",
    "university technical college%",
    "studio school%",
    "city technology college%",
)


def recognise(header) -> bool:
    return has_columns(header, "URN", "EstablishmentName") and (
        has_columns(header, "TypeOfEstablishment (name)")
        or has_columns(header, "TypeOfEstablishment")
    )


def _date_from_name(name: str) -> dt.date | None:
    for m in re.finditer(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)", name.rsplit("/", 1)[-1]):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def _newest_last_changed(src: SourceFile) -> dt.date | None:
    lower = [h.lower() for h in src.header]
    if "lastchangeddate" not in lower:
        return None
    i = lower.index("lastchangeddate")
    newest = None
    with open(src.text_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        r = csv.reader(fh, delimiter=src.delimiter)
        next(r, None)
        for row in r:
            if i < len(row):
                try:
                    d = dt.datetime.strptime(row[i].strip(), "%d-%m-%Y").date()
                except ValueError:
                    continue
                newest = d if newest is None or d > newest else newest
    return newest


def extract_date(src: SourceFile) -> dt.date | None:
    """The file name's YYYYMMDD date, else the newest LastChangedDate in the file."""
    return _date_from_name(src.name) or _newest_last_changed(src)


def academic_year(d: dt.date) -> int:
    """The DfE six-digit academic year (September to August) containing ``d``: 2022-04-20 -> 202122."""
    start = d.year if d.month >= 9 else d.year - 1
    return start * 100 + (start + 1) % 100


LINKS_COLUMN = "Linked establishments"
_LINK_CELL = re.compile(r"^\s*(\d{6})\s+(\S.*?)\s*$")


def _stage_links(con: duckdb.DuckDBPyConnection, src: SourceFile) -> int:
    """The "with links" extract's ``Linked establishments`` cells ("148213 Successor"; a row with
    several links has more cells than the header) into stg_school_links. The link's date is not in
    these cells: core/school_links.sql dates it by the successor's open date. A cell that is
    neither a link nor "Does not have links" goes to rejects."""
    lower = [" ".join(h.lower().split()) for h in src.header]
    if LINKS_COLUMN.lower() not in lower:
        return 0
    i = lower.index(LINKS_COLUMN.lower())
    offset = sheet_first_row(src.text_path) - 1
    out, bad = [], []
    with open(src.text_path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        r = csv.reader(fh, delimiter=src.delimiter)
        next(r, None)
        line = r.line_num + 1
        for row in r:
            urn_s = row[0].strip() if row else ""
            for cell_ in row[i:]:
                text = cell_.strip()
                if not text or text.lower() == "does not have links":
                    continue
                m = _LINK_CELL.match(text)
                if m and urn_s.isdigit() and len(urn_s) == 6:
                    out.append(
                        (int(urn_s), int(m.group(1)), m.group(2), None, src.name, line + offset)
                    )
                elif urn_s.isdigit():
                    bad.append(
                        (
                            src.name,
                            line + offset,
                            LINKS_COLUMN,
                            text,
                            "not a link (expected a URN and a link type, e.g. '148213 Successor')",
                        )
                    )
            line = r.line_num + 1
    # one set-based insert each (executemany is a statement per row: minutes on a national file)
    _insert_tuples(
        con,
        "stg_school_links",
        ("urn", "linked_urn", "link_type", "link_date", "source_file", "source_line"),
        out,
    )
    _insert_tuples(con, "rejects", ("file_name", "line", "column_name", "value", "reason"), bad)
    return len(out)


def _insert_tuples(con, table: str, names: tuple[str, ...], rows: list[tuple]) -> None:
    if rows:
        insert_rows(con, table, [dict(zip(names, r, strict=True)) for r in rows])


def infer_time_period(src: SourceFile) -> int | None:
    d = extract_date(src)
    return academic_year(d) if d else None


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    install_macros(con)
    raw = f"__raw_gias_{abs(hash(src.name)) % 10**8}"
    res = StageResult()
    res.rows_read = read_raw(con, src.text_path, raw, src.header, src.delimiter)
    cols = columns_of(con, raw)
    ok, n_bad = reject_bad_urns(con, raw, cols["urn"], src.name)
    res.rows_rejected = n_bad
    if n_bad:
        res.add("rejects", n_bad)
    ext = extract_date(src)
    res.time_period = academic_year(ext) if ext else None
    checks = [
        (COLUMNS["la_code"], LA_RULE),
        (COLUMNS["pupils"], COUNT_RULE),
        (COLUMNS["pct_fsm"], PCT_RULE),
    ]
    n_cells = reject_bad_cells(con, raw, ok, cols, src.name, checks)
    if n_cells:
        res.add("rejects", n_cells)
        res.notes.append(f"{src.name}: {n_cells} cells not loaded (see rejects)")
    c = {k: cell(cols, COLUMNS[k]) for k in COLUMNS}
    group_l, type_l, phase = (
        f"lower({c['establishment_group']})",
        f"lower({c['school_type']})",
        c["phase"],
    )
    academy_types = " OR ".join(f"{type_l} LIKE '{p}'" for p in ACADEMY_TYPE_PATTERNS)
    is_academy = (
        f"CASE WHEN {c['establishment_group']} IS NULL AND {c['school_type']} IS NULL THEN NULL "
        f"ELSE coalesce({group_l} IN {ACADEMY_GROUPS!r} OR {academy_types}, FALSE) END"
    )
    phase_sql = (
        f"CASE WHEN ({phase} IS NULL OR {phase} = 'Not applicable') AND "
        f"({type_l} LIKE '%alternative provision%' OR {type_l} LIKE 'pupil referral unit%') THEN 'Alternative provision' "
        f"WHEN ({phase} IS NULL OR {phase} = 'Not applicable') AND "
        f"({group_l} = 'special schools' OR {type_l} LIKE '%special%') THEN 'Special' "
        f"WHEN {phase} IS NULL THEN 'Unknown' ELSE {phase} END"
    )
    n = con.execute(
        f"""INSERT INTO stg_establishments (urn, name, la_code, la_name, district, phase, school_type,
                establishment_group, is_academy, status, open_date, close_date, postcode, easting, northing,
                pupils, pct_fsm, ofsted_rating, ofsted_last_insp, extract_date, source_file, source_line)
            SELECT ok.urn, {c["name"]}, {la_code_sql(c["la_code"])}, {c["la_name"]}, {c["district"]},
                   {phase_sql}, {c["school_type"]}, {c["establishment_group"]}, {is_academy}, {c["status"]},
                   {date_expr(c["open_date"], DATE_FORMATS)}, {date_expr(c["close_date"], DATE_FORMATS)}, {c["postcode"]},
                   parse_value({c["easting"]}), parse_value({c["northing"]}),
                   {count_sql(c["pupils"])}, {pct_sql(c["pct_fsm"])},
                   {c["ofsted_rating"]}, {date_expr(c["ofsted_last_insp"], DATE_FORMATS)}, ?::DATE, ?, r.__line
            FROM {q(raw)} r JOIN {q(ok)} ok ON r.__line = ok.__line
            ORDER BY r.__line""",
        [ext, src.name],
    ).fetchone()[0]
    res.add("stg_establishments", n)
    n_links = _stage_links(con, src)
    if n_links:
        res.add("stg_school_links", n_links)
    located = add_lat_lon(con, src.name)
    res.notes.append(
        f"{src.name}: extract date {ext or 'unknown'}; {located} of {n} establishments located"
    )
    con.execute(f"DROP TABLE IF EXISTS {q(ok)}")
    con.execute(f"DROP TABLE IF EXISTS {q(raw)}")
    return res
