"""Priority list: schools ranked for attention, with reasons, measures, trends, inspection and intelligence."""

import streamlit as st

from dashboard import auth, data_access, filters, render, support
from dashboard.components import exports, format
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
f = filters.filter_bar(specs, columns=3)
group = f["group"]
st.caption(
    "Ranked by support category (intensive first), then the number of reasons, then the lowest "
    "achievement. Categories include entries made in this app (latest year); reasons are in full, "
    "confidential intelligence included. Click a column heading to sort."
)
if group == "send":
    st.info(manager.SEND_NOTE)

ranked = manager.priority_list(identity, ctx, f)
table = support.priority_table(ranked, group)
st.caption(
    f"{len(table)} school{'' if len(table) == 1 else 's'}; {render.escape_md(filters.describe(f, specs))}"
)
group_label = "Pupil group figure (KS2 RWM % or KS4 Attainment 8)"
st.dataframe(
    table,
    hide_index=True,
    key="priority_table",
    column_config={
        "URN": st.column_config.NumberColumn(format="%d"),
        "Rank": st.column_config.NumberColumn(format="%d"),
        "Achievement score": st.column_config.NumberColumn(format="%+.2f"),
        "Persistent absence %": st.column_config.NumberColumn(format="%.1f%%"),
        "Reasons": st.column_config.TextColumn(width="large"),
        "Pupil group figure": st.column_config.TextColumn(group_label),
    },
)
codes = format.code_legend(
    [*ranked.get("group_ks2_rwm_status", []), *ranked.get("group_ks4_att8_status", [])]
)
if codes:
    st.caption("Codes: " + "; ".join(f"{c}: {t}" for c, t in codes))

st.subheader("Visit plan")
title = f"Visit plan: {ctx.la_name}, {format.fmt_year(f['year'])}"
notes = [filters.describe(f, specs), "Ranked for attention; reasons in full (confidential)."]
left, right = st.columns(2)
left.download_button(
    "Download the visit plan (Excel)",
    # Made on every rerun, not deferred to the click (data=callable): a deferred file requested
    # while a filter change was still rerunning never arrived in Chromium (browser test).
    exports.cached_excel_bytes(
        table,
        "Visit plan",
        title,
        tuple(notes),
        "School improvement dashboard",
        str(ctx.as_at(f["year"])),
    ),
    file_name="visit_plan.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="visit_plan_xlsx",
    on_click=data_access.record_export,
    args=(identity, "visit plan (Excel)", None, len(table)),
)
right.download_button(
    "Download the visit plan (CSV)",
    exports.to_csv_bytes(table),
    file_name="visit_plan.csv",
    mime="text/csv",
    key="visit_plan_csv",
    on_click=data_access.record_export,
    args=(identity, "visit plan (CSV)", None, len(table)),
)

st.subheader("Open a school")
names = dict(zip(table["URN"], table["School"], strict=True))
chosen = st.selectbox(
    "School to open in the drill-down",
    list(names),
    index=None,
    placeholder="Choose a school",
    key="priority_open",
    format_func=lambda u: f"{names[u]} ({u})",
)
if chosen is not None:
    st.page_link(
        "../pages/school.py",
        label=f"Open the drill-down for {render.escape_md(names[chosen])}",
        query_params={"urn": str(chosen), "group": group, "year": str(f["year"])},
    )
