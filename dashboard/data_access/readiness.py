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
def _trigger_schools(build, allowed, trigger_id, phase, time_period) -> pd.DataFrame:
    return db.run(
        build,
        readiness_q.trigger_schools,
        allowed=allowed,
        trigger_id=trigger_id,
        phase=phase,
        time_period=time_period,
    )


def trigger_schools(
    identity: Identity, trigger_id: str, phase: str, time_period: int
) -> pd.DataFrame:
    """The named schools behind one trigger, phase and year."""
    require(identity, *ROLES)
    require_names(identity)
    if trigger_id in INTELLIGENCE_TRIGGERS:
        require_intelligence(identity)
    return _trigger_schools(
        db.current_build(), allowed_key(identity), str(trigger_id), str(phase), int(time_period)
    )


@cached
def _concern(build, allowed, time_period) -> pd.DataFrame:
    return db.run(
        build, readiness_q.schools_causing_concern, allowed=allowed, time_period=time_period
    )


def schools_causing_concern(identity: Identity, time_period: int | None = None) -> pd.DataFrame:
    """Intensive and targeted schools; ``reasons`` as this role may read them (one string)."""
    require(identity, *ROLES)
    require_names(identity)
    df = _concern(db.current_build(), allowed_key(identity), time_period).copy()
    column = "reasons" if access.can_see_intelligence(identity) else "governor_reasons"
    df["reasons"] = df[column].map(
        lambda rs: "; ".join(str(r) for r in rs) if rs is not None else ""
    )
    return df.drop(columns=["governor_reasons"])


@cached
def _transitions(build) -> pd.DataFrame:
    return db.run(build, readiness_q.transitions)


def transitions(identity: Identity) -> pd.DataFrame:
    """Counts of schools moving between support categories year on year."""
    require(identity, *ROLES)
    return _transitions(db.current_build())
