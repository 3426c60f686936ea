"""Our school: the governor's one-page profile of their own school, with a printable PDF (issue 5).

The first paint holds what a governor reads first (the headline figures, what stands out, each key
stage's headline table and trend, the inspections, the council's support category and reasons);
the charts and the other tables are in sections made when opened (profile_view.SECTIONS), so
signing in draws no chart and one table per key stage instead of eight tables and two charts."""

import streamlit as st

from dashboard import auth, profile_pdf, profile_view, pupil_progress, render
from dashboard.components import profile_parts as parts
from dashboard.components import similar as similar_view
from dashboard.components.safe import md_escape
from dashboard.components.sections import section
from dashboard.data_access import governor, history, pupils
from dashboard.data_access import similar as similar_data

identity = auth.require_identity("profile")
mine = governor.my_schools(identity)
names = dict(zip(mine["urn"].astype(int), mine["name"], strict=True))
if not names:
    st.title("Our school")
    st.info("No school is linked to your account yet. Please ask the council's administrator.")
    st.stop()

raw = st.query_params.get("urn")  # user input: accepted only if it is one of this user's schools
urn = int(raw) if raw and raw.isdigit() and int(raw) in names else min(names)
if raw and (not raw.isdigit() or int(raw) not in names):
    st.warning("That school is not one of yours, so your own school is shown instead.")
if len(names) > 1:
    st.session_state.setdefault("profile_urn", urn)
    urn = st.selectbox(
        "School", list(names), key="profile_urn", format_func=lambda u: f"{names[u]} ({u})"
    )
st.query_params["urn"] = str(urn)

profile = governor.school_profile(identity, urn)  # audited on every rerun
if profile is None:
    st.error("That school is not available to you.")
    st.stop()
similar = similar_data.comparison(identity, urn)  # "above most schools with a similar intake"
pupil_figures = pupils.school_group_figures(identity, urn)  # figures from the council's pupil data
view = profile_view.view(profile, similar, pupil_figures)  # built once per profile, then drawn
st.title(view.title)
st.caption(view.caption)

if urn_change := history.urn_change_sentence(identity, urn):  # issue 15: across URN changes
    st.markdown(md_escape(urn_change))

st.header("What stands out")
st.markdown(view.stands_out)


for ks in view.key_stages:  # the headline table and trend drawn; the chart and groups when opened
    parts.key_stage(ks)

similar_view.draw(view.similar, table_in=profile_view.SIMILAR)
pupil_progress.draw_governor_section(view.pupils, tables_in=profile_view.PUPILS)

if view.achievement is not None:
    st.header("Achievement score")
    st.caption(view.achievement_caption)
    if (box := section(profile_view.ACHIEVEMENT)).open:
        with box:
            render.safe_table(view.achievement, hide_index=True)

st.header("Attendance")
st.caption(view.attendance_note)
if (box := section(profile_view.ATTENDANCE)).open:
    with box:
        render.safe_table(view.attendance, hide_index=True)
        if view.absence_chart is not None:
            parts.draw_chart(view.absence_chart)

st.header("Context")
st.caption(view.context_note)
if (box := section(profile_view.CONTEXT)).open:
    with box:
        render.safe_table(view.context, hide_index=True)

st.header("Inspections")
st.caption(view.inspections_caption)
if view.inspections is not None:
    render.safe_table(view.inspections, hide_index=True)
else:
    st.info("No inspections are loaded for this school.")

if view.support is not None:
    parts.support(view.support)

if view.codes:
    st.caption(view.codes)
st.caption(view.source)

st.download_button(
    "Download this profile (PDF, for printing)",
    data=lambda: profile_pdf.build_pdf(  # made only when the button is pressed
        profile,
        pupil_figures=pupil_figures,
        similar=similar,
    ),
    file_name=f"school-profile-{urn}.pdf",
    mime="application/pdf",
    key="download_profile_pdf",
    on_click=governor.record_pdf_export,
    args=(identity, urn),
)

# a federation: the other schools made ready after this one is drawn, so switching only draws;
# this one's charts too (in closed sections, so not made yet), for switching back to it
profile_view.warm(identity, [u for u in names if u != urn])
if len(names) > 1:
    profile_view.convert_charts(view)
