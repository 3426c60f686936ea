"""Pupil progress (issue 9): one school's pupils as an anonymous distribution with group filters, value
added by group, and disadvantaged pupils against national figures. Managers and officers only."""

import streamlit as st

from dashboard import auth, pupil_progress
from dashboard.components import charts
from dashboard.components.format import fmt_measure, fmt_pct, fmt_year
from dashboard.components.measures import label
from dashboard.components.pupil_filters import which_pupils
from dashboard.components.safe import md_escape
from dashboard.data_access import pupils

identity = auth.require_identity("pupils")
st.title("Pupil progress")
st.caption(pupil_progress.VALUE_ADDED_HELP)

schools = pupils.schools_with_pupils(identity)
if schools.empty:
    st.info(
        "No pupil-level results are loaded. Add the council's pupil file and the national estimates "
        "to the source folder and load it (docs/pupil-data.md)."
    )
    st.stop()

key = pupils.view_key(identity)  # what is made from the figures below is kept under it
names = pupil_progress.school_names(key, schools)
pupils.read_views(identity, pupil_progress.first_views(key, schools))  # every school's first view
raw = st.query_params.get("urn")  # user input: only a listed school is used
urns = list(names)
urn = st.selectbox(
    "School",
    urns,
    index=urns.index(int(raw)) if raw and raw.isdigit() and int(raw) in names else 0,
    format_func=lambda u: f"{names[u]} ({u})",
    key="pupils_urn",
)
st.query_params["urn"] = str(urn)

mine = schools[schools["urn"] == urn]
years = sorted(mine["time_period"].astype(int).unique(), reverse=True)
col_year, col_measure = st.columns(2)
year = col_year.selectbox("Year", years, format_func=fmt_year, key="pupils_year")
stages = set(mine.loc[mine["time_period"] == year, "key_stage"])
measures = [m for m in pupil_progress.PROGRESS_MEASURES if m[:3] in stages]
measure = col_measure.selectbox("Measure", measures, format_func=label, key="pupils_measure")

filters, chosen_pupils = which_pupils()
dist = pupils.school_distribution(identity, urn, year, measure, **filters)
s = dist.summary
if s["status_code"]:
    st.info(
        "5 or fewer pupils match these filters, so nothing is shown (small groups are suppressed)."
    )
elif not s["pupils"]:
    st.info(
        "No pupil matching these filters has a progress score this year (progress needs prior "
        "attainment and the national estimates for the year)."
    )
else:
    st.markdown(
        md_escape(
            f"{int(s['pupils'])} pupils: average progress {fmt_measure(measure, s['mean'])}; "
            f"{fmt_pct(s['value_added_pct'])} beat their estimate."
        )
    )
    chosen = (key, urn, year, measure, *chosen_pupils)  # what decides the points
    charts.render_chart(
        pupil_progress.progress_histogram(dist.points, measure, memo_key=chosen),
        pupil_progress.histogram_table(dist.points),
        key="pupils_hist",
        title=f"{label(measure)}: pupils above and below their estimate",
        description="Histogram of pupils' progress, with the estimate (0) marked",
    )

figures = pupils.school_group_figures_of(identity, urn, year, measure)  # the year and measure shown
st.header("Value added by pupil group")
st.caption("Groups of 5 pupils or fewer are suppressed. " + pupil_progress.VALUE_ADDED_HELP)
groups, bars = pupil_progress.figures_shown(key, urn, year, measure, figures)
if len(groups):
    st.table(groups, hide_index=True)  # escaped once, in figures_shown
else:
    st.info(
        "No figures for this year and measure (progress needs the national estimates of the year)."
    )

if len(bars):
    st.header("Disadvantaged pupils against national")
    st.caption(pupil_progress.DISADVANTAGED_HELP)
    charts.render_chart(
        charts.comparison_bars(
            bars,
            title=label(measure),
            x_title=label(measure),
            kind="progress2" if measure == "ks4_progress8" else "progress",
            memo_key=(key, urn, year, measure),
        ),
        bars,
        key="pupils_disadvantaged",
        title=f"{label(measure)}: disadvantaged pupils against national",
        description="Bars: the school's disadvantaged pupils, and disadvantaged and other pupils nationally",
    )

# made when opened (on_change="rerun", as the drill-down's tabs): a school's first view reads less
check = st.expander("Do these pupils reproduce the published figures?", key="pupils_check",
                    on_change="rerun")  # fmt: skip
if check.open:
    reconciled = pupils.school_reconciliation(identity, urn)
    if len(reconciled):
        check.table(pupil_progress.reconciled_shown(key, urn, reconciled), hide_index=True)
    else:
        check.write("No published figure of this school can be compared with its pupils.")
