"""Visit plan: pick schools from the priority list into a termly plan per officer, against the
officer's capacity; mark visits done (with their visit note) or cancel them; export the plan."""

import streamlit as st

from dashboard import auth, visit_plan
from dashboard.components.safe import md_escape
from dashboard.data_access import manager, visits

identity = auth.require_identity("visits")
st.title("Visit plan")
if not visits.can_plan(identity):
    st.info("Visit planning is not available in this deployment.")
    st.stop()
ctx = manager.context(identity)
if ctx is None:
    st.info("The school model is not loaded in this warehouse yet: run a load that builds it.")
    st.stop()

shown = visit_plan.Shown()
people = visits.officers(identity)
names = dict(zip(people["username"], people["display_name"], strict=True))
term_options = visits.term_choices(identity)
left, right = st.columns(2)
term = left.selectbox("Term", term_options, index=1, key="visit_term")
officer = right.selectbox(
    "Officer",
    list(names),
    index=list(names).index(identity.username) if identity.username in names else 0,
    format_func=lambda u: f"{names[u]} ({u})",
    key="visit_officer",
)
if not visits.may_plan_for(identity, officer):
    st.info(
        f"You are viewing {md_escape(names[officer])}'s plan. Officers plan and update their own "
        "visits; a manager can change this one."
    )
visit_plan.show_flash()

visit_plan.capacity_section(identity, officer, names[officer], term, shown)
visit_plan.pick_section(identity, ctx, officer, term)
plan = visits.plan(identity, ctx, term, officer)
title = f"Visit plan: {names[officer]}, {term}"
visit_plan.plan_section(
    identity, plan, title, f"visit_plan_{officer}_{term.replace('/', '-').replace(' ', '_')}"
)
visit_plan.update_section(identity, plan, shown)
shown.keep()
