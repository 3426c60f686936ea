"""Data access for the governor's school profile (issue 5), following the package pattern.

Every function takes the signed-in Identity first, checks the role, reads through a cached private
function keyed by the build, the caller's allowed URNs and the URN (rows restricted in the SQL of
warehouse/sql/queries/governor_*.sql), and suppresses small groups for governors after the cache.

Confidential intelligence never reaches a governor: the support reasons come from
``support_category.governor_reasons`` (confidential ones already one generic line), and the app's
combined category (decision 12, dashboard/support.py) is computed from the rules that fired, the
DATES of workbook complaints and concerns and the KIND, DATE and STATUS of app-entered notes; any
intelligence reason it adds becomes the same single line. No note text is ever read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard import access, db, support
from dashboard.access import GOVERNOR, MANAGER, OFFICER, SUPPRESSED, Identity
from dashboard.data_access.core import allowed_key, cached, require
from dashboard.data_access.provenance import comparison_set, provenance
from dashboard.store import audit, notes
from warehouse import settings
from warehouse.queries import governor as q

ROLES = (GOVERNOR, MANAGER, OFFICER)
SOURCE = (
    "Department for Education performance tables (Key Stage 2 and 4), school census and pupil "
    "absence statistics; Get Information About Schools; Ofsted inspection outcomes; all under the "
    "Open Government Licence v3.0. Support category: the council's school model"
)
# The PDF's footer line has room for about 90 characters; the full SOURCE is on its last page.
SHORT_SOURCE = "Department for Education, Ofsted, the council (see last page)"
ACHIEVEMENT_VALUES = [
    "attainment_score",
    "progress_score",
    "progress_ci_lower",
    "progress_ci_upper",
    "achievement_score",
    "national_percentile",
    "loaded_percentile",
    "rank_among_loaded",
    "achievement_band",
]
NOTE_FIELDS = ("urn", "kind", "date", "status")  # what the support model reads of an app entry
GAP_VALUES = [
    "value",
    "gap_vs_national_same_group",
    "gap_vs_national_non_disadvantaged",
    "gap_vs_national_disadvantaged",
]


@dataclass(frozen=True)
class Support:
    time_period: int
    category: str
    reasons: list[str]  # what a governor may read (confidential: one generic line)
    recommended_action: str
    as_at: object
    app_entries_counted: bool  # the category includes entries made in the app (decision 12)
    summary: str | None = None  # governor_summary: one sentence, no confidential detail
    watch_flags: tuple[str, ...] = ()  # governor_watch_flags (confidential: one generic line)
    rules_not_applied: tuple[str, ...] = ()  # coverage: rules that could not be applied, and why
    not_categorised_reason: str | None = None


@dataclass(frozen=True)
class GovernorProfile:
    school: dict
    measures: pd.DataFrame  # every year and group, LA and national beside; suppressed
    achievement: pd.DataFrame
    group_gaps: pd.DataFrame  # groups only (no 'all' rows); suppressed
    trends: pd.DataFrame
    inspections: pd.DataFrame  # one row per judgement, eras side by side
    support: Support | None
    data_date: str
    source: str = SOURCE
    short_source: str = SHORT_SOURCE
    notes: list[str] = field(default_factory=list)
    source_files: tuple[str, ...] = ()  # one line per source file (decision 25), for the PDF
    # The cache key it was made under (build, allowed URNs, URN, role, deployment, threshold, app
    # entries, day): equal keys, equal profiles. Views made from it cache under it (profile_view).
    key: tuple = field(default=(), compare=False)


def my_schools(identity: Identity) -> pd.DataFrame:
    """urn and name of the schools this user may open (a federation governor: several)."""
    from dashboard import data_access

    require(identity, *ROLES)
    return data_access.list_schools(identity)[["urn", "name"]]


def _run(build: str, have: frozenset[str], name: str, **kwargs) -> pd.DataFrame:
    """Run query ``name`` of warehouse/queries/governor.py, or an empty frame when the build lacks
    a table it reads (a partial or older warehouse: the profile shows what there is)."""
    if not set(q.NEEDS[name]) <= have:
        return pd.DataFrame(columns=q.COLUMNS[name])
    return db.run(build, getattr(q, name), **kwargs)


@cached
def _profile_frames(build: str, allowed, urn: int) -> dict[str, pd.DataFrame]:
    have = db.run(build, q.tables)
    names = ["school", "measures", "achievement", "group_gaps", "trends", "inspections", "support"]
    out = {name: _run(build, have, name, allowed=allowed, urn=urn) for name in names}
    out["info"] = _run(build, have, "data_info")
    out["settings"] = _run(build, have, "settings_rows")
    latest = out["support"]["time_period"].max() if len(out["support"]) else None
    out["reasons"] = (
        _run(build, have, "support_reasons", allowed=allowed, urn=urn, time_period=int(latest))
        if latest is not None and not pd.isna(latest)
        else pd.DataFrame(columns=q.COLUMNS["support_reasons"])
    )
    return out


@cached
def _workbook_event_dates(build: str, allowed, urn: int) -> pd.DataFrame:
    have = db.run(build, q.tables)
    return _run(build, have, "workbook_event_dates", allowed=allowed, urn=urn)


def _small_cohort_years(achievement: pd.DataFrame, threshold: int) -> set[tuple[str, int]]:
    cohort = pd.to_numeric(achievement["cohort"], errors="coerce")
    small = achievement[cohort.notna() & (cohort <= threshold)]
    return {(k, int(t)) for k, t in zip(small["key_stage"], small["time_period"], strict=True)}


def _suppress(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Small groups hidden with THE suppression function (decision 17)."""
    threshold = settings.suppression_threshold()
    m = access.suppress(
        frames["measures"],
        "cohort",
        ["value", "ci_lower", "ci_upper"],
        group_col="pupil_group",
        by=["time_period", "key_stage", "measure"],
    )
    g = access.suppress(
        frames["group_gaps"],
        "cohort",
        GAP_VALUES,
        group_col="pupil_group",
        by=["time_period", "measure"],
    )
    # A group hidden in the measures (secondary suppression there) is hidden here too.
    hidden = set(
        map(
            tuple,
            m.loc[m["status_code"] == SUPPRESSED, ["time_period", "measure", "pupil_group"]].values,
        )
    )
    keys = list(zip(g["time_period"], g["measure"], g["pupil_group"], strict=True))
    also = pd.Series([k in hidden for k in keys], index=g.index, dtype=bool)
    for col in [*GAP_VALUES, "cohort"]:
        g[col] = g[col].where(~also)
    g["status_code"] = g["status_code"].astype("object").where(~also, SUPPRESSED)
    a = access.suppress(frames["achievement"], "cohort", ACHIEVEMENT_VALUES, code_col="method_note")
    t = frames["trends"].copy()
    small = _small_cohort_years(frames["achievement"], threshold)
    if len(t):
        bad = [
            any((k, int(y)) in small for y in _as_list(years))
            for k, years in zip(t["key_stage"], t["years"], strict=True)
        ]
        bad = pd.Series(bad, index=t.index, dtype=bool)
        for col in ["value", "relative", "change", "direction", "relatives", "explanation"]:
            t[col] = t[col].astype("object").where(~bad)
        t.loc[bad, "explanation"] = SUPPRESSED
    return {**frames, "measures": m, "group_gaps": g, "achievement": a, "trends": t}


@cached
def _suppressed_frames(build: str, allowed, urn: int, threshold: int) -> dict[str, pd.DataFrame]:
    """``_profile_frames`` after ``_suppress``, cached: suppression is a pure function of the rows
    (keyed here by build, the user's schools and the URN) and of the threshold (in the key too),
    so it need not run again on every rerun."""
    return _suppress(_profile_frames(build, allowed, urn))


def _as_list(value) -> list:
    return [] if value is None or (isinstance(value, float) and pd.isna(value)) else list(value)


def _setting(settings_df: pd.DataFrame, name: str, default):
    row = settings_df[settings_df["name"] == name]
    return json.loads(row["value_json"].iloc[0]) if len(row) else default


def _support(
    frames: dict[str, pd.DataFrame],
    build: str,
    allowed,
    urn: int,
    deployment: str,
    app_notes: tuple[tuple, ...],
    today: date,
):
    """The latest year's category: the app's combination (decision 12), governor reasons only.
    ``app_notes``: (urn, kind, date, status) of the school's current app entries (never text)."""
    sup = frames["support"]
    if sup.empty:
        return None
    latest = sup.iloc[-1]
    cfg = frames["settings"]
    line = _setting(cfg, "actions_confidential_line", "")
    given = [str(r) for r in _as_list(latest["governor_reasons"])]
    open_reasons = [r for r in given if r != line]
    confidential = line in given
    category, action, counted = latest["category"], latest["recommended_action"], False
    summary = latest.get("governor_summary")
    watch = [str(w) for w in _as_list(latest.get("governor_watch_flags"))]
    if deployment == "full":  # a governor deployment queries no intelligence at all
        reasons = frames["reasons"]
        # kind, date and open/closed only, never text
        app = pd.DataFrame(list(app_notes), columns=list(NOTE_FIELDS))
        actions = {
            k.removeprefix("actions_"): _setting(cfg, k, "")
            for k in cfg["name"]
            if k.startswith("actions_")
        }
        reference = pd.Timestamp(latest["as_at"]).date() if latest["as_at"] is not None else today
        combined, all_reasons = support.combine(
            pd.DataFrame(
                [
                    {
                        "urn": urn,
                        "category": latest["category"],
                        "academy": bool(latest["is_academy"]),
                        "recommended_action": latest["recommended_action"],
                        "summary": latest.get("governor_summary"),
                        "governor_summary": latest.get("governor_summary"),
                        "rules_not_applied": _as_list(latest.get("rules_not_applied")),
                        "not_categorised_reason": latest.get("not_categorised_reason"),
                    }
                ]
            ),
            reasons.assign(origin="warehouse")
            if len(reasons)
            else pd.DataFrame(columns=support.REASON_COLUMNS),
            app,
            _workbook_event_dates(build, allowed, urn),
            reference=reference,
            actions=actions,
            window_months=int(_setting(cfg, "as_at_intelligence_window_months", 12)),
            min_events=int(_setting(cfg, "rules_concerns_complaints_min", 1)),
            weights=support.Weights.from_settings(
                {n: json.loads(v) for n, v in zip(cfg["name"], cfg["value_json"], strict=True)}
            ),
        )
        row = combined.iloc[0]
        summary = row["governor_summary"]
        category, action, counted = (
            row["category"],
            row["recommended_action"],
            bool(row["app_entries"]),
        )
        main = all_reasons[all_reasons["kind"] != "watch"]
        shown = main[main["source"] != "intelligence"]
        open_reasons = [r for r in shown["reason"] if isinstance(r, str)]
        confidential = bool((main["source"] == "intelligence").any())
        flags = all_reasons[all_reasons["kind"] == "watch"]
        watch = [
            r for r in flags.loc[flags["source"] != "intelligence", "reason"] if isinstance(r, str)
        ]
        if (flags["source"] == "intelligence").any() and not confidential and line:
            watch.append(line)
    reasons_out = open_reasons + ([line] if confidential and line else [])
    return Support(
        int(latest["time_period"]),
        str(category),
        reasons_out,
        str(action),
        latest["as_at"],
        counted,
        None
        if summary is None or (isinstance(summary, float) and pd.isna(summary))
        else str(summary),
        tuple(watch),
        tuple(str(r) for r in _as_list(latest.get("rules_not_applied"))),
        latest.get("not_categorised_reason") if category == "not categorised" else None,
    )


def _with_comparison(identity: Identity, achievement: pd.DataFrame) -> pd.DataFrame:
    """The achievement rows with ``compared_with``: the schools each score is compared with, in
    words ('nationally' / 'among the 309 schools loaded (Hampshire)'; decision 9), for the
    profile's statements and tables."""
    out = achievement.copy()
    out["compared_with"] = [
        comparison_set(identity, ks, None if pd.isna(tp) else int(tp))
        for ks, tp in zip(out["key_stage"], out["time_period"], strict=True)
    ]
    return out


def _app_notes(urn: int) -> tuple[tuple, ...]:
    """The school's current app entries as the support model reads them: kind, date and status,
    never text (decision 12: a new note counts on the next rerun, so this is read every rerun)."""
    return tuple(tuple(n.get(f) for f in NOTE_FIELDS) for n in notes.notes_for([urn]))


@cached
def _profile(
    build: str,
    allowed,
    urn: int,
    role: str,
    deployment: str,
    threshold: int,
    app_notes: tuple[tuple, ...],
    today: date,
    _identity: Identity,
) -> GovernorProfile | None:
    """The profile, made once per key and shared by every user with the same key. The key holds
    everything the profile depends on: the build, the user's schools and the URN (rows restricted
    in SQL), the role (suppression, and which sources provenance may name), the deployment (no
    intelligence in a governor deployment), the suppression threshold, the school's app entries
    (kind, date, status) and the day (the support model's reference date). ``_identity`` is not
    part of the key: it is only handed to functions whose answer those fields decide."""
    if access.needs_suppression(_identity):  # decided by the role, which is in the key
        frames = _suppressed_frames(build, allowed, urn, threshold)
    else:
        frames = _profile_frames(build, allowed, urn)
    if frames["school"].empty:
        return None
    gaps = frames["group_gaps"]
    sources = provenance(_identity)
    return GovernorProfile(
        school=frames["school"].iloc[0].to_dict(),
        measures=frames["measures"],
        achievement=_with_comparison(_identity, frames["achievement"]),
        group_gaps=gaps[gaps["pupil_group"] != "all"].reset_index(drop=True),
        trends=frames["trends"],
        inspections=frames["inspections"],
        support=_support(frames, build, allowed, urn, deployment, app_notes, today),
        data_date=sources.as_at,
        source=f"{sources.source}; all under the Open Government Licence v3.0. Support category: the council's school model",
        source_files=tuple(sources.file_lines),
        key=(build, allowed, urn, role, deployment, threshold, app_notes, today),
    )


def school_profile(identity: Identity, urn: int, *, audited: bool = True) -> GovernorProfile | None:
    """Everything the profile shows for one school, or None if not found or not permitted. Every
    call is audited (outside the cache: every view is logged); ``audited=False`` only for a
    profile made ready but not shown (profile_view.warm: a federation's other schools)."""
    require(identity, *ROLES)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        if audited:
            audit.record_view(identity.username, identity.role, urn, "not permitted")
        return None
    deployment = settings.deployment()
    profile = _profile(
        db.current_build(),
        allowed_key(identity),
        urn,
        identity.role,
        deployment,
        settings.suppression_threshold(),
        _app_notes(urn) if deployment == "full" else (),  # a governor deployment reads no notes
        date.today(),
        identity,
    )
    if audited and profile is None:
        audit.record_view(identity.username, identity.role, urn, "not found or not permitted")
    elif audited:
        audit.record_view(identity.username, identity.role, urn)
    return profile


def record_pdf_export(identity: Identity, urn: int) -> None:
    """Download button on_click: the profile PDF was exported."""
    require(identity, *ROLES)
    audit.record("export", identity.username, identity.role, int(urn), "school profile (PDF)")
