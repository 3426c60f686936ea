"""School drill-down: a summary band (category, the one-sentence reason, watch flags, latest
inspection, last visit, open notice with days to review) with the visit, note and notice forms one
click away in a dialog, then tabs: reasons, performance, pupil groups, attendance, inspections and
the timeline of soft intelligence (both sources, each marked)."""

import streamlit as st

from dashboard import auth, filters, intelligence_panel, notice_workflow, render, similar_panel
from dashboard.components import format, school_band, school_tabs
from dashboard.components.safe import md_escape
from dashboard.data_access import history, manager
from dashboard.data_access import notices as notices_data

identity = auth.require_identity("school")
st.html(school_band.COMPACT_CSS)
st.title("School drill-down")
ctx = manager.context(identity)
if ctx is None:
    st.info("The school model is not loaded in this warehouse yet: run a load that builds it.")
    st.stop()
options = manager.filter_options(identity, ctx)
specs = filters.manager_filters(
    options, manager.PUPIL_GROUPS, latest=ctx.latest, only=("group", "year")
)
entries = manager.app_entries(identity)  # the store's entries, read once for this run
listed = manager.schools(identity, ctx, filters.read(specs)["year"], entries=entries)
names = dict(zip(listed["urn"].astype(int), listed["name"], strict=True))
school_filter = filters.Filter(
    "urn", "School", list(names), format=lambda u: f"{names[u]} ({u})", all_label="Choose a school"
)
f = filters.filter_bar([school_filter, *specs], columns=3)
urn, group, year = f["urn"], f["group"], f["year"]
if urn is None:
    st.info("Choose a school to see its history, or open one from the priority list.")
    manager.read_every_school(identity, ctx)  # what any school's first view slices, read now
    st.stop()

row = manager.school_row(identity, ctx, year, urn, group, entries=entries)  # by its position
pieces = manager.school_pieces(identity, ctx, urn, group, year)
if pieces is None:
    st.warning("That school is not available to you.")
    st.stop()
academy = bool(row["academy"])
render.heading(row["name"], level=2)
kind = "Academy or free school (accountable to the DfE)" if academy else row["type_group"]
st.markdown(md_escape(f"URN {urn} · {row['district']} · {row['phase']} · {kind}"))
if urn_change := history.urn_change_sentence(identity, urn):  # issue 15: history across URN changes
    st.markdown(md_escape(urn_change))
notice_workflow.flash()
school_band.buttons(academy)
school_band.band(row, notices_data.school_open_notices(identity, urn), format.fmt_year(year))
school_band.dialogs(identity, urn, row["name"], academy, manager.INTELLIGENCE_KINDS)

# Only the open tab is computed and sent (on_change="rerun": a click on a tab reruns the page
# with its label in st.session_state["school_tab"]); the others are one click away.
tabs = st.tabs(school_tabs.TABS, key="school_tab", on_change="rerun")
if tabs[0].open:
    with tabs[0]:
        school_tabs.reasons(row)
if tabs[1].open:
    with tabs[1]:
        similar_panel.show(identity, urn)  # similar schools: average, position, basis (issue 22)
        school_tabs.performance(identity, ctx, pieces, group)
if tabs[2].open:
    with tabs[2]:
        school_tabs.pupil_groups(pieces["gaps"])
if tabs[3].open:
    with tabs[3]:
        school_tabs.attendance(identity, ctx, pieces, row)
if tabs[4].open:
    with tabs[4]:
        st.markdown(md_escape(history.latest_inspections_line(identity, urn)))
        school_tabs.inspections(pieces)
if tabs[5].open:
    with tabs[5]:
        intelligence_panel.show(identity, ctx, urn)
