"""Key stage 2 performance tables (compare-school-performance downloads, LA or England, 2016 onwards).

Recognised by RECTYPE + URN + the KS2 headline fields. Levels: RECTYPE 1, 2 school; 3 la;
4 national (all schools); 5 national (state-funded). Only the canonical measures of
docs/architecture.md are unpivoted; the ``_16/_17/_18/_3YR`` prior-year copies never are.
"""

from __future__ import annotations

import duckdb

from etl.readers._dfe import Field, RowSpec, col_or_null, groups, stage_dfe
from etl.readers.base import SourceFile, StageResult, has_columns

KIND = "ks2"
NEEDS_TIME_PERIOD = True

# suffix -> pupil group, and the column with the group's number of eligible pupils
GROUPS = [
    ("", "all"),
    ("_FSM6CLA1A", "disadvantaged"),
    ("_NotFSM6CLA1A", "non_disadvantaged"),
    ("_B", "boys"),
    ("_G", "girls"),
    ("_EAL", "eal"),
    ("_L", "prior_low"),
    ("_M", "prior_middle"),
    ("_H", "prior_high"),
]
COHORTS = {
    "all": "TELIG",
    "disadvantaged": "TFSM6CLA1A",
    "non_disadvantaged": "TNotFSM6CLA1A",
    "boys": "BELIG",
    "girls": "GELIG",
    "eal": "TEALGRP2",
    "prior_low": "TKS1GROUP_L",
    "prior_middle": "TKS1GROUP_M",
    "prior_high": "TKS1GROUP_H",
}

# The field mapping: (published field [+ group suffix]) -> measure, CI columns, cohort column.
FIELDS: list[Field] = [
    *groups("PTRWM_EXP", "ks2_rwm_expected_pct", GROUPS, cohorts=COHORTS),
    *groups("PTRWM_HIGH", "ks2_rwm_higher_pct", GROUPS, cohorts=COHORTS),
    *groups(
        "READPROG",
        "ks2_reading_progress",
        GROUPS,
        lower="{base}{sfx}_LOWER",
        upper="{base}{sfx}_UPPER",
        cohorts=COHORTS,
    ),
    *groups(
        "WRITPROG",
        "ks2_writing_progress",
        GROUPS,
        lower="{base}{sfx}_LOWER",
        upper="{base}{sfx}_UPPER",
        cohorts=COHORTS,
    ),
    *groups(
        "MATPROG",
        "ks2_maths_progress",
        GROUPS,
        lower="{base}{sfx}_LOWER",
        upper="{base}{sfx}_UPPER",
        cohorts=COHORTS,
    ),
    *groups("READ_AVERAGE", "ks2_reading_scaled_score", GROUPS, cohorts=COHORTS),
    *groups("MAT_AVERAGE", "ks2_maths_scaled_score", GROUPS, cohorts=COHORTS),
    *groups("GPS_AVERAGE", "ks2_gps_scaled_score", GROUPS, cohorts=COHORTS),
    Field("TELIG", "ks2_cohort", "all", cohort="TELIG"),
    # Context of the KS2 cohort (share of the eligible pupils), for the similar-schools groups (issue 22).
    *(
        Field(f, m, "all", cohort="TELIG")
        for f, m in (
            ("PTKS1GROUP_L", "ks2_prior_low_pct"),
            ("PTKS1GROUP_H", "ks2_prior_high_pct"),
            ("PTFSM6CLA1A", "ks2_disadvantaged_pct"),
            ("PTEALGRP2", "ks2_eal_pct"),
            ("PSENELK", "ks2_sen_support_pct"),
            ("PSENELE", "ks2_ehcp_pct"),
        )
    ),
]

# The model's measures (decision 7): the report names any of these missing from a file's header.
HEADLINE = ("PTRWM_EXP", "READPROG", "WRITPROG", "MATPROG")

LEVELS = {"1": "school", "2": "school", "3": "la", "4": "national", "5": "national"}
SCOPES = {"4": "all_schools", "5": "state_funded"}


def recognise(header) -> bool:
    return has_columns(header, "RECTYPE", "URN", "TELIG") and (
        has_columns(header, "PTRWM_EXP") or has_columns(header, "READPROG")
    )


def _case(expr: str, mapping: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"CASE {expr} {whens} END"


def row_spec(cols: dict[str, str]) -> RowSpec:
    rt = col_or_null(cols, "RECTYPE")
    return RowSpec(
        level=_case(rt, LEVELS),
        level_column=cols.get("rectype"),
        urn=col_or_null(cols, "URN"),
        la=col_or_null(cols, "LEA", "LA"),
        national_scope=_case(rt, SCOPES),
        name=col_or_null(cols, "SCHNAME"),
        school_type=col_or_null(cols, "NFTYPE"),
    )


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    return stage_dfe(
        con, src, kind=KIND, fields=FIELDS, spec=row_spec, phase="Primary", headline=HEADLINE
    )
