"""Briefing and district comparison data: aggregates of an area (a district or the whole county).

Roles: briefing, manager, officer. Nothing here returns soft intelligence; figures built from pupils
are suppressed for the briefing role (access.suppress, decision 17); the one function that names
schools (``named_intensive``) checks ``require_names`` first (SID_BRIEFING_NAMES_SCHOOLS).
"""

from __future__ import annotations

import pandas as pd

from dashboard import access, db
from dashboard.access import BRIEFING, MANAGER, OFFICER, Identity
from dashboard.data_access.core import allowed_key, cached, require, require_names
from warehouse.queries import briefing as briefing_q

ROLES = (BRIEFING, MANAGER, OFFICER)
TABLES = (
    "boundaries",
    "model_settings",
    "national_reference",
    "support_category",
    "support_reasons",
)


def loaded(identity: Identity) -> bool:
    """Whether the build holds the model tables these views read (a bare warehouse does not)."""
    require(identity, *ROLES)
    build = db.current_build()
    return all(db.has_table(build, t) for t in TABLES)


@cached
def _areas(build, allowed) -> pd.DataFrame:
    return db.run(build, briefing_q.areas, allowed=allowed)


def areas(identity: Identity) -> pd.DataFrame:
    """The home LA (la_code, la_name) and its districts with their number of schools."""
    require(identity, *ROLES)
    return _areas(db.current_build(), allowed_key(identity))


@cached
def _glance(build, allowed, district) -> pd.DataFrame:
    return db.run(build, briefing_q.glance, allowed=allowed, district=district)


def glance(identity: Identity, district: str | None) -> pd.DataFrame:
    """Open schools, pupils and pupil-weighted % FSM by phase (district None: the county)."""
    require(identity, *ROLES)
    df = _glance(db.current_build(), allowed_key(identity), district)
    if access.needs_suppression(identity):
        df = access.suppress(df, "pupils", ["pct_fsm"])
    return df


@cached
def _measures(build, allowed, district) -> pd.DataFrame:
    return db.run(build, briefing_q.measures, allowed=allowed, district=district)


def measures(identity: Identity, district: str | None) -> pd.DataFrame:
    """Headline measures of the area per year (value, cohort, county_value, national_value)."""
    require(identity, *ROLES)
    df = _measures(db.current_build(), allowed_key(identity), district)
    if access.needs_suppression(identity):
        df = access.suppress(
            df,
            "cohort",
            ["value"],
            group_col="pupil_group",
            by=["time_period", "measure", "scope"],
        )
    return df


@cached
def _categories(build, allowed, district) -> pd.DataFrame:
    return db.run(build, briefing_q.categories, allowed=allowed, district=district)


def categories(identity: Identity, district: str | None) -> pd.DataFrame:
    """Schools per support category, per year and district (counts of schools, not pupils)."""
    require(identity, *ROLES)
    return _categories(db.current_build(), allowed_key(identity), district)


@cached
def _named_intensive(build, allowed, district) -> pd.DataFrame:
    return db.run(build, briefing_q.named_intensive, allowed=allowed, district=district)


def named_intensive(identity: Identity, district: str | None) -> pd.DataFrame:
    """Schools in intensive support for published-data or inspection reasons (never intelligence)."""
    require(identity, *ROLES)
    require_names(identity)
    return _named_intensive(db.current_build(), allowed_key(identity), district)


@cached
def _district_averages(build, allowed) -> pd.DataFrame:
    return db.run(build, briefing_q.district_averages, allowed=allowed)


def district_averages(identity: Identity) -> pd.DataFrame:
    """Each district's average per year for the headline measures (suppressed for briefing)."""
    require(identity, *ROLES)
    df = _district_averages(db.current_build(), allowed_key(identity))
    if access.needs_suppression(identity):
        df = access.suppress(df, "cohort", ["value"])
    return df
