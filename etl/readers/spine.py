"""The performance-tables school information file ("spine": URN, LA, ESTAB, LAESTAB, SCHNAME,
POSTCODE, OPENDATE/CLOSEDATE as yyyymmdd, MINORGROUP, NFTYPE (a name, e.g. "Community school"),
ISPRIMARY/ISSECONDARY/ISPOST16, ...). Writes stg_establishments (decision 3: used for schools that
GIAS does not name). It has no coordinates, district or status; phase comes from the IS* flags.
"""

from __future__ import annotations

import duckdb

from etl.codes import install_macros
from etl.readers._dfe import columns_of, q
from etl.readers._estab import cell, date_expr, reject_bad_urns
from etl.readers.base import SourceFile, StageResult, has_columns
from etl.readers.csv_source import read_raw

KIND = "spine"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False

COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("URN",),
    "name": ("SCHNAME",),
    "la_code": ("LA", "LEA"),
    "postcode": ("POSTCODE", "PCODE"),
    "open_date": ("OPENDATE",),
    "close_date": ("CLOSEDATE",),
    "group": ("MINORGROUP",),
    "type": ("NFTYPE",),
    "pri": ("ISPRIMARY",),
    "sec": ("ISSECONDARY",),
    "p16": ("ISPOST16",),
}


def recognise(header) -> bool:
    return (
        has_columns(header, "URN", "LAESTAB", "SCHNAME")
        and (has_columns(header, "ISPRIMARY") or has_columns(header, "MINORGROUP"))
        and not has_columns(header, "RECTYPE")
    )


SPINE_DATE_FORMATS = ["%Y%m%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    install_macros(con)
    raw = f"__raw_spine_{abs(hash(src.name)) % 10**8}"
    res = StageResult()
    res.rows_read = read_raw(con, src.text_path, raw, src.header, src.delimiter)
    cols = columns_of(con, raw)
    ok, n_bad = reject_bad_urns(con, raw, cols["urn"], src.name)
    res.rows_rejected = n_bad
    if n_bad:
        res.add("rejects", n_bad)
    c = {k: cell(cols, COLUMNS[k]) for k in COLUMNS}
    group_l, type_l = f"lower({c['group']})", f"lower({c['type']})"
    is_academy = (
        f"CASE WHEN {c['group']} IS NULL AND {c['type']} IS NULL THEN NULL ELSE coalesce("
        f"{group_l} IN ('academy', 'free school') OR {type_l} LIKE '%academy%' OR {type_l} LIKE 'free school%' "
        f"OR {type_l} LIKE '%university technical college%' OR {type_l} LIKE '%studio school%', FALSE) END"
    )
    pri, sec, p16 = (f"({c[k]} = '1')" for k in ("pri", "sec", "p16"))
    phase = (
        f"CASE WHEN {group_l} LIKE 'special%' OR {type_l} LIKE '%special%' THEN 'Special' "
        f"WHEN {type_l} LIKE '%alternative provision%' OR {type_l} LIKE 'pupil referral unit%' THEN 'Alternative provision' "
        f"WHEN {pri} AND {sec} THEN 'All-through' WHEN {pri} THEN 'Primary' WHEN {sec} THEN 'Secondary' "
        f"WHEN {p16} THEN '16 plus' ELSE 'Unknown' END"
    )
    n = con.execute(
        f"""INSERT INTO stg_establishments (urn, name, la_code, phase, school_type, establishment_group, is_academy,
                open_date, close_date, postcode, source_file, source_line)
            SELECT ok.urn, {c["name"]}, TRY_CAST({c["la_code"]} AS INTEGER), {phase}, {c["type"]}, {c["group"]},
                   {is_academy}, {date_expr(c["open_date"], SPINE_DATE_FORMATS)}, {date_expr(c["close_date"], SPINE_DATE_FORMATS)}, {c["postcode"]}, ?, r.__line
            FROM {q(raw)} r JOIN {q(ok)} ok ON r.__line = ok.__line ORDER BY r.__line""",
        [src.name],
    ).fetchone()[0]
    res.add("stg_establishments", n)
    con.execute(f"DROP TABLE IF EXISTS {q(ok)}")
    con.execute(f"DROP TABLE IF EXISTS {q(raw)}")
    return res
