"""County overview: schools by support category, achievement scores, the county against national, a map."""

import streamlit as st

from dashboard import auth, filters, render
from dashboard.components import charts, format, measures
from dashboard.components.figure_table import split_thresholds, threshold_label
from dashboard.data_access import manager
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

counts = manager.overview_counts(identity, ctx, f)
st.header("Schools by support category")
if counts.empty:
    st.info("No schools match these filters.")
else:
    by_district = counts.groupby(["district", "category"], as_index=False)["schools"].sum()
    by_district = by_district[by_district["category"] != "not categorised"]
    charts.render_chart(
        charts.category_by_district_chart(by_district, title="Schools by support category"),
        by_district,
        "categories",
        "Schools by support category in each district",
    )
    totals = counts.groupby("category", as_index=False)[["schools", "last_year", "change"]].sum()
    cols = st.columns(len(totals))
    for col, row in zip(cols, totals.itertuples(), strict=True):
        word = row.category.capitalize()
        col.metric(word, row.schools, delta=f"{row.change:+d} on last year", delta_color="off")
    st.subheader("By district and phase, against last year")
    render.safe_table(
        counts.rename(
            columns={
                "district": "District",
                "phase": "Phase",
                "category": "Category",
                "schools": format.fmt_year(year),
                "last_year": "Previous year",
                "change": "Change",
            }
        ),
        hide_index=True,
    )

bands = manager.band_counts(identity, ctx, f)
if not bands.empty:
    st.subheader("Schools in each band, against last year")
    st.caption(
        "Band 1 is the group of most concern under each heading (method: 'How schools are banded')."
    )
    bands["heading"] = bands["heading"].str.replace("_", " ").str.capitalize()
    render.safe_table(
        bands.drop(columns="band").rename(
            columns={
                "heading": "Heading",
                "band_label": "Band",
                "schools": format.fmt_year(year),
                "last_year": "Previous year",
                "change": "Change",
            }
        ),
        hide_index=True,
    )

dist = manager.achievement_distribution(identity, ctx, f)
st.header("Achievement scores")
if dist.empty:
    st.info("No achievement scores for these schools and year.")
else:
    only = (dist["method"] == "attainment only").sum()
    notes = dist.loc[dist["method"] == "attainment only", "method_note"].dropna().unique()
    stages = dist["key_stage"].dropna().unique()
    where = comparison_set(identity, stages[0] if len(stages) == 1 else None, year)
    st.caption(
        "Achievement = 0.6 x attainment + 0.4 x progress, as a z-score: 0 is the centre of the "
        f"schools of the same key stage and year {where}. "
        f"{only} of {len(dist)} scores are attainment only"
        + (f" ({render.escape_md('; '.join(notes))})." if len(notes) else ".")
    )
    charts.render_chart(
        charts.distribution_chart(
            dist, title="Achievement scores of schools", x_title="Achievement score"
        ),
        dist,
        "distribution",
        "Distribution of achievement scores",
    )

st.header(f"{render.escape_md(ctx.la_name)} against national")
st.caption(f"Pupil group: {render.escape_md(manager.PUPIL_GROUPS[group])}")
if group == "send":
    st.info(manager.SEND_NOTE)
    wanted = ["sen_support_pct", "ehcp_pct"]
elif f["phase"] in ("Secondary", "All-through"):
    wanted = ["ks4_attainment8", "ks4_progress8"]
else:
    wanted = ["ks2_rwm_expected_pct", "ks2_reading_progress"]
scope = "secondary" if f["phase"] in ("Secondary", "All-through") else "primary"
series = manager.county_vs_national(
    identity, ctx, [*wanted, "persistent_absence_pct"], group, scope
)
for m in [*wanted, "persistent_absence_pct"]:
    data = series[series["measure"] == m]
    if data["value"].notna().sum() == 0:
        st.info(f"{measures.label(m)}: not in the loaded files for this group.")
        continue
    data, threshold_note = split_thresholds(data)
    name = threshold_label(data, m)
    shown_series = [s for s in data.loc[data["value"].notna(), "series"].unique()]
    table = data.assign(figure=format.display_column(data, measure="measure"))
    charts.render_chart(
        charts.trend_chart(data, title=name, y_title=name, kind=measures.measure(m).kind),
        table.drop(columns=["source_field"], errors="ignore"),
        f"trend_{m}",
        f"{name}: " + " and ".join(str(x) for x in shown_series),
    )
    notes = [threshold_note] if threshold_note else []
    if any(str(x).startswith("Local authority (average") for x in shown_series):
        notes.append(
            f"The files loaded hold no published {ctx.la_name} figure for this measure, so the "
            "line is the pupil-weighted average of its schools of this phase (not the DfE's own LA "
            "figure)."
        )
    if len(legend := format.code_legend(data["status_code"])):
        notes.append("; ".join(f"{c}: {t}" for c, t in legend))
    if notes:
        st.caption(render.escape_md(" ".join(notes)))

st.header("Map of districts and schools")
bounds, shares, points = manager.district_map_data(identity, ctx, f)
if bounds.empty:
    st.info("No district boundaries are loaded.")
else:
    charts.render_chart(
        charts.district_map(
            bounds,
            title="Share of schools needing targeted or intensive support",
            values=shares,
            district="district",
            value_title="% targeted or intensive",
            kind="pct",
            schools=points,
        ),
        shares.merge(points.groupby("district").size().rename("points").reset_index(), how="left"),
        "map",
        "Districts and schools by support category",
        description="Map of districts shaded by the share of schools needing support; "
        "schools shown as points whose shape and colour give the support category.",
    )
