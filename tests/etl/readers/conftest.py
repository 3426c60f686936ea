"""Fixtures for the reader tests: the real published files, a staging connection, SourceFile builder."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from etl.manifest import read_manifest
from etl.readers import csv_source
from etl.readers.base import SourceFile
from tests.shared_data import REAL_DATA
from warehouse.sql_files import run_folder

REAL = REAL_DATA


@pytest.fixture
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real published data not present at {REAL}")
    return REAL


@pytest.fixture
def con():
    c = duckdb.connect(
        ":memory:",
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    run_folder(c, "staging")  # the staging tables as the load makes them
    yield c
    c.close()


def make_src(folder: Path, rel: str, workdir: Path | None = None, **over) -> SourceFile:
    """A SourceFile as the loader builds it: sniffed encoding, UTF-8 copy, header, manifest year/status."""
    path = folder / rel
    enc = csv_source.sniff_encoding(path)
    text = csv_source.to_utf8(path, enc, workdir or path.parent)
    header, delim = csv_source.read_header(
        text if enc == "cp1252" else path, "utf-8" if enc == "cp1252" else enc
    )
    entry = read_manifest(REAL).lookup(rel) if REAL.is_dir() else None
    kw = dict(
        path=path,
        name=rel,
        text_path=text,
        encoding=enc,
        header=header,
        delimiter=delim,
        time_period=entry.time_period if entry else None,
        file_status=entry.status if entry else None,
    )
    kw.update(over)
    return SourceFile(**kw)


def raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows as Python's csv module reads them (the independent reference)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def raw_dicts(path: Path) -> list[dict[str, str]]:
    """Rows as dicts, short rows padded with '' (line = file line, header = 1)."""
    header, rows = raw_rows(path)
    out = []
    for i, r in enumerate(rows, start=2):
        d = {h: (r[j] if j < len(r) else "") for j, h in enumerate(header)}
        d["__line"] = i
        out.append(d)
    return out


def num(cell: str) -> float | None:
    c = cell.replace("%", "").replace(",", "").strip()
    try:
        return float(c)
    except ValueError:
        return None
