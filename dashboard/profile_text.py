"""Plain-English sentences for the governor's school profile ('what stands out'), from the numbers.

Pure functions: numbers in, sentences out (no Streamlit, no database). Comparisons are made on the
figures as they are shown (rounded as published), so a sentence never says "below" beside two
figures that read the same. Direction is said as better / worse, never up / down.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.components.format import fmt_measure, fmt_year, is_missing
from dashboard.components.format import ordinal as ordinal
from dashboard.components.measures import higher_is_better, measure
from dashboard.domain import statements
from warehouse import figures

# measure -> (subject of the sentence, what the figure is: "{v}" is the formatted value)
PHRASES: dict[str, tuple[str, str]] = {
    "ks2_rwm_expected_pct": ("Reading, writing and maths", "{v} met the expected standard"),
    "ks2_rwm_higher_pct": ("Reading, writing and maths", "{v} reached the higher standard"),
    "ks4_attainment8": ("Attainment 8", "an average of {v}"),
    "ks4_progress8": ("Progress 8", "a score of {v}"),
    "ks4_basics_94_pct": ("English and maths", "{v} got grade 4 or above in both"),
    "overall_absence_pct": ("Overall absence", "{v} of sessions were missed"),
    "persistent_absence_pct": (
        "Persistent absence",
        "{v} of pupils missed {threshold}% or more of sessions",
    ),
}
CONFIDENTIAL_NOTE = "not shown"


def compare(measure_name: str, value: Any, other: Any) -> str | None:
    """'above' | 'below' | 'the same as' on the displayed figures (rounded half-up to their
    published precision, warehouse/figures.py); None if either is missing."""
    return statements.above_below(measure_name, value, other)


def missing_words(status: Any) -> str:
    """Why a figure is not shown, in words (ours and the DfE's suppression told apart)."""
    return statements.missing_words(status)


def headline(
    measure_name: str,
    value: Any,
    status: Any = None,
    national: Any = None,
    la: Any = None,
    la_label: str = "the county",
    source_field: Any = None,
) -> str:
    """'Reading, writing and maths: 54% met the expected standard, below the national 61% and the
    county 59%'. Persistent absence names its threshold (from ``source_field``: 10% or 15%)."""
    subject, what = PHRASES.get(measure_name, (measure(measure_name).label, "{v}"))
    if is_missing(value):
        return f"{subject}: {missing_words(status)}"
    threshold = figures.pa_threshold(source_field) or 10
    text = f"{subject}: {what.format(v=fmt_measure(measure_name, value), threshold=threshold)}"
    parts, last = [], None
    for who, other in (("the national", national), (la_label, la)):
        word = compare(measure_name, value, other)
        if word is not None:
            said = "" if word == last else f"{word} "  # "below the national 61% and the county 59%"
            parts.append(f"{said}{who} {fmt_measure(measure_name, other)}")
            last = word
    if parts:
        text += ", " + " and ".join(parts)
    if higher_is_better(measure_name) is False:
        text += " (lower is better)"
    return text


def progress_note(method: Any, method_note: Any) -> str | None:
    """'Progress was not published for 2023/24, so the score uses attainment only' (or None)."""
    if method != "attainment only":
        return None
    note = "" if is_missing(method_note) else str(method_note).strip()
    if not note:
        return "Progress was not available, so the score uses attainment only"
    return f"{note[0].upper()}{note[1:]}, so the score uses attainment only".replace(
        "Progress not", "Progress was not"
    )


def standing(
    national_percentile: Any,
    band_basis: Any,
    rank: Any = None,
    n_loaded: Any = None,
    compared_with: Any = None,
) -> str | None:
    """Where the achievement score stands, naming the schools it is compared with (decision 9):
    'nationally' only for a national set, else 'among the N schools loaded (LA names)'."""
    distribution = "national" if band_basis == "national" else "loaded"
    if distribution == "loaded" and isinstance(compared_with, str) and compared_with:
        where = compared_with
    else:
        where = statements.comparison_set(distribution, n_loaded, [])
    if distribution == "national" and not is_missing(national_percentile):
        p = int(figures.shown("national_percentile", national_percentile))
        return (
            f"The achievement score is higher than {p}% of schools {where} in the same phase "
            f"({ordinal(p)} percentile; 50th is the middle)"
        )
    if not is_missing(rank) and not is_missing(n_loaded):
        return (
            f"The achievement score ranks {ordinal(rank)} {where} (1st is highest); no national "
            "school-level file is loaded, so there is no national percentile"
        )
    return None


def trend(component: str, direction: Any, years: Any) -> str:
    """'Compared with national, attainment got better over 3 published years (2022/23 to 2024/25)'."""
    ys = [] if years is None or (isinstance(years, float) and pd.isna(years)) else list(years)
    if is_missing(direction) or not ys:
        return f"There are not enough published years to say whether {component} is getting better or worse"
    span = f"{len(ys)} published years ({fmt_year(ys[0])} to {fmt_year(ys[-1])})"
    if direction == "similar":
        return f"Compared with national, {component} showed no clear change over {span}"
    return f"Compared with national, {component} got {direction} over {span}"


def disadvantaged(
    measure_name: str,
    value: Any,
    status: Any,
    national_non_disadvantaged: Any,
    national_disadvantaged: Any,
    time_period: Any = None,
) -> str:
    """The DfE comparison (decision 24): disadvantaged pupils against non-disadvantaged pupils
    nationally, then against disadvantaged pupils nationally with better / worse beyond the
    figure's threshold (dashboard/domain/statements.py)."""
    d = statements.disadvantaged(
        "the school",
        measure_name,
        time_period,
        value,
        status,
        national_non_disadvantaged,
        national_disadvantaged,
    )
    if is_missing(value):
        return d.gap.text.rstrip(".")
    return f"{d.gap.text} {d.second.text}".rstrip(".")


def category(cat: Any, n_reasons: int) -> str:
    """The support category in one sentence."""
    if is_missing(cat):
        return "The council has not set a support category for the school"
    if cat == "not categorised":
        return "The council has not placed the school in a support category"
    if cat == "universal":
        return "The council gives the school universal support: no rule for extra support applies"
    reasons = "reason" if n_reasons == 1 else "reasons"
    return f"The council gives the school {cat} support, for the {n_reasons} {reasons} listed below"


def _latest(df: pd.DataFrame, **match) -> pd.Series | None:
    sel = df
    for k, v in match.items():
        sel = sel[sel[k] == v]
    if sel.empty:
        return None
    return sel.sort_values("time_period").iloc[-1]


def what_stands_out(
    measures: pd.DataFrame,
    achievement: pd.DataFrame,
    trends: pd.DataFrame,
    group_gaps: pd.DataFrame,
    support_category: Any = None,
    n_reasons: int = 0,
    la_label: str = "the county",
) -> list[str]:
    """The profile's opening sentences, from the same frames the page shows (latest year of each)."""
    out: list[str] = []
    for m in ("ks2_rwm_expected_pct", "ks4_attainment8", "ks4_progress8"):
        row = _latest(measures, measure=m, pupil_group="all") if len(measures) else None
        if row is not None and not (m == "ks4_progress8" and is_missing(row["value"])):
            # (a missing Progress 8 is said once, by progress_note below)
            out.append(
                f"{fmt_year(row['time_period'])}. "
                + headline(
                    m,
                    row["value"],
                    row["status_code"],
                    row["national_value"],
                    row["la_value"],
                    la_label,
                )
            )
    for ks in ("ks2", "ks4"):
        a = _latest(achievement, key_stage=ks) if len(achievement) else None
        if a is None:
            continue
        note = progress_note(a["method"], a["method_note"])
        if note:
            out.append(note)
        where = standing(
            a["national_percentile"],
            a["band_basis"],
            a["rank_among_loaded"],
            a["n_loaded"],
            a.get("compared_with"),
        )
        if where:
            out.append(where)
        t = _latest(trends, key_stage=ks, component="attainment") if len(trends) else None
        if t is not None:
            out.append(trend("attainment", t["direction"], t["years"]))
    for m in ("ks2_rwm_expected_pct", "ks4_attainment8"):
        g = _latest(group_gaps, measure=m, pupil_group="disadvantaged") if len(group_gaps) else None
        if g is not None:
            out.append(
                disadvantaged(
                    m,
                    g["value"],
                    g["status_code"],
                    g["national_non_disadvantaged"],
                    g["national_disadvantaged"],
                    g["time_period"],
                )
            )
    row = (
        _latest(measures, measure="persistent_absence_pct", pupil_group="all")
        if len(measures)
        else None
    )
    if row is not None:
        out.append(
            f"{fmt_year(row['time_period'])}. "
            + headline(
                "persistent_absence_pct",
                row["value"],
                row["status_code"],
                row["national_value"],
                None,
                source_field=row.get("source_field"),
            )
        )
    if support_category is not None:
        out.append(category(support_category, n_reasons))
    return out
