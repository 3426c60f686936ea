"""Inspection readiness: the LA risk triggers as red/amber/green by phase with direction of travel,
national and statistical neighbours; the schools behind a trigger; schools causing concern and how
schools moved between support categories. Year, phase and trigger live in the URL."""

import pandas as pd
import streamlit as st

from dashboard import access, auth, render
from dashboard.components import palette
from dashboard.components.format import fmt_year, format_number, is_missing
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
DIRECTION = {"better": "▲ better", "worse": "▼ worse", "similar": "● similar"}


def rag_words(value) -> str:
    if isinstance(value, str):
        return palette.rag(value).label if value in palette.RAG else value
    return "no comparison"


def figure(v) -> str:
    return "no data" if is_missing(v) else format_number(v, decimals=1)


for phase in ("primary", "secondary"):
    rows = triggers[(triggers["time_period"] == year) & (triggers["phase"] == phase)]
    st.header(f"{phase.capitalize()} schools, {fmt_year(year)}")
    note = rows["neighbours_note"].dropna()
    table = pd.DataFrame(
        {
            "Trigger": rows["trigger_no"].astype(str) + ". " + rows["trigger_name"].astype(str),
            "Rating": rows["rag"].map(rag_words),
            "LA": rows["value"].map(figure),
            "National": rows["national_value"].map(figure),
            "Statistical neighbours": rows["neighbours_value"].map(figure)
            if note.empty
            else "statistical neighbours not loaded",
            "Against neighbours": rows["rag_vs_neighbours"].map(rag_words)
            if note.empty
            else "not loaded",
            "Direction of travel": rows["direction"].map(
                lambda d: DIRECTION.get(d, "not comparable")
            ),
            "Rule": rows["rule"],
        }
    )
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
    shown = behind.rename(
        columns={
            "urn": "URN",
            "name": "School",
            "district": "District",
            "phase": "Phase",
            "value": "Figure",
            "national_value": "National",
            "detail": "Why",
        }
    )
    shown["URN"] = shown["URN"].astype(str)
    shown[["Figure", "National"]] = shown[["Figure", "National"]].map(figure)
    render.safe_table(shown, hide_index=True)

st.header("Schools causing concern")
concern = readiness.schools_causing_concern(identity, year)
for key in ("intensive", "targeted"):
    part = concern[concern["category"] == key]
    st.subheader(f"{palette.category(key).label}: {len(part)} schools")
    table = part[["urn", "name", "district", "phase", "recommended_action", "reasons"]].rename(
        columns={
            "urn": "URN",
            "name": "School",
            "district": "District",
            "phase": "Phase",
            "recommended_action": "Recommended action",
            "reasons": "Reasons",
        }
    )
    table["URN"] = table["URN"].astype(str)
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
    entered = moves[(moves["to_category"] == "intensive") & (moves["from_category"] != "intensive")]
    left_ = moves[(moves["from_category"] == "intensive") & (moves["to_category"] != "intensive")]
    summary = pd.DataFrame({"Year": [fmt_year(y) for y in sorted(moves["time_period"].unique())]})
    summary["▲ Entered intensive"] = [
        int(entered[entered["time_period"] == y]["n_schools"].sum())
        for y in sorted(moves["time_period"].unique())
    ]
    summary["Left intensive"] = [
        int(left_[left_["time_period"] == y]["n_schools"].sum())
        for y in sorted(moves["time_period"].unique())
    ]
    render.safe_table(summary, hide_index=True)
    latest = moves[(moves["time_period"] == moves["time_period"].max()) & moves["changed"]]
    st.subheader(f"Every movement into {fmt_year(latest['time_period'].max())}")
    render.safe_table(
        pd.DataFrame(
            {
                "From": latest["from_category"].map(
                    lambda c: palette.category(c).label if c in palette.CATEGORIES else c
                ),
                "To": latest["to_category"].map(
                    lambda c: palette.category(c).label if c in palette.CATEGORIES else c
                ),
                "Schools": latest["n_schools"].astype(int),
            }
        ),
        hide_index=True,
    )
