"""Our school: the governor's one-page profile of their own school, with a printable PDF (issue 5)."""

import streamlit as st

from dashboard import auth, profile_pdf, pupil_progress, render, similar_panel
from dashboard.components import charts
from dashboard.components.format import fmt_year
from dashboard.components.measures import label
from dashboard.components.safe import md_escape
from dashboard.components.text import explain
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

profile = governor.school_profile(identity, urn)
if profile is None:
    st.error("That school is not available to you.")
    st.stop()
school = profile.school
st.title(md_escape(school["name"]))
st.caption(
    md_escape(
        f"Unique reference number (URN) {urn} · {school.get('phase') or ''} · {school.get('school_type') or ''} · "
        f"{school.get('la_name') or ''}. Data as at: {profile.data_date}"
    )
)

if urn_change := history.urn_change_sentence(identity, urn):  # issue 15: across URN changes
    st.markdown(md_escape(urn_change))

st.header("What stands out")
st.markdown("\n".join(f"- {md_escape(line)}" for line in profile_pdf.summary(profile)))

for ks in profile_pdf.key_stages(profile):
    st.header(
        f"{profile_pdf.KEY_STAGE_NAMES[ks]}, {fmt_year(profile_pdf.latest_year(profile, ks))}"
    )
    st.caption(explain(f"key_stage_{ks[-1]}"))
    render.safe_table(profile_pdf.headline_table(profile, ks), hide_index=True)
    measure = profile_pdf.ATTAINMENT[ks]
    chart, data = profile_pdf.trend_chart(profile, measure)
    charts.render_chart(
        chart,
        profile_pdf.series_table(data, measure),
        key=f"trend_{ks}",
        title=f"{label(measure)}: over time",
        description=f"Line chart of {label(measure)} for the school, the local authority and England",
    )
    for line in profile_pdf.trend_lines(profile, ks):
        st.markdown(f"- {md_escape(line)}", help=explain("trend"))
    groups = profile_pdf.groups_table(profile, measure)
    if len(groups):
        st.subheader(f"Pupil groups: {label(measure)}")
        st.caption(explain("disadvantaged") + " " + explain("disadvantaged_gap"))
        render.safe_table(groups, hide_index=True)

similar_panel.show(identity, urn, plain=True)  # "above most schools with a similar intake"
pupil_progress.render_governor_section(identity, urn)  # figures from the council's pupil data

if len(profile.achievement):
    st.header("Achievement score")
    st.caption(explain("achievement_score") + " " + explain("national_percentile"))
    render.safe_table(profile_pdf.achievement_table(profile), hide_index=True)

st.header("Attendance")
st.caption(profile_pdf.scope_note(profile))
render.safe_table(profile_pdf.latest_rows(profile, profile_pdf.ABSENCE), hide_index=True)
if (profile.measures["measure"] == "persistent_absence_pct").any():
    chart, data = profile_pdf.trend_chart(profile, "persistent_absence_pct")
    charts.render_chart(
        chart,
        profile_pdf.series_table(data, "persistent_absence_pct"),
        key="trend_absence",
        title="Persistent absence: over time",
        description="Line chart of persistent absence for the school and England",
    )

st.header("Context")
st.caption(profile_pdf.CONTEXT_NOTE)
render.safe_table(profile_pdf.latest_rows(profile, profile_pdf.CONTEXT), hide_index=True)

st.header("Inspections")
st.caption(explain("inspection") + " " + explain("report_card_areas"))
inspections = profile_pdf.inspections_table(profile)
if len(inspections):
    render.safe_table(inspections, hide_index=True)
else:
    st.info("No inspections are loaded for this school.")

sup = profile.support
if sup is not None:
    st.header(f"Support from the council ({fmt_year(sup.time_period)})")
    opening, reasons, more = profile_pdf.support_lines(sup)
    st.markdown(md_escape(opening), help=explain(sup.category))
    st.markdown("\n".join(f"- {md_escape(r)}" for r in reasons))
    for heading, lines in more:
        st.markdown(f"**{md_escape(heading)}:**\n" + "\n".join(f"- {md_escape(x)}" for x in lines))
    st.markdown(
        f"**Recommended action:** {md_escape(profile_pdf.plain_action(sup.recommended_action))}"
    )
    st.caption(profile_pdf.SUPPORT_NOTE)

note = profile_pdf.codes_note(profile)
if note:
    st.caption(md_escape(f"Codes: {note}"))
st.caption(md_escape(f"Source: {profile.source}. Data as at: {profile.data_date}"))

st.download_button(
    "Download this profile (PDF, for printing)",
    data=lambda: profile_pdf.build_pdf(  # made only when the button is pressed
        profile,
        pupil_figures=pupils.school_group_figures(identity, urn),
        similar=similar_data.comparison(identity, urn),
    ),
    file_name=f"school-profile-{urn}.pdf",
    mime="application/pdf",
    key="download_profile_pdf",
    on_click=governor.record_pdf_export,
    args=(identity, urn),
)
