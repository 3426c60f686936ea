"""School absence published with the performance tables: PERCTOT (overall absence rate) and
PPERSABS10 (persistent absentees, 10% threshold) or PPERSABS15 (15%, files to 2014/15); source_field
records which. National rows carry ``NAT`` (in the LA column in this file; in URN elsewhere), with the
phase PRI / SEC / SPE; they become national rows with national_scope state_funded_<phase>.
"""

from __future__ import annotations

import duckdb

from etl.readers._dfe import Field, stage_dfe
from etl.readers.base import SourceFile, StageResult, has_columns
from etl.readers.census import aggregate_spec

KIND = "absence"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = True

# The field mapping: published field -> measure (pupil group 'all').
FIELDS: list[Field] = [
    Field("PERCTOT", "overall_absence_pct"),
    Field("PPERSABS10", "persistent_absence_pct"),
    Field("PPERSABS15", "persistent_absence_pct"),
]


def recognise(header) -> bool:
    return has_columns(header, "URN", "PERCTOT") or (
        has_columns(header, "URN")
        and (has_columns(header, "PPERSABS10") or has_columns(header, "PPERSABS15"))
    )


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    lower = {h.lower() for h in src.header}
    fields = FIELDS if "ppersabs10" not in lower else [f for f in FIELDS if f.field != "PPERSABS15"]
    return stage_dfe(
        con,
        src,
        kind=KIND,
        fields=fields,
        spec=lambda cols: aggregate_spec(cols, name_cols=("SCHNAME",), type_cols=("SCHOOLTYPE",)),
        phase=None,
        headline=("PERCTOT",),
    )
