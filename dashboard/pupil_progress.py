"""Rendering of pupil progress (issue 9): the distribution chart, the group tables and the governor's
small section on the school profile. Figures arrive already suppressed from
dashboard/data_access/pupils.py; nothing here reads data or sees a pupil key.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import render
from dashboard.access import Identity
from dashboard.components import charts, palette, sections
from dashboard.components.format import fmt_measure, fmt_pct, fmt_year
from dashboard.components.measures import label
from dashboard.data_access import pupils
from dashboard.data_access.core import kept
from warehouse import figures as F
from warehouse import settings

GROUP_LABELS = F.group_labels(  # the pupil-level groups, labelled by warehouse/figures.toml
    ("all", "disadvantaged", "non_disadvantaged", "boys", "girls", "eal", "prior_low",
     "prior_middle", "prior_high", "no_sen", "sen_support", "ehcp")
)  # fmt: skip
PROGRESS_MEASURES = (
    "ks2_reading_progress",
    "ks2_writing_progress",
    "ks2_maths_progress",
    "ks4_progress8",
)
ATTAINMENT = {"ks2": "ks2_rwm_expected_pct", "ks4": "ks4_attainment8"}
VALUE_ADDED_HELP = (
    "Value added: the share of pupils whose result beat the national average result of pupils "
    "with the same prior attainment (their estimate). Progress is the result minus the estimate "
    "(Progress 8: divided by 10), so 0 is the national average."
)
DISADVANTAGED_HELP = (
    "Disadvantaged pupils are those eligible for free school meals in the last six years or looked "
    "after (FSM6CLA1A). They are compared with disadvantaged and with non-disadvantaged pupils "
    "nationally (the published convention); national figures are the published ones."
)


@charts.memoised
def progress_histogram(points: pd.DataFrame, measure: str) -> alt.LayerChart:
    """Pupils by progress (binned), with the estimate (0) marked by a labelled line: position, not
    colour, says who beat their estimate."""
    title = f"{label(measure)}: how far each pupil is above or below their estimate"
    bars = (
        alt.Chart(points)
        .mark_bar(color=palette.OKABE_ITO["blue"], stroke=palette.WHITE, strokeWidth=0.5)
        .encode(
            x=alt.X("progress:Q", bin=alt.Bin(maxbins=24), title="Progress (0 = the estimate)"),
            y=alt.Y("count():Q", title="Number of pupils"),
            tooltip=[
                alt.Tooltip("progress:Q", bin=alt.Bin(maxbins=24), title="Progress"),
                alt.Tooltip("count():Q", title="Pupils"),
            ],
        )
    )
    zero = pd.DataFrame({"x": [0.0], "text": ["Estimate for their prior attainment"]})
    rule = (
        alt.Chart(zero)
        .mark_rule(color=palette.OKABE_ITO["vermillion"], strokeWidth=3, strokeDash=[6, 3])
        .encode(x="x:Q")
    )
    text = (
        alt.Chart(zero)
        .mark_text(align="left", dx=6, dy=-6, baseline="bottom", color="#000000", fontWeight="bold")
        .encode(x="x:Q", y=alt.value(12), text="text:N")
    )
    return alt.layer(bars, rule, text).properties(
        title=alt.Title(title), width=charts.DEFAULT_WIDTH, height=300
    )


def histogram_table(points: pd.DataFrame) -> pd.DataFrame:
    """The chart's figures as a table: pupils per one-point band of progress (no single pupil)."""
    if points.empty:
        return pd.DataFrame(columns=["progress from", "progress to", "pupils"])
    lo = points["progress"].floordiv(1.0)
    out = lo.value_counts().sort_index().rename_axis("progress from").reset_index(name="pupils")
    out["progress to"] = out["progress from"] + 1
    return out[["progress from", "progress to", "pupils"]]


def _positions(figures: pd.DataFrame, time_period: int, measure: str, group: str | None = None
               ) -> list[int]:  # fmt: skip
    """The positions of ``figures``' rows of ``time_period`` and ``measure`` (and pupil ``group``):
    what the masks ``figures["time_period"] == time_period & ...`` select, compared in Python (a
    school's few rows: pandas' comparisons of its Arrow strings cost more than the rows)."""
    columns = [figures["time_period"].tolist(), figures["measure"].tolist()]
    wanted = [time_period, measure]
    if group is not None:
        columns.append(figures["pupil_group"].tolist())
        wanted.append(group)
    return [i for i, values in enumerate(zip(*columns, strict=True)) if list(values) == wanted]


def _of(figures: pd.DataFrame, time_period: int, measure: str) -> pd.DataFrame:
    """``figures``' rows of ``time_period`` and ``measure`` (itself when every row is: the page
    passes a school's rows of the year and measure shown)."""
    found = _positions(figures, time_period, measure)
    return figures if len(found) == len(figures) else figures.iloc[found]


def groups_table(figures: pd.DataFrame, time_period: int, measure: str) -> pd.DataFrame:
    """One row per pupil group: pupils, the figure, value added (progress measures), national."""
    rows = _of(figures, time_period, measure)
    progress = measure in PROGRESS_MEASURES
    out = pd.DataFrame(
        {
            "Pupil group": rows["pupil_group"].map(F.group_label),
            "Pupils": [
                "SUPP" if s else (str(int(n)) if pd.notna(n) else "")
                for n, s in zip(rows["pupils"], rows["status_code"].notna(), strict=True)
            ],
            label(measure): [
                fmt_measure(measure, v, s)
                for v, s in zip(rows["value"], rows["status_code"], strict=True)
            ],
            "National (same group)": [
                fmt_measure(measure, v) if pd.notna(v) else "not published for this group"
                for v in rows["national_value"]
            ],
        }
    )
    if progress:
        out.insert(
            3,
            "Beat their estimate",
            [
                fmt_pct(v, s)
                for v, s in zip(rows["value_added_pct"], rows["status_code"], strict=True)
            ],
        )
    return out.reset_index(drop=True)


def disadvantaged_bars(figures: pd.DataFrame, time_period: int, measure: str) -> pd.DataFrame:
    """label / value / status_code: the school's disadvantaged pupils, national disadvantaged and
    national non-disadvantaged pupils (empty when the school has no disadvantaged row)."""
    found = _positions(figures, time_period, measure, "disadvantaged")
    if not found:
        return pd.DataFrame(columns=["label", "value", "status_code"])
    r = figures.iloc[found[0]]
    return pd.DataFrame(
        {
            "label": [
                "This school's disadvantaged pupils",
                "Disadvantaged pupils nationally",
                "Other pupils nationally",
            ],
            "value": [r["value"], r["national_disadvantaged"], r["national_non_disadvantaged"]],
            "status_code": [
                r["status_code"],
                None if pd.notna(r["national_disadvantaged"]) else "not published",
                None if pd.notna(r["national_non_disadvantaged"]) else "not published",
            ],
        }
    )


# --- made once per view (pages/pupils.py): keyed by data_access.pupils.view_key and the choices


@kept
def _school_names(key: tuple, _schools: pd.DataFrame) -> dict[int, str]:
    return dict(zip(_schools["urn"].astype(int), _schools["name"], strict=False))


def school_names(key: tuple, schools: pd.DataFrame) -> dict[int, str]:
    """URN -> name of the schools with pupil results (``schools``: schools_with_pupils)."""
    return dict(_school_names(key, schools))


@kept
def _first_views(key: tuple, _schools: pd.DataFrame) -> tuple[tuple[int, str], ...]:
    # each school's latest year and the first measure of its key stages that year
    latest = _schools.groupby("urn")["time_period"].transform("max")
    rows = _schools[_schools["time_period"] == latest]
    stages: dict[tuple[int, int], set] = {}
    for urn, year, stage in zip(rows["urn"], rows["time_period"], rows["key_stage"], strict=True):
        stages.setdefault((int(urn), int(year)), set()).add(stage)
    views = set()
    for (_, year), in_year in stages.items():
        first = next((m for m in PROGRESS_MEASURES if m[:3] in in_year), None)
        if first is not None:
            views.add((year, first))
    return tuple(sorted(views))


def first_views(key: tuple, schools: pd.DataFrame) -> tuple[tuple[int, str], ...]:
    """The (year, measure) a school's page opens on, for every school of ``schools``
    (schools_with_pupils; the page's defaults: its latest year, the first measure of its key
    stages that year): what ``pupils.read_views`` reads for all schools at once."""
    return _first_views(key, schools)


@kept
def _figures_shown(key: tuple, urn: int, year: int, measure: str, _figures: pd.DataFrame):
    bars = disadvantaged_bars(_figures, year, measure)
    return render.escaped(groups_table(_figures, year, measure)), bars


def figures_shown(key: tuple, urn: int, year: int, measure: str, figures: pd.DataFrame):
    """(the groups table, escaped; the disadvantaged bars' data) of ``figures``
    (school_group_figures of ``urn``), made once per key and choice; never changed afterwards."""
    return _figures_shown(key, int(urn), int(year), str(measure), figures)


@kept
def _reconciled_shown(key: tuple, urn: int, _reconciled: pd.DataFrame) -> pd.DataFrame:
    return render.escaped(_reconciled)


def reconciled_shown(key: tuple, urn: int, reconciled: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation table, escaped, made once per key and school."""
    return _reconciled_shown(key, int(urn), reconciled)


GOVERNOR_HEADING = "Pupil groups from the council's pupil data"


def governor_note() -> str:
    """The section's note, with the suppression threshold from the setting (page and PDF)."""
    return (
        VALUE_ADDED_HELP
        + f" Groups of {settings.suppression_threshold()} pupils or fewer are shown as SUPP "
        "(small group), so no child can be identified; SEN groups are shown because the "
        "published tables have none."
    )


def governor_tables(figures: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(heading, table) per key stage for the governor's section: the latest year of the first
    progress measure with figures (else attainment). Pure: the page and the PDF both show these."""
    out = []
    for ks in ("ks2", "ks4"):
        mine = figures[figures["key_stage"] == ks]
        if mine.empty:
            continue
        shown = mine[(mine["pupils"] > 0) | mine["status_code"].notna()]
        progress = [
            m for m in PROGRESS_MEASURES if m.startswith(ks) and (shown["measure"] == m).any()
        ]
        measure = progress[0] if progress else ATTAINMENT[ks]
        years = shown.loc[shown["measure"] == measure, "time_period"]
        tp = int(years.max()) if len(years) else int(mine["time_period"].max())
        table = groups_table(mine, tp, measure)
        if len(table):
            out.append((f"{label(measure)}, {fmt_year(tp)}", table))
    return out


def governor_section(figures: pd.DataFrame) -> tuple[tuple[str, render.Escaped], ...] | None:
    """The section's (subheading, table) pairs ready to draw (tables escaped once, so a cached view
    can keep them); None when the school has no figures from pupil data (no section at all)."""
    if figures.empty:
        return None
    return tuple((heading, render.Escaped(table)) for heading, table in governor_tables(figures))


def draw_governor_section(
    section: tuple[tuple[str, render.Escaped], ...] | None, tables_in: tuple[str, str] | None = None
) -> None:
    """Draw what ``governor_section`` prepared; ``tables_in``: the (label, key) of a section made
    when opened (components/sections.py) that holds the tables."""
    if section is None:
        return
    st.header(GOVERNOR_HEADING)
    st.caption(governor_note())
    if tables_in is None:
        _governor_tables(section)
    elif (box := sections.section(tables_in)).open:
        with box:
            _governor_tables(section)


def _governor_tables(section: tuple[tuple[str, render.Escaped], ...]) -> None:
    for heading, table in section:
        st.subheader(heading)
        render.safe_table(table, hide_index=True)


def render_governor_section(identity: Identity, urn: int) -> None:
    """The profile's section on pupil groups computed from the council's pupil data: the latest year
    of each key stage, figures only (small groups suppressed), never a pupil."""
    draw_governor_section(governor_section(pupils.school_group_figures(identity, urn)))
