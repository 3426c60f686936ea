"""The Schools page's list as people read it and download it (rendering only; the rows come from
data_access.list_schools_keyed): made once per key of its rows (build, allowed URNs, filters), not
on every rerun (a county list is thousands of formatted cells)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from dashboard import render
from dashboard.components import format
from dashboard.components.figure_table import figures_table
from dashboard.data_access.core import cached
from warehouse import figures


def shown_table(schools: pd.DataFrame) -> pd.DataFrame:
    """URN, name, district, phase, type, pupils and the census FSM share with its year."""
    return pd.DataFrame(
        {
            "URN": schools["urn"].astype(int).astype(str),
            "School": schools["name"].map(format.fmt_text),
            "District": schools["district"].map(format.fmt_text),
            "Phase": schools["phase"].map(format.fmt_text),
            "Type": schools["school_type"].map(format.fmt_text),
            "Pupils": schools["pupils"].map(format.fmt_count),
            f"{figures.label('fsm_pct')}, census": [
                format.fmt_measure("fsm_pct", v, c)
                + (f" ({format.fmt_year(y)})" if pd.notna(y) else "")
                for v, c, y in zip(
                    schools["fsm_pct"], schools["fsm_status"], schools["fsm_year"], strict=True
                )
            ],
        }
    )


def tables(key: tuple, schools: pd.DataFrame, whole: tuple[pd.DataFrame, tuple] | None = None
           ) -> tuple[pd.DataFrame, Mapping[int, str]]:  # fmt: skip
    """(``shown_table``, URN -> "Name (URN)" for the school picker), once per key of the rows.
    The picker is read-only (shared by every rerun with this key, never copied: a national list
    is 20,000 entries). ``whole``: (rows, key) of the unfiltered list ``schools`` is a selection
    of (list_schools_keyed without filters): a filter's first choice then takes its rows of the
    whole list's table instead of formatting them again (each row's cells are its own)."""
    if whole is None or whole[1] == key:
        return _tables(key, _schools=schools)
    return _selected(key, whole[1], _schools=schools, _whole=whole[0])


@cached
def _tables(key: tuple, *, _schools: pd.DataFrame) -> tuple[pd.DataFrame, Mapping[int, str]]:
    labels = {
        int(u): f"{n} ({int(u)})" for u, n in zip(_schools["urn"], _schools["name"], strict=True)
    }
    return shown_table(_schools), MappingProxyType(labels)


@cached
def _selected(key: tuple, whole_key: tuple, *, _schools: pd.DataFrame, _whole: pd.DataFrame
              ) -> tuple[pd.DataFrame, Mapping[int, str]]:  # fmt: skip
    """``_tables`` of ``key``'s rows, taken from the whole list's (``whole_key``: same build and
    allowed URNs, no filter). Keyed by both keys; the rows are found by URN (one row each)."""
    shown, labels = _tables(whole_key, _schools=_whole)
    urns = _schools["urn"].astype(int)
    pos = pd.Index(_whole["urn"].astype(int)).get_indexer(urns)
    if (pos < 0).any() or not pd.Index(_whole["urn"]).is_unique:  # not a selection: format them
        return _tables(key, _schools=_schools)
    out = shown.take(pos)
    out.index = pd.RangeIndex(len(out))
    return out, MappingProxyType({int(u): labels[int(u)] for u in urns})


def escaped_table(key: tuple, shown: pd.DataFrame) -> pd.DataFrame:
    """``render.escaped(shown)`` (for st.table), once per key of the rows ``shown`` is made from."""
    return _escaped(key, _shown=shown)


@cached
def _escaped(key: tuple, *, _shown: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(_shown)


def filter_choices(key: tuple, options: pd.DataFrame, params: tuple[str, ...]
                   ) -> dict[str, tuple[str, ...]]:  # fmt: skip
    """Each filter's choices ("All", then the distinct values, sorted) from ``options``
    (data_access.filter_options), once per ``key`` of the rows it is made from (the unfiltered
    list's key: build and allowed URNs)."""
    return _choices(key, params, _options=options)


@cached
def _choices(key: tuple, params: tuple[str, ...], *, _options: pd.DataFrame):
    return {p: ("All", *sorted(_options[p].dropna().unique())) for p in params}


ONE_SCHOOL_FACTS = {
    "urn": "URN",
    "la_name": "Local authority",
    "district": "District",
    "phase": "Phase",
    "school_type": "Type",
    "status": "Status",
    "pupils": "Pupils",
}


def one_school(profile) -> tuple[render.Escaped, render.Escaped | None, str]:
    """(facts, published figures or None when none are loaded, the codes' legend) of one school
    (data_access.school_profile), escaped for st.table once per ``profile.key`` (build, allowed
    URNs, URN, suppression), not on every rerun."""
    return _one_school(profile.key, _profile=profile)


@cached
def _one_school(key: tuple, *, _profile) -> tuple[render.Escaped, render.Escaped | None, str]:
    facts = pd.DataFrame(
        {
            "Fact": list(ONE_SCHOOL_FACTS.values()),
            "Value": [format.fmt_text(_profile.school.get(k)) for k in ONE_SCHOOL_FACTS],
        }
    )
    measures = _profile.measures
    if measures.empty:
        return render.Escaped(facts), None, ""
    legend = format.code_legend(measures["status_code"])
    return (
        render.Escaped(facts),
        render.Escaped(figures_table(measures)),
        "; ".join(f"{c}: {t}" for c, t in legend),
    )


# A picker of every school a manager may see lists the national schools too (3,400 at county
# size, 22,000 at national): Streamlit formats, copies and hashes every option on every rerun (most
# of the page's server time) and a browser list that long is not browsed. Over this many schools,
# the picker lists the schools a search finds instead.
PICKER_LIMIT = 1000


def picker_options(key: tuple, picker: Mapping[int, str], find: str, keep: int | None
                   ) -> tuple[tuple[int, ...], int]:  # fmt: skip
    """(the URNs the school picker lists, how many schools match): every school when there are
    at most ``PICKER_LIMIT``; else those whose "Name (URN)" contains ``find`` (any case), the
    first ``PICKER_LIMIT`` of them, none before a search. ``keep`` (the school open) is always
    listed. Made once per key of the rows and search."""
    limit = PICKER_LIMIT
    found = _found(key, find.strip().casefold() if len(picker) > limit else "", limit, picker)
    if keep is not None and keep in picker and keep not in found[0]:
        return (keep, *found[0]), found[1]
    return found


def _found(key: tuple, find: str, limit: int, picker: Mapping[int, str]
           ) -> tuple[tuple[int, ...], int]:  # fmt: skip
    return _found_cached(key, find, limit, _picker=picker)


@cached
def _found_cached(key: tuple, find: str, limit: int, *, _picker: Mapping[int, str]):
    if len(_picker) <= limit:
        return tuple(_picker), len(_picker)
    if not find:
        return (), 0
    hits = [u for u, label in _picker.items() if find in label.casefold()]
    return tuple(hits[:limit]), len(hits)
