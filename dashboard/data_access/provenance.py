"""Where the figures come from (decision 25): source files, the period of the figures and the dates
their files state. Every page's 'Data as at' and every export's source line (CSV, Excel, PDF, PPTX)
call ``provenance``; nobody formats the load date as the data's date."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import access, db
from dashboard.access import Identity
from dashboard.data_access.core import cached, kept, require
from dashboard.domain import provenance as _prov
from warehouse.queries import provenance as provenance_q


@cached
def _files(build) -> pd.DataFrame:
    if not db.has_table(build, "load_files"):
        return pd.DataFrame(columns=["file_name", "kind", "time_period", "file_status"])
    return db.run(build, provenance_q.source_files)


def provenance(identity: Identity, kinds: Iterable[str] | None = None) -> _prov.Provenance:
    """Source files, period and dates of the figures the user may see (any signed-in role).

    ``kinds`` limits it to the sources a page or export uses (e.g. ("ks2", "census")); by default
    the published sources. Confidential sources (the council's workbook, the pupil file) are named
    only to roles that may see intelligence.
    """
    require(identity)
    wanted = set(kinds) if kinds is not None else set(_prov.PUBLISHED)
    if not access.can_see_intelligence(identity):
        wanted -= set(_prov.CONFIDENTIAL)
    return _provenance(db.current_build(), tuple(sorted(wanted)))


@kept  # frozen, its files a tuple of frozen SourceFiles: served as it is, not copied per caller
def _provenance(build, kinds: tuple[str, ...]) -> _prov.Provenance:
    return _prov.build(_files(build), kinds)


@cached
def _comparison_sets(build) -> pd.DataFrame:
    if not db.has_table(build, "achievement"):
        return pd.DataFrame(
            columns=["key_stage", "time_period", "is_national", "n_schools", "la_names"]
        )
    return db.run(build, provenance_q.comparison_sets)


def comparison_set(identity: Identity, key_stage: str | None, time_period: int | None) -> str:
    """'nationally' or 'among the N schools loaded (LA names)' for the achievement scores of a key
    stage and year (decision 9); with key_stage None, the sets of every key stage of the year
    (a page showing KS2 and KS4 together)."""
    from dashboard.domain.statements import comparison_set as words

    require(identity)
    sets = _comparison_sets(db.current_build())
    if time_period is not None:
        sets = sets[sets["time_period"] == int(time_period)]
    if key_stage is not None:
        sets = sets[sets["key_stage"] == key_stage]
    if sets.empty:
        return words("loaded", None, [])
    if bool(sets["is_national"].all()):
        return "nationally"
    names = sorted({n for names in sets["la_names"] for n in list(names)})
    if len(sets) == 1:
        return words("loaded", int(sets["n_schools"].iloc[0]), names)
    parts = [
        f"{r.key_stage.upper()}: "
        + ("nationally" if r.is_national else words("loaded", int(r.n_schools), list(r.la_names)))
        for r in sets.itertuples()
    ]
    return "; ".join(parts)
