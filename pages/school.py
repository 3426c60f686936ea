"""School drill-down: measures over time against LA and national, groups, attendance, inspections,
soft intelligence (both sources, each marked; open app notices can be closed) and a form to record
a visit, note, concern, notice or headteacher change."""

import streamlit as st

from dashboard import auth, filters, intelligence_panel, render, similar_panel, support
from dashboard.components import charts, format, measures, palette
from dashboard.components.safe import md_escape
from dashboard.data_access import history, manager

identity = auth.require_identity("school")
st.title("School drill-down")
ctx = manager.context(identity)
if ctx is None:
    st.info("The school model is not loaded in this warehouse yet: run a load that builds it.")
    st.stop()
options = manager.filter_options(identity, ctx)
specs = filters.manager_filters(
    options, manager.PUPIL_GROUPS, latest=ctx.latest, only=("group", "year")
)
listed = manager.schools(identity, ctx, filters.read(specs)["year"])
names = dict(zip(listed["urn"].astype(int), listed["name"], strict=True))
school_filter = filters.Filter(
    "urn", "School", list(names), format=lambda u: f"{names[u]} ({u})", all_label="Choose a school"
)
f = filters.filter_bar([school_filter, *specs], columns=3)
urn, group, year = f["urn"], f["group"], f["year"]
if urn is None:
    st.info("Choose a school to see its history, or open one from the priority list.")
    st.stop()

schools = manager.schools(identity, ctx, year, group)
row = schools[schools["urn"] == urn].iloc[0].to_dict()
pieces = manager.school_pieces(identity, ctx, urn, group, year)
if pieces is None:
    st.warning("That school is not available to you.")
    st.stop()
render.heading(row["name"], level=2)
kind = "Academy or free school (accountable to the DfE)" if row["academy"] else row["type_group"]
st.markdown(md_escape(f"URN {urn} · {row['district']} · {row['phase']} · {kind}"))
if urn_change := history.urn_change_sentence(identity, urn):  # issue 15: history across URN changes
    st.markdown(md_escape(urn_change))
enc = palette.CATEGORIES.get(row["category"])
st.subheader(f"Support category {format.fmt_year(year)}: {enc.label if enc else row['category']}")
for reason in row["reasons"]:
    st.markdown("- " + md_escape(reason))
st.markdown(f"**Recommended action:** {md_escape(row['recommended_action'] or '')}")
if row["app_entries"]:
    st.caption("The category or its reasons include entries made in this app (decision 12).")
st.markdown(md_escape(f"Achievement: {support.achievement_text(row)}; {support.standing(row)}."))
similar_panel.show(identity, urn)  # similar schools: average, position, basis (issue 22)

st.header("Measures over time")
st.caption(f"Pupil group: {md_escape(manager.PUPIL_GROUPS[group])}")
if group == "send":
    st.info(manager.SEND_NOTE)
series = pieces["census"] if group == "send" else pieces["series"]
stages = [ks for ks in ("ks2", "ks4") if (pieces["census"]["key_stage"] == ks).any()]
wanted = (
    ["sen_support_pct", "ehcp_pct"]
    if group == "send"
    else [m for ks in stages for m in manager.HEADLINE[ks]]
)
scope = "secondary" if "ks4" in stages and "ks2" not in stages else "primary"
for m in wanted:
    data = manager.school_trend_data(identity, ctx, series, m, group, scope)
    if not (
        (data["series"] == "This school") & (data["value"].notna() | data["status_code"].notna())
    ).any():
        st.info(f"{measures.label(m)}: {manager.NOT_PUBLISHED}.")
        continue
    chart = charts.trend_chart(
        data, title=measures.label(m), y_title=measures.label(m), kind=measures.measure(m).kind
    )
    table = data.assign(figure=format.display_column(data, measure="measure"))
    charts.render_chart(
        chart, table, f"school_{m}", f"{measures.label(m)}: school, LA and national"
    )
    if legend := format.code_legend(data["status_code"]):
        st.caption("; ".join(f"{c}: {t}" for c, t in legend))

st.header("Pupil groups")
gaps = pieces["gaps"]
if gaps.empty:
    st.info("No pupil-group figures are published for this school and year.")
else:
    shown = gaps.assign(
        measure=gaps["measure"].map(measures.label),
        figure=[
            format.fmt_measure(m, v, s)
            for m, v, s in zip(gaps["measure"], gaps["value"], gaps["status_code"], strict=True)
        ],
        note=gaps["note"].fillna(""),
    )
    render.safe_table(shown[["measure", "pupil_group", "figure", "cohort", "national_value", "gap_vs_national_same_group", "gap_vs_national_non_disadvantaged", "note"]].round(1), hide_index=True)  # fmt: skip

st.header("Attendance")
if row["persistent_absence_flagged"]:
    st.warning(
        f"Persistent absence ({format.fmt_pct(row['persistent_absence_pct'], decimals=1)}) is among the "
        "worst nationally for this phase: consider involving the education welfare service."
    )
for m in ("overall_absence_pct", "persistent_absence_pct"):
    scope_ph = {"Secondary": "secondary", "Special": "special"}.get(row["phase"], "primary")
    data = manager.school_trend_data(identity, ctx, pieces["census"], m, "all", scope_ph)
    chart = charts.trend_chart(
        data, title=measures.label(m), y_title=measures.label(m), kind="pct1"
    )
    charts.render_chart(
        chart, data, f"absence_{m}", f"{measures.label(m)}: school, LA and national"
    )

st.header("Inspection history")
st.caption("Grades of different frameworks are shown as published, side by side, never converted.")
st.markdown(md_escape(history.latest_inspections_line(identity, urn)))
legacy, cards = manager.inspection_history(pieces)
left, right = st.columns(2)
with left:
    render.heading("Graded inspections (to 2024/25)", level=3)
    render.safe_table(legacy, hide_index=True) if len(legacy) else st.caption("None loaded.")
with right:
    render.heading("Report cards (from November 2025)", level=3)
    render.safe_table(cards, hide_index=True) if len(cards) else st.caption("None loaded.")

intelligence_panel.show(identity, ctx, urn, academy=bool(row["academy"]))
