"""Inspection readiness: the LA risk triggers as red/amber/green by phase with direction of travel,
national and statistical neighbours; the schools behind a trigger; schools causing concern and how
schools moved between support categories. Year, phase and trigger live in the URL."""

import streamlit as st

from dashboard import access, auth
from dashboard import readiness_screen as screen
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
key = readiness.view_key(identity)  # the tables below are made once per key and choice
triggers = readiness.triggers(identity)
if triggers.empty:
    st.info("No LA risk triggers are loaded.")
    st.stop()
years, names = screen.menu(key, triggers)
raw = st.query_params.get("year", "")  # user input: only a loaded year is used
year = int(raw) if raw.isdigit() and int(raw) in years else years[0]
year = st.selectbox("Year", years, index=years.index(year), format_func=fmt_year, key="ready_year")
st.query_params["year"] = str(year)
screen.trigger_tables(key, year, triggers)

st.header("The schools behind a trigger")
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
    phases = list(screen.PHASES)
    phase = right.selectbox(
        "Phase", phases, index=phases.index(raw_p) if raw_p in phases else 0, key="ready_phase"
    )
    st.query_params["trigger"], st.query_params["phase"] = trigger, phase
    behind = readiness.trigger_schools_every_year(identity, trigger, phase)
    screen.behind(key, trigger, phase, year, names[trigger], behind)  # made for every year

st.header("Schools causing concern")
concern = readiness.concern_every_year(identity)  # every year's tables made in one pass
screen.concern(key, year, concern, lambda c: palette.category(c).label)
if not access.can_see_intelligence(identity):
    st.info(
        "Reasons from the council's confidential intelligence are summarised in one line for your role."
    )

st.header("Schools moving between support categories")
moves = readiness.transitions(identity)
if moves.empty:
    st.info("Only one model year is loaded: no movements yet.")
else:
    screen.movements(key, moves)
