"""Drawing the county overview (pages/overview.py): its tables, charts and captions.

The figures come from ``data_access.overview`` (cached per view); everything made from them for the
screen (tables renamed and escaped, the charts' data, the trend lines split at a threshold change,
the notes under them) is made once per view too, keyed by ``Overview.key`` (plus the pupil group for
the trends), and shared by every session that shows the same view. A rerun with nothing changed
only sends the elements again. The cached pieces are never changed after they are made: the
functions here only read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.components import chart_specs, charts, format, measures, sections
from dashboard.components.figure_table import split_thresholds, threshold_label
from dashboard.data_access.core import kept
from dashboard.data_access.manager import NO_DISTRICT
from dashboard.data_access.overview import ByDistrict, Overview

# The overview's sections made only when opened: (label, widget key). Closed on the first paint, so
# a manager's sign-in draws the categories' totals and their chart by district (what decides which
# schools to visit) without the two long tables (~600 cells, each drawn as Markdown by the
# browser) and the five charts below the fold. A click reruns the page with the section open; it
# stays open across filter changes (its key keeps the state for the session).
COUNTS = ("Table: schools by district and phase, against last year", "overview_open_counts")
BANDS = ("Table: schools in each band, against last year", "overview_open_bands")
DISTRIBUTION = ("Chart: distribution of achievement scores", "overview_open_distribution")
TRENDS = ("Charts: the county against national, year by year", "overview_open_trends")
MAP = ("Map: districts and schools by support category", "overview_open_map")
SECTIONS = (COUNTS, BANDS, DISTRIBUTION, TRENDS, MAP)


@dataclass(frozen=True)
class Shown:
    by_district: pd.DataFrame  # district, category, schools (categorised schools)
    totals: tuple[tuple[str, int, int], ...]  # (category word, schools, change)
    attainment_only: int  # scores that are attainment only
    method_notes: tuple[str, ...]  # why, as the model says
    key_stages: tuple[str, ...]
    segments: pd.DataFrame | None = None  # the chart's bars (charts.category_segments), if made
    by: tuple | None = None  # a county view's grouped rows and bars by district (ByDistrict)
    no_district: int = 0  # categorised schools charted under manager.NO_DISTRICT


@dataclass(frozen=True)
class Trend:
    measure: str
    name: str  # the measure's label (persistent absence names its threshold)
    data: pd.DataFrame | None  # None: no figure for this group in the loaded files
    table: pd.DataFrame | None  # the chart's figures, as the table and the CSV show them
    series: tuple[str, ...]  # the lines drawn
    note: str  # shown under the chart ("" for none)


@kept
def _shown(key: tuple, year: int, _view: Overview) -> Shown:
    counts = _view.counts
    grouped = counts.groupby(["district", "category"], as_index=False)["schools"].sum()
    by_district = grouped[grouped["category"] != "not categorised"]
    totals: dict[str, list[int]] = {}  # category -> [schools, change], as a groupby would sum
    for category, schools, change in zip(counts["category"], counts["schools"], counts["change"],
                                         strict=True):  # fmt: skip
        total = totals.setdefault(str(category), [0, 0])
        total[0] += int(schools)
        total[1] += int(change)
    dist = _view.distribution
    only = dist["method"] == "attainment only"
    segments = charts.category_segments(by_district)[0]
    return Shown(
        by_district=by_district,
        totals=tuple((c.capitalize(), s, ch) for c, (s, ch) in sorted(totals.items())),
        attainment_only=int(only.sum()),
        method_notes=tuple(str(n) for n in dist.loc[only, "method_note"].dropna().unique()),
        key_stages=tuple(str(s) for s in dist["key_stage"].dropna().unique()),
        segments=segments,
        # a county view's rows by district, which a district's view slices (``_district_shown``)
        by=(ByDistrict(grouped), ByDistrict(segments)) if _view.whole is None else None,
        no_district=int(by_district.loc[by_district["district"] == NO_DISTRICT, "schools"].sum()),
    )


def _unique(values: list) -> tuple[str, ...]:
    """``tuple(str(v) for v in series.dropna().unique())`` of the series' ``values``."""
    return tuple(str(v) for v in dict.fromkeys(v for v in values if not pd.isna(v)))


@kept
def _district_shown(key: tuple, year: int, _view: Overview, _county: Shown) -> Shown | None:
    """``_shown`` of a district's view, its pieces sliced from its county view's (``_county``,
    made when the county was drawn) instead of grouped again: equal to ``_shown`` of the view
    (tests/pages/test_first_choice_views.py). None: a district the county's pieces lack."""
    district = str(dict(key[3])["district"])
    grouped, segments = _county.by
    if district not in grouped or district not in segments:
        return None
    part = grouped.rows(district)
    counts, dist = _view.counts, _view.distribution
    totals: dict[str, list[int]] = {}
    for category, schools, change in zip(counts["category"].tolist(), counts["schools"].tolist(),
                                         counts["change"].tolist(), strict=True):  # fmt: skip
        total = totals.setdefault(str(category), [0, 0])
        total[0] += int(schools)
        total[1] += int(change)
    methods = dist["method"].tolist()
    only = [m == "attainment only" for m in methods]
    notes = [n for n, o in zip(dist["method_note"].tolist(), only, strict=True) if o]
    return Shown(
        by_district=part[(part["category"] != "not categorised").to_numpy()],
        totals=tuple((c.capitalize(), s, ch) for c, (s, ch) in sorted(totals.items())),
        attainment_only=sum(only),
        method_notes=_unique(notes),
        key_stages=_unique(dist["key_stage"].tolist()),
        segments=segments.rows(district),
    )


@kept
def _counts_table(key: tuple, year: int, _view: Overview) -> pd.DataFrame:
    """The counts by district and phase, escaped, columns in words: made when its section is
    opened (once per view)."""
    return render.escaped(
        _view.counts.rename(
            columns={
                "district": "District",
                "phase": "Phase",
                "category": "Category",
                "schools": format.fmt_year(year),
                "last_year": "Previous year",
                "change": "Change",
            }
        )
    )


@kept
def _bands_table(key: tuple, year: int, _view: Overview) -> pd.DataFrame:
    """The bands' counts, escaped, columns in words: made when its section is opened."""
    bands = _view.bands.assign(
        heading=_view.bands["heading"].str.replace("_", " ").str.capitalize()
    )
    return render.escaped(
        bands.drop(columns="band").rename(
            columns={
                "heading": "Heading",
                "band_label": "Band",
                "schools": format.fmt_year(year),
                "last_year": "Previous year",
                "change": "Change",
            }
        )
    )


@kept
def _map_table(map_key: tuple, _shares: pd.DataFrame, _points: pd.DataFrame) -> pd.DataFrame:
    # the whole county's, whichever district is chosen: made once for all of them
    points = _points.groupby("district").size().rename("points").reset_index()
    return _shares.merge(points, how="left")


def shown(view: Overview, year: int) -> Shown:
    """The screen's pieces of ``view`` (made once per view; a district's sliced from its county
    view's)."""
    if view.whole is not None:
        made = _district_shown(view.key, int(year), view, shown(view.whole, year))
        if made is not None:
            return made
    return _shown(view.key, int(year), view)


def _category_spec(key: tuple, s: Shown) -> dict:
    # through Altair once; each district's chart after that is the same spec with its data
    return chart_specs.kept(
        ("overview categories", key),
        lambda: chart_specs.category_by_district(
            s.by_district, title="Schools by support category", segments=s.segments
        ),
    )


def section(which: tuple[str, str]):
    """An expander of ``SECTIONS`` whose ``.open`` says whether to make its content."""
    return sections.section(which)


def categories(view: Overview, s: Shown, year: int) -> None:
    cols = st.columns(len(s.totals))  # the totals first: above the fold on a laptop screen
    for col, (word, schools, change) in zip(cols, s.totals, strict=True):
        col.metric(word, schools, delta=f"{change:+d} on last year", delta_color="off")
    charts.render_chart(
        _category_spec(view.key, s),
        s.by_district,
        "categories",
        "Schools by support category in each district",
    )
    if n := s.no_district:  # on real downloads: a GIAS extract of one phase leaves the others out
        one = n == 1
        st.caption(
            f"{n} school{'' if one else 's'} under “{NO_DISTRICT}”: the GIAS file loaded, where "
            f"districts come from, gives {'it' if one else 'them'} no district or does not list "
            f"{'it' if one else 'them'}."
        )
    if (box := section(COUNTS)).open:
        with box:
            st.subheader("By district and phase, against last year")
            st.table(_counts_table(view.key, int(year), view), hide_index=True)  # escaped once


def bands(view: Overview, year: int) -> None:
    if view.bands.empty:
        return
    if (box := section(BANDS)).open:
        with box:
            st.subheader("Schools in each band, against last year")
            st.caption(
                "Band 1 is the group of most concern under each heading "
                "(method: 'How schools are banded')."
            )
            st.table(_bands_table(view.key, int(year), view), hide_index=True)  # escaped once


def _distribution_spec(key: tuple, dist: pd.DataFrame) -> dict:
    return chart_specs.kept(
        ("overview distribution", key),
        lambda: chart_specs.distribution(
            dist, title="Achievement scores of schools", x_title="Achievement score"
        ),
    )


def distribution(view: Overview, s: Shown, where: str) -> None:
    dist = view.distribution
    notes = s.method_notes
    st.caption(
        "Achievement = 0.6 x attainment + 0.4 x progress, as a z-score: 0 is the centre of the "
        f"schools of the same key stage and year {where}. "
        f"{s.attainment_only} of {len(dist)} scores are attainment only"
        + (f" ({render.escape_md('; '.join(notes))})." if len(notes) else ".")
    )
    charts.render_chart(
        _distribution_spec(view.key, dist),
        dist,
        "distribution",
        "Distribution of achievement scores",
    )


@kept
def _trends(key: tuple, wanted: tuple[str, ...], la_name: str, _series: pd.DataFrame) -> tuple:
    out = []
    for m in wanted:
        data = _series[_series["measure"] == m]
        if data["value"].notna().sum() == 0:
            out.append(Trend(m, measures.label(m), None, None, (), ""))
            continue
        data, threshold_note = split_thresholds(data)
        name = threshold_label(data, m)
        lines = tuple(str(x) for x in data.loc[data["value"].notna(), "series"].unique())
        table = data.assign(figure=format.display_column(data, measure="measure"))
        notes = [threshold_note] if threshold_note else []
        if any(x.startswith("Local authority (average") for x in lines):
            notes.append(
                f"The files loaded hold no published {la_name} figure for this measure, so the "
                "line is the pupil-weighted average of its schools of this phase (not the DfE's "
                "own LA figure)."
            )
        if len(legend := format.code_legend(data["status_code"])):
            notes.append("; ".join(f"{c}: {t}" for c, t in legend))
        out.append(
            Trend(
                m,
                name,
                data,
                table.drop(columns=["source_field"], errors="ignore"),
                lines,
                render.escape_md(" ".join(notes)),
            )
        )
    return tuple(out)


def trends(
    view: Overview, group: str, wanted: list[str], scope: str, la_name: str, series: pd.DataFrame
) -> None:
    """The county against national for each measure of ``wanted`` (``series``: their LA and
    national figures for the pupil group and phase ``scope``, from the same build as ``view``).
    Kept by build, county, group, measures and scope: a change of district, type or category
    redraws nothing here."""
    build, la_code = view.key[0], view.key[2]
    key = (build, la_code, group, tuple(wanted), scope)
    for t in _trends(key, tuple(wanted), la_name, series):
        if t.data is None:
            st.info(f"{t.name}: not in the loaded files for this group.")
            continue
        charts.render_chart(
            charts.trend_chart(
                t.data,
                title=t.name,
                y_title=t.name,
                kind=measures.measure(t.measure).kind,
                memo_key=(key, t.measure),
            ),
            t.table,
            f"trend_{t.measure}",
            f"{t.name}: " + " and ".join(t.series),
        )
        if t.note:
            st.caption(t.note)


def district_map(view: Overview) -> None:
    charts.render_chart(
        charts.district_map(
            view.boundaries,
            title="Share of schools needing targeted or intensive support",
            values=view.shares,
            district="district",
            value_title="% targeted or intensive",
            kind="pct",
            schools=view.points,
            memo_key=view.map_key,  # the whole county, whichever district is chosen
        ),
        _map_table(view.map_key, view.shares, view.points),
        "map",
        "Districts and schools by support category",
        description="Map of districts shaded by the share of schools needing support; "
        "schools shown as points whose shape and colour give the support category.",
    )
