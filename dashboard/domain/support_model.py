"""The support category shown in the app (decision 12): the warehouse's category combined with app entries.

Domain logic only (no Streamlit, no database, no formatting): pure functions over DataFrames.

The ETL's ``support_reasons`` (loaded data plus the council's workbook) are kept as they are; entries in the
operational store (dashboard/store/notes.py) add reasons and watch signals at query time, so a note counts
on the next rerun (decision 11 revised, docs/method.md section 4):

- an app-entered notice of concern dated within the intelligence window (12 months) before the reference
  date counts while it is open: an intensive reason (I4) naming it as entered in the app, with its date.
  Once closed in the app (after its review meeting: status 'closed') it no longer counts; the window still
  bounds a notice nobody closes;
- an app-entered headteacher change in the window is the watch signal W4 "headteacher changed in the last
  12 months" (the latest if several), unless the warehouse already gives W4 for the school;
- app-entered concerns in the window count toward the watch signal W5 "concerns or complaints in the last
  12 months" together with the workbook's complaints and concerns in the same window; W5 is restated with
  both counts (replacing the ETL's own W5 when there is one);
- a watch signal never changes a category alone; at least ``min_sources`` watch signals from different
  sources (data, inspection, intelligence) at once make the targeted reason T5, recomputed here for every
  school an app entry touched;
- visits, notes and DfE/RSC concerns do not change the category.

All app reasons have source 'intelligence', so a governor sees them only as the single confidential line.
App entries concern now, so they are combined into the latest model year only.

The one-sentence summary, the weight of evidence and the rank within a category follow the same rules as
warehouse/sql/model/support_category.sql; tests/dashboard/test_support.py checks that both give the same
sentences and ranks on the generated county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

CATEGORY_ORDER = {"intensive": 0, "targeted": 1, "universal": 2, "not categorised": 3}
KIND_ORDER = {"intensive": 0, "targeted": 1, "watch": 2}
APP_NOTICE_RULE = "I4_notice_of_concern_app"
APP_HEAD_RULE = "W4_headteacher_change_app"
W4 = "W4_headteacher_change"
W5 = "W5_concerns_complaints"
T5 = "T5_independent_signals"
COMBO_RULES = ("I6_requires_improvement_declining", T5)
REASON_COLUMNS = [
    "urn", "rule_id", "kind", "level", "reason", "headline", "source", "fact_date", "evidence", "origin",
]  # fmt: skip


@dataclass(frozen=True)
class Weights:
    """The [rules] evidence settings of warehouse/model_settings.toml (defaults = the shipped values)."""

    intensive: float = 10.0
    targeted: float = 4.0
    watch: float = 1.0
    half_life_months: float = 24.0
    source_bonus: float = 2.0
    min_sources: int = 2
    confidential_line: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, values: dict) -> Weights:
        """From a {name: value} mapping of model_settings (names with or without the section prefix)."""

        def get(key, default):
            for name in (f"rules_{key}", key):
                if name in values and values[name] not in (None, ""):
                    return values[name]
            return default

        return cls(
            intensive=float(get("evidence_weight_intensive", 10.0)),
            targeted=float(get("evidence_weight_targeted", 4.0)),
            watch=float(get("evidence_weight_watch", 1.0)),
            half_life_months=float(get("evidence_half_life_months", 24)),
            source_bonus=float(get("evidence_source_bonus", 2.0)),
            min_sources=int(get("min_independent_sources", 2)),
            confidential_line=str(
                values.get("actions_confidential_line", values.get("confidential_line", ""))
            ),
        )

    def evidence(
        self, kind: str, fact: date | None, reference: date, significance: float = 0.0
    ) -> float:
        """As support_reasons.evidence: kind weight x 0.5^(months since the fact / half-life) x (1 + s)."""
        base = {"intensive": self.intensive, "targeted": self.targeted}.get(kind, self.watch)
        days = max((reference - fact).days, 0) if fact is not None else 0
        recency = 0.5 ** (days / 30.4375 / self.half_life_months)
        return round(base * recency * (1 + min(max(significance, 0.0), 1.0)), 3)


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


def _month_year(d: date) -> str:
    return d.strftime("%B %Y")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def app_reasons(
    app_notes: pd.DataFrame,
    workbook_events: pd.DataFrame,
    warehouse_reasons: pd.DataFrame,
    *,
    reference: date,
    window_months: int = 12,
    min_events: int = 1,
    weights: Weights | None = None,
) -> tuple[pd.DataFrame, set[int]]:
    """Reasons and watch signals that app entries add, and the URNs whose ETL W5 they replace.

    ``app_notes``: urn, kind, date and optionally status (store rows; without a status column every
    notice is open). ``workbook_events``: urn, kind ('complaint' | 'concern' | ...), date (the
    workbook timeline). ``warehouse_reasons``: urn, rule_id, ...
    """
    w = weights or Weights()
    rows: list[dict] = []
    replaced: set[int] = set()
    notes = app_notes if len(app_notes) else pd.DataFrame(columns=["urn", "kind", "date"])
    closed = notes["status"].eq("closed") if "status" in notes else False
    notes = notes.assign(_in=in_window(notes["date"], reference, window_months), _closed=closed)

    def add(urn, rule_id, kind, reason, headline, when, origin="app"):
        rows.append(
            {
                "urn": int(urn), "rule_id": rule_id, "kind": kind, "level": kind, "reason": reason,
                "headline": headline, "source": "intelligence", "fact_date": when,
                "evidence": w.evidence(kind, when, reference), "origin": origin,
            }
        )  # fmt: skip

    open_notices = notes[(notes["kind"] == "notice_of_concern") & notes["_in"] & ~notes["_closed"]]
    for r in open_notices.itertuples():
        when = _dates(pd.Series([r.date]))[0]
        add(
            r.urn, APP_NOTICE_RULE, "intensive",
            f"Notice of concern issued {when} (entered in the app; open)",
            f"notice of concern open since {_month_year(when)} (entered in the app)", when,
        )  # fmt: skip
    have = warehouse_reasons
    given_w4 = set(have.loc[have["rule_id"] == W4, "urn"].astype(int)) if len(have) else set()
    heads = notes[(notes["kind"] == "headteacher_change") & notes["_in"]]
    heads = heads.assign(_d=_dates(heads["date"])).groupby("urn")["_d"].max()
    for urn, when in heads.items():
        if int(urn) in given_w4:
            continue
        add(
            urn, APP_HEAD_RULE, "watch",
            f"Headteacher changed {when} (entered in the app), within the {window_months} months to {reference}",
            f"headteacher changed {_month_year(when)} (entered in the app)", when,
        )  # fmt: skip
    app_concerns = notes[(notes["kind"] == "concern") & notes["_in"]]
    events = (
        workbook_events if len(workbook_events) else pd.DataFrame(columns=["urn", "kind", "date"])
    )
    events = events[events["kind"].isin(["complaint", "concern"])]
    events = events[in_window(events["date"], reference, window_months)]
    wb = events.groupby(["urn", "kind"]).size().unstack(fill_value=0)
    fired = set(have.loc[have["rule_id"] == W5, "urn"].astype(int)) if len(have) else set()
    for urn, group in app_concerns.groupby("urn"):
        urn, n_app = int(urn), len(group)
        complaints = int(wb.at[urn, "complaint"]) if urn in wb.index and "complaint" in wb else 0
        concerns = int(wb.at[urn, "concern"]) if urn in wb.index and "concern" in wb else 0
        total = complaints + concerns + n_app
        if total < min_events:
            continue
        if urn in fired:
            replaced.add(urn)
        latest = max(
            [d for d in _dates(group["date"]) if d is not None]
            + [d for d in _dates(events.loc[events["urn"] == urn, "date"]) if d is not None]
        )
        words = _plural(total, "concern or complaint", "concerns and complaints")
        add(
            urn, W5, "watch",
            f"{words} in the {window_months} months to {reference} ("
            f"{_plural(complaints, 'complaint', 'complaints')} and {_plural(concerns, 'concern', 'concerns')}"
            f" in the council workbook, {_plural(n_app, 'concern', 'concerns')} entered in the app)",
            f"{words} in the {window_months} months to {_month_year(reference)}", latest,
            origin="app and workbook",
        )  # fmt: skip
    return pd.DataFrame(rows, columns=REASON_COLUMNS), replaced


def independent_signals(watch: pd.DataFrame, reference: date, weights: Weights) -> pd.DataFrame:
    """Rule T5 for the schools in ``watch`` (watch rows only): the strongest signal of each source; at
    least ``weights.min_sources`` different sources make one targeted reason (as support_reasons.sql)."""
    rows = []
    for urn, g in watch.groupby("urn"):
        g = g.assign(_e=pd.to_numeric(g["evidence"], errors="coerce").fillna(0))
        best = g.sort_values(["_e", "rule_id"], ascending=[False, True]).drop_duplicates("source")
        if len(best) < weights.min_sources:
            continue
        facts = [d for d in _dates(best["fact_date"]) if d is not None]
        when = max(facts) if facts else reference
        source = (
            "intelligence" if best["source"].eq("intelligence").any() else best["source"].iloc[0]
        )
        rows.append(
            {
                "urn": int(urn), "rule_id": T5, "kind": "targeted", "level": "targeted",
                "reason": f"{len(best)} independent watch signals from different sources at once: "
                + "; ".join(f"{r} [{s}]" for r, s in zip(best["reason"], best["source"], strict=True)),
                "headline": " and ".join(str(h) for h in best["headline"]),
                "source": source, "fact_date": when,
                "evidence": weights.evidence("targeted", when, reference), "origin": "app and warehouse",
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=REASON_COLUMNS)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s[1:2] == s[1:2].lower() else s


def summarise(
    reasons: pd.DataFrame, category: str, weights: Weights, *, governor: bool = False
) -> str | None:
    """One sentence naming the strongest reason with its fact and date, as support_category.summary
    (``governor``: without confidential detail, as governor_summary). ``reasons``: one school's rows.
    None for a universal school without watch signals or a not-categorised one (the warehouse's words
    stand)."""
    r = reasons
    if governor:
        r = r[r["source"] != "intelligence"]
    r = r.assign(
        _k=r["kind"].map(KIND_ORDER).fillna(2),
        _e=-pd.to_numeric(r["evidence"], errors="coerce").fillna(0),
    )
    r = r.sort_values(["_k", "_e", "rule_id"], kind="stable")
    main = r[r["kind"] != "watch"]
    if category in ("intensive", "targeted"):
        if main.empty:
            return f"{_cap(category)} support: {weights.confidential_line}" if governor else None
        top = main.iloc[0]
        sentence = _cap(str(top["headline"]))
        if top["rule_id"] not in COMBO_RULES:
            other = main[(main["source"] != top["source"]) & ~main["rule_id"].isin(COMBO_RULES)]
            if len(other):
                sentence += " and " + _lower_first(str(other.iloc[0]["headline"]))
        return sentence
    watch = r[r["kind"] == "watch"].sort_values(["_e", "rule_id"], kind="stable")
    if category == "universal" and len(watch):
        return "Universal support; watch: " + str(watch.iloc[0]["headline"])
    return None


def recommended_action(
    category: str, academy: bool, actions: dict[str, str], watch: bool = False
) -> str:
    """As the model's support_category: academies are raised with the DfE, never intervened in."""
    if category == "not categorised":
        return actions.get("not_categorised") or actions.get("universal", "")
    if category == "universal":
        return (actions.get("universal_watch") if watch else None) or actions.get("universal", "")
    if academy:
        return actions.get("academy_concern", "")
    return actions.get(f"{category}_maintained", "")


def listed(v) -> list:
    """A list cell as a list (None, NaN and pd.NA: empty)."""
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return []
    return list(v)


def combine(
    schools: pd.DataFrame,
    warehouse_reasons: pd.DataFrame,
    app_notes: pd.DataFrame,
    workbook_events: pd.DataFrame,
    *,
    reference: date,
    actions: dict[str, str],
    window_months: int = 12,
    min_events: int = 1,
    weights: Weights | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(schools with the combined category, the combined reasons and watch signals).

    ``schools``: urn, category (the ETL's; 'not categorised' allowed), academy (bool),
    recommended_action, and where the warehouse gives them summary, governor_summary, watch_flags,
    governor_watch_flags, evidence_score, rules_not_applied, not_categorised_reason.
    ``warehouse_reasons``: support_reasons rows (urn, rule_id, kind or level, reason, headline, source,
    fact_date, evidence). Returns the schools with ``etl_category``, ``reasons`` (intensive and targeted,
    strongest first), ``watch_flags``, ``n_reasons``, ``summary``, ``governor_summary``,
    ``evidence_score``, ``rank_in_category`` (1 = first visit), ``rules_not_applied``,
    ``not_categorised_reason`` and ``app_entries`` (the category or a reason changed because of app
    entries). ``actions``: the model's texts (universal, universal_watch, not_categorised,
    academy_concern, intensive_maintained, targeted_maintained).
    """
    w = weights or Weights(confidential_line=actions.get("confidential_line", ""))
    base = warehouse_reasons.copy()
    if "kind" not in base:
        base["kind"] = base["level"] if "level" in base else "targeted"
    base["level"] = base["kind"]
    for col, default in (
        ("origin", "warehouse"),
        ("headline", None),
        ("fact_date", None),
        ("evidence", 0.0),
    ):
        if col not in base:
            base[col] = default
    base["headline"] = base["headline"].fillna(base["reason"])
    added, replaced = app_reasons(
        app_notes, workbook_events, base, reference=reference, window_months=window_months,
        min_events=min_events, weights=w,
    )  # fmt: skip
    touched = set(added["urn"].astype(int)) if len(added) else set()
    base = base[~(base["rule_id"].eq(W5) & base["urn"].astype(int).isin(replaced))]
    reasons = (
        pd.concat([base[REASON_COLUMNS], added], ignore_index=True)
        if len(added)
        else base[REASON_COLUMNS]
    )
    if touched:  # T5 again for the schools app entries touched
        keep = ~(reasons["rule_id"].eq(T5) & reasons["urn"].astype(int).isin(touched))
        reasons = reasons[keep]
        watch = reasons[reasons["kind"].eq("watch") & reasons["urn"].astype(int).isin(touched)]
        t5 = independent_signals(watch, reference, w)
        if len(t5):
            reasons = pd.concat([reasons, t5], ignore_index=True)
    reasons = reasons.copy()
    reasons["_order"] = reasons["kind"].map(KIND_ORDER).fillna(2)
    reasons["_e"] = -pd.to_numeric(reasons["evidence"], errors="coerce").fillna(0.0)
    reasons = reasons.sort_values(["urn", "_order", "_e", "rule_id"], kind="stable").drop(
        columns=["_order", "_e"]
    )
    reasons = reasons.reset_index(drop=True)

    out = schools.copy()
    out["etl_category"] = out["category"]
    main = reasons[reasons["kind"] != "watch"]
    kinds = main.groupby("urn")["kind"].agg(set).to_dict()
    lists = main.groupby("urn")["reason"].agg(list).to_dict()
    watch_lists = reasons[reasons["kind"] == "watch"].groupby("urn")["reason"].agg(list).to_dict()

    def category(row) -> str:
        """The higher of the warehouse's category and the one the (combined) reasons give: app entries
        only ever add, and a role that may not read confidential reasons still sees the category."""
        k = kinds.get(int(row["urn"]), set())
        if "intensive" in k or row["category"] == "intensive":
            return "intensive"
        if "targeted" in k or row["category"] == "targeted":
            return "targeted"
        if row["category"] == "not categorised" and int(row["urn"]) not in touched:
            return "not categorised"
        return "universal"

    out["category"] = out.apply(category, axis=1) if len(out) else out["category"]
    out["reasons"] = [lists.get(int(u), []) for u in out["urn"]]
    out["watch_flags"] = [watch_lists.get(int(u), []) for u in out["urn"]]
    out["n_reasons"] = out["reasons"].map(len)
    out["app_entries"] = out["urn"].astype(int).isin(touched)
    for col in ("summary", "governor_summary", "not_categorised_reason"):
        if col not in out:
            out[col] = None
    if "rules_not_applied" not in out:
        out["rules_not_applied"] = [[] for _ in range(len(out))]
    out["rules_not_applied"] = out["rules_not_applied"].map(listed)

    # The summary and the weight of evidence of schools app entries touched, as the warehouse does.
    by_urn = dict(tuple(reasons.groupby(reasons["urn"].astype(int))))
    evid = reasons.assign(_e=pd.to_numeric(reasons["evidence"], errors="coerce").fillna(0.0))
    scores = evid.groupby(evid["urn"].astype(int)).agg(
        total=("_e", "sum"), sources=("source", "nunique")
    )
    scores = (scores["total"] + w.source_bonus * (scores["sources"] - 1).clip(lower=0)).round(2)
    if "evidence_score" not in out:
        out["evidence_score"] = [float(scores.get(int(u), 0.0)) for u in out["urn"]]
    for i in out.index[out["app_entries"]]:
        u, cat = int(out.at[i, "urn"]), out.at[i, "category"]
        mine = by_urn.get(u, reasons.iloc[0:0])
        out.at[i, "summary"] = summarise(mine, cat, w) or out.at[i, "summary"]
        out.at[i, "governor_summary"] = (
            summarise(mine, cat, w, governor=True) or out.at[i, "governor_summary"]
        )
        out.at[i, "evidence_score"] = float(scores.get(u, 0.0))
        if cat != "not categorised":
            out.at[i, "not_categorised_reason"] = None
    # an all-missing column arrives as float64: text cannot be set into it (pandas 3)
    out["not_categorised_reason"] = out["not_categorised_reason"].astype("object")
    missing = out["category"].eq("not categorised") & out["not_categorised_reason"].isna()
    out.loc[missing, "not_categorised_reason"] = (
        "Not categorised: the model has no row for this school in this year (not open at the as-at date,"
        " or no results, inspection or council intelligence loaded)"
    )
    out.loc[out["summary"].isna() & out["category"].eq("not categorised"), "summary"] = out[
        "not_categorised_reason"
    ]
    out["evidence_score"] = pd.to_numeric(out["evidence_score"], errors="coerce").fillna(0.0)
    out["rank_in_category"] = rank_in_category(out)

    action_changed = (
        (out["category"] != out["etl_category"])
        | out["app_entries"]
        | out["recommended_action"].isna()
    )
    out.loc[action_changed, "recommended_action"] = [
        recommended_action(c, bool(a), actions, bool(len(f)))
        for c, a, f in zip(
            out.loc[action_changed, "category"], out.loc[action_changed, "academy"],
            out.loc[action_changed, "watch_flags"], strict=True,
        )
    ]  # fmt: skip
    return out, reasons


def rank_in_category(df: pd.DataFrame) -> pd.Series:
    """1 = first visit within each category: highest evidence_score first, then URN (as the warehouse)."""
    if df.empty:
        return pd.Series([], dtype="int64", index=df.index)
    order = df.assign(_s=-df["evidence_score"].astype(float), _u=df["urn"].astype(int))
    order = order.sort_values(["category", "_s", "_u"], kind="stable")
    ranks = order.groupby("category").cumcount() + 1
    return ranks.reindex(df.index).astype("int64")


def priority_order(df: pd.DataFrame) -> pd.DataFrame:
    """Schools ranked for attention: category (intensive first), then rank within the category (weight of
    evidence), then the lowest achievement percentile (national, else among loaded schools), then name."""
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
    if "rank_in_category" in out:
        out["_ev"] = pd.to_numeric(out["rank_in_category"], errors="coerce").fillna(1e9)
    else:
        out["_ev"] = -out["n_reasons"].astype(float)
    out = out.sort_values(["_cat", "_ev", "_pct", "name"], kind="stable")
    out = out.drop(columns=["_pct", "_cat", "_ev"]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out
