"""Briefing and district comparison data: aggregates of an area (a district or the whole county).

Roles: briefing, manager, officer. Nothing here returns soft intelligence; figures built from pupils
are suppressed for the briefing role (access.suppress, decision 17); the one function that names
schools (``named_intensive``) checks ``require_names`` first (SID_BRIEFING_NAMES_SCHOOLS).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from dashboard import access, briefing_slides, db
from dashboard.access import BRIEFING, MANAGER, OFFICER, Identity
from dashboard.data_access.core import allowed_key, cached, require, require_names
from dashboard.data_access.provenance import provenance
from warehouse import settings
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
def _glance_all(build, allowed) -> pd.DataFrame:
    """Every area's glance in one query (at national size a query per area took half a second)."""
    return db.run(build, briefing_q.glance, allowed=allowed)


@cached
def _glance_areas(build, allowed) -> dict:
    """Every area's glance rows, sliced from ``_glance_all`` in one pass."""
    return briefing_q.every_area(_glance_all(build, allowed))


@cached
def _glance(build, allowed, district) -> pd.DataFrame:
    mine = _glance_areas(build, allowed).get(district)
    if mine is None:  # no row of this area
        return briefing_q.glance_of(_glance_all(build, allowed), district)
    return mine[["phase", "schools", "pupils", "pct_fsm"]]


def glance(identity: Identity, district: str | None) -> pd.DataFrame:
    """Open schools, pupils and pupil-weighted % FSM by phase (district None: the county)."""
    require(identity, *ROLES)
    return _glance_shown(db.current_build(), allowed_key(identity), district, _hidden_at(identity))


def _hidden_at(identity: Identity) -> int | None:
    """The group size at or under which this user's figures are hidden (None: nothing hidden);
    part of the key of every cached result that is suppressed for some roles."""
    return settings.suppression_threshold() if access.needs_suppression(identity) else None


@cached
def _glance_shown(build, allowed, district, threshold) -> pd.DataFrame:
    df = _glance(build, allowed, district)
    return df if threshold is None else access.suppress(df, "pupils", ["pct_fsm"], threshold)


@cached
def _measures_all(build, allowed) -> pd.DataFrame:
    """Every area's headline measures in one query (a query per area on each slide's first view
    cost most of it), sliced per area below."""
    return db.run(build, briefing_q.measures, allowed=allowed)


@cached
def _measures_areas(build, allowed) -> dict:
    """Every area's headline measures, sliced from ``_measures_all`` in one pass."""
    return briefing_q.every_area(_measures_all(build, allowed))


@cached
def _measures(build, allowed, district) -> pd.DataFrame:
    mine = _measures_areas(build, allowed).get(district)
    if mine is None:  # no row of this area
        return briefing_q.area_rows(_measures_all(build, allowed), district)
    return mine


def measures(identity: Identity, district: str | None) -> pd.DataFrame:
    """Headline measures of the area per year (value, cohort, county_value, national_value)."""
    require(identity, *ROLES)
    build, allowed = db.current_build(), allowed_key(identity)
    return _measures_shown(build, allowed, district, _hidden_at(identity))


@cached
def _measures_shown(build, allowed, district, threshold) -> pd.DataFrame:
    df = _measures(build, allowed, district)
    if threshold is None:
        return df
    return access.suppress(
        df,
        "cohort",
        ["value"],
        threshold,
        group_col="pupil_group",
        by=["time_period", "measure", "scope"],
    )


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
    return district_comparison(identity).averages


@dataclass(frozen=True)
class DistrictAverages:
    key: tuple  # everything the averages depend on (hashable): key what is drawn from them
    averages: pd.DataFrame  # district, time_period, measure, value, cohort, ... (suppressed)
    measures: tuple[str, ...]  # the measures with at least one average, in the query's order


def district_comparison(identity: Identity) -> DistrictAverages:
    """Each district's average per year for the headline measures (suppressed for briefing), and
    the measures that have any, computed once per build, schools and suppression."""
    require(identity, *ROLES)
    return _district_comparison(db.current_build(), allowed_key(identity), _hidden_at(identity))


@cached
def _district_comparison(build, allowed, threshold) -> DistrictAverages:
    df = _district_averages(build, allowed)
    if threshold is not None:
        df = access.suppress(df, "cohort", ["value"], threshold)
    has_value = df.groupby("measure", sort=False)["value"].count()
    measures = tuple(str(m) for m in pd.unique(df["measure"]) if has_value.get(m, 0) > 0)
    return DistrictAverages((build, allowed, threshold), df, measures)


# --- the deck -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deck:
    """The briefing deck of an area (dashboard/briefing_slides.py), with ``key``: everything it
    depends on (hashable), for the screen to key what it draws from a slide. Each slide is built
    when first asked for (``slide``) and kept under the key: choosing an area builds the slide
    shown, not the deck; ``slides`` and ``notes`` (the exports) build the rest."""

    key: tuple
    _identity: Identity = field(repr=False, compare=False)
    total: int = briefing_slides.SLIDE_COUNT

    def slide(self, number: int) -> briefing_slides.BriefingSlide:
        return _slide(*self.key, number, _identity=self._identity)[0]

    def shown(self, number: int) -> tuple[briefing_slides.BriefingSlide, str]:
        """(slide ``number``, its speaker notes), from one look-up (the screen needs both)."""
        return _slide(*self.key, number, _identity=self._identity)

    def note(self, number: int) -> str:
        """The speaker notes of slide ``number``."""
        return _slide(*self.key, number, _identity=self._identity)[1]

    @property
    def slides(self) -> tuple[briefing_slides.BriefingSlide, ...]:
        return tuple(self.slide(n) for n in range(1, self.total + 1))

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self.note(n) for n in range(1, self.total + 1))


def deck(identity: Identity, district: str | None, la_name: str) -> Deck:
    """The deck for ``district`` (None: the county ``la_name``); each slide built once per build,
    schools, area and what the role may see (suppression, school names) and shared by everyone who
    may see the same: its inputs are the functions above, which depend on the user only through
    those."""
    require(identity, *ROLES)
    key = (db.current_build(), allowed_key(identity), district, la_name, _hidden_at(identity),
           access.may_name_schools(identity), access.can_see_intelligence(identity))  # fmt: skip
    return Deck(key, identity)


def decks(identity: Identity, districts: Iterable[str], la_name: str) -> list[Deck]:
    """The county's deck and each of ``districts``' (the briefing's areas), for ``identity``."""
    return [deck(identity, d, la_name) for d in (None, *districts)]


@cached
def _slide(
    build, allowed, district, la_name, hidden_at, names, intel, number, _identity
) -> tuple[briefing_slides.BriefingSlide, str]:
    slide = briefing_slides.build_slide(
        number,
        district or la_name,
        None if district is None else la_name,
        lambda: glance(_identity, district),
        lambda: measures(_identity, district),
        lambda: categories(_identity, district),
        lambda: named_intensive(_identity, district) if names else None,
        lambda topic: provenance(_identity, briefing_slides.TOPIC_KINDS[topic]),
    )
    return slide, slide.speaker_notes()
