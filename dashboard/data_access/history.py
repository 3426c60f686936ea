"""A school's history across URN changes (academy conversion, amalgamation, re-opening) in one short
sentence, and the date of its latest inspection of each kind, for the drill-down and the governor
profile. The lineage is published GIAS data (not confidential); rows are restricted to the caller's
schools like every other school-level read."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import db
from dashboard.access import Identity
from dashboard.data_access.by_school import BySchool
from dashboard.data_access.core import allowed_key, cached, require
from warehouse.queries import history as q

_OPENINGS = {
    "academy conversion": "Converted to academy",
    "amalgamation": "Formed by amalgamation",
    "split": "Formed when a school split",
    "re-opening": "Re-opened with a new URN",
    "other": "Linked to an earlier school",
}
ERA_KIND = {
    "legacy": "Graded inspection (to August 2024)",
    "sub_judgements_2024": "Inspection with sub-judgements (2024/25)",
    "report_card": "Report card inspection (from November 2025)",
}


def _day(d) -> str:
    d = pd.Timestamp(d).date() if d is not None and not pd.isna(d) else None
    return f"{d.day} {d:%B %Y}" if isinstance(d, date) else ""


def urn_change_text(lineage: pd.DataFrame) -> str | None:
    """ "Converted to academy on 1 September 2020; figures before that are for URN 115930." (None when
    the school has no predecessor). Several predecessors at once are listed ("URN 1 and URN 2")."""
    if lineage is None or lineage.empty:
        return None
    latest = lineage.iloc[0]
    dates = pd.to_datetime(lineage["link_date"])
    first = dates.iloc[0]
    same = lineage[dates.isna()] if pd.isna(first) else lineage[dates == first]
    change = str(latest["change"])
    if len(same) > 1 and change not in ("amalgamation", "split"):
        change = "amalgamation"
    urns = " and ".join(f"URN {int(u)}" for u in same["predecessor_urn"])
    when = _day(latest["link_date"])
    head = _OPENINGS.get(change, _OPENINGS["other"]) + (f" on {when}" if when else "")
    return f"{head}; figures before that are for {urns}."


@cached
def _lineages(build, allowed) -> BySchool:
    """Every allowed school's direct predecessors, read once per build and user's schools."""
    return BySchool(db.run(build, q.lineage, allowed=allowed, urn=None))


def read_lineages(identity: Identity) -> None:
    """Read every allowed school's predecessors (what a first view of a school slices)."""
    require(identity)
    _lineages(db.current_build(), allowed_key(identity))


@cached
def _lineage(build, allowed, urn) -> pd.DataFrame:
    """One school's predecessors: its rows of ``_lineages`` (the same key plus the school), so a
    drill-down's first view of a school runs no query for them."""
    return _lineages(build, allowed).rows(urn)


@cached
def _latest(build, allowed, urn) -> pd.DataFrame:
    return db.run(build, q.latest_inspections, allowed=allowed, urn=urn)


def urn_change_sentence(identity: Identity, urn: int) -> str | None:
    """The one line the drill-down and the profile show under a school's name when it has a
    predecessor URN (None otherwise, or when the school is not one the caller may see)."""
    require(identity)
    return urn_change_text(_lineage(db.current_build(), allowed_key(identity), int(urn)))


def latest_inspection_dates(identity: Identity, urn: int) -> pd.DataFrame:
    """The latest inspection of each kind (framework and published type) with its dates."""
    require(identity)
    df = _latest(db.current_build(), allowed_key(identity), int(urn)).copy()
    df.insert(0, "kind", df["era"].map(ERA_KIND).fillna(df["era"]))
    return df


def latest_inspections_line(identity: Identity, urn: int) -> str:
    """One sentence: the date of the latest inspection of each framework ("Latest inspections:
    report card inspection ended 12 January 2026; graded inspection (to August 2024) ended 7 July
    2022."), or that none is loaded."""
    df = latest_inspection_dates(identity, urn)
    if df.empty:
        return "Latest inspections: none loaded for this school."
    parts = []
    for era, rows in df.groupby("era", sort=False):
        r = rows.iloc[0]
        kind = ERA_KIND.get(era, era)
        typ = f" ({r['inspection_type']})" if isinstance(r["inspection_type"], str) else ""
        parts.append(f"{kind[0].lower()}{kind[1:]}{typ} ended {_day(r['inspection_end'])}")
    return "Latest inspections: " + "; ".join(parts) + "."
