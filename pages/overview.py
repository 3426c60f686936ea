"""County overview: schools by support category, achievement scores, the county against national, a map.

What a manager deciding which schools to visit reads first (the categories' totals and the chart of
them by district) is drawn at once; the tables and the charts below the fold are in sections made
when opened (a click reruns the page with the section open, and it stays open across filter
changes), so signing in draws one chart instead of seven and ~600 Markdown table cells fewer.
Every chart keeps its "Show as table" alternative and its CSV."""

import streamlit as st

from dashboard import auth, filters, render
from dashboard import overview_screen as screen
from dashboard.components import format
from dashboard.data_access import manager, overview
from dashboard.data_access.provenance import comparison_set, provenance

identity = auth.require_identity("overview")
st.title("County overview")
ctx = manager.context(identity)
if ctx is None:
    st.info("The school model is not loaded in this warehouse yet: run a load that builds it.")
    st.stop()
specs = filters.manager_filters(
    manager.filter_options(identity, ctx), manager.PUPIL_GROUPS, latest=ctx.latest
)
f = filters.filter_bar(specs, columns=3)
year, group = f["year"], f["group"]
st.caption(
    f"{render.escape_md(ctx.la_name)}, {format.fmt_year(year)}: open schools of the council "
    f"(support categories judged at {ctx.as_at(year)}; they include entries made in this app in "
    "the latest year). "
    + render.escape_md(filters.describe(f, specs))
    + " Data as at: "
    + render.escape_md(provenance(identity).as_at)
)

view = overview.overview(identity, ctx, f)  # every figure but the trends, cached per view
shown = screen.shown(view, year)
st.header("Schools by support category")
if view.counts.empty:
    st.info("No schools match these filters.")
else:
    screen.categories(view, shown, year)
screen.bands(view, year)

st.header("Achievement scores")
if (box := screen.section(screen.DISTRIBUTION)).open:
    with box:
        if view.distribution.empty:
            st.info("No achievement scores for these schools and year.")
        else:
            stages = shown.key_stages
            where = comparison_set(identity, stages[0] if len(stages) == 1 else None, year)
            screen.distribution(view, shown, where)

st.header(f"{render.escape_md(ctx.la_name)} against national")
st.caption(f"Pupil group: {render.escape_md(manager.PUPIL_GROUPS[group])}")
if (box := screen.section(screen.TRENDS)).open:
    with box:
        if group == "send":
            st.info(manager.SEND_NOTE)
            wanted = ["sen_support_pct", "ehcp_pct"]
        elif f["phase"] in ("Secondary", "All-through"):
            wanted = ["ks4_attainment8", "ks4_progress8"]
        else:
            wanted = ["ks2_rwm_expected_pct", "ks2_reading_progress"]
        scope = "secondary" if f["phase"] in ("Secondary", "All-through") else "primary"
        wanted = [*wanted, "persistent_absence_pct"]
        series = manager.county_vs_national(identity, ctx, wanted, group, scope)
        screen.trends(view, group, wanted, scope, ctx.la_name, series)

st.header("Map of districts and schools")
if (box := screen.section(screen.MAP)).open:
    with box:
        if view.boundaries.empty:
            st.info("No district boundaries are loaded.")
        else:
            screen.district_map(view)
