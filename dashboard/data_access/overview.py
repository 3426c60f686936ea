"""The county overview's figures (managers and officers): schools by support category, bands,
achievement scores and the district map, for the filtered schools of a year against the year before.

Computed once per view and shared by everyone who asks for the same one: the cache key is the build,
the user's allowed schools, the filters, whether the role sees intelligence, a digest of the store's
entries that count toward the category (decision 12: a new note counts on the next rerun) and the
day. The page reads the store once per rerun (``manager.app_entries``) and everything else is a
cache hit; ``Overview.key`` is that key, for the charts drawn from the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from types import MappingProxyType

import pandas as pd
import streamlit as st

from dashboard import access, db
from dashboard.access import Identity
from dashboard.data_access import manager
from dashboard.data_access.core import CACHE, allowed_key, cached
from warehouse.queries import manager as q

FILTER_KEYS = ("year", "district", "phase", "school_type", "category")  # what the figures use
NEEDS_SUPPORT = ("targeted", "intensive")
DISTRIBUTION_COLUMNS = ["urn", "name", "district", "phase", "key_stage", "achievement_score",
                        "method", "method_note", "national_percentile", "rank_among_loaded",
                        "n_loaded", "band_basis"]  # fmt: skip


@dataclass(frozen=True)
class Overview:
    key: tuple  # everything the figures depend on (hashable): key charts and tables by it
    map_key: tuple  # what the map's figures depend on (the district filter is not in it)
    counts: pd.DataFrame  # district, phase, category, schools, last_year, change
    bands: pd.DataFrame  # heading, band, band_label, schools, last_year, change
    distribution: pd.DataFrame  # achievement scores of the filtered schools
    boundaries: pd.DataFrame  # district boundaries of the county
    shares: pd.DataFrame  # district, schools, needs_support, value (% targeted or intensive)
    points: pd.DataFrame  # urn, name, district, category, latitude, longitude
    # a district's view: the county's view of the same other filters (what the screen makes every
    # district's pieces from, in one pass); None for the county's own view
    whole: Overview | None = None


def overview(identity: Identity, ctx: manager.Context, f: dict) -> Overview:
    """Every figure of the county overview for the filters ``f`` (year, district, phase,
    school_type, category; the pupil group does not change them). The cached view itself, shared
    with every session of the same view: read it, never change it (the screen makes its pieces
    from it with ``kept`` functions; tests/pages/test_shared_views.py checks that a session's
    page leaves it as it was)."""
    manager._guard(identity)
    entries = manager.app_entries(identity)
    filters = tuple((k, f.get(k)) for k in FILTER_KEYS)  # plain values (str, int or None)
    key = (db.current_build(), allowed_key(identity), ctx.la_code, filters,
           access.can_see_intelligence(identity), entries.digest, date.today())  # fmt: skip
    return _overview.shared(*key, _app=entries.frame)


@cached
def _overview(
    build: str,
    allowed: tuple[int, ...] | None,
    la_code: int,
    filters: tuple,
    intel_ok: bool,
    entries_digest: str,
    today: date,
    _app: pd.DataFrame,
) -> Overview:
    key = (build, allowed, la_code, filters, intel_ok, entries_digest, today)
    map_filters = tuple((k, None if k == "district" else v) for k, v in filters)
    # The whole county's figures (every district, by district) once per view of the other
    # filters: a district's view is their rows, so choosing a district computes nothing new.
    county = _county(*key[:3], map_filters, *key[4:], _app=_app)
    district = dict(filters).get("district")
    whole = Overview(county.map_key, county.map_key, county.counts, county.bands,
                     county.distribution, county.boundaries, county.shares, county.points)  # fmt: skip
    if not district:
        return whole
    counts, bands, distribution = county.districts
    return Overview(
        key=key,
        map_key=county.map_key,
        counts=counts.rows(district),
        bands=_headings_of_year(bands.rows(district).drop(columns="district")),
        distribution=distribution.rows(district),
        boundaries=county.boundaries,
        shares=county.shares,
        points=county.points,
        whole=whole,
    )


@dataclass(frozen=True)
class _County:
    map_key: tuple
    counts: pd.DataFrame
    bands: pd.DataFrame
    distribution: pd.DataFrame
    boundaries: pd.DataFrame
    shares: pd.DataFrame
    points: pd.DataFrame
    # counts, every district's band counts and distribution, by district (``ByDistrict``): a
    # district's view slices its rows instead of comparing every row's district
    districts: tuple


@cached
def _county(
    build: str,
    allowed: tuple[int, ...] | None,
    la_code: int,
    filters: tuple,  # the district filter is None here
    intel_ok: bool,
    entries_digest: str,
    today: date,
    _app: pd.DataFrame,
) -> _County:
    f = dict(filters)
    f["year"] = year = int(f["year"])
    rows = _year(build, allowed, la_code, year, intel_ok, entries_digest, today, _app=_app)
    tuples = _year_tuples(build, allowed, la_code, year, intel_ok, entries_digest, today, _app=_app)
    keep = _passes(f)
    counts = _tally_counts(tuples, keep)
    bands_by_district = _tally_bands_by_district(tuples, keep)
    distribution = achievement_distribution(rows.now, f)
    return _County(
        map_key=(build, allowed, la_code, filters, intel_ok, entries_digest, today),
        counts=counts,
        bands=_tally_bands(tuples, keep),
        distribution=distribution,
        boundaries=manager._boundaries(build, la_code),
        shares=_tally_shares(tuples, keep),
        points=map_points(rows.now, f),
        districts=(ByDistrict(counts), ByDistrict(bands_by_district), ByDistrict(distribution)),
    )


class ByDistrict:
    """The rows of a frame by district: one stable reordering when made, then a district's rows
    are a slice (``rows``: the rows ``df[df["district"] == district]`` would give, with their
    order, columns and types, and a fresh index).
    Not a frame or a container, so the data-access cache passes it through as it is."""

    def __init__(self, df: pd.DataFrame) -> None:
        keys = [None if d is None or d != d else str(d) for d in df["district"].tolist()]
        order = sorted((i for i, d in enumerate(keys) if d is not None), key=keys.__getitem__)
        self._frame = df.take(order)
        self._empty = df.iloc[0:0].reset_index(drop=True)
        self._slices: dict[str, tuple[int, int]] = {}
        start = 0
        for i in range(1, len(order) + 1):
            if i == len(order) or keys[order[i]] != keys[order[start]]:
                self._slices[keys[order[start]]] = (start, i)
                start = i

    def __contains__(self, district: object) -> bool:
        return district in self._slices

    def bounds(self, district: str) -> tuple[int, int] | None:
        """The district's rows' positions in ``frame`` (start, end), None for none."""
        return self._slices.get(district)

    @property
    def frame(self) -> pd.DataFrame:
        """Every district's rows, district by district (read-only: a shared cached value)."""
        return self._frame

    def rows(self, district: str) -> pd.DataFrame:
        where = self._slices.get(district)
        if where is None:
            return self._empty.copy(deep=False)
        part = self._frame.iloc[where[0] : where[1]].copy(deep=False)
        part.index = pd.RangeIndex(where[1] - where[0])
        return part


@dataclass(frozen=True)
class _Year:
    """The schools of a year and of the year before with only the columns the figures read, and
    each year's bands with their school's filter columns: what every choice of the phase, type
    and category filters counts (a choice selects rows of these, made once per year's key)."""

    now: pd.DataFrame
    before: pd.DataFrame | None
    bands_now: pd.DataFrame  # urn, heading, band, band_label and SCHOOL_FILTERS
    bands_before: pd.DataFrame | None


@dataclass(frozen=True)
class _Tuples:
    """_Year's rows as tuples (SCHOOL_FILTERS first; the bands' heading, band and band_label
    after), counted in Python per choice: a few hundred rows cost less than pandas' own calls.
    Immutable, so served as they are (not copied per caller as ``cached`` values are)."""

    now_rows: tuple[tuple, ...]
    before_rows: tuple[tuple, ...] | None
    bands_now_rows: tuple[tuple, ...]
    bands_before_rows: tuple[tuple, ...] | None
    dtypes: MappingProxyType  # the frames' column -> dtype, for the counted frames


SCHOOL_FILTERS = ["district", "phase", "type_group", "category"]  # manager._keep's columns
YEAR_COLUMNS = list(dict.fromkeys(["urn", *SCHOOL_FILTERS, *DISTRIBUTION_COLUMNS, "latitude",
                                   "longitude"]))  # fmt: skip


@cached
def _year(
    build: str,
    allowed: tuple[int, ...] | None,
    la_code: int,
    year: int,
    intel_ok: bool,
    entries_digest: str,
    today: date,
    _app: pd.DataFrame,
) -> _Year:
    prev_year = manager._context_of(build).previous(year)

    def schools(time_period: int) -> pd.DataFrame:
        return manager._combined(build, allowed, la_code, time_period, "all", intel_ok,
                                 entries_digest, today, _app)[YEAR_COLUMNS]  # fmt: skip

    now = schools(year)
    before = schools(prev_year) if prev_year is not None else None
    bands_now = _with_school(_bands(build, allowed, la_code, year), now)
    bands_before = None
    if before is not None:
        bands_before = _with_school(_bands(build, allowed, la_code, prev_year), before)
    return _Year(now, before, bands_now, bands_before)


@st.cache_resource(**CACHE)
def _year_tuples(
    build: str,
    allowed: tuple[int, ...] | None,
    la_code: int,
    year: int,
    intel_ok: bool,
    entries_digest: str,
    today: date,
    _app: pd.DataFrame,
) -> _Tuples:
    rows = _year(build, allowed, la_code, year, intel_ok, entries_digest, today, _app=_app)
    band_columns = [*SCHOOL_FILTERS, "heading", "band", "band_label"]
    return _Tuples(
        _tuples(rows.now, SCHOOL_FILTERS),
        None if rows.before is None else _tuples(rows.before, SCHOOL_FILTERS),
        _tuples(rows.bands_now, band_columns),
        None if rows.bands_before is None else _tuples(rows.bands_before, band_columns),
        MappingProxyType({**dict(rows.now.dtypes), **dict(rows.bands_now.dtypes)}),
    )


def _tuples(df: pd.DataFrame, columns: list[str]) -> tuple[tuple, ...]:
    """The rows of ``df``'s ``columns`` as tuples, a missing value as None."""
    return tuple(zip(*(df[c].astype(object).where(df[c].notna(), None).tolist()
                       for c in columns), strict=True))  # fmt: skip


# --- each choice's figures, counted from _Year's tuples (equal to the pandas functions below, the
# definitions, which tests/pages/test_overview_districts.py compares them with) -----------------


def _passes(f: dict):
    """The test ``manager._keep`` applies, on a tuple whose first items are SCHOOL_FILTERS."""
    wanted = [(i, f[key]) for i, key in enumerate(("district", "phase", "school_type",
                                                    "category")) if f.get(key)]  # fmt: skip
    if not wanted:
        return lambda row: True
    values = tuple(v for _, v in wanted)
    pick = itemgetter(*(i for i, _ in wanted))
    if len(wanted) == 1:
        return lambda row: pick(row) == values[0]
    return lambda row: pick(row) == values


def _counted(keys: list[tuple], cur: Counter, prev: Counter | None, names: list[str],
             dtypes: dict) -> pd.DataFrame:  # fmt: skip
    """``_this_and_last_year`` of two tallies, sorted by the keys (``names``, of ``dtypes``)."""
    prev = prev or Counter()
    out = {name: [k[i] for k in keys] for i, name in enumerate(names)}
    out["schools"] = [cur.get(k, 0) for k in keys]
    out["last_year"] = [prev.get(k, 0) for k in keys]
    out["change"] = [a - b for a, b in zip(out["schools"], out["last_year"], strict=True)]
    frame = pd.DataFrame(out)
    return frame.astype({**dtypes, "schools": "int64", "last_year": "int64", "change": "int64"})


def _tally_counts(rows: _Tuples, keep) -> pd.DataFrame:
    """``category_counts``: every open school counted, district or phase missing or not."""

    def tally(rows_of_year) -> Counter:
        return Counter(
            (manager.NO_DISTRICT if d is None else d, "Unknown" if p is None else p, c)
            for d, p, t, c in rows_of_year
            if c is not None and keep((d, p, t, c))
        )

    cur = tally(rows.now_rows)
    prev = None if rows.before_rows is None else tally(rows.before_rows)
    keys = sorted(set(cur) | set(prev or ()))
    dtypes = {c: rows.dtypes[c] for c in ("district", "phase", "category")}
    return _counted(keys, cur, prev, ["district", "phase", "category"], dtypes)


def _tally_bands(rows: _Tuples, keep) -> pd.DataFrame:
    """``band_counts``: the headings of this year only."""

    def tally(bands) -> Counter:
        return Counter(r[4:] for r in bands if keep(r) and None not in r[4:])

    cur = tally(rows.bands_now_rows)
    prev = None if rows.bands_before_rows is None else tally(rows.bands_before_rows)
    headings = {k[0] for k in cur}
    keys = sorted(k for k in set(cur) | set(prev or ()) if k[0] in headings)
    names = ["heading", "band", "band_label"]
    return _counted(keys, cur, prev, names, {c: rows.dtypes[c] for c in names})


def _tally_bands_by_district(rows: _Tuples, keep) -> pd.DataFrame:
    """``band_counts_by_district``: schools with no district in no district's rows."""

    def tally(bands) -> Counter:
        return Counter(
            (r[0], *r[4:])
            for r in bands
            if r[0] is not None and keep((None, *r[1:])) and None not in r[4:]
        )

    cur = tally(rows.bands_now_rows)
    prev = None if rows.bands_before_rows is None else tally(rows.bands_before_rows)
    keys = sorted(set(cur) | set(prev or ()))
    names = ["district", "heading", "band", "band_label"]
    return _counted(keys, cur, prev, names, {c: rows.dtypes[c] for c in names})


def _tally_shares(rows: _Tuples, keep) -> pd.DataFrame:
    """``map_figures``' shares: every district, whatever the district filter."""
    schools: Counter = Counter()
    needs: Counter = Counter()
    for d, p, t, c in rows.now_rows:
        if d is not None and keep((None, p, t, c)):
            schools[d] += 1
            needs[d] += c in NEEDS_SUPPORT
    districts = sorted(schools)
    out = pd.DataFrame(
        {
            "district": districts,
            "schools": [schools[d] for d in districts],
            "needs_support": [needs[d] for d in districts],
        }
    ).astype({"district": rows.dtypes["district"], "schools": "int64",
              "needs_support": "int64"})  # fmt: skip
    out["value"] = 100 * out["needs_support"] / out["schools"]
    return out


def _with_school(bands: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """The bands of the schools in ``schools`` (others dropped), with their filter columns."""
    return bands[["urn", "heading", "band", "band_label"]].merge(
        schools[["urn", *SCHOOL_FILTERS]], on="urn"
    )


def _headings_of_year(out: pd.DataFrame) -> pd.DataFrame:
    """A district's band counts under the headings it has a school under this year (as
    band_counts; headings are group keys, never missing), compared in Python: a district's few
    rows cost less than pandas' masks of them."""
    headings = out["heading"].tolist()
    have = {h for h, n in zip(headings, out["schools"].tolist(), strict=True) if n > 0}
    if len(have) == len(set(headings)):
        return out.reset_index(drop=True)
    return out.take([i for i, h in enumerate(headings) if h in have]).reset_index(drop=True)


@cached
def _bands(build, allowed, la_code, time_period) -> pd.DataFrame:
    return db.run(build, q.bands, allowed=allowed, la_code=la_code, time_period=time_period)


# --- the figures, from the schools of the year and of the year before -------------------------


def category_counts(now: pd.DataFrame, before: pd.DataFrame | None, f: dict) -> pd.DataFrame:
    """Schools by district, phase and support category: this year, the previous year and the change."""
    keys = ["district", "phase", "category"]

    def named(df: pd.DataFrame) -> pd.DataFrame:  # every open school counted, district or not
        return df.assign(
            district=df["district"].fillna(manager.NO_DISTRICT),
            phase=df["phase"].fillna("Unknown"),
        )

    cur = named(manager._filter(now, f)).groupby(keys).size().rename("schools")
    prev = None  # no previous year: 0 last year (an empty series of the same index)
    if before is not None:
        prev = named(manager._filter(before, f)).groupby(keys).size()
    out = _this_and_last_year(cur, prev)
    return out.sort_values(["district", "phase", "category"]).reset_index(drop=True)


def band_counts(
    now: pd.DataFrame,
    before: pd.DataFrame | None,
    bands_now: pd.DataFrame,
    bands_before: pd.DataFrame | None,
    f: dict,
) -> pd.DataFrame:
    """Schools per band under each heading for the filtered schools: this year, the previous
    published year and the change (bands are the model's; the filters are the page's)."""
    has_prev = before is not None and bands_before is not None
    return _band_counts(_with_school(bands_now, now),
                        _with_school(bands_before, before) if has_prev else None, f)  # fmt: skip


def _band_counts(bands_now: pd.DataFrame, bands_before: pd.DataFrame | None, f: dict
                 ) -> pd.DataFrame:  # fmt: skip
    """``band_counts`` from each year's bands with their school's filter columns."""

    def count(b: pd.DataFrame, name: str) -> pd.Series:
        return manager._filter(b, f).groupby(["heading", "band", "band_label"]).size().rename(name)

    cur = count(bands_now, "schools")
    out = _this_and_last_year(
        cur, None if bands_before is None else count(bands_before, "last_year")
    )
    out = out[out["heading"].isin(cur.index.get_level_values("heading"))]  # headings of this year
    return out.sort_values(["heading", "band"]).reset_index(drop=True)


def _this_and_last_year(cur: pd.Series, prev: pd.Series | None) -> pd.DataFrame:
    """Counts this year (``schools``) and last (``last_year``, 0 where absent or no previous
    year) side by side, with their ``change``."""
    prev = cur.iloc[0:0] if prev is None else prev
    out = pd.concat([cur, prev.rename("last_year")], axis=1).fillna(0).astype(int).reset_index()
    out["change"] = out["schools"] - out["last_year"]
    return out


def band_counts_by_district(
    now: pd.DataFrame,
    before: pd.DataFrame | None,
    bands_now: pd.DataFrame,
    bands_before: pd.DataFrame | None,
    f: dict,
) -> pd.DataFrame:
    """``band_counts`` of every district at once (a ``district`` column first): the rows of a
    district are that district's ``band_counts`` once the headings it has no school under this
    year are dropped (``_headings_of_year``). Schools with no district are in no district's rows."""
    has_prev = before is not None and bands_before is not None
    return _band_counts_by_district(_with_school(bands_now, now),
                                    _with_school(bands_before, before) if has_prev else None,
                                    f)  # fmt: skip


def _band_counts_by_district(bands_now: pd.DataFrame, bands_before: pd.DataFrame | None, f: dict
                             ) -> pd.DataFrame:  # fmt: skip
    """``band_counts_by_district`` from each year's bands with their school's filter columns."""
    keys = ["district", "heading", "band", "band_label"]

    def count(b: pd.DataFrame, name: str) -> pd.Series:
        kept = b[manager._keep(b, {**f, "district": None}) & b["district"].notna()]
        return kept.groupby(keys).size().rename(name)

    cur = count(bands_now, "schools")
    out = _this_and_last_year(
        cur, None if bands_before is None else count(bands_before, "last_year")
    )
    return out.sort_values(["district", "heading", "band"]).reset_index(drop=True)


def achievement_distribution(now: pd.DataFrame, f: dict) -> pd.DataFrame:
    """Achievement scores of the filtered schools (with method, so 'attainment only' is labelled)."""
    df = manager._filter(now, f)
    return df[df["achievement_score"].notna()][DISTRIBUTION_COLUMNS].reset_index(drop=True)


def map_points(now: pd.DataFrame, f: dict) -> pd.DataFrame:
    """The schools drawn on the map (universal, targeted, intensive) of every district."""
    df = manager._filter(now, {**f, "district": None})
    points = df[df["category"].isin(["universal", *NEEDS_SUPPORT])]
    return points[["urn", "name", "district", "category", "latitude", "longitude"]].reset_index(
        drop=True
    )


def map_figures(now: pd.DataFrame, f: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(% of schools targeted or intensive per district, school points): every district, whatever
    the district filter, so the map shows the whole county."""
    df = manager._filter(now, {**f, "district": None})
    shares = (
        df.assign(needs=df["category"].isin(NEEDS_SUPPORT))
        .groupby("district")
        .agg(schools=("urn", "size"), needs_support=("needs", "sum"))
        .reset_index()
    )
    shares["value"] = 100 * shares["needs_support"] / shares["schools"]
    return shares, map_points(now, f)
