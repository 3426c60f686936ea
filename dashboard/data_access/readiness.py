"""Inspection readiness data: the LA risk triggers, the schools behind one, schools causing concern.

Roles: manager, officer, admin (decision 18). Naming schools needs ``require_names``; trigger 7
(complaints to Ofsted) and full reasons come from the council's intelligence, so they need
``require_intelligence`` (the admin role sees the reasons a governor could see instead).
"""

from __future__ import annotations

import pandas as pd

from dashboard import access, db
from dashboard.access import ADMIN, MANAGER, OFFICER, Identity
from dashboard.data_access.core import (
    allowed_key,
    cached,
    require,
    require_intelligence,
    require_names,
)
from warehouse.queries import readiness as readiness_q

ROLES = (MANAGER, OFFICER, ADMIN)
INTELLIGENCE_TRIGGERS = frozenset({"T7_ofsted_complaints"})
TABLES = (
    "boundaries",
    "la_risk_triggers",
    "category_transitions",
    "support_category",
    "model_settings",
)


def loaded(identity: Identity) -> bool:
    """Whether the build holds the model tables this view reads (a bare warehouse does not)."""
    require(identity, *ROLES)
    build = db.current_build()
    return all(db.has_table(build, t) for t in TABLES)


def view_key(identity: Identity) -> tuple:
    """What every view of this area depends on for this user (hashable): the build, the user's
    schools and whether the role reads the council's intelligence. The screen keys what it makes
    from these frames by it (dashboard/readiness_screen.py)."""
    require(identity, *ROLES)
    return (db.current_build(), allowed_key(identity), access.can_see_intelligence(identity))


@cached
def _triggers(build) -> pd.DataFrame:
    return db.run(build, readiness_q.triggers)


def triggers(identity: Identity) -> pd.DataFrame:
    """The home LA's risk triggers for every phase and year."""
    require(identity, *ROLES)
    return _triggers(db.current_build())


def drillable(identity: Identity, trigger_id: str) -> bool:
    """Whether this user may list the schools behind the trigger."""
    if trigger_id == "T8_secretary_of_state":
        return False
    if trigger_id in INTELLIGENCE_TRIGGERS:
        return access.can_see_intelligence(identity)
    return access.may_name_schools(identity)


@cached
def _trigger_schools(build, allowed, trigger_id, phase) -> dict[int, pd.DataFrame]:
    """Every model year's schools behind one trigger and phase, by year: one query per build,
    user's schools, trigger and phase serves every year a user then picks."""
    df = db.run(
        build,
        readiness_q.trigger_schools,
        allowed=allowed,
        trigger_id=trigger_id,
        phase=phase,
        time_period=None,
    )
    return _by_year(df)


def _by_year(df: pd.DataFrame, keep: bool = False) -> dict[int | None, pd.DataFrame]:
    """{model year: its rows, in the query's order, without the year column unless ``keep``};
    None: no rows (the same columns and types, for a year with none)."""
    rows = df if keep else df.drop(columns=["time_period"])
    out = {
        int(y): rows[df["time_period"] == y].reset_index(drop=True)
        for y in df["time_period"].unique()
    }
    out[None] = rows.iloc[0:0].reset_index(drop=True)
    return out


def trigger_schools(
    identity: Identity, trigger_id: str, phase: str, time_period: int
) -> pd.DataFrame:
    """The named schools behind one trigger, phase and year."""
    require(identity, *ROLES)
    require_names(identity)
    if trigger_id in INTELLIGENCE_TRIGGERS:
        require_intelligence(identity)
    by_year = _trigger_schools(
        db.current_build(), allowed_key(identity), str(trigger_id), str(phase)
    )
    return by_year.get(int(time_period), by_year[None])


def trigger_schools_every_year(
    identity: Identity, trigger_id: str, phase: str
) -> dict[int | None, pd.DataFrame]:
    """``trigger_schools`` of every model year at once: {year: its schools}; None: a year with
    none (the same guards; the screen makes every year's table in one pass)."""
    require(identity, *ROLES)
    require_names(identity)
    if trigger_id in INTELLIGENCE_TRIGGERS:
        require_intelligence(identity)
    return _trigger_schools(db.current_build(), allowed_key(identity), str(trigger_id), str(phase))


def _with_reasons(df: pd.DataFrame, intelligence: bool) -> pd.DataFrame:
    """``reasons`` as one string of the reasons a role with (or without) intelligence reads."""
    column = "reasons" if intelligence else "governor_reasons"
    df["reasons"] = df[column].map(
        lambda rs: "; ".join(str(r) for r in rs) if rs is not None else ""
    )
    return df.drop(columns=["governor_reasons"])


@cached
def _concern(build, allowed, intelligence: bool) -> dict[int | None, pd.DataFrame]:
    """Every model year's schools causing concern, by year: one query per build, user's schools
    and kind of role serves every year a user then picks."""
    df = db.run(build, readiness_q.schools_causing_concern, allowed=allowed, every_year=True)
    return _by_year(_with_reasons(df, intelligence), keep=True)


@cached
def _concern_latest(build, allowed, intelligence: bool) -> pd.DataFrame:
    df = db.run(build, readiness_q.schools_causing_concern, allowed=allowed)
    return _with_reasons(df, intelligence)


def schools_causing_concern(identity: Identity, time_period: int | None = None) -> pd.DataFrame:
    """Intensive and targeted schools in a model year (None: the latest); ``reasons`` as this
    role may read them (one string)."""
    require(identity, *ROLES)
    require_names(identity)
    build, allowed = db.current_build(), allowed_key(identity)
    intelligence = access.can_see_intelligence(identity)
    if time_period is None:
        return _concern_latest(build, allowed, intelligence)
    by_year = _concern(build, allowed, intelligence)
    return by_year.get(int(time_period), by_year[None])


def concern_every_year(identity: Identity) -> dict[int | None, pd.DataFrame]:
    """``schools_causing_concern`` of every model year at once: {year: its schools}; None: a year
    with none (the same guards; the screen makes every year's tables in one pass)."""
    require(identity, *ROLES)
    require_names(identity)
    intelligence = access.can_see_intelligence(identity)
    return _concern(db.current_build(), allowed_key(identity), intelligence)


@cached
def _transitions(build) -> pd.DataFrame:
    return db.run(build, readiness_q.transitions)


def transitions(identity: Identity) -> pd.DataFrame:
    """Counts of schools moving between support categories year on year."""
    require(identity, *ROLES)
    return _transitions(db.current_build())
