"""Priority list: the schools to visit first and why, in the order of attention (category, then rank
within it; re-ranked by a pupil group's own figure when one is chosen); everything else on demand."""

import streamlit as st

from dashboard import auth, data_access, filters, priority, render
from dashboard.components import exports, format, frames
from dashboard.components import priority_table as view_of
from dashboard.components.sections import section
from dashboard.data_access import manager

identity = auth.require_identity("priority")
st.title("Priority list")
ctx = manager.context(identity)
if ctx is None:
    st.info("The school model is not loaded in this warehouse yet: run a load that builds it.")
    st.stop()
specs = filters.manager_filters(
    manager.filter_options(identity, ctx), manager.PUPIL_GROUPS, latest=ctx.latest
)
f = filters.filter_bar(specs, columns=6)
group = f["group"]
view = manager.priority_page(identity, ctx, f)  # its rows' every column made only when read
reading = view_of.reading_of(view, group)  # made once per view key, not on every rerun
order = (
    f"re-ranked by the figure for {priority.GROUP_WORDS[group]} (lowest against every "
    "school with a published figure first; small groups last)"
    if group in priority.RERANKS
    else "intensive first, then targeted, then universal, each in the model's order of evidence"
)
st.caption(
    f"{len(reading)} school{'' if len(reading) == 1 else 's'}; "
    f"{render.escape_md(filters.describe(f, specs))}. Order: {order}. RWM: % meeting the expected "
    "standard in reading, writing and maths; Att 8: Attainment 8."
)
if group == "send":
    st.info(manager.SEND_NOTE)
st.html(view_of.COMPACT_CSS)
show_all = st.session_state.get("show_all", False)
with st.container(key="priority_list"):
    st.table(reading if show_all else reading.head(25), hide_index=True, border="horizontal")
if len(reading) > 25:
    st.toggle(f"Show all {len(reading)} schools (the first 25 are shown)", key="show_all")

st.header("Details of a school")
names = view.names  # URN -> name, made once per view key
chosen = st.selectbox(
    "School", list(names), index=None, placeholder="Choose a school to see every reason",
    key="priority_open", format_func=lambda u: f"{names[u]} ({u})",
)  # fmt: skip
if chosen is not None:
    view_of.details(view.ranked[view.ranked["urn"] == chosen].iloc[0].to_dict())
    st.page_link(
        "../pages/school.py",
        label=f"Open the drill-down for {render.escape_md(names[chosen])}",
        query_params={"urn": str(chosen), "group": group, "year": str(f["year"])},
    )

if (box := section(view_of.EVERY_COLUMN)).open:  # made when opened, kept open for the session
    with box:
        table = view_of.export_of(view, group)  # made once per view key, when opened
        st.dataframe(
            frames.arrow("visit plan", view.key, table),  # converted once per view key
            hide_index=True,
            key="priority_table",
            column_config={
                "URN": st.column_config.NumberColumn(format="%d"),
                "Rank": st.column_config.NumberColumn(format="%d"),
                "Achievement score": st.column_config.NumberColumn(format="%+.2f"),
                "Persistent absence %": st.column_config.NumberColumn(format="%.1f%%"),
                "Reasons": st.column_config.TextColumn(width="large"),
            },
        )
        codes = format.code_legend(
            [
                *view.ranked.get("group_ks2_rwm_status", []),
                *view.ranked.get("group_ks4_att8_status", []),
            ]  # fmt: skip
        )
        if codes:
            st.caption("Codes: " + "; ".join(f"{c}: {t}" for c, t in codes))
if (files := section(view_of.PLAN_FILES)).open:  # made when opened, kept open for the session
    table = view_of.export_of(view, group)  # made once per view key, when opened
    title = f"Visit plan: {ctx.la_name}, {format.fmt_year(f['year'])}"
    notes = [filters.describe(f, specs), "Ranked for attention; reasons in full (confidential)."]
    left, right = files.columns(2)
    left.download_button(
        "Download the visit plan (Excel)",
        # Made once per view key (build, allowed URNs, filters, store entries) and title.
        exports.keyed_excel_bytes(
            "visit plan",
            view.key,
            table,
            "Visit plan",
            title,
            tuple(notes),
            "School improvement dashboard",
            str(ctx.as_at(f["year"])),
        ),  # fmt: skip
        file_name="visit_plan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="visit_plan_xlsx",
        on_click=data_access.record_export,
        args=(identity, "visit plan (Excel)", None, len(table)),
    )
    right.download_button(
        "Download the visit plan (CSV)",
        exports.keyed_csv_bytes("visit plan", view.key, table),
        file_name="visit_plan.csv",
        mime="text/csv",
        key="visit_plan_csv",
        on_click=data_access.record_export,
        args=(identity, "visit plan (CSV)", None, len(table)),
    )
