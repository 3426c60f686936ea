"""Key stage 4 performance tables: final, revised and provisional layouts (the provisional download
has only 25 columns; the final one about 500). The same field mapping serves all: a field a layout
does not publish is skipped. Recognised by RECTYPE + URN + ATT8SCR or P8MEA.

Levels: RECTYPE 1, 2 school; 4 la; 5 national (all schools); 7 national (maintained).
"""

from __future__ import annotations

import duckdb

from etl.readers._dfe import Field, RowSpec, col_or_null, groups, stage_dfe
from etl.readers.base import SourceFile, StageResult, has_columns

KIND = "ks4"
NEEDS_TIME_PERIOD = True

GROUPS = [
    ("", "all"),
    ("_FSM6CLA1A", "disadvantaged"),
    ("_NFSM6CLA1A", "non_disadvantaged"),
    ("_BOYS", "boys"),
    ("_GIRLS", "girls"),
    ("_EAL", "eal"),
    ("_LO", "prior_low"),
    ("_AV", "prior_middle"),
    ("_HI", "prior_high"),
]
COHORTS = {
    "all": "TPUP",
    "disadvantaged": "TFSM6CLA1A",
    "non_disadvantaged": "TNOTFSM6CLA1A",
    "boys": "BPUP",
    "girls": "GPUP",
    "eal": "TEALGRP2",
    "prior_low": "TPRIORLO",
    "prior_middle": "TPRIORAV",
    "prior_high": "TPRIORHI",
}
ALL_ONLY = GROUPS[:1]

# The field mapping. P8's confidence limits are P8CILOW/P8CIUPP with the group suffix.
FIELDS: list[Field] = [
    *groups("ATT8SCR", "ks4_attainment8", GROUPS, cohorts=COHORTS),
    *groups(
        "P8MEA",
        "ks4_progress8",
        GROUPS,
        lower="P8CILOW{sfx}",
        upper="P8CIUPP{sfx}",
        cohorts=COHORTS,
    ),
    *groups("PTL2BASICS_94", "ks4_basics_94_pct", ALL_ONLY, cohorts=COHORTS),
    *groups("PTL2BASICS_95", "ks4_basics_95_pct", ALL_ONLY, cohorts=COHORTS),
    *groups("EBACCAPS", "ks4_ebacc_aps", GROUPS, cohorts=COHORTS),
    *groups("PTEBACC_E_PTQ_EE", "ks4_ebacc_entry_pct", ALL_ONLY, cohorts=COHORTS),
    Field("TPUP", "ks4_cohort", "all", cohort="TPUP"),
    # Context of the KS4 cohort, for the similar-schools groups (issue 22); final files only
    # (the provisional layout publishes none of these).
    *(
        Field(f, m, "all", cohort="TPUP")
        for f, m in (
            ("KS2APS", "ks4_prior_ks2_aps"),
            ("PTPRIORLO", "ks4_prior_low_pct"),
            ("PTPRIORHI", "ks4_prior_high_pct"),
            ("PTFSM6CLA1A", "ks4_disadvantaged_pct"),
            ("PTEALGRP2", "ks4_eal_pct"),
            ("PSENAPK4", "ks4_sen_support_pct"),
            ("PSENSE4", "ks4_ehcp_pct"),
        )
    ),
]

LEVELS = {"1": "school", "2": "school", "4": "la", "5": "national", "7": "national"}
SCOPES = {"5": "all_schools", "7": "maintained"}


def recognise(header) -> bool:
    return (
        has_columns(header, "RECTYPE", "URN")
        and (has_columns(header, "ATT8SCR") or has_columns(header, "P8MEA"))
        and not has_columns(header, "PTRWM_EXP")
    )


def _case(expr: str, mapping: dict[str, str]) -> str:
    return (
        "CASE "
        + expr
        + " "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
        + " END"
    )


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
        con, src, kind=KIND, fields=FIELDS, spec=row_spec, phase="Secondary", headline=HEADLINE
    )


# The model's measures (decision 7): the report names any of these missing from a file's header.
HEADLINE = ("ATT8SCR", "P8MEA")
