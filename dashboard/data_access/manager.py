"""The improvement manager's workspace (overview, priority list, school drill-down): managers and officers.

Follows the package pattern: role guard first, cached read-only queries keyed by build, allowed URNs
and plain filter values, then (outside the cache) the combination with the operational store's
entries (decision 12, dashboard/support.py), filters and audit. Managers see the full reasons,
confidential ones included; nothing here is offered to governor or briefing roles.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import numpy as np
import pandas as pd

from dashboard import access, db, priority, support
from dashboard.access import MANAGER, OFFICER, Identity
from dashboard.data_access import notices as notices_access
from dashboard.data_access.by_school import first_positions
from dashboard.data_access.core import (
    allowed_key,
    cached,
    digest,
    kept,
    require,
    require_intelligence,
)
from dashboard.domain import support_model
from dashboard.store import audit, notes
from dashboard.store import notices as notices_store
from warehouse import figures as F
from warehouse.queries import manager as q

ROLES = (MANAGER, OFFICER)
# the pupil-group filter's options, labelled by warehouse/figures.toml [groups]
PUPIL_GROUPS = F.group_labels(
    ("all", "disadvantaged", "non_disadvantaged", "send", "eal", "boys", "girls", "prior_low",
     "prior_middle", "prior_high")
)  # fmt: skip
SEND_NOTE = (
    "The performance tables publish no SEND breakdown: SEND is shown as context from the school census "
    "(% SEN support, % with an EHC plan), not as results for SEND pupils."
)
NOT_PUBLISHED = "not published for this group"
NO_DISTRICT = "No district recorded"  # open schools with no district are counted, under this name
HEADLINE = {  # key stage -> (attainment, progress) measures shown against national
    "ks2": [
        "ks2_rwm_expected_pct",
        "ks2_reading_progress",
        "ks2_writing_progress",
        "ks2_maths_progress",
    ],
    "ks4": ["ks4_attainment8", "ks4_progress8", "ks4_basics_94_pct"],
    "absence": ["overall_absence_pct", "persistent_absence_pct"],
}
TYPE_GROUPS = ("Maintained", "Academy or free school", "Special", "Independent", "Other")
INTELLIGENCE_KINDS = {
    "complaint": "Complaint",
    "concern": "Concern",
    "visit": "Visit",
    "note": "Note",
    "notice_of_concern": "Notice of concern",
    "dfe_concern": "Concern raised with DfE/RSC",
    "leadership_change": "Leadership change",
    "headteacher_change": "Headteacher change",
}
OPEN_WORDS = ("open", "escalated", "ongoing", "active")


def _guard(identity: Identity) -> None:
    require(identity, *ROLES)


def type_group(row) -> str:
    """The school type filter's groups: the LA's powers differ for maintained schools and academies."""
    group = str(row.get("establishment_group") or "")
    if str(row.get("phase") or "") == "Special" or "special" in group.lower():
        return "Special"
    if bool(row.get("is_academy")) or group in ("Academies", "Free Schools"):
        return "Academy or free school"
    if "maintained" in group.lower():
        return "Maintained"
    if "independent" in group.lower():
        return "Independent"
    return "Other"


# --- cached queries -------------------------------------------------------------------------


@cached
def _context(build) -> tuple[pd.DataFrame, dict]:
    ctx = db.run(build, q.context)
    settings = db.run(build, q.model_settings)
    values = {
        k: json.loads(v) for k, v in zip(settings["key"], settings["value_json"], strict=True)
    }
    return ctx, values


@cached
def _schools(
    build, allowed, la_code, time_period, pupil_group
) -> tuple[pd.DataFrame, pd.DataFrame]:
    group = "all" if pupil_group == "send" else pupil_group
    df = db.run(
        build,
        q.schools,
        allowed=allowed,
        la_code=la_code,
        time_period=time_period,
        pupil_group=group,
    )
    df["type_group"] = [type_group(r) for r in df.to_dict("records")]
    reasons = db.run(build, q.reasons, allowed=allowed, la_code=la_code, time_period=time_period)
    return df, reasons


@cached
def _workbook(build, allowed, la_code, urn) -> pd.DataFrame:
    if not db.has_table(build, "visits"):  # a governor deployment's warehouse holds no intelligence
        return pd.DataFrame(columns=["urn", "kind", "date", "status", "detail", "rag", "source"])
    return db.run(build, q.intelligence, allowed=allowed, la_code=la_code, urn=urn)


@cached
def _area_series(build, la_code, measures, pupil_group, phase_scope) -> pd.DataFrame:
    return db.run(
        build,
        q.area_series,
        la_code=la_code,
        measures=list(measures),
        pupil_group=pupil_group,
        phase_scope=phase_scope,
    )


@cached
def _boundaries(build, la_code) -> pd.DataFrame:
    return db.run(build, q.boundaries, la_code=la_code)


@cached
def _school_piece(build, allowed, urn, name, pupil_group, time_period) -> pd.DataFrame:
    """One piece of a school's history (``SchoolPieces``): read when a tab first needs it."""
    if name in ("series", "census"):
        group = "all" if name == "census" or pupil_group == "send" else pupil_group
        return db.run(build, q.school_series, allowed=allowed, urn=urn, pupil_group=group)
    if name == "model":
        return db.run(build, q.school_model, allowed=allowed, urn=urn)
    if name == "gaps":
        return db.run(build, q.school_gaps, allowed=allowed, urn=urn, time_period=time_period)
    if name == "inspections":
        return db.run(build, q.inspections, allowed=allowed, urn=urn)
    raise KeyError(name)


@cached
def _model_urns(build, allowed, la_code) -> frozenset[int]:
    """The user's schools of the LA whose model piece is not empty (one query for all of them)."""
    return frozenset(db.run(build, q.model_urns, allowed=allowed, la_code=la_code))


class SchoolPieces(Mapping):
    """One school's history for one user (series for the pupil group, census, model rows, group
    gaps, inspections), each piece read on first use and cached on (build, allowed URNs, school,
    group, year): the drill-down computes only its open tab, which needs one or two pieces."""

    NAMES = ("series", "census", "model", "gaps", "inspections")

    def __init__(self, build, allowed, urn: int, pupil_group: str, time_period: int) -> None:
        self._key = (build, allowed, int(urn))
        self._group, self._year = pupil_group, int(time_period)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.NAMES:
            raise KeyError(name)
        group = self._group if name == "series" else "all"
        year = self._year if name == "gaps" else 0
        return _school_piece(*self._key, name, group, year)

    def __iter__(self):
        return iter(self.NAMES)

    def __len__(self) -> int:
        return len(self.NAMES)


# --- context and filters --------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """The county of a build, its model years and the model settings: one per build, shared by
    every session (``context``), so read only."""

    la_code: int
    la_name: str
    years: pd.DataFrame  # time_period, year_label, is_latest, as_at, previous_time_period
    settings: Mapping

    @functools.cached_property
    def _years(self) -> dict[int, tuple[date, int | None]]:
        """Each model year's (as_at, previous year), looked up on every rerun: made once."""
        return {
            int(t): (pd.Timestamp(a).date(), None if p is None or pd.isna(p) else int(p))
            for t, a, p in zip(
                self.years["time_period"],
                self.years["as_at"],
                self.years["previous_time_period"],
                strict=True,
            )  # fmt: skip
        }

    @property
    def latest(self) -> int:
        return max(self._years)

    def previous(self, time_period: int) -> int | None:
        return self._years.get(int(time_period), (None, None))[1]

    def as_at(self, time_period: int) -> date:
        return self._years[int(time_period)][0]


def context(identity: Identity) -> Context | None:
    """The county (from the build), its model years and the model settings; None if nothing loaded."""
    _guard(identity)
    return _context_of(db.current_build())


@kept
def _context_of(build) -> Context | None:
    ctx, values = _context(build)
    if ctx.empty:
        return None
    return Context(int(ctx["la_code"].iloc[0]), str(ctx["la_name"].iloc[0]), ctx,
                   MappingProxyType(values))  # fmt: skip


def filter_options(identity: Identity, ctx: Context) -> dict[str, list]:
    """Values each filter accepts (also the only values accepted from the URL)."""
    _guard(identity)
    years = tuple(int(y) for y in ctx.years["time_period"])
    return _filter_options(db.current_build(), allowed_key(identity), ctx.la_code, years)


@cached
def _filter_options(build, allowed, la_code, years: tuple[int, ...]) -> dict[str, list]:
    df, _ = _schools(build, allowed, la_code, max(years), "all")
    return {
        "district": sorted(df["district"].dropna().unique()),
        "phase": sorted(df["phase"].dropna().unique()),
        "school_type": [t for t in TYPE_GROUPS if t in set(df["type_group"])],
        "category": ["intensive", "targeted", "universal", "not categorised"],
        "group": list(PUPIL_GROUPS),
        "year": list(years),
    }


def _filter(df: pd.DataFrame, f: dict) -> pd.DataFrame:
    return df[_keep(df, f)]


def _keep(df: pd.DataFrame, f: dict) -> pd.Series:
    """True for the rows that pass the filters in ``f`` (district, phase, type, category)."""
    keep = pd.Series(True, index=df.index)
    for column, key in (
        ("district", "district"),
        ("phase", "phase"),
        ("type_group", "school_type"),
        ("category", "category"),
    ):
        if f.get(key):
            keep &= df[column] == f[key]
    return keep


# --- schools with the combined category -------------------------------------------------------


_NOTE_COLUMNS = ["id", "urn", "at", "author", "kind", "date", "text", "rag", "status", "closed_at",
                 "closed_by"]  # fmt: skip


@cached
def _entries_frame(entries_digest: str, *, _rows: list[dict]) -> pd.DataFrame:
    """The frame of the store's entries whose digest is ``entries_digest``: made once per content
    instead of on every rerun."""
    return pd.DataFrame(_rows, columns=_NOTE_COLUMNS)


@dataclass(frozen=True)
class AppEntries:
    """The operational store's entries the support category counts (decision 12) for one user,
    read once, with ``digest``: a hash of their content, which stands for them in cache keys (a
    frame as a cache argument would be hashed cell by cell on every call)."""

    frame: pd.DataFrame
    digest: str


def app_entries(identity: Identity) -> AppEntries:
    """The store's entries for the user's schools (none for roles without intelligence), read
    now: a new note counts on the next rerun."""
    _guard(identity)
    allowed = allowed_key(identity)
    urns = None if allowed is None else list(allowed)
    if not access.can_see_intelligence(identity):
        urns = []
    rows = notes.notes_for(urns)
    found = digest(rows)  # the content, as read now
    return AppEntries(_entries_frame(found, _rows=rows), found)


def schools(
    identity: Identity,
    ctx: Context,
    time_period: int,
    pupil_group: str = "all",
    entries: AppEntries | None = None,
) -> pd.DataFrame:
    """Every school of the county in a year with the category shown in the app (decision 12: app
    entries count in the latest year), full reasons and, for managers, workbook intelligence.
    ``entries``: the store's entries already read in this rerun (read now when not given)."""
    _guard(identity)
    # The store's entries are part of the cache key (by their digest), so the combination is
    # redone only when they, the build, the user's schools, the filters or the day change.
    entries = entries if entries is not None else app_entries(identity)
    return _combined(
        db.current_build(), allowed_key(identity), ctx.la_code, int(time_period), pupil_group,
        access.can_see_intelligence(identity), entries.digest, date.today(), entries.frame,
    )  # fmt: skip


def school_row(identity: Identity, ctx: Context, time_period: int, urn: int,
               pupil_group: str = "all", entries: AppEntries | None = None) -> dict:  # fmt: skip
    """One school's row of ``schools`` as a dict: what ``df[df["urn"] == urn].iloc[0].to_dict()``
    gives, taken by its position (found once per key of the list) instead of comparing every
    school's URN and copying the matching rows of the wide frame. KeyError: not in the list."""
    _guard(identity)
    entries = entries if entries is not None else app_entries(identity)
    key = (db.current_build(), allowed_key(identity), ctx.la_code, int(time_period), pupil_group,
           access.can_see_intelligence(identity), entries.digest, date.today())  # fmt: skip
    df = _combined.shared(*key, entries.frame)  # only read: its row taken by position
    return df.iloc[_first_positions(key, _df=df)[int(urn)]].to_dict()


@kept
def _first_positions(key: tuple, *, _df: pd.DataFrame) -> MappingProxyType:
    """URN -> the position of its first row in ``_df`` (the list ``_combined`` gives for ``key``)."""
    return first_positions(_df["urn"].tolist())


@cached
def _combined(
    build: str,
    allowed: tuple[int, ...] | None,
    la_code: int,
    time_period: int,
    pupil_group: str,
    intel_ok: bool,
    entries_digest: str,
    today: date,
    _app: pd.DataFrame,
) -> pd.DataFrame:
    """``schools`` for one key: the warehouse's rows combined with the store's entries (cached:
    combining is pandas work that would otherwise be redone several times on every rerun).
    ``entries_digest`` is that of ``_app``, which Streamlit does not hash (leading underscore)."""
    ctx = _context_of(build)
    rules = ctx.settings
    df, reasons = _schools(build, allowed, la_code, time_period, pupil_group)
    if not intel_ok:
        reasons = reasons[~reasons["confidential"].astype(bool)]
    workbook = _workbook(build, allowed, la_code, None) if intel_ok else None
    app = _app[_app["urn"].isin(df["urn"])] if intel_ok else _app.iloc[0:0]
    latest = time_period == ctx.latest
    out, _ = support.combine(
        df,
        reasons,
        app if latest else app.iloc[0:0],
        workbook if workbook is not None else pd.DataFrame(columns=["urn", "kind", "date"]),
        reference=max(ctx.as_at(time_period), today) if latest else ctx.as_at(time_period),
        actions={k: rules.get(k, "") for k in support_action_keys()},
        window_months=int(rules.get("intelligence_window_months", 12)),
        min_events=int(rules.get("concerns_complaints_min", 1)),
        weights=support.Weights.from_settings(rules),
    )
    if not intel_ok:  # no confidential detail in the summary or the watch signals (decision 16)
        out["summary"] = out["governor_summary"].where(
            out["governor_summary"].notna(), out["summary"]
        )
        out["watch_flags"] = out["governor_watch_flags"].map(support_model.listed)
        out["reasons"] = out["governor_reasons"].map(support_model.listed)  # no app entries here
        out["n_reasons"] = out["reasons"].map(len)
    if intel_ok:
        out = out.merge(_intel_summary(workbook, app, ctx.as_at(time_period), today), on="urn",
                        how="left")  # fmt: skip
    return priority.with_model_columns(out)


def support_action_keys() -> tuple[str, ...]:
    return ("universal", "universal_watch", "not_categorised", "academy_concern",
            "intensive_maintained", "targeted_maintained", "confidential_line")  # fmt: skip


def _intel_summary(
    workbook: pd.DataFrame, app: pd.DataFrame, as_at: date, today: date
) -> pd.DataFrame:
    """Per school: open workbook complaints/concerns/notices (+ app concerns and notices in the last
    12 months) and the date of the last visit from either source."""
    wb = workbook.copy()
    wb["open"] = wb["status"].fillna("").str.lower().isin(OPEN_WORDS)
    opened = wb[
        wb["open"] & wb["kind"].isin(["complaint", "concern", "notice_of_concern", "dfe_concern"])
    ]
    counts = opened.groupby("urn").size().rename("open_wb")
    recent_app = app[
        app["kind"].isin(["concern", "notice_of_concern", "dfe_concern"])
        & app["status"].ne("closed")
        & support.in_window(app["date"], max(as_at, today), 12)
    ]
    app_counts = recent_app.groupby("urn").size().rename("open_app")
    visits = pd.concat(
        [
            wb.loc[wb["kind"] == "visit", ["urn", "date"]],
            app.loc[app["kind"] == "visit", ["urn", "date"]],
        ]
    )
    visits["date"] = pd.to_datetime(visits["date"], errors="coerce")
    last = visits.groupby("urn")["date"].max().rename("last_visit")
    out = pd.concat([counts, app_counts, last], axis=1)
    out["open_intelligence"] = out["open_wb"].fillna(0).astype(int) + out["open_app"].fillna(
        0
    ).astype(int)
    out.index.name = "urn"
    return out[["open_intelligence", "last_visit"]].reset_index()


# --- county against national (overview and drill-down; the overview's other figures: overview.py)


def county_vs_national(identity: Identity, ctx: Context, measures: list[str], pupil_group: str,
                       phase_scope: str = "primary") -> pd.DataFrame:  # fmt: skip
    """LA and national figures of ``measures`` for one pupil group over every year (aggregates)."""
    _guard(identity)
    group = "all" if pupil_group == "send" else pupil_group
    return _area_series(db.current_build(), ctx.la_code, tuple(measures), group, phase_scope)


# --- priority list ----------------------------------------------------------------------------


def priority_list(identity: Identity, ctx: Context, f: dict) -> pd.DataFrame:
    """Schools in the order of attention: category, then the model's rank within it."""
    df = _filter(schools(identity, ctx, int(f["year"]), f.get("group") or "all"), f)
    return priority.order(df)


@cached
def _group_figures(build, allowed, la_code, time_period, pupil_group) -> pd.DataFrame:
    """manager_group_figures.sql for one group: its rows of every group's (one query per year,
    so choosing a pupil group reads nothing more), without the group column."""
    every = _every_group_figures(build, allowed, la_code, time_period)
    rows = every[every["pupil_group"] == pupil_group].drop(columns="pupil_group")
    return rows.reset_index(drop=True)


@cached
def _every_group_figures(build, allowed, la_code, time_period) -> pd.DataFrame:
    return db.run(build, q.group_figures, allowed=allowed, la_code=la_code,
                  time_period=time_period, pupil_group=None)  # fmt: skip


@dataclass(frozen=True)
class PriorityView:
    """The priority list as the page reads it (``ranked``), with ``key``: everything its rows
    depend on (the build, the user's allowed URNs, the year, the pupil group, the day, the store's
    entries, the filters), so tables and files made from it may be cached on the key without ever
    mixing two users' schools. ``full`` is the unfiltered list of the same key without the filters
    (``list_key``) and ``rows`` the positions of ``ranked``'s rows in it: the filters only select
    rows and renumber them, so what is made per row is made once per list, not per filter.
    ``ranked`` (every column of the chosen rows) is made when first read, once per key: a filter
    choice that draws only the reading list and the school picker (``names``) copies no row of
    the wide list."""

    key: tuple
    full: pd.DataFrame
    list_key: tuple
    rows: np.ndarray  # read-only positions (a tuple of ints was copied item by item per call)

    @functools.cached_property
    def ranked(self) -> pd.DataFrame:
        return _ranked(self.list_key, self.key[-1], _full=self.full, _rows=self.rows)

    @property
    def names(self) -> Mapping[int, str]:
        """URN -> name of the chosen schools, in the list's order (read-only)."""
        return _names(self.list_key, self.key[-1], _full=self.full, _rows=self.rows)


PRIORITY_FILTERS = ("district", "phase", "school_type", "category")


def priority_view(identity: Identity, ctx: Context, f: dict) -> pd.DataFrame:
    """The priority list as the page reads it: in order (re-ranked by the pupil group's own figure
    when one is chosen), with the group's figure against national for that group and its size
    (small groups suppressed), the last visit and the next review due of an open notice (from
    the workbook or the app)."""
    return priority_page(identity, ctx, f).ranked


def priority_page(identity: Identity, ctx: Context, f: dict) -> PriorityView:
    """``priority_view`` with its cache keys. The store's entries (notes, visits, notices of the
    user's schools) are read on every call and enter the key by their content, so a new or changed
    entry counts on the next rerun, as in ``schools``; the rest (the workbook's notices too) comes
    from the build and is computed once per key."""
    _guard(identity)
    require_intelligence(identity)  # the next review due reads notices of concern
    allowed = allowed_key(identity)
    today = date.today()
    entries = app_entries(identity)
    list_key = (db.current_build(), allowed, ctx.la_code, int(f["year"]),
                f.get("group") or "all", today, entries.digest)  # fmt: skip
    chosen = tuple(f.get(k) or None for k in PRIORITY_FILTERS)
    full = _priority(*list_key, _identity=identity, _app=entries.frame)
    return PriorityView(
        (*list_key, chosen), full, list_key, _filtered(list_key, chosen, _full=full)
    )


@cached
def _priority(build, allowed, la_code, time_period, group, today, entries_digest, *,
              _identity: Identity, _app: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """The whole list (no filters) for one key. ``entries_digest`` is that of ``_app`` (the
    entries for ``allowed``); arguments named with a leading underscore are not hashed by
    Streamlit, and ``_identity`` is used only for what the key names (its allowed URNs; the role
    was checked by the caller). A pupil group changes only the group's figures and the order:
    the rest (``_priority_rows``) is made once for every group."""
    ranked = _priority_rows(build, allowed, la_code, time_period, today, entries_digest,
                            _identity=_identity, _app=_app)  # fmt: skip
    figures = _group_figures(build, allowed, la_code, time_period,
                             "all" if group == "send" else group)  # fmt: skip
    if group not in ("all", "send"):  # the rows were read for all pupils (send: census context)
        ranked = with_group_columns(ranked, figures)
    ranked = priority.with_group(ranked, figures, group)
    ranked["next_review"] = ranked.pop("next_review")  # the last column, as it always was
    return ranked


@cached
def _priority_rows(build, allowed, la_code, time_period, today, entries_digest, *,
                   _identity: Identity, _app: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """Every school of the list in the model's order with what does not depend on the pupil
    group: the warehouse's rows for all pupils combined with the store's entries (the category,
    reasons and intelligence never depend on the group) and the next review due."""
    combined = _combined(build, allowed, la_code, time_period, "all", True, entries_digest,
                         today, _app)  # fmt: skip
    ranked = priority.order(combined)
    notices = notices_access.county_notices(_identity, today)
    ranked["next_review"] = priority.next_reviews(ranked["urn"], notices, today)
    return ranked


# manager_schools.sql's columns of the chosen group's headline figures: measure -> (value, code)
GROUP_COLUMNS = {
    "ks2_rwm_expected_pct": ("group_ks2_rwm", "group_ks2_rwm_status"),
    "ks4_attainment8": ("group_ks4_att8", "group_ks4_att8_status"),
}


def with_group_columns(df: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """``df`` (schools read for all pupils) with manager_schools.sql's group columns set to the
    group of ``figures`` (manager_group_figures.sql for that group: the same school_measures rows,
    one per school and measure, value and status code), as if the schools had been read for the
    group: a school with no row for a measure has neither value nor code."""
    out = df.copy()
    for measure, (value, status) in GROUP_COLUMNS.items():
        rows = figures[figures["measure"] == measure].drop_duplicates("urn").set_index("urn")
        out[value] = out["urn"].map(rows["group_value"]).astype("float64")
        out[status] = out["urn"].map(rows["group_status"]).astype(df[status].dtype)
    return out


@cached
def _filtered(list_key: tuple, chosen: tuple, *, _full: pd.DataFrame) -> np.ndarray:
    """The positions in ``_full`` (the list of ``list_key``) of the schools that pass the filters,
    in the list's order (read-only)."""
    keep = _keep(_full, dict(zip(PRIORITY_FILTERS, chosen, strict=True)))
    rows = keep.to_numpy().nonzero()[0]
    rows.flags.writeable = False  # shared by every rerun of the key (and not copied per call)
    return rows


@cached
def _ranked(list_key: tuple, chosen: tuple, *, _full: pd.DataFrame, _rows: np.ndarray
            ) -> pd.DataFrame:  # fmt: skip
    """The schools of ``_full`` at ``_rows`` (``_filtered``), in the same order and numbered again
    from 1: ordering and re-ranking sort by each school's own values, so the order of a subset is
    the subset of the order (the same as filtering first)."""
    ranked = _full.take(_rows)
    ranked.index = pd.RangeIndex(len(ranked))  # not reset_index: it rebuilds every column
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked


@kept
def _names(list_key: tuple, chosen: tuple, *, _full: pd.DataFrame, _rows: np.ndarray
           ) -> MappingProxyType:  # fmt: skip
    urns, names = _list_names(list_key, _full=_full)
    return MappingProxyType({urns[i]: names[i] for i in _rows.tolist()})


@kept
def _list_names(list_key: tuple, *, _full: pd.DataFrame) -> tuple[tuple, tuple]:
    return tuple(_full["urn"].astype(int).tolist()), tuple(_full["name"].tolist())


# --- one school -------------------------------------------------------------------------------


def read_every_school(identity: Identity, ctx: Context) -> None:
    """What a first view of any of this user's schools on the drill-down slices, read now for all
    of them (once per build and user's schools; the drill-down calls it while no school is
    chosen): the schools with model rows, every school's predecessors and, for a role that reads
    the council's intelligence, the open notices by school and the schools a note may be written
    against. Reads only: no school is viewed, nothing is audited."""
    from dashboard.data_access import history

    _guard(identity)
    _model_urns(db.current_build(), allowed_key(identity), ctx.la_code)
    history.read_lineages(identity)
    if access.can_see_intelligence(identity):
        notices_access.read_open_notices(identity)


def school_pieces(identity: Identity, ctx: Context, urn: int, pupil_group: str, time_period: int
                  ) -> SchoolPieces | None:  # fmt: skip
    """One school's history: series (this group), census, model rows, group gaps, inspections;
    None (audited) when the school is not one this user may see."""
    _guard(identity)
    urn = int(urn)
    build, allowed = db.current_build(), allowed_key(identity)
    pieces = SchoolPieces(build, allowed, urn, pupil_group, time_period)
    # A school with model rows has a history: known from one read for all the user's schools, so
    # a first view reads no piece its open tab does not show. Else the pieces say (model first).
    if urn not in _model_urns(build, allowed, ctx.la_code) and all(
        pieces[name].empty for name in ("model", "series", "inspections")
    ):
        audit.record_view(identity.username, identity.role, urn, "not found or not permitted")
        return None
    audit.record_view(identity.username, identity.role, urn)
    return pieces


def intelligence_timeline(identity: Identity, ctx: Context, urn: int) -> pd.DataFrame:
    """Workbook records and app entries for one school, newest first, each marked with its source
    (decision 20: both shown, nothing merged)."""
    require_intelligence(identity)
    urn = int(urn)
    if identity.allowed_urns is not None and urn not in identity.allowed_urns:
        raise PermissionError("Not one of this user's schools")
    wb = _workbook(db.current_build(), allowed_key(identity), None, urn).copy()
    wb["source"] = "Council workbook"
    entries = notes.notes_for([urn])
    app = pd.DataFrame(
        {
            "note_id": [e["id"] for e in entries],
            "urn": urn,
            "kind": [e["kind"] for e in entries],
            "date": [e["date"] for e in entries],
            "status": [_entry_status(e) for e in entries],
            "detail": [notices_access.entry_detail(e) for e in entries],
            "rag": [e["rag"] for e in entries],
            "source": [
                f"Entered in the app by {e['author']}"
                + (f"; v{e['version']} by {e['updated_by']}" if e["version"] > 1 else "")
                for e in entries
            ],  # fmt: skip
        },
        columns=["note_id", "urn", "kind", "date", "status", "detail", "rag", "source"],
    )
    out = pd.concat([wb, app], ignore_index=True)
    out["date"] = pd.to_datetime(out["date"], errors="coerce")
    out["kind"] = out["kind"].map(INTELLIGENCE_KINDS).fillna(out["kind"])
    return out.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def _entry_status(e: dict) -> str | None:
    if e["status"] == "closed":
        return f"closed {str(e['closed_at'])[:10]} by {e['closed_by']}"
    if e["kind"] in ("notice_of_concern", "dfe_concern"):
        return notices_store.stage(e, date.today())
    return e["status"]


def school_trend_data(
    identity: Identity,
    ctx: Context,
    series: pd.DataFrame,
    measure: str,
    pupil_group: str,
    scope: str,
) -> pd.DataFrame:
    """One measure over time: this school, the local authority and national, for one pupil group."""
    area = county_vs_national(identity, ctx, [measure], pupil_group, scope)
    own = series[series["measure"] == measure]
    cols = ["series", "time_period", "measure", "pupil_group", "value", "status_code"]
    return pd.concat([own[cols], area[cols]], ignore_index=True)


def inspection_history(pieces: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(graded inspections before report cards, report cards): each as published, never converted."""
    ins = pieces["inspections"].copy()
    ins["date"] = pd.to_datetime(ins["inspection_end"]).dt.date.astype(str)
    ins["area"] = ins["area"].fillna("overall").str.replace("_", " ")
    ins["grade"] = ins["grade"].astype("object")
    legacy = ins[ins["era"] != "report_card"]
    cards = ins[ins["era"] == "report_card"]

    def shape(df: pd.DataFrame, era_words: bool) -> pd.DataFrame:
        out = df[["date", "era", "inspection_type", "area", "grade", "safeguarding"]].copy()
        out["era"] = out["era"].map(support.ERA_WORDS).fillna(out["era"])
        if era_words:
            out["grade"] = [
                f"{g} ({support.GRADE_WORDS.get(int(g), '')})" if str(g).isdigit() else g
                for g in out["grade"]
            ]
        return out.rename(
            columns={
                "date": "Inspection ended",
                "era": "Framework",
                "inspection_type": "Type",
                "area": "Area",
                "grade": "Grade as published",
                "safeguarding": "Safeguarding",
            }
        ).reset_index(drop=True)

    return shape(legacy, True), shape(cards, False)


def add_note(identity: Identity, urn: int, kind: str, text: str, on: date, rag: str | None) -> int:
    """A visit, note, concern or notice entered by a manager (kept in the operational store)."""
    require_intelligence(identity)
    from dashboard import data_access

    return data_access.add_school_note(identity, int(urn), kind, text, on=on, rag=rag)


def close_note(identity: Identity, urn: int, note_id: int) -> None:
    """Close a notice of concern (or DfE/RSC concern) entered in the app, after its review."""
    require_intelligence(identity)
    from dashboard import data_access

    data_access.close_school_note(identity, int(urn), int(note_id))
