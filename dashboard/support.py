"""The support category shown in the app (decision 12) and how the manager's pages write its rows.

The domain logic (combining the warehouse's category with app entries, the one-sentence summary, the
weight of evidence and the rank within a category) lives in dashboard/domain/support_model.py; this
module re-exports it for the data-access layer and keeps the pure formatting of the priority list.
"""

from __future__ import annotations

import pandas as pd

from dashboard.domain.support_model import (  # noqa: F401  (re-exported)
    APP_HEAD_RULE,
    APP_NOTICE_RULE,
    CATEGORY_ORDER,
    REASON_COLUMNS,
    Weights,
    app_reasons,
    combine,
    in_window,
    priority_order,
    rank_in_category,
    recommended_action,
    summarise,
)

# --- how the manager's pages write these rows (pure, so the export equals the page) ---------------

ERA_WORDS = {
    "legacy": "Ofsted grade",
    "sub_judgements_2024": "Ofsted 2024/25 sub-judgements",
    "report_card": "Ofsted report card",
}
GRADE_WORDS = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}
TREND_WORDS = {"better": "▲ better", "worse": "▼ worse", "similar": "● no clear change"}


def _missing(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def standing(row) -> str:
    """Percentile nationally, or 'rank N of M loaded schools' where no national file exists."""
    from dashboard.components.format import fmt_kind, ordinal  # one formatter (issue 16: "1th")

    if not _missing(row.get("national_percentile")):
        p = fmt_kind(row["national_percentile"], "percentile")
        return f"{ordinal(int(p.replace(',', '')))} percentile nationally"
    if not _missing(row.get("rank_among_loaded")):
        return f"rank {int(row['rank_among_loaded'])} of {int(row['n_loaded'])} loaded schools"
    return "not scored"


def achievement_text(row) -> str:
    """'+0.30 (attainment only: progress not published for 2024/25)'."""
    from dashboard.components.format import fmt_z

    if _missing(row.get("achievement_score")):
        return "not scored"
    method = row.get("method") or ""
    note = row.get("method_note")
    label = method if _missing(note) else f"{method}: {note}"
    return f"{fmt_z(row['achievement_score'])} ({label})"


def inspection_text(row) -> str:
    """The latest graded inspection in its own era's words (never converted between eras)."""
    era = row.get("inspection_era")
    if _missing(era):
        return "no inspection loaded"
    when = row.get("graded_inspection_end")
    when = "" if _missing(when) else f" ({pd.Timestamp(when).date()})"
    parts = [ERA_WORDS.get(era, str(era)) + when]
    if era == "legacy" and not _missing(row.get("overall_effectiveness")):
        parts.append(
            GRADE_WORDS.get(int(row["overall_effectiveness"]), str(row["overall_effectiveness"]))
        )
    for col, words in (
        ("urgent_areas", "urgent improvement"),
        ("needs_attention_areas", "needs attention"),
        ("grade4_areas", "graded 4"),
        ("grade3_areas", "graded 3"),
    ):
        areas = row.get(col)
        if areas is not None and len(areas):
            parts.append(f"{words}: {', '.join(str(a).replace('_', ' ') for a in areas)}")
    if not _missing(row.get("category_of_concern")):
        parts.append(f"category {row['category_of_concern']}")
    return "; ".join(parts)


def group_figure(row, group: str) -> str:
    """The chosen pupil group's headline figure, or why there is none (decision 13)."""
    from dashboard.components.format import fmt_measure, fmt_pct

    if group == "send":
        return (
            f"SEN support {fmt_pct(row.get('sen_support_pct'), decimals=1)}, "
            f"EHC plan {fmt_pct(row.get('ehcp_pct'), decimals=1)} (census context)"
        )
    ks = row.get("key_stage")
    measure, value, status = (
        ("ks4_attainment8", row.get("group_ks4_att8"), row.get("group_ks4_att8_status"))
        if ks == "ks4"
        else ("ks2_rwm_expected_pct", row.get("group_ks2_rwm"), row.get("group_ks2_rwm_status"))
    )
    if _missing(value) and _missing(status):
        return "not published for this group"
    return fmt_measure(measure, value, None if _missing(status) else status)


def priority_table(df: pd.DataFrame, group: str = "all") -> pd.DataFrame:
    """The priority list as shown, exported (CSV and Excel) and re-read: one frame for all three."""
    return pd.DataFrame(priority_columns(df, group))


def priority_columns(df: pd.DataFrame, group: str = "all") -> dict[str, list]:
    """``priority_table``'s columns as lists of Python values (a frame made from any subset of
    their rows has the types a frame made from those rows alone would have)."""
    from dashboard.components.palette import CATEGORIES

    rows = df.to_dict("records")

    def num(v, d):
        return None if _missing(v) else round(float(v), d)

    return {
        "Rank": [r["rank"] for r in rows],
        "URN": [int(r["urn"]) for r in rows],
        "School": [r["name"] for r in rows],
        "District": [r["district"] for r in rows],
        "Phase": [r["phase"] for r in rows],
        "Type": [r["type_group"] for r in rows],
        "Category": [
            CATEGORIES[r["category"]].label if r["category"] in CATEGORIES else r["category"]
            for r in rows
        ],
        "Reasons": ["; ".join(r["reasons"]) for r in rows],
        "Achievement score": [num(r.get("achievement_score"), 2) for r in rows],
        "Achievement": [achievement_text(r) for r in rows],
        "Standing": [standing(r) for r in rows],
        "Attainment trend": [TREND_WORDS.get(r.get("attainment_trend"), "no trend") for r in rows],
        "Progress trend": [TREND_WORDS.get(r.get("progress_trend"), "no trend") for r in rows],
        "Pupil group figure": [group_figure(r, group) for r in rows],
        "Persistent absence %": [num(r.get("persistent_absence_pct"), 1) for r in rows],
        "Latest inspection": [inspection_text(r) for r in rows],
        "Open intelligence": [
            None if _missing(r.get("open_intelligence")) else int(r["open_intelligence"])
            for r in rows
        ],
        "Last visit": [
            None if _missing(r.get("last_visit")) else str(pd.Timestamp(r["last_visit"]).date())
            for r in rows
        ],
        "Recommended action": [r.get("recommended_action") for r in rows],
        "Changed by app entries": ["yes" if r.get("app_entries") else "" for r in rows],
    }
