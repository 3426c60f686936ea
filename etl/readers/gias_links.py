"""GIAS establishment links ("links_edubasealldataYYYYMMDD.csv": URN, LinkURN, LinkName, LinkType,
LinkEstablishedDate) into stg_school_links: which school a URN replaced or was replaced by when it
converted to an academy, amalgamated, split or re-opened. The "with links" establishments extract
carries the same links in its ``Linked establishments`` cells (etl/readers/gias.py reads those).

A bad URN or LinkURN rejects the row (line named); a bad date rejects the cell and the link still
loads without a date. Link types are kept as published.
"""

from __future__ import annotations

import duckdb

from etl.readers._dfe import q
from etl.readers._rows import Rejects, insert_rows, parse_date, parse_urn
from etl.readers.base import SourceFile, StageResult, has_columns
from etl.readers.csv_source import read_raw, unique_names

KIND = "gias_links"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = False


def recognise(header) -> bool:
    return has_columns(header, "URN", "LinkURN", "LinkType")


def _col(header: tuple[str, ...], name: str) -> str | None:
    names = unique_names(tuple(header))
    for raw, h in zip(names, header, strict=True):
        if " ".join(h.lower().split()) == name.lower():
            return raw
    return None


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    res = StageResult()
    raw = f"__raw_links_{abs(hash(src.name)) % 10**8}"
    res.rows_read = read_raw(con, src.text_path, raw, src.header, src.delimiter)
    c = {k: _col(src.header, k) for k in ("URN", "LinkURN", "LinkType", "LinkEstablishedDate")}
    date = f"{q(c['LinkEstablishedDate'])}" if c["LinkEstablishedDate"] else "NULL"
    rows = con.execute(
        f"SELECT __line, {q(c['URN'])}, {q(c['LinkURN'])}, {q(c['LinkType'])}, {date} "
        f"FROM {q(raw)} ORDER BY __line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {q(raw)}")
    rej = Rejects(src.name)
    out = []
    for line, urn_s, link_s, link_type, date_s in rows:
        if not any(str(v or "").strip() for v in (urn_s, link_s, link_type)):
            continue  # a blank line at the end
        try:
            urn, linked = parse_urn(urn_s), parse_urn(link_s)
        except ValueError as exc:
            bad = "URN" if _bad(urn_s) else "LinkURN"
            rej.add(line, bad, urn_s if bad == "URN" else link_s, str(exc))
            res.rows_rejected += 1
            continue
        if urn is None or linked is None or not str(link_type or "").strip():
            rej.add(line, "URN", urn_s, "a link needs URN, LinkURN and LinkType: row not loaded")
            res.rows_rejected += 1
            continue
        try:
            when = parse_date(date_s)
        except ValueError as exc:
            rej.add(line, "LinkEstablishedDate", date_s, f"{exc}; the link loads without a date")
            when = None
        out.append((urn, linked, str(link_type).strip(), when, src.name, line))
    names = ("urn", "linked_urn", "link_type", "link_date", "source_file", "source_line")
    # one set-based insert (executemany is a statement per row)
    insert_rows(con, "stg_school_links", [dict(zip(names, r, strict=True)) for r in out])
    res.add("stg_school_links", len(out))
    n_rej = rej.write(con)
    if n_rej:
        res.add("rejects", n_rej)
    res.notes.append(f"{len(out)} establishment links")
    return res


def _bad(value) -> bool:
    try:
        parse_urn(value)
    except ValueError:
        return True
    return False
