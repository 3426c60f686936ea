"""The drill-down's tabs below the summary band (rendering only; data from data_access.manager):
reasons, performance over time, pupil groups, attendance, inspections."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import priority, render, support
from dashboard.components import charts, format, measures
from dashboard.components.safe import md_escape
from dashboard.data_access import manager
from warehouse import figures as F

TABS = ("Reasons", "Performance", "Pupil groups", "Attendance", "Inspections", "Timeline")
GAP_KIND = {"pct": (0, " pts"), "score": (1, ""), "scaled": (1, ""), "progress": (1, "")}


def reasons(row: dict) -> None:
    """Every reason with its figures and dates, watch flags, rules that could not be applied."""
    if row["category"] == "not categorised":
        st.markdown(md_escape(priority.why(row)))
    for reason in row.get("reasons") or []:
        st.markdown("- " + md_escape(reason))
    if not row.get("reasons") and row["category"] != "not categorised":
        st.markdown("No rule of the support model applies (universal support).")
    for flag in row.get("watch_flags") or []:
        st.markdown("- ⚑ Watch: " + md_escape(flag))
    for rule in row.get("rules_not_applied") or []:
        st.caption(md_escape(rule))
    if row.get("app_entries"):
        st.caption("The category or its reasons include entries made in this app.")
    st.markdown(
        md_escape(f"Achievement: {support.achievement_text(row)}; {support.standing(row)}.")
    )


def performance(identity, ctx, pieces: dict, group: str) -> None:
    """Each headline measure over time: this school, the county and national, for the group."""
    st.caption(f"Pupil group: {md_escape(manager.PUPIL_GROUPS[group])}")
    if group == "send":
        st.info(manager.SEND_NOTE)
    series = pieces["census"] if group == "send" else pieces["series"]
    stages = [ks for ks in ("ks2", "ks4") if (pieces["census"]["key_stage"] == ks).any()]
    wanted = (
        ["sen_support_pct", "ehcp_pct"]
        if group == "send"
        else [m for ks in stages for m in manager.HEADLINE[ks]]
    )
    scope = "secondary" if "ks4" in stages and "ks2" not in stages else "primary"
    for m in wanted:
        data = manager.school_trend_data(identity, ctx, series, m, group, scope)
        own = data["series"] == "This school"
        if not (own & (data["value"].notna() | data["status_code"].notna())).any():
            st.info(f"{measures.label(m)}: {manager.NOT_PUBLISHED}.")
            continue
        chart = charts.trend_spec(data, title=measures.label(m), y_title=measures.label(m),
                                  kind=measures.measure(m).kind)  # fmt: skip
        table = data.assign(figure=format.display_column(data, measure="measure"))
        charts.render_chart(chart, table, f"school_{m}",
                            f"{measures.label(m)}: school, LA and national")  # fmt: skip
        if legend := format.code_legend(data["status_code"]):
            st.caption("; ".join(f"{c}: {t}" for c, t in legend))


GROUP_ORDER = ["disadvantaged", "non_disadvantaged", "boys", "girls", "eal", "prior_low",
               "prior_middle", "prior_high"]  # fmt: skip
MEASURE_ORDER = ["ks2_rwm_expected_pct", "ks2_rwm_higher_pct", "ks2_reading_scaled_score",
                 "ks2_maths_scaled_score", "ks2_gps_scaled_score", "ks4_attainment8",
                 "ks4_basics_94_pct", "ks4_basics_95_pct", "ks4_ebacc_aps"]  # fmt: skip


def _words(group: str) -> str:
    text = F.group_words(group)
    return text[:1].upper() + text[1:]


def _gap(measure: str, value) -> str:
    if format.is_missing(value):
        return ""
    decimals, suffix = GAP_KIND.get(measures.measure(measure).kind, (1, ""))
    return format.format_number(value, decimals=decimals, suffix=suffix, sign=True)


def pupil_groups_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """People's words, each number formatted once: the group's figure, its size, national for the
    same group, the difference, and for disadvantaged pupils the DfE's gap (decision 24)."""
    rows = gaps.to_dict("records")
    return pd.DataFrame(
        {
            "Measure": [measures.label(r["measure"]) for r in rows],
            "Pupil group": [_words(r["pupil_group"]) for r in rows],  # fmt: skip
            "Pupils": [format.fmt_count(r["cohort"]) for r in rows],
            "This school": [
                format.fmt_measure(r["measure"], r["value"], r["status_code"]) for r in rows
            ],  # fmt: skip
            "National, same group": [
                format.fmt_measure(r["measure"], r["national_value"]) for r in rows
            ],  # fmt: skip
            "Difference from national, same group": [
                _gap(r["measure"], r["gap_vs_national_same_group"]) for r in rows
            ],
            "Difference from other pupils nationally (disadvantaged only)": [
                _gap(r["measure"], r["gap_vs_national_non_disadvantaged"])
                if r["pupil_group"] == "disadvantaged"
                else ""
                for r in rows
            ],  # fmt: skip
            "Note": [r["note"] or "" if not pd.isna(r["note"]) else "" for r in rows],
        }
    )


def pupil_groups(gaps: pd.DataFrame) -> None:
    if gaps.empty:
        st.info("No pupil-group figures are published for this school and year.")
        return
    published = gaps["value"].notna() | gaps["national_value"].notna()
    shown = gaps[published].assign(
        _m=gaps["measure"].map({m: i for i, m in enumerate(MEASURE_ORDER)}).fillna(99),
        _g=gaps["pupil_group"].map({g: i for i, g in enumerate(GROUP_ORDER)}).fillna(99),
    )
    shown = shown.sort_values(["_m", "_g"], kind="stable")
    st.caption("Measures not published for pupil groups (progress scores) are left out. "
               "Pts: percentage points; a blank difference: no figure to compare.")  # fmt: skip
    render.safe_table(pupil_groups_table(shown), hide_index=True)
    if legend := format.code_legend(shown["status_code"]):
        st.caption("; ".join(f"{c}: {t}" for c, t in legend))


def attendance(identity, ctx, pieces: dict, row: dict) -> None:
    if row["persistent_absence_flagged"]:
        st.warning(
            f"Persistent absence ({format.fmt_pct(row['persistent_absence_pct'], decimals=1)}) is "
            "among the worst nationally for this phase: consider involving the education welfare "
            "service."
        )
    scope = {"Secondary": "secondary", "Special": "special"}.get(row["phase"], "primary")
    for m in ("overall_absence_pct", "persistent_absence_pct"):
        data = manager.school_trend_data(identity, ctx, pieces["census"], m, "all", scope)
        chart = charts.trend_spec(data, title=measures.label(m), y_title=measures.label(m),
                                  kind="pct1")  # fmt: skip
        charts.render_chart(chart, data, f"absence_{m}",
                            f"{measures.label(m)}: school, LA and national")  # fmt: skip


def inspections(pieces: dict) -> None:
    st.caption(
        "Grades of different frameworks are shown as published, side by side, never converted."
    )
    legacy, cards = manager.inspection_history(pieces)
    left, right = st.columns(2)
    with left:
        render.heading("Graded inspections (to 2024/25)", level=3)
        render.safe_table(legacy, hide_index=True) if len(legacy) else st.caption("None loaded.")
    with right:
        render.heading("Report cards (from November 2025)", level=3)
        render.safe_table(cards, hide_index=True) if len(cards) else st.caption("None loaded.")
