"""Data access for similar schools (issue 22), following the package pattern.

``comparison`` (every role that may open the school: governors, managers, officers, administrators):
the school's results beside the group's average and size, its position among them, national and its
LA, and the basis in plain words. It carries no name of another school.

``group`` (managers, officers and administrators ONLY): the schools of the group with their names,
context and results. A governor, and the briefing role, get PermissionError before any query runs:
governors see the count and the average only (issue 22).
"""

from __future__ import annotations

import pandas as pd

from dashboard import db
from dashboard.access import ADMIN, GOVERNOR, MANAGER, OFFICER, Identity
from dashboard.data_access.core import allowed_key, cached, require
from dashboard.store import audit
from warehouse.queries import similar as q

COMPARISON_ROLES = (GOVERNOR, MANAGER, OFFICER, ADMIN)
GROUP_ROLES = (MANAGER, OFFICER, ADMIN)
TABLES = ("similar_school_comparison", "similar_school_groups", "similar_school_features")
COMPARISON_COLUMNS = [
    "time_period",
    "key_stage",
    "measure",
    "school_value",
    "group_mean",
    "group_n",
    "group_size",
    "n_lower",
    "n_equal",
    "position",
    "position_words",
    "below_similar",
    "above_similar",
    "below_similar_years",
    "below_similar_in",
    "pool",
    "pool_n",
    "basis",
    "national_value",
    "la_value",
    "la_name",
]


def _loaded(build: str) -> bool:
    return all(db.has_table(build, t) for t in TABLES)


@cached
def _comparison(build: str, allowed, urn: int) -> pd.DataFrame:
    if not _loaded(build):
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return db.run(build, q.comparison, allowed=allowed, urn=urn)


def comparison(identity: Identity, urn: int) -> pd.DataFrame:
    """One row per year, key stage and headline measure: school value, group mean, group n, position
    among the group and in words, flags, national and LA values, basis. Empty when the build has no
    similar-schools tables or the school is not the caller's."""
    require(identity, *COMPARISON_ROLES)
    return _comparison(db.current_build(), allowed_key(identity), int(urn))


@cached
def _group(build: str, allowed, urn: int, time_period: int, key_stage: str) -> pd.DataFrame:
    if not _loaded(build):
        return pd.DataFrame()
    long = db.run(
        build, q.group, allowed=allowed, urn=urn, time_period=time_period, key_stage=key_stage
    )
    if long.empty:
        return pd.DataFrame()
    base = long[["rank", "urn", "name", "la_name", "distance"]].drop_duplicates("urn")
    figures = long.dropna(subset=["figure"])
    wide = figures.pivot(index="urn", columns="figure", values="value").reset_index()
    wide.columns.name = None
    out = base.merge(wide, on="urn", how="left")
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def group(identity: Identity, urn: int, time_period: int, key_stage: str) -> pd.DataFrame:
    """Managers only: the school (rank 0) and its group, one row each, with name, LA, distance and one
    column per context field and headline result. Raises PermissionError for any other role."""
    require(identity, *GROUP_ROLES)
    out = _group(
        db.current_build(), allowed_key(identity), int(urn), int(time_period), str(key_stage)
    )
    if not out.empty:
        audit.record_view(
            identity.username, identity.role, int(urn), f"similar schools {key_stage} {time_period}"
        )
    return out
