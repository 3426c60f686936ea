"""The support category shown in the app (decision 12): the warehouse's category combined with app entries.

The ETL's ``support_reasons`` (loaded data plus the council's workbook) are kept as they are; entries in the
operational store (dashboard/store/notes.py) add reasons at query time, so a note counts on the next rerun:

- an app-entered notice of concern dated within the intelligence window (12 months) before the reference
  date counts while it is open: an intensive reason naming it as entered in the app, with its date. Once
  closed in the app (after its review meeting: status 'closed') it no longer counts; the window still
  bounds a notice nobody closes;
- an app-entered headteacher change dated within the window counts toward the targeted rule "headteacher
  changed in the last 12 months": a reason naming it as entered in the app, with its date (the latest
  if several), unless the warehouse already gives that reason (T7) for the school;
- app-entered concerns in the window count toward the targeted rule "two or more concerns or complaints"
  together with the workbook's complaints and concerns in the same window; the rule's reason is restated
  with both counts (replacing the ETL's own T8 reason when there is one);
- visits, notes and DfE/RSC concerns do not change the category (as in the model, where dfe_concerns
  feed no rule).

All these reasons have source 'intelligence', so a governor sees them only as the single confidential line.
App entries concern now, so they are combined into the latest model year only. Pure functions over
DataFrames: no Streamlit, no database.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

CATEGORY_ORDER = {"intensive": 0, "targeted": 1, "universal": 2, "not categorised": 3}
APP_NOTICE_RULE = "I4_notice_of_concern_app"
APP_HEAD_RULE = "T7_headteacher_change_app"
T7 = "T7_headteacher_change"
T8 = "T8_concerns_complaints"
REASON_COLUMNS = ["urn", "rule_id", "level", "reason", "source", "origin"]


def _months_before(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    day = min(d.day, [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30,
                      31, 31, 30, 31, 30, 31][m - 1])  # fmt: skip
    return date(y, m, day)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, errors="coerce").dt.date


def in_window(dates: pd.Series, reference: date, months: int) -> pd.Series:
    """True where a date is in (reference - months, reference] (the model's 12-month window)."""
    d = _dates(dates)
    start = _months_before(reference, months)
    return d.map(lambda x: x is not None and not pd.isna(x) and start < x <= reference).astype(bool)


def app_reasons(
    app_notes: pd.DataFrame,
    workbook_events: pd.DataFrame,
    warehouse_reasons: pd.DataFrame,
    *,
    reference: date,
    window_months: int = 12,
    min_events: int = 2,
) -> tuple[pd.DataFrame, set[int]]:
    """Reasons that app entries add, and the URNs whose ETL T8 reason they replace.

    ``app_notes``: urn, kind, date and optionally status (store rows; without a status column every
    notice is open). ``workbook_events``: urn, kind ('complaint' | 'concern' | ...), date (the
    workbook timeline). ``warehouse_reasons``: urn, rule_id, ...
    """
    rows: list[dict] = []
    replaced: set[int] = set()
    notes = app_notes if len(app_notes) else pd.DataFrame(columns=["urn", "kind", "date"])
    closed = notes["status"].eq("closed") if "status" in notes else False
    notes = notes.assign(_in=in_window(notes["date"], reference, window_months), _closed=closed)
    open_notices = notes[(notes["kind"] == "notice_of_concern") & notes["_in"] & ~notes["_closed"]]
    for r in open_notices.itertuples():
        rows.append(
            {
                "urn": int(r.urn),
                "rule_id": APP_NOTICE_RULE,
                "level": "intensive",
                "reason": f"Notice of concern issued {_dates(pd.Series([r.date]))[0]}"
                " (entered in the app; open)",
                "source": "intelligence",
                "origin": "app",
            }
        )
    given_t7 = set(
        warehouse_reasons.loc[warehouse_reasons["rule_id"] == T7, "urn"].astype(int)
        if len(warehouse_reasons)
        else []
    )
    heads = notes[(notes["kind"] == "headteacher_change") & notes["_in"]]
    heads = heads.assign(_d=_dates(heads["date"])).groupby("urn")["_d"].max()
    for urn, when in heads.items():
        if int(urn) in given_t7:
            continue
        rows.append(
            {
                "urn": int(urn),
                "rule_id": APP_HEAD_RULE,
                "level": "targeted",
                "reason": f"Headteacher changed {when} (entered in the app), within the "
                f"{window_months} months to {reference}",
                "source": "intelligence",
                "origin": "app",
            }
        )
    app_concerns = notes[(notes["kind"] == "concern") & notes["_in"]].groupby("urn").size()
    events = (
        workbook_events if len(workbook_events) else pd.DataFrame(columns=["urn", "kind", "date"])
    )
    events = events[events["kind"].isin(["complaint", "concern"])]
    events = events[in_window(events["date"], reference, window_months)]
    wb = events.groupby(["urn", "kind"]).size().unstack(fill_value=0)
    fired = set(
        warehouse_reasons.loc[warehouse_reasons["rule_id"] == T8, "urn"].astype(int)
        if len(warehouse_reasons)
        else []
    )
    for urn, n_app in app_concerns.items():
        urn = int(urn)
        complaints = int(wb.at[urn, "complaint"]) if urn in wb.index and "complaint" in wb else 0
        concerns = int(wb.at[urn, "concern"]) if urn in wb.index and "concern" in wb else 0
        total = complaints + concerns + int(n_app)
        if total < min_events:
            continue
        if urn in fired:
            replaced.add(urn)
        rows.append(
            {
                "urn": urn,
                "rule_id": T8,
                "level": "targeted",
                "reason": f"{total} concerns and complaints in the {window_months} months to "
                f"{reference} ({complaints} complaints and {concerns} concerns in the council "
                f"workbook, {int(n_app)} concerns entered in the app)",
                "source": "intelligence",
                "origin": "app and workbook",
            }
        )
    return pd.DataFrame(rows, columns=REASON_COLUMNS), replaced


def combine(
    schools: pd.DataFrame,
    warehouse_reasons: pd.DataFrame,
    app_notes: pd.DataFrame,
    workbook_events: pd.DataFrame,
    *,
    reference: date,
    actions: dict[str, str],
    window_months: int = 12,
    min_events: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(schools with the combined category, the combined reasons).

    ``schools``: urn, category (the ETL's; 'not categorised' allowed), academy (bool),
    recommended_action. Adds ``etl_category``, ``reasons`` (list, intensive first), ``n_reasons``,
    ``app_entries`` (bool: the category or a reason changed because of app entries).
    ``actions``: the model's texts (universal, academy_concern, intensive_maintained,
    targeted_maintained).
    """
    base = warehouse_reasons.copy()
    if "origin" not in base:
        base["origin"] = "warehouse"
    added, replaced = app_reasons(
        app_notes,
        workbook_events,
        base,
        reference=reference,
        window_months=window_months,
        min_events=min_events,
    )
    base = base[~(base["rule_id"].eq(T8) & base["urn"].astype(int).isin(replaced))]
    reasons = pd.concat([base[REASON_COLUMNS], added], ignore_index=True) if len(added) else base
    reasons = reasons[REASON_COLUMNS].copy()
    reasons["_order"] = reasons["level"].map({"intensive": 0, "targeted": 1}).fillna(2)
    reasons = reasons.sort_values(["urn", "_order", "rule_id"], kind="stable").drop(
        columns="_order"
    )
    out = schools.copy()
    out["etl_category"] = out["category"]
    by_urn = reasons.groupby("urn")
    levels = by_urn["level"].agg(set).to_dict()
    lists = by_urn["reason"].agg(list).to_dict()
    touched = set(added["urn"].astype(int)) if len(added) else set()

    def category(row) -> str:
        lv = levels.get(int(row["urn"]), set())
        if "intensive" in lv:
            return "intensive"
        if "targeted" in lv:
            return "targeted"
        return row["category"] if row["category"] == "not categorised" else "universal"

    out["category"] = out.apply(category, axis=1) if len(out) else out["category"]
    out["reasons"] = [lists.get(int(u), []) for u in out["urn"]]
    out["n_reasons"] = out["reasons"].map(len)
    out["app_entries"] = out["urn"].astype(int).isin(touched)
    changed = out["category"] != out["etl_category"]
    out.loc[changed, "recommended_action"] = [
        recommended_action(c, bool(a), actions)
        for c, a in zip(out.loc[changed, "category"], out.loc[changed, "academy"], strict=True)
    ]
    return out, reasons


def recommended_action(category: str, academy: bool, actions: dict[str, str]) -> str:
    """As the model's support_category: academies are raised with the DfE, never intervened in."""
    if category in ("universal", "not categorised"):
        return actions.get("universal", "")
    if academy:
        return actions.get("academy_concern", "")
    return actions.get(f"{category}_maintained", "")


def priority_order(df: pd.DataFrame) -> pd.DataFrame:
    """Schools ranked for attention: category (intensive first), more reasons first, then the lowest
    achievement percentile (national, else among loaded schools), then name."""
    out = df.copy()
    rank = pd.to_numeric(out["rank_among_loaded"], errors="coerce").astype("float64")
    n = pd.to_numeric(out["n_loaded"], errors="coerce").astype("float64")
    loaded = 100 * (1 - (rank - 1) / (n - 1).clip(lower=1))
    if "national_percentile" in out:
        pct = pd.to_numeric(out["national_percentile"], errors="coerce").astype("float64")
    else:
        pct = loaded
    out["_pct"] = pct.fillna(loaded).fillna(101.0)
    out["_cat"] = out["category"].map(CATEGORY_ORDER).fillna(4)
    out = out.sort_values(
        ["_cat", "n_reasons", "_pct", "name"], ascending=[True, False, True, True], kind="stable"
    )
    out = out.drop(columns=["_pct", "_cat"]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


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
    from dashboard.components.palette import CATEGORIES

    rows = df.to_dict("records")

    def num(v, d):
        return None if _missing(v) else round(float(v), d)

    out = pd.DataFrame(
        {
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
            "Attainment trend": [
                TREND_WORDS.get(r.get("attainment_trend"), "no trend") for r in rows
            ],
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
    )
    return out
