"""Data access for pupil progress (issue 9), following the package pattern (dashboard/data_access).

Who sees what:
- managers and officers: a school's pupils as an anonymous distribution (progress values only: no
  pupil key, no name) with group filters, and its figures by group;
- governors: their own school's figures by group only, never a pupil row;
- briefing: nothing pupil-level (PermissionError).
Every figure made from pupils goes through THE suppression function, dashboard.access.suppress
(decision 17), whoever asks: a filtered group of 5 pupils or fewer shows no figure and no points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import access, db
from dashboard.access import GOVERNOR, MANAGER, OFFICER, SUPPRESSED, Identity
from dashboard.data_access.by_school import BySchool
from dashboard.data_access.core import allowed_key, cached, kept, require
from dashboard.store import audit
from warehouse import settings
from warehouse.queries import pupils as q

PUPIL_ROLES = (MANAGER, OFFICER)  # may see a school's pupil distribution
FIGURE_ROLES = (MANAGER, OFFICER, GOVERNOR)  # may see figures made from pupils (suppressed)
# Pupil groups that add up to all pupils (secondary suppression): the published partitions and SEN.
PARTITIONS = (*access.GROUP_PARTITIONS, ("no_sen", "sen_support", "ehcp"))
FIGURE_VALUES = [
    "value",
    "value_added_pct",
    "gap_vs_national_disadvantaged",
    "gap_vs_national_non_disadvantaged",
]
GOVERNOR_COLUMNS = [
    "time_period",
    "key_stage",
    "measure",
    "pupil_group",
    "pupils",
    "value",
    "value_added_pct",
    "national_value",
    "national_disadvantaged",
    "national_non_disadvantaged",
    "gap_vs_national_disadvantaged",
    "gap_vs_national_non_disadvantaged",
    "status_code",
]


@dataclass(frozen=True)
class Distribution:
    """One school's pupils in one measure and year, after the filters: anonymous points and a summary."""

    points: pd.DataFrame  # progress, exceeds_estimate (empty when the group is suppressed)
    summary: dict  # pupils, mean, value_added_pct, status_code (SUPP (small group) or None)


def view_key(identity: Identity) -> tuple:
    """What a manager's view of the pupils depends on besides its choices (hashable): the build,
    the user's schools and the suppression threshold; the page keys what it makes by it."""
    require(identity, *PUPIL_ROLES)
    return (db.current_build(), allowed_key(identity), settings.suppression_threshold())


@cached
def _loaded(build: str) -> bool:
    return db.run(build, q.loaded)


def loaded(identity: Identity) -> bool:
    """Whether this warehouse holds the pupil model (an older build does not)."""
    require(identity)
    return _loaded(db.current_build())


@cached
def _schools(build: str, allowed) -> pd.DataFrame:
    return db.run(build, q.schools, allowed=allowed)


def schools_with_pupils(identity: Identity) -> pd.DataFrame:
    """urn, name, time_period, key_stage, pupils of every school with pupil results (managers)."""
    require(identity, *PUPIL_ROLES)
    if not loaded(identity):
        return pd.DataFrame(columns=["urn", "name", "time_period", "key_stage", "pupils"])
    return _schools(db.current_build(), allowed_key(identity))


@cached
def _distributions(build, allowed, time_period, measure, disadvantaged, sen, eal, sex,
                   threshold) -> tuple[BySchool, BySchool, dict]:  # fmt: skip
    """Every allowed school's pupils in one year and measure after the filters (one query), as
    (points by school, summaries by school, the summary of a school with no pupil): a school's
    first view slices its rows. The summaries are the per-school ones of ``_summary``, suppressed
    in one pass (primary suppression is row by row, so each row is what it would be alone)."""
    rows = db.run(build, q.distribution, allowed=allowed, urn=None, time_period=time_period,
                  measure=measure, disadvantaged=disadvantaged, sen=sen, eal=eal, sex=sex)  # fmt: skip
    measured = rows[rows["progress"].notna()][["urn", "progress", "exceeds_estimate"]]
    points = BySchool(measured)
    urns = sorted({int(u) for u in rows["urn"]})
    progress = measured["progress"].to_numpy(dtype=float)
    beat = pd.to_numeric(measured["exceeds_estimate"].astype("object"), errors="coerce")
    beat = beat.to_numpy(dtype=float)
    table = []
    for urn in urns:
        pos = points.positions(urn)
        n = len(pos)
        # as Series.mean on the school's own rows (same order, numpy's sum, missing skipped)
        known = beat[pos][~np.isnan(beat[pos])]
        table.append({
            "urn": urn,
            "pupils": n,
            "mean": progress[pos].sum(dtype=float) / n if n else None,
            "value_added_pct": 100.0 * (known.sum(dtype=float) / len(known)) if n and len(known)
            else (float("nan") if n else None),
        })  # fmt: skip
    frame = pd.DataFrame(table, columns=["urn", "pupils", "mean", "value_added_pct"])
    shown = access.suppress(frame, "pupils", ["mean", "value_added_pct"], threshold)
    return points, BySchool(shown), _summary(rows.iloc[0:0], threshold)


def _summary(rows: pd.DataFrame, threshold: int) -> dict:
    """One school's summary of its (filtered) pupils, suppressed."""
    measured = rows[rows["progress"].notna()]
    n = len(measured)
    summary = pd.DataFrame(
        [
            {
                "pupils": n,
                "mean": measured["progress"].mean() if n else None,
                "value_added_pct": 100.0 * measured["exceeds_estimate"].mean() if n else None,
            }
        ]
    )
    summary = access.suppress(summary, "pupils", ["mean", "value_added_pct"], threshold)
    return _contract(summary.iloc[0].to_dict())


def _contract(summary: dict) -> dict:
    """status_code is SUPPRESSED or None (a shown row's code comes out of a frame as NaN, which is
    true: the page took every school for a suppressed one and never drew its distribution)."""
    return {**summary, "status_code": SUPPRESSED if summary["status_code"] == SUPPRESSED else None}


def school_distribution(
    identity: Identity,
    urn: int,
    time_period: int,
    measure: str,
    *,
    disadvantaged: bool | None = None,
    sen: str | None = None,
    eal: bool | None = None,
    sex: str | None = None,
) -> Distribution:
    """The progress of one school's pupils (filtered), as anonymous points plus a summary; a group
    of 5 pupils or fewer (SID_SUPPRESSION_THRESHOLD) is suppressed: no points, no figures."""
    require(identity, *PUPIL_ROLES)
    urn = int(urn)
    out = _distribution_shown(
        db.current_build(),
        allowed_key(identity),
        urn,
        int(time_period),
        str(measure),
        disadvantaged,
        sen,
        eal,
        sex,
        settings.suppression_threshold(),
    )
    audit.record_view(identity.username, identity.role, urn, "pupil progress")
    return out


def read_views(identity: Identity, views: tuple[tuple[int, str], ...]) -> None:
    """Read every allowed school's pupils and group figures for each (year, measure) of ``views``
    with no pupil filter (one query each per build, user's schools and threshold, as a school's
    first view of it would): the page passes the first view of each of its schools, so choosing
    a school of another key stage or latest year slices rows already read. Reads only: no school
    is viewed, so nothing is audited here (``school_distribution`` audits each school shown)."""
    require(identity, *PUPIL_ROLES)
    if not loaded(identity):
        return
    _views_read(db.current_build(), allowed_key(identity), settings.suppression_threshold(),
                tuple((int(y), str(m)) for y, m in views))  # fmt: skip


@kept
def _views_read(build: str, allowed, threshold: int, views: tuple) -> bool:
    # once per key: a rerun's call is one look-up, not two per view
    for year, measure in views:
        _distributions(build, allowed, year, measure, None, None, None, None, threshold)
        _year_group_figures(build, allowed, year, measure, threshold)
    return True


@cached
def _distribution_shown(build, allowed, urn, time_period, measure, disadvantaged, sen, eal, sex,
                        threshold) -> Distribution:  # fmt: skip
    points, summaries, nobody = _distributions(
        build, allowed, time_period, measure, disadvantaged, sen, eal, sex, threshold
    )
    if urn not in summaries:  # no pupil of this school in the year, measure and filters
        summary = dict(nobody)
    else:
        row = summaries.first(urn)
        summary = {k: row[k] for k in ("pupils", "mean", "value_added_pct", "status_code")}
        if pd.notna(summary["pupils"]):
            summary["pupils"] = int(summary["pupils"])
        summary = _contract(summary)
    hidden = summary["status_code"] == SUPPRESSED
    shown = points.rows(urn, ["progress", "exceeds_estimate"])
    if hidden or not summary["pupils"]:
        shown = shown.iloc[0:0]
    return Distribution(shown, summary)


@cached
def _group_figures(build: str, allowed, urn: int) -> pd.DataFrame:
    return db.run(build, q.group_figures, allowed=allowed, urn=urn).drop(columns="urn")


def _shown(figures: pd.DataFrame, threshold: int, by: list[str]) -> pd.DataFrame:
    # a figure no pupil counts in (progress in a year without estimates) is no figure at all
    figures = figures[figures["pupils"] > 0]
    return access.suppress(
        figures,
        "pupils",
        [*FIGURE_VALUES, "cohort", "pupils_exceeding"],
        threshold,
        group_col="pupil_group",
        by=by,
        partitions=PARTITIONS,
    )


@cached
def _year_group_figures(build: str, allowed, time_period: int, measure: str, threshold: int
                        ) -> BySchool:  # fmt: skip
    """Every allowed school's figures of one year and measure (one query), suppressed in one pass:
    suppression works within (year, key stage, measure) blocks, here also by school, so each
    school's rows are what ``_shown_group_figures`` gives it for that year and measure."""
    figures = db.run(build, q.group_figures, allowed=allowed, urn=None, time_period=time_period,
                     measure=measure)  # fmt: skip
    return BySchool(_shown(figures, threshold, ["urn", "time_period", "key_stage", "measure"]))


@cached
def _shown_group_figures(build: str, allowed, urn: int, threshold: int, governor: bool):
    """``_group_figures`` suppressed (and cut to GOVERNOR_COLUMNS for a governor), cached:
    suppression is a pure function of the rows and the threshold, both in the key, so it runs
    once per build, user's schools, school and threshold instead of on every rerun."""
    figures = _group_figures(build, allowed, urn)
    shown = _shown(figures, threshold, ["time_period", "key_stage", "measure"])
    if governor:
        shown = shown[GOVERNOR_COLUMNS]
    return shown.reset_index(drop=True)


def _no_figures_for(identity: Identity, urn: int) -> bool:
    """Whether a school's group figures are not for ``identity``: not one of its schools (the
    attempt is audited) or no pupil data loaded."""
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        audit.record_view(identity.username, identity.role, urn, "not permitted")
        return True
    return not loaded(identity)


def school_group_figures(identity: Identity, urn: int) -> pd.DataFrame:
    """One school's figures made from its pupils, by year, measure and group, suppressed (every
    role). Governors get their own schools only and the columns in GOVERNOR_COLUMNS."""
    require(identity, *FIGURE_ROLES)
    urn = int(urn)
    if _no_figures_for(identity, urn):
        return pd.DataFrame(columns=GOVERNOR_COLUMNS)
    return _shown_group_figures(
        db.current_build(),
        allowed_key(identity),
        urn,
        settings.suppression_threshold(),
        identity.role == GOVERNOR,
    )


def school_group_figures_of(
    identity: Identity, urn: int, time_period: int, measure: str
) -> pd.DataFrame:
    """``school_group_figures``' rows of one year and measure (what the pupils page shows, for
    managers and officers), sliced from every allowed school's figures of that year and measure."""
    require(identity, *PUPIL_ROLES)
    urn = int(urn)
    if _no_figures_for(identity, urn):
        return pd.DataFrame(columns=GOVERNOR_COLUMNS)
    build, threshold = db.current_build(), settings.suppression_threshold()
    by_school = _year_group_figures(build, allowed_key(identity), int(time_period), str(measure),
                                    threshold)  # fmt: skip
    return by_school.rows(urn).drop(columns="urn")


@cached
def _reconciliation(build: str, allowed, urn: int) -> pd.DataFrame:
    return db.run(build, q.reconciliation, allowed=allowed, urn=urn)


def school_reconciliation(identity: Identity, urn: int) -> pd.DataFrame:
    """Whether the school's pupil figures reproduce its published ones (all pupils; managers)."""
    require(identity, *PUPIL_ROLES)
    build, threshold = db.current_build(), settings.suppression_threshold()
    return _reconciliation_shown(build, allowed_key(identity), int(urn), threshold)


@cached
def _reconciliation_shown(build: str, allowed, urn: int, threshold: int) -> pd.DataFrame:
    rows = _reconciliation(build, allowed, urn)
    return access.suppress(rows, "pupils", ["pupil_value"], threshold, code_col="pupil_status")
