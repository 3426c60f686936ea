"""The inspection-readiness page's tables (dashboard/readiness_tables.py), made once per view.

Each table is built and escaped once per key (``data_access.readiness.view_key``: the build, the
user's schools and what the role may read) and the choices that select it (year, trigger, phase),
then shared by the sessions that show the same; the cached tables are never changed afterwards.
The frames passed in come from the data-access functions of the same rerun (guarded and audited
there); only what is made from them is kept here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import readiness_tables as tables
from dashboard import render
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
        st.table(table, hide_index=True)  # escaped once, in _trigger_tables


@st.cache_resource(**_CACHE)
def _empty(key: tuple, _triggers: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(tables.trigger_table(_triggers.iloc[0:0]))


@st.cache_resource(**_CACHE)
def _behind(key: tuple, trigger: str, phase: str, year: int, _behind: pd.DataFrame):
    return len(_behind), render.escaped(tables.schools_behind(_behind))


def behind(key: tuple, trigger: str, phase: str, year: int, name: str, frame: pd.DataFrame):
    n, table = _behind(key, trigger, phase, int(year), frame)
    st.subheader(f"{n} {phase} school{'' if n == 1 else 's'}: {name}")
    st.table(table, hide_index=True)  # escaped once, in _behind


@st.cache_resource(**_CACHE)
def _concern(key: tuple, year: int, _concern: pd.DataFrame) -> tuple:
    out = []
    for category in ("intensive", "targeted"):
        part = _concern[_concern["category"] == category]
        out.append((category, len(part), render.escaped(tables.concern_table(part))))
    return tuple(out)


def concern(key: tuple, year: int, frame: pd.DataFrame, label) -> None:
    """The intensive and targeted schools (``label``: a category's words)."""
    for category, n, table in _concern(key, int(year), frame):
        st.subheader(f"{label(category)}: {n} schools")
        st.dataframe(table, hide_index=True, key=f"concern_{category}")


@st.cache_resource(**_CACHE)
def _movements(key: tuple, _moves: pd.DataFrame) -> tuple:
    return (
        render.escaped(tables.intensive_movements(_moves)),
        fmt_year(_moves["time_period"].max()),
        render.escaped(tables.latest_movements(_moves)),
    )


def movements(key: tuple, moves: pd.DataFrame) -> None:
    into_intensive, latest_year, latest = _movements(key, moves)
    st.table(into_intensive, hide_index=True)
    st.subheader(f"Every movement into {latest_year}")
    st.table(latest, hide_index=True)
