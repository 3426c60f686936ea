"""The support category shown in the app (decision 12): the warehouse's category combined with app entries.

The ETL's ``support_reasons`` (loaded data plus the council's workbook) are kept as they are; entries in the
operational store (dashboard/store/notes.py) add reasons at query time, so a note counts on the next rerun:

- an app-entered notice of concern dated within the intelligence window (12 months) before the reference
  date is an open notice: an intensive reason naming it as entered in the app, with its date (the store
  has no way to close a notice, so the window bounds it);
- app-entered concerns in the window count toward the targeted rule "two or more concerns or complaints"
  together with the workbook's complaints and concerns in the same window; the rule's reason is restated
  with both counts (replacing the ETL's own T8 reason when there is one);
- the store has no headteacher-change kind (KINDS: visit, note, concern, notice_of_concern, dfe_concern),
  so headteacher changes come from the workbook only; visits, notes and DfE/RSC concerns do not change
  the category (as in the model, where dfe_concerns feed no rule).

App entries concern now, so they are combined into the latest model year only. Pure functions over
DataFrames: no Streamlit, no database.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

CATEGORY_ORDER = {"intensive": 0, "targeted": 1, "universal": 2, "not categorised": 3}
APP_NOTICE_RULE = "I4_notice_of_concern_app"
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

    ``app_notes``: urn, kind, date (store rows). ``workbook_events``: urn, kind ('complaint' |
    'concern' | ...), date (the workbook timeline). ``warehouse_reasons``: urn, rule_id, ...
    """
    rows: list[dict] = []
    replaced: set[int] = set()
    notes = app_notes if len(app_notes) else pd.DataFrame(columns=["urn", "kind", "date"])
    notes = notes.assign(_in=in_window(notes["date"], reference, window_months))
    for r in notes[(notes["kind"] == "notice_of_concern") & notes["_in"]].itertuples():
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
    pct = out.get("national_percentile")
    loaded = 100 * (1 - (out["rank_among_loaded"] - 1) / (out["n_loaded"] - 1).clip(lower=1))
    out["_pct"] = (pct if pct is not None else loaded).fillna(loaded).fillna(101)
    out["_cat"] = out["category"].map(CATEGORY_ORDER).fillna(4)
    out = out.sort_values(
        ["_cat", "n_reasons", "_pct", "name"], ascending=[True, False, True, True], kind="stable"
    )
    out = out.drop(columns=["_pct", "_cat"]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out
