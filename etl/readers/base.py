"""What every reader receives and returns, so the loader can treat all formats alike.

A reader is a module in etl/readers/ with:
    KIND: str                       e.g. "ks2"
    NEEDS_TIME_PERIOD: bool         True when the year must come from the manifest or file name
    recognise(header) -> bool       True when the header is this format (never by file name alone)
    infer_time_period(src) -> int | None   optional: the year from the content (Ofsted dates, GIAS extract)
    stage(con, src) -> StageResult  writes typed rows into the stg_* tables and bad rows into `rejects`
    STAGE_BESIDE: bool              optional: True when stage() may run on the load's second
                                    connection, in a thread beside the load's own (etl/load.py
                                    _stage_all): it reads no table that a reader without the flag
                                    writes (DfE figures go to each connection's own temporary
                                    stg_measure_* tables, merged after staging). Readers with it run
                                    in their found order; KS2 and KS4, the largest, stay on the load's.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    """One input file as the loader found it."""

    path: Path  # the original file
    name: str  # path relative to the source folder: used in lineage and reject messages
    text_path: Path  # a UTF-8 copy for DuckDB (the original when it is already UTF-8)
    encoding: str  # utf-8, utf-8-sig, cp1252, or binary (xlsx, gpkg)
    header: tuple[str, ...]  # first-row cells, BOM, quotes and outer spaces removed
    delimiter: str = ","
    time_period: int | None = None  # DfE six-digit academic year, e.g. 201819
    file_status: str | None = None  # final, revised, provisional or None
    manifest_order: int | None = None


@dataclass
class StageResult:
    """What a reader did with one file; the loader's report is built from these."""

    rows_read: int = 0
    rows_rejected: int = 0
    tables: dict[str, int] = field(default_factory=dict)  # staging table -> rows written
    time_period: int | None = None  # set when the reader learnt the year from the content
    notes: list[str] = field(default_factory=list)
    # True while the loader's batch (etl/readers/_dfe.py Batch) still has this file's measures to
    # unpivot: tables and notes are complete only once it is False.
    deferred: bool = False

    def add(self, table: str, n: int) -> None:
        self.tables[table] = self.tables.get(table, 0) + n


def normalise_header(cells: Sequence[str]) -> tuple[str, ...]:
    """Header cells as compared by recognise(): BOM, quotes and outer whitespace removed."""
    return tuple(c.replace("\ufeff", "").strip().strip('"').strip() for c in cells)


def has_columns(header: Sequence[str], *names: str) -> bool:
    """Case- and space-insensitive test that every name is in the header."""
    have = _comparable(tuple(header))
    return all(" ".join(n.lower().split()) in have for n in names)


@functools.lru_cache(maxsize=256)
def _comparable(header: tuple[str, ...]) -> frozenset[str]:
    # made once per header: every reader's recognise() asks about the same few hundred cells
    return frozenset(" ".join(h.lower().split()) for h in header)
