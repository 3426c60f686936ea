"""Source folders and checks for the fault tests: a small subset of a generated county, a copy whose
GIAS school names carry a marker (so a test, or a page, can tell which load it shows), and a
fingerprint of what a warehouse serves."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

from warehouse.connection import open_read_only, resolve_build

GIAS_GLOB = "edubasealldata*.csv"
SMALL = (GIAS_GLOB, "2024-2025/991_ks2final.csv")  # enough for the model and the contract
KEY_TABLES = ("schools", "school_measures", "support_category", "load_info")


def small_copy(src: Path, dst: Path, keep: tuple[str, ...] = SMALL) -> Path:
    """Copy only the files matching ``keep`` (and their manifest rows) from a generated county."""
    dst.mkdir(parents=True, exist_ok=True)
    names = sorted({str(p.relative_to(src)) for pattern in keep for p in src.glob(pattern)})
    for name in names:
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / name, dst / name)
    lines = (src / "manifest.csv").read_text().splitlines()
    rows = [ln for ln in lines[1:] if ln.split(",")[0] in names]
    (dst / "manifest.csv").write_text("\n".join([lines[0], *rows]) + "\n")
    return dst


def renamed_copy(src: Path, dst: Path, marker: str) -> Path:
    """A copy of ``src`` whose GIAS names all end with ``marker`` (GIAS names win in `schools`)."""
    shutil.copytree(src, dst)
    [gias] = dst.glob(GIAS_GLOB)
    raw = gias.read_bytes().decode("latin-1")  # round-trips any byte
    newline = "\r\n" if "\r\n" in raw else "\n"
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    col = rows[0].index("EstablishmentName")
    for row in rows[1:]:
        if len(row) > col:
            row[col] = f"{row[col]} {marker}"
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=newline).writerows(rows)
    gias.write_bytes(out.getvalue().encode("latin-1"))
    return dst


def fingerprint(warehouse: Path) -> dict[str, object]:
    """Row counts of every table of the build the pointer names, and a checksum of key tables'
    rows (load_info carries the run id, so two loads of the same files still differ)."""
    con = open_read_only(resolve_build(warehouse))
    try:
        sql = "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1"
        tables = [r[0] for r in con.execute(sql).fetchall()]
        out: dict[str, object] = {
            t: con.execute("SELECT count(*) FROM query_table(?)", [t]).fetchone()[0] for t in tables
        }
        for t in KEY_TABLES:
            rows = sorted(
                repr(r) for r in con.execute("SELECT * FROM query_table(?)", [t]).fetchall()
            )
            out[f"{t} sha256"] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def school_names(warehouse: Path) -> list[str]:
    con = open_read_only(resolve_build(warehouse))
    try:
        return [r[0] for r in con.execute("SELECT name FROM schools ORDER BY urn").fetchall()]
    finally:
        con.close()
