"""District comparison: is the spread between districts narrowing? The range and interquartile range
of district averages per year for each headline measure, with a chart and a table. Aggregates only."""

import pandas as pd
import streamlit as st

from dashboard import auth, render
from dashboard.components import charts
from dashboard.components.figure_table import split_thresholds, threshold_label
from dashboard.components.format import direction_words, fmt_measure, fmt_year, format_number
from dashboard.components.measures import label
from dashboard.data_access import briefing
from dashboard.data_access.provenance import provenance
from warehouse import figures

identity = auth.require_identity("districts")
st.title("District comparison")
st.write(
    "Each district's average is the cohort-weighted mean of the published figures of its open "
    "schools (absence weighted by pupils). A smaller spread between districts means inequality is "
    "narrowing."
)

if not briefing.loaded(identity):
    st.info(
        "The model tables are not in this warehouse: run a load with the ETL (python -m etl load)."
    )
    st.stop()
averages = briefing.district_averages(identity)
if averages.empty:
    st.info("No district results are loaded.")
    st.stop()
measures = [
    m
    for m in pd.unique(averages["measure"])
    if averages.loc[averages["measure"] == m, "value"].notna().any()
]
raw = st.query_params.get("measure")  # user input: only a listed measure is used
chosen = st.selectbox(
    "Measure",
    measures,
    index=measures.index(raw) if raw in measures else 0,
    format_func=label,  # persistent absence's threshold is named under the chart
    key="districts_measure",
)
st.query_params["measure"] = chosen

rows = averages[(averages["measure"] == chosen) & averages["value"].notna()]
st.caption(f"Data as at: {provenance(identity).as_at}")
name = threshold_label(rows, chosen)
fig = figures.figure(chosen)
units = f" {fig.units}" if fig.units else ""
spread = (
    rows.groupby("time_period")["value"]
    .agg(
        districts="count",
        lowest="min",
        highest="max",
        q1=lambda v: v.quantile(0.25),
        q3=lambda v: v.quantile(0.75),
    )
    .reset_index()
)
spread["range"] = spread["highest"] - spread["lowest"]
spread["iqr"] = spread["q3"] - spread["q1"]

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
        st.header(
            f"{symbol} {what} is {verdict}: {format_number(a, decimals=fig.decimals)}{units} in "
            f"{fmt_year(first['time_period'])}, {format_number(b, decimals=fig.decimals)}{units} in "
            f"{fmt_year(last['time_period'])}."
        )

long = pd.concat(
    [
        spread[["time_period", "range"]]
        .rename(columns={"range": "value"})
        .assign(series="Range (highest - lowest district)"),
        spread[["time_period", "iqr"]]
        .rename(columns={"iqr": "value"})
        .assign(series="Interquartile range"),
    ]
)
year_fields = rows.groupby("time_period")["source_field"].min()
long["source_field"] = long["time_period"].map(year_fields)
long["measure"] = chosen
long, threshold_note = split_thresholds(long)
chart = charts.trend_chart(
    long,
    title=f"Spread between districts: {name}",
    y_title="Spread",
    kind="number",
    series_title="Spread",
)
charts.render_chart(
    chart,
    long.drop(columns=["source_field", "measure"]),
    "districts_spread",
    f"Spread between districts: {name}",
)
if threshold_note:
    st.caption(threshold_note)

st.subheader("Spread by year")
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
render.safe_table(table, hide_index=True)

st.subheader("Each district's average")
wide = rows.pivot_table(index="district", columns="time_period", values="value")
wide = wide.apply(lambda col: col.map(lambda v: fmt_measure(chosen, v)))
wide.columns = [fmt_year(c) for c in wide.columns]
render.safe_table(wide.reset_index().rename(columns={"district": "District"}), hide_index=True)
