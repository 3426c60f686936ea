"""The priority list's domain rules (no Streamlit): the order of the list, the re-ranking by a pupil
group's own figure against national for that group, the key figure, and the next review due.

Order: category (intensive first), then the model's rank within the category (1 = first visit).
With a pupil group chosen (other than all pupils and SEND, which is census context), the list is
re-ranked by the group's own headline figure against every school with a published figure for the
group (its percentile, lowest first: KS2 % and KS4 Attainment 8 are not on one scale, percentiles
are); groups of 5 pupils or fewer are suppressed by dashboard.access.suppress (decision 17) and go
last with unpublished figures, never ranked on a handful of pupils.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import access, support
from dashboard.components.format import fmt_measure, is_missing, ordinal
from warehouse import figures as F

SHORT_MEASURE = {"ks2_rwm_expected_pct": "RWM", "ks4_attainment8": "Att 8"}
# the groups a priority list can be re-ranked by, in a sentence's words (warehouse/figures.toml)
GROUP_WORDS = {
    g: F.group_words(g)
    for g in ("all", "disadvantaged", "non_disadvantaged", "eal", "boys", "girls", "prior_low",
              "prior_middle", "prior_high")
}  # fmt: skip
NBSP = "\u00a0"  # a date never breaks across lines
RERANKS = tuple(g for g in GROUP_WORDS if g != "all")


def with_model_columns(df: pd.DataFrame) -> pd.DataFrame:
    """The guarantees the manager's pages rely on, whatever a build holds: a reason for every school
    not categorised, and a recommended action that is never blank (issue 17 item 7)."""
    out = df.copy()
    blank = out["category"].eq("not categorised") & out["not_categorised_reason"].isna()
    out.loc[blank, "not_categorised_reason"] = (
        "no performance data, inspection or intelligence loaded for this school"
    )
    out["recommended_action"] = [
        a if isinstance(a, str) and a.strip() else default_action(c)
        for a, c in zip(out["recommended_action"], out["category"], strict=True)
    ]
    return out


def default_action(category: str) -> str:
    """Never a blank recommended action (issue 17 item 7)."""
    if category == "not categorised":
        return "Check what is loaded for this school (performance, inspection, intelligence)."
    return "Review the reasons with the school's adviser."


def why(row) -> str:
    """The one sentence that says why: the summary, or why the school is not categorised."""
    if row.get("category") == "not categorised":
        reason = str(row.get("not_categorised_reason") or "no data loaded")
        return (
            reason if reason.lower().startswith("not categorised") else f"Not categorised: {reason}"
        )
    text = str(row.get("summary") or "").strip()
    return text or "No reason recorded (universal support)."


def order(df: pd.DataFrame) -> pd.DataFrame:
    """Category, then the model's rank within it, then name; ``rank`` is the position (1 = first)."""
    out = df.assign(_cat=df["category"].map(support.CATEGORY_ORDER).fillna(4))
    out = out.sort_values(["_cat", "rank_in_category", "name"], kind="stable", na_position="last")
    out = out.drop(columns="_cat").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out


def with_group(df: pd.DataFrame, figures: pd.DataFrame, group: str) -> pd.DataFrame:
    """Join each school's figure for the group (its own key stage; suppressed when the group is
    small) and, for a group other than all pupils, re-rank by it (lowest percentile first)."""
    figs = access.suppress(
        figures, "group_cohort", ["group_value", "group_percentile"], code_col="group_status"
    )
    figs = figs.drop_duplicates(["urn", "key_stage"])
    cols = ["urn", "key_stage"]
    own = df.merge(figs, on=cols, how="left", suffixes=("", "_fig"))
    first = figs.drop_duplicates("urn").drop(columns="key_stage")  # schools with no key stage
    missing = own["measure"].isna()
    if missing.any():
        fill = own.loc[missing, ["urn"]].merge(first, on="urn", how="left")
        for c in first.columns.drop("urn"):
            own.loc[missing, c] = fill[c].to_numpy()
    if group not in RERANKS:
        return own
    own["_ranked"] = own["group_percentile"].notna()
    own["_cat"] = own["category"].map(support.CATEGORY_ORDER).fillna(4)
    own = own.sort_values(["_ranked", "group_percentile", "_cat", "rank_in_category"],
                          ascending=[False, True, True, True], kind="stable")  # fmt: skip
    own = own.drop(columns=["_ranked", "_cat"]).reset_index(drop=True)
    own["rank"] = range(1, len(own) + 1)
    return own


def key_figure(row, group: str) -> str:
    """'RWM 48% (national 61%)' (RWM: % meeting the expected standard in reading, writing and
    maths; Att 8: Attainment 8), for a group its size too; or why there is none."""
    measure = row.get("measure")
    if is_missing(measure):
        return "no headline figure published"
    name = SHORT_MEASURE.get(measure, measure)
    national = fmt_measure(measure, row.get("group_national"))
    status = row.get("group_status")
    if status == access.SUPPRESSED:
        return f"{name}: 5 pupils or fewer, not shown (national {national})"
    value = fmt_measure(measure, row.get("group_value"), None if is_missing(status) else status)
    size = "" if is_missing(row.get("group_cohort")) else f"; {int(row['group_cohort'])} pupils"
    return f"{name} {value} (national {national}){size if group != 'all' else ''}"


def percentile_text(row) -> str:
    """'lowest 12% of 1,003 schools' for the group's own figure, or ''."""
    pct = row.get("group_percentile")
    if is_missing(pct):
        return ""
    return (
        f"{ordinal(round(float(pct)))} percentile of {int(row['n_ranked']):,} schools with a figure"
    )


def next_review(urn: int, notices: pd.DataFrame, today: date) -> str:
    """The earliest review due of one school's open notices (see ``next_reviews``)."""
    return next_reviews([urn], notices, today)[0]


def next_reviews(urns, notices: pd.DataFrame, today: date) -> list[str]:
    """For each URN in ``urns``, the earliest review due of the school's open notices (either
    source) in days, or "" when it has none (the date itself is on the drill-down's summary band
    and the notices page). One pass over the notices, whatever the number of schools."""
    open_ = notices[notices["status"].eq("open")]
    due = [isinstance(d, date) for d in open_["review_due"]]
    earliest = open_[due].groupby("urn")["review_due"].min() if any(due) else {}
    return [_due_words(earliest.get(u), today) for u in urns]


def _due_words(due: date | None, today: date) -> str:
    """'⚠ review 3 days overdue', 'review in 1 day' or '' (no review due)."""
    if due is None:
        return ""
    days = (due - today).days
    if days < 0:
        return f"⚠ review {-days} day{'' if days == -1 else 's'} overdue"
    return f"review in {days} day{'' if days == 1 else 's'}"


def last_visit(value) -> str:
    return "" if is_missing(value) else f"{pd.Timestamp(value):%d %b %Y}".replace(" ", NBSP)
