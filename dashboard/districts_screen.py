"""The district comparison (pages/districts.py): the spread between district averages per year.

Everything the page shows for a measure (the spread per year, the sentences saying whether it is
narrowing, the chart's data and spec, the two tables) is made once per set of averages
(``DistrictAverages.key``: build, schools, suppression) for every measure at once, when the page
is first shown, and shared by the sessions that show it: a choice of a measure then only looks its
pieces up (issue 20). The pieces are never changed after they are made.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.components import charts
from dashboard.components.figure_table import split_thresholds, threshold_label
from dashboard.components.format import direction_words, fmt_measure, fmt_year, format_number
from dashboard.data_access.briefing import DistrictAverages
from warehouse import figures


@dataclass(frozen=True)
class Spread:
    name: str  # the measure's label (persistent absence names its threshold)
    headlines: tuple[str, ...]  # "▲ The gap ... is narrowing: ..." (two years or more)
    long: pd.DataFrame  # the chart's data: range and interquartile range per year
    long_table: pd.DataFrame  # the same, as its table and CSV show it
    threshold_note: str | None
    table: pd.DataFrame  # spread by year, escaped
    wide: pd.DataFrame  # each district's average per year, escaped


def _spread_of(rows: pd.DataFrame, chosen: str) -> Spread:
    name = threshold_label(rows, chosen)
    fig = figures.figure(chosen)
    units = f" {fig.units}" if fig.units else ""
    values = rows.groupby("time_period")["value"]
    spread = values.agg(districts="count", lowest="min", highest="max").reset_index()
    quartiles = values.quantile([0.25, 0.75]).unstack()  # one pass, not a Python call per year
    spread["q1"] = quartiles[0.25].to_numpy()
    spread["q3"] = quartiles[0.75].to_numpy()
    spread["range"] = spread["highest"] - spread["lowest"]
    spread["iqr"] = spread["q3"] - spread["q1"]

    headlines = []
    if len(spread) >= 2:
        first, last = spread.iloc[0], spread.iloc[-1]
        for column, what in (
            ("range", "The gap between the highest and lowest district"),
            ("iqr", "The spread of the middle half of districts (interquartile range)"),
        ):
            a = figures.round_half_up(first[column], fig.decimals)
            b = figures.round_half_up(last[column], fig.decimals)
            word, symbol = direction_words(a - b, True, fig.threshold)
            verdict = {"better": "narrowing", "worse": "widening"}.get(word, "about the same")
            headlines.append(
                f"{symbol} {what} is {verdict}: {format_number(a, decimals=fig.decimals)}{units} "
                f"in {fmt_year(first['time_period'])}, "
                f"{format_number(b, decimals=fig.decimals)}{units} in "
                f"{fmt_year(last['time_period'])}."
            )

    # the chart's data built in one go (a concat of two renamed frames cost 5 ms a measure)
    n = len(spread)
    year_fields = rows.groupby("time_period")["source_field"].min()
    years = spread["time_period"].to_numpy()
    fields = year_fields.reindex(years).to_numpy()
    long = pd.DataFrame(
        {
            "time_period": np.concatenate([years, years]),
            "value": np.concatenate([spread["range"].to_numpy(), spread["iqr"].to_numpy()]),
            "series": pd.array(
                ["Range (highest - lowest district)"] * n + ["Interquartile range"] * n,
                dtype="str",
            ),
            "source_field": np.concatenate([fields, fields]),
            "measure": pd.array([chosen] * (2 * n), dtype="str"),
        },
        index=pd.Index(list(range(n)) * 2),
    )
    long, threshold_note = split_thresholds(long)

    table = pd.DataFrame(
        {
            "Year": spread["time_period"].map(fmt_year),
            "Districts": spread["districts"],
            "Lowest district": spread["lowest"].map(lambda v: fmt_measure(chosen, v)),
            "Highest district": spread["highest"].map(lambda v: fmt_measure(chosen, v)),
            "Range": spread["range"].map(lambda v: format_number(v, decimals=fig.decimals) + units),
            "Interquartile range": spread["iqr"].map(
                lambda v: format_number(v, decimals=fig.decimals) + units
            ),
        }
    )
    # each district's average per year (one row per district and year; a pivot_table cost 6 ms)
    cells = rows.groupby(["district", "time_period"])["value"].mean()
    districts = sorted(cells.index.get_level_values(0).unique())
    years_in = sorted(cells.index.get_level_values(1).unique())
    got = cells.to_dict()
    wide = pd.DataFrame(
        {"District": pd.array(districts, dtype="str")}
        | {
            fmt_year(y): [fmt_measure(chosen, got.get((d, y), np.nan)) for d in districts]
            for y in years_in
        }
    )
    return Spread(
        name,
        tuple(headlines),
        long,
        long.drop(columns=["source_field", "measure"]),
        threshold_note,
        render.escaped(table),
        render.escaped(wide),
    )


@st.cache_resource(show_spinner=False, ttl=3600, max_entries=256)
def _spread(key: tuple, chosen: str, _averages: pd.DataFrame) -> Spread:
    rows = _averages[(_averages["measure"] == chosen) & _averages["value"].notna()]
    return _spread_of(rows, chosen)


@st.cache_resource(show_spinner=False, ttl=3600, max_entries=64)
def _spreads(key: tuple, _averages: pd.DataFrame) -> MappingProxyType:
    """Every measure's ``Spread`` (the rows ``_spread`` selects for each, from one pass over the
    averages), its chart's spec made too (kept by ``charts.trend_spec``): a first choice of a
    measure makes nothing. A measure with no figure is not in it (``_spread`` makes its view)."""
    rows = _averages[_averages["value"].notna()]
    out = {}
    for measure, part in rows.groupby("measure", sort=False, observed=True):
        out[str(measure)] = s = _spread_of(part, str(measure))
        _chart(key, str(measure), s)
    return MappingProxyType(out)


def spread(comparison: DistrictAverages, chosen: str) -> Spread:
    """The spread between the districts' averages of ``chosen`` (made once per key, with every
    other measure's)."""
    every = _spreads(comparison.key, comparison.averages)
    if chosen in every:
        return every[chosen]
    return _spread(comparison.key, chosen, comparison.averages)


def _chart(key: tuple, chosen: str, s: Spread) -> dict:
    return charts.trend_spec(  # Altair once per shape of chart, not per measure
        s.long,
        title=f"Spread between districts: {s.name}",
        y_title="Spread",
        kind="number",
        series_title="Spread",
        memo_key=("districts", key, chosen),
    )


def show(comparison: DistrictAverages, chosen: str, s: Spread) -> None:
    """The headlines, the chart of the spread and the two tables."""
    for line in s.headlines:
        st.header(line)
    chart = _chart(comparison.key, chosen, s)  # kept since _spreads made it: a look-up
    charts.render_chart(
        chart,
        s.long_table,
        "districts_spread",
        f"Spread between districts: {s.name}",
    )
    if s.threshold_note:
        st.caption(s.threshold_note)
    st.subheader("Spread by year")
    st.table(s.table, hide_index=True)  # escaped once, in _spread_of
    st.subheader("Each district's average")
    st.table(s.wide, hide_index=True)  # escaped once, in _spread_of
