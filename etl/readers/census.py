"""School census characteristics published with the performance tables (NOR, FSM, SEN, EAL).

Two layouts: 2017/18 (no SCHOOLTYPE; PNUMFSM) and 2018/19 (SCHOOLTYPE; NUMFSM counts only, so
fsm_pct is NUMFSM / NOR * 100, rounded to one decimal like the published percentages; its
source_field says so). Aggregate rows carry URN ``NAT`` (national) or ``LA`` (local authority) with
the phase PRI / SEC / SPE in ESTAB: national_scope is then state_funded_primary / _secondary /
_special, for LA rows too.
"""

from __future__ import annotations

import duckdb

from etl.codes import SCHOOL_PUPILS_MAX
from etl.readers._dfe import Field, RowSpec, col_or_null, stage_dfe
from etl.readers.base import SourceFile, StageResult, has_columns

KIND = "census"
STAGE_BESIDE = True  # staged on the load's second connection (etl/readers/base.py)
NEEDS_TIME_PERIOD = True

# A school's NOR above SCHOOL_PUPILS_MAX is a damaged cell (rejected), so no percentage is made from
# it; the NAT and LA aggregate rows have far more pupils. (``level`` is the row's classification,
# which stage_dfe's unpivot joins in beside the raw cells.)
_FSM_FROM_COUNTS = (
    'CASE WHEN parse_value("NUMFSM") IS NOT NULL AND parse_value("NOR") > 0 '
    f"AND (parse_value(\"NOR\") <= {SCHOOL_PUPILS_MAX} OR level <> 'school') "
    'THEN CAST(round(parse_value("NUMFSM") * 100.0 / parse_value("NOR"), 1) AS VARCHAR) '
    'WHEN parse_value("NUMFSM") IS NOT NULL THEN NULL ELSE "NUMFSM" END'
)

# The field mapping: published field -> measure (pupil group always 'all'; cohort = pupils on roll).
FIELDS: list[Field] = [
    Field("NOR", "pupils_on_roll", cohort="NOR"),
    Field("PNUMFSM", "fsm_pct", cohort="NOR"),
    Field(
        "NUMFSM/NOR*100", "fsm_pct", cohort="NOR", expr=_FSM_FROM_COUNTS, needs=("NUMFSM", "NOR")
    ),
    Field("PNUMFSMEVER", "fsm6_pct", cohort="NOR"),
    Field("PSENELK", "sen_support_pct", cohort="NOR"),
    Field("PSENELSE", "ehcp_pct", cohort="NOR"),
    Field("PNUMEAL", "eal_pct", cohort="NOR"),
]

PHASE_SCOPES = {
    "PRI": "state_funded_primary",
    "SEC": "state_funded_secondary",
    "SPE": "state_funded_special",
}


def recognise(header) -> bool:
    return (
        has_columns(header, "URN", "LA", "ESTAB", "NOR")
        and (
            has_columns(header, "PNUMFSMEVER")
            or has_columns(header, "PSENELK")
            or has_columns(header, "PNUMEAL")
        )
        and not has_columns(header, "RECTYPE")
    )


def fields_for(cols: dict[str, str]) -> list[Field]:
    """PNUMFSM when published, else the percentage from the NUMFSM count (never both)."""
    if "pnumfsm" in cols:
        return [f for f in FIELDS if f.expr is None]
    return [f for f in FIELDS if f.field != "PNUMFSM"]


def aggregate_spec(
    cols: dict[str, str], *, name_cols: tuple[str, ...], type_cols: tuple[str, ...]
) -> RowSpec:
    """Row classification shared with absence: NAT / LA in the URN column (census) or in the LA
    column (absence); the phase code PRI/SEC/SPE in whichever column holds it."""
    urn, la, estab = (
        col_or_null(cols, "URN"),
        col_or_null(cols, "LA", "LEA"),
        col_or_null(cols, "ESTAB"),
    )
    agg = f"CASE WHEN upper({urn}) IN ('NAT', 'LA') THEN upper({urn}) WHEN upper({la}) IN ('NAT', 'LA') THEN upper({la}) END"
    phase = f"coalesce(CASE upper({estab}) {_whens()} END, CASE upper({urn}) {_whens()} END)"
    return RowSpec(
        level=f"CASE {agg} WHEN 'NAT' THEN 'national' WHEN 'LA' THEN 'la' ELSE 'school' END",
        level_column=None,
        urn=f"CASE WHEN {agg} IS NULL THEN {urn} END",
        la=f"CASE WHEN upper({la}) IN ('NAT', 'LA') THEN NULL ELSE {la} END",
        national_scope=phase,
        name=col_or_null(cols, *name_cols),
        school_type=col_or_null(cols, *type_cols),
    )


def _whens() -> str:
    return " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PHASE_SCOPES.items())


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile) -> StageResult:
    lower = {h.lower(): h for h in src.header}
    return stage_dfe(
        con,
        src,
        kind=KIND,
        fields=fields_for(lower),
        spec=lambda cols: aggregate_spec(cols, name_cols=("SCHNAME",), type_cols=("SCHOOLTYPE",)),
        phase=None,
        headline=("NOR",),
    )
