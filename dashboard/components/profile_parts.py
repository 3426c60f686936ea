"""Drawing the governor profile's parts (rendering; pages/profile.py puts them in order and
dashboard/profile_view.py builds what they show)."""

from __future__ import annotations

import streamlit as st

from dashboard import profile_view, render
from dashboard.components import charts
from dashboard.components.sections import section
from dashboard.components.text import explain


@st.fragment  # its "Show as table" toggle redraws this chart alone, not the page
def draw_chart(c: profile_view.Chart) -> None:
    charts.render_chart(c.chart, c.table, key=c.key, title=c.title, description=c.description)


def key_stage(ks) -> None:
    """A key stage: its headline table and trend drawn; its chart and groups when opened."""
    st.header(ks.heading)
    st.caption(ks.caption)
    render.safe_table(ks.headline, hide_index=True)
    for line in ks.trend_lines:
        st.markdown(line, help=explain("trend"))
    if (box := section(ks.section)).open:
        with box:
            draw_chart(ks.chart)
            if ks.groups is not None:
                st.subheader(ks.groups_heading)
                st.caption(ks.groups_caption)
                render.safe_table(ks.groups, hide_index=True)


def support(sup) -> None:
    """The council's support category for the school, its reasons and what happens next."""
    st.header(sup.heading)
    st.markdown(sup.opening, help=sup.help)
    st.markdown(sup.reasons)
    for more in sup.more:
        st.markdown(more)
    st.markdown(sup.action)
    st.caption(sup.note)
