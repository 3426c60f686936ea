"""District comparison: is the spread between districts narrowing? The range and interquartile range
of district averages per year for each headline measure, with a chart and a table. Aggregates only."""

import streamlit as st

from dashboard import auth, districts_screen
from dashboard.components.measures import label
from dashboard.data_access import briefing
from dashboard.data_access.provenance import provenance

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
comparison = briefing.district_comparison(identity)  # suppressed for the briefing role
if comparison.averages.empty:
    st.info("No district results are loaded.")
    st.stop()
measures = list(comparison.measures)
raw = st.query_params.get("measure")  # user input: only a listed measure is used
chosen = st.selectbox(
    "Measure",
    measures,
    index=measures.index(raw) if raw in measures else 0,
    format_func=label,  # persistent absence's threshold is named under the chart
    key="districts_measure",
)
st.query_params["measure"] = chosen

st.caption(f"Data as at: {provenance(identity).as_at}")
districts_screen.show(comparison, chosen, districts_screen.spread(comparison, chosen))
