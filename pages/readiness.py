"""Inspection readiness: the LA risk triggers as red/amber/green by phase with direction of travel,
national and statistical neighbours; the schools behind a trigger; schools causing concern and how
schools moved between support categories. Year, phase and trigger live in the URL."""

import streamlit as st

from dashboard import access, auth, render
from dashboard import readiness_tables as tables
from dashboard.components import palette
from dashboard.components.format import fmt_year
from dashboard.data_access import readiness

identity = auth.require_identity("readiness")
st.title("Inspection readiness")

if not readiness.loaded(identity):
    st.info(
        "The model tables are not in this warehouse: run a load with the ETL (python -m etl load)."
    )
    st.stop()
triggers = readiness.triggers(identity)
if triggers.empty:
    st.info("No LA risk triggers are loaded.")
    st.stop()
years = sorted(triggers["time_period"].unique(), reverse=True)
raw = st.query_params.get("year", "")  # user input: only a loaded year is used
year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
year = st.selectbox("Year", years, index=years.index(year), format_func=fmt_year, key="ready_year")
st.query_params["year"] = str(year)
for phase in ("primary", "secondary"):
    rows = triggers[(triggers["time_period"] == year) & (triggers["phase"] == phase)]
    st.header(f"{phase.capitalize()} schools, {fmt_year(year)}")
    table = tables.trigger_table(rows)
    render.safe_table(table, hide_index=True)

st.header("The schools behind a trigger")
names = triggers.drop_duplicates("trigger_id").set_index("trigger_id")["trigger_name"].to_dict()
ids = [t for t in names if readiness.drillable(identity, t)]
if not ids:
    st.info("Your role does not see named schools.")
else:
    left, right = st.columns(2)
    raw_t, raw_p = st.query_params.get("trigger"), st.query_params.get("phase")
    trigger = left.selectbox(
        "Trigger",
        ids,
        index=ids.index(raw_t) if raw_t in ids else 0,
        format_func=lambda t: f"{t.split('_')[0]}: {names[t]}",
        key="ready_trigger",
    )
    phases = ["primary", "secondary"]
    phase = right.selectbox(
        "Phase", phases, index=phases.index(raw_p) if raw_p in phases else 0, key="ready_phase"
    )
    st.query_params["trigger"], st.query_params["phase"] = trigger, phase
    behind = readiness.trigger_schools(identity, trigger, phase, year)
    st.subheader(f"{len(behind)} {phase} school{'' if len(behind) == 1 else 's'}: {names[trigger]}")
    shown = tables.schools_behind(behind)
    render.safe_table(shown, hide_index=True)

st.header("Schools causing concern")
concern = readiness.schools_causing_concern(identity, year)
for key in ("intensive", "targeted"):
    part = concern[concern["category"] == key]
    st.subheader(f"{palette.category(key).label}: {len(part)} schools")
    table = tables.concern_table(part)
    st.dataframe(render.escaped(table), hide_index=True, key=f"concern_{key}")
if not access.can_see_intelligence(identity):
    st.info(
        "Reasons from the council's confidential intelligence are summarised in one line for your role."
    )

st.header("Schools moving between support categories")
moves = readiness.transitions(identity)
if moves.empty:
    st.info("Only one model year is loaded: no movements yet.")
else:
    render.safe_table(tables.intensive_movements(moves), hide_index=True)
    latest_year = fmt_year(moves["time_period"].max())
    st.subheader(f"Every movement into {latest_year}")
    render.safe_table(tables.latest_movements(moves), hide_index=True)
