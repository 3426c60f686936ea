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


def split_thresholds(
    df: pd.DataFrame, *, measure: str = "persistent_absence_pct", series: str = "series"
) -> tuple[pd.DataFrame, str | None]:
    """Persistent absence measured at different thresholds (15% to 2014/15, then 10%) never shares a
    line: where a frame holds both, each series is split by threshold ("National (15% threshold)"),
    so a chart draws separate lines, and the note says why. Other measures pass unchanged."""
    if df.empty or "source_field" not in df.columns or series not in df.columns:
        return df, None
    rows = df["measure"] == measure if "measure" in df.columns else pd.Series(True, index=df.index)
    thresholds = {F.pa_threshold(s) for s in df.loc[rows, "source_field"]} - {None}
    if len(thresholds) < 2:
        return df, None
    out = df.copy()
    out[series] = out[series].astype("object")
    for i in out.index[rows]:
        t = F.pa_threshold(out.at[i, "source_field"])
        if t is not None:
            out.at[i, series] = f"{out.at[i, series]} ({t}% threshold)"
    note = (
        "Persistent absence was published at a 15% threshold (pupils missing 15% or more of "
        "sessions) in earlier years and at 10% since; the two are not comparable, so their lines "
        "are drawn separately and not joined."
    )
    return out, note


def threshold_label(df: pd.DataFrame, measure: str = "persistent_absence_pct") -> str:
    """The label of a measure for a chart of ``df``: persistent absence names its threshold when
    every row has the same one, else says the thresholds differ."""
    if measure != "persistent_absence_pct" or "source_field" not in df.columns:
        return F.label(measure)
    thresholds = sorted({F.pa_threshold(s) for s in df["source_field"]} - {None})
    if len(thresholds) == 1:
        return F.label(measure, f"PPERSABS{thresholds[0]}")
    if len(thresholds) > 1:
        return f"{F.figure(measure).label} (15% and 10% thresholds: not comparable)"
    return F.label(measure)
