"""Published figures as a table for people: every label, unit and code from the figure definitions.

One shape for a page's table and its CSV/Excel export, so what is downloaded reads exactly as what
is shown: "Year", "Figure" (the label, with persistent absence's threshold), "Pupils" (the group's
label), "Value" (at its published precision, or its code), "Pupils counted", and, where the frame
has them, the confidence interval and the national figure. Never a raw column name, never "None".
"""

from __future__ import annotations

import pandas as pd

from dashboard.components.format import fmt_count, fmt_measure, fmt_year, is_missing
from warehouse import figures as F

ORDER = list(F.figures())


def _ci(measure: str, lo, hi) -> str:
    if is_missing(lo) or is_missing(hi):
        return ""
    return f"{fmt_measure(measure, lo)} to {fmt_measure(measure, hi)}"


def figures_table(df: pd.DataFrame) -> pd.DataFrame:
    """``df``: time_period, measure, pupil_group, value, status_code and optionally cohort,
    source_field, ci_lower, ci_upper, national_value. Rows in figure-definition order."""
    if df.empty:
        return pd.DataFrame(columns=["Year", "Figure", "Pupils", "Value", "Pupils counted"])
    d = df.copy()
    d["_order"] = [ORDER.index(m) if m in ORDER else len(ORDER) for m in d["measure"]]
    group_order = {g: i for i, g in enumerate(["all", "disadvantaged", "non_disadvantaged"])}
    d["_g"] = [group_order.get(g, 9) for g in d.get("pupil_group", ["all"] * len(d))]
    sort = [c for c in ("time_period", "_order", "_g", "pupil_group") if c in d.columns]
    d = d.sort_values(sort, ascending=[c != "time_period" for c in sort], kind="stable")
    src = d["source_field"] if "source_field" in d.columns else [None] * len(d)
    status = d["status_code"] if "status_code" in d.columns else [None] * len(d)
    out = pd.DataFrame(
        {
            "Year": [fmt_year(t) for t in d["time_period"]],
            "Figure": [F.label(m, s) for m, s in zip(d["measure"], src, strict=True)],
            "Pupils": [F.group_label(g) for g in d.get("pupil_group", ["all"] * len(d))],
            "Value": [
                fmt_measure(m, v, c)
                for m, v, c in zip(d["measure"], d["value"], status, strict=True)
            ],
        }
    )
    if "cohort" in d.columns:
        out["Pupils counted"] = ["" if is_missing(c) else fmt_count(c) for c in d["cohort"]]
    if "ci_lower" in d.columns and "ci_upper" in d.columns:
        cis = [
            _ci(m, lo, hi)
            for m, lo, hi in zip(d["measure"], d["ci_lower"], d["ci_upper"], strict=True)
        ]
        if any(cis):
            out["95% confidence interval"] = cis
    if "national_value" in d.columns:
        out["National"] = [
            "" if is_missing(v) else fmt_measure(m, v)
            for m, v in zip(d["measure"], d["national_value"], strict=True)
        ]
    return out.reset_index(drop=True)
