"""The inspection-readiness page's tables (dashboard/readiness_tables.py), made once per view.

Each table is built and escaped once per key (``data_access.readiness.view_key``: the build, the
user's schools and what the role may read) and the choices that select it (year, trigger, phase),
then shared by the sessions that show the same; the cached tables are never changed afterwards.
The frames passed in come from the data-access functions of the same rerun (guarded and audited
there); only what is made from them is kept here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import readiness_tables as tables
from dashboard import render
from dashboard.components import frames
from dashboard.components.format import fmt_year

_CACHE = {"show_spinner": False, "ttl": 3600, "max_entries": 256}
PHASES = ("primary", "secondary")


@st.cache_resource(**_CACHE)
def _menu(key: tuple, _triggers: pd.DataFrame) -> tuple[tuple[int, ...], dict[str, str]]:
    years = tuple(sorted(_triggers["time_period"].unique(), reverse=True))
    names = (
        _triggers.drop_duplicates("trigger_id").set_index("trigger_id")["trigger_name"].to_dict()
    )
    return years, names


def _arrow(key: tuple, where: tuple, table: pd.DataFrame):
    """A table made here, as Arrow once per view key and the choices that select it (``where``):
    a rerun only serialises it (components/frames.py)."""
    return frames.arrow("readiness", (key, *where), table)


def menu(key: tuple, triggers: pd.DataFrame) -> tuple[list[int], dict[str, str]]:
    """(loaded years, newest first; trigger id -> name)."""
    years, names = _menu(key, triggers)
    return list(years), dict(names)


@st.cache_resource(**_CACHE)
def _trigger_tables(key: tuple, _triggers: pd.DataFrame) -> dict[int, tuple]:
    """Every year's tables at once (formatted and escaped in one pass each): the first choice of
    a year then makes nothing."""
    shown = render.escaped(tables.every_trigger_table(_triggers))
    out = {}
    for year in _triggers["time_period"].unique():
        in_year = _triggers["time_period"] == year
        out[int(year)] = tuple(
            (phase, shown[(in_year & (_triggers["phase"] == phase)).to_numpy()]) for phase in PHASES
        )
    return out


def trigger_tables(key: tuple, year: int, triggers: pd.DataFrame) -> None:
    every_year = _trigger_tables(key, triggers)
    shown = every_year.get(int(year)) or tuple((p, _empty(key, triggers)) for p in PHASES)
    for phase, table in shown:
        st.header(f"{phase.capitalize()} schools, {fmt_year(year)}")
        # escaped once (in _trigger_tables), converted to Arrow once per view and choice
        st.table(_arrow(key, ("trigger", int(year), phase), table), hide_index=True)


@st.cache_resource(**_CACHE)
def _empty(key: tuple, _triggers: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(tables.trigger_table(_triggers.iloc[0:0]))


def _every_year(by_year: Mapping[int | None, pd.DataFrame], make) -> dict[int, pd.DataFrame]:
    """``make(frame)`` (a table of the same rows and index, escaped) of each year's frame of
    ``by_year``, made from one frame of every year at once: the per-column work (formatting,
    escaping) runs once instead of once per year."""
    years = [y for y in by_year if y is not None]
    if not years:
        return {}
    shown = make(pd.concat([by_year[y] for y in years], ignore_index=True))
    out, start = {}, 0
    for y in years:
        frame = by_year[y]
        block = shown.iloc[start : start + len(frame)]
        out[int(y)] = block.set_axis(frame.index)
        start += len(frame)
    return out


def _behind_table(frame: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(tables.schools_behind(frame))


@st.cache_resource(**_CACHE)
def _behind(key: tuple, trigger: str, phase: str, year: int, _behind: pd.DataFrame):
    return len(_behind), _behind_table(_behind)


@st.cache_resource(**_CACHE)
def _behind_years(key: tuple, trigger: str, phase: str, _by_year: Mapping) -> dict:
    """Every year's (schools, table) behind a trigger and phase, made in one pass: a first
    choice of a year makes nothing."""
    return {y: (len(t), t) for y, t in _every_year(_by_year, _behind_table).items()}


def behind(key: tuple, trigger: str, phase: str, year: int, name: str, by_year: Mapping):
    """The schools behind ``trigger`` in ``phase`` and ``year`` (``by_year``: every year's, from
    ``readiness.trigger_schools_every_year``)."""
    made = _behind_years(key, trigger, phase, by_year).get(int(year))
    if made is None:  # a year with no school behind it
        made = _behind(key, trigger, phase, int(year), by_year[None])
    n, table = made
    st.subheader(f"{n} {phase} school{'' if n == 1 else 's'}: {name}")
    st.table(_arrow(key, ("behind", trigger, phase, int(year)), table), hide_index=True)


CATEGORIES = ("intensive", "targeted")


@st.cache_resource(**_CACHE)
def _concern(key: tuple, year: int, _concern: pd.DataFrame) -> tuple:
    out = []
    for category in CATEGORIES:
        part = _concern[_concern["category"] == category]
        out.append((category, len(part), render.escaped(tables.concern_table(part))))
    return tuple(out)


def _concern_table(frame: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(tables.concern_table(frame))


@st.cache_resource(**_CACHE)
def _concern_years(key: tuple, _by_year: Mapping) -> dict:
    """Every year's ``_concern`` made in one pass: a first choice of a year makes nothing."""
    out = {}
    for year, shown in _every_year(_by_year, _concern_table).items():
        category = _by_year[year]["category"]
        out[year] = tuple(
            (c, int(picked.sum()), shown[picked.to_numpy()])
            for c in CATEGORIES
            for picked in [category == c]
        )
    return out


def concern(key: tuple, year: int, by_year: Mapping, label) -> None:
    """The intensive and targeted schools of ``year`` (``by_year``: every year's, from
    ``readiness.concern_every_year``; ``label``: a category's words)."""
    made = _concern_years(key, by_year).get(int(year))
    if made is None:  # a year with no school causing concern
        made = _concern(key, int(year), by_year[None])
    for category, n, table in made:
        st.subheader(f"{label(category)}: {n} schools")
        st.dataframe(_arrow(key, ("concern", int(year), category), table), hide_index=True,
                     key=f"concern_{category}")  # fmt: skip


@st.cache_resource(**_CACHE)
def _movements(key: tuple, _moves: pd.DataFrame) -> tuple:
    return (
        render.escaped(tables.intensive_movements(_moves)),
        fmt_year(_moves["time_period"].max()),
        render.escaped(tables.latest_movements(_moves)),
    )


def movements(key: tuple, moves: pd.DataFrame) -> None:
    into_intensive, latest_year, latest = _movements(key, moves)
    st.table(_arrow(key, ("into intensive",), into_intensive), hide_index=True)
    st.subheader(f"Every movement into {latest_year}")
    st.table(_arrow(key, ("latest movements",), latest), hide_index=True)
