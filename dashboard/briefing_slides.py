"""The briefing deck of an area (a district or the whole county), built once from data frames.

Pure: no Streamlit, no database. The briefing page (drawn by dashboard/briefing_screen.py) and the
.pptx/.pdf exports (``to_deck``) are made from the same list, so the deck a presenter takes to a room
matches the screen. Every input frame is already aggregated and, for the briefing role, suppressed;
a suppressed figure has value NULL and status_code "SUPP (small group)" and is shown as that code,
never as a number. Categories and comparisons are always a word and a symbol, never colour alone.

Each slide is chosen for a 16:9 screen: a title that states its message (worked out from the
figures it shows), at most three figures, one chart or one small table, and a source line with the
period of the figures. Everything else a presenter may need (every figure, caveats) goes into the
speaker notes.

The disadvantaged gap is the DfE's (decision 24): the area's disadvantaged pupils against
non-disadvantaged pupils nationally, with disadvantaged pupils nationally as the second figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard.components import charts, palette
from dashboard.components.format import (
    KINDS,
    direction_words,
    fmt_count,
    fmt_measure,
    fmt_pct,
    fmt_year,
    format_number,
    is_missing,
)
from dashboard.components.measures import higher_is_better, label
from dashboard.components.measures import measure as measure_info
from dashboard.components.slides import MAX_TABLE_ROWS, Slide
from dashboard.domain.provenance import Provenance

MAX_NAMED = 6  # names beyond this cannot be read from the back of a room: "and N more"
MAX_METRICS = 3  # figures a slide shows beside its chart (the rest go into the speaker notes)
STATUS = "status_code"
SHORT = {"ks2_rwm_expected_pct": "KS2", "ks4_attainment8": "GCSE"}
LONG = {
    "ks2_rwm_expected_pct": "KS2 reading, writing and maths (expected standard)",
    "ks4_attainment8": "GCSE Attainment 8",
}
# A change in a gap smaller than this (in the measure's units) is "unchanged": about one unit of
# published precision for percentages, half a point of Attainment 8.
GAP_STEADY = {"ks2_rwm_expected_pct": 1.0, "ks4_attainment8": 0.5}
SOURCES = {
    "census": "DfE school census; Get Information About Schools",
    "performance": "DfE performance tables (Key Stage 2 and 4)",
    "absence": "DfE pupil absence statistics",
    "categories": "the council's school model (published data, inspections and its own records)",
}
AVERAGE_NOTE = (
    "Area figures are the pupil-weighted average of the schools' published figures; for the whole "
    "county the local authority's published figure is used where there is one."
)
SUPPRESSION_NOTE = "Figures for groups of 5 pupils or fewer are not shown (SUPP)."
COVID_NOTE = "No results were published for 2019/20 and 2020/21 (COVID-19)."

# The loaded files each slide's figures come from (kinds of dashboard.domain.provenance).
TOPIC_KINDS: dict[str, tuple[str, ...]] = {
    "census": ("census", "gias"),
    "performance": ("ks2", "ks4"),
    "absence": ("absence",),
    "categories": ("ks2", "ks4", "ofsted"),
}
MAX_SOURCE_CHARS = (
    260  # what the deck's footer holds at its smallest size; the rest is in the notes
)
# topic -> the provenance of that topic's sources (data_access.provenance, decision 25)
ProvenanceOf = Callable[[str], Provenance]


def default_source(topic: str, years: list[int]) -> str:
    if not years:
        return f"Source: {SOURCES.get(topic, topic)}, latest files loaded."
    period = ", ".join(fmt_year(y) for y in sorted(set(years)))
    return f"Source: {SOURCES.get(topic, topic)}. Figures for {period}."


def for_years(prov: Provenance, years: list[int]) -> Provenance:
    """The files behind figures of these years (undated sources such as GIAS and Ofsted kept); with
    no years, each kind's latest year (the figures of a page 'now')."""
    if years:
        keep = set(years)
        return Provenance(
            tuple(f for f in prov.files if f.time_period is None or f.time_period in keep)
        )
    latest: dict[str, int] = {}
    for f in prov.files:
        if f.time_period is not None:
            latest[f.kind] = max(latest.get(f.kind, f.time_period), f.time_period)
    return Provenance(
        tuple(f for f in prov.files if f.time_period is None or f.time_period == latest[f.kind])
    )


def source_line(topic: str, prov: Provenance) -> str:
    """ "Source: DfE key stage 2 performance tables; .... Figures for 2024/25 (latest: KS2 final
    2024/25). The DfE files state no publication date." (decision 25: files' period and dates)"""
    if not prov.files:
        return f"Source: {SOURCES.get(topic, topic)}; no source files recorded."
    extra = "; the council's school model" if topic == "categories" else ""
    line = f"Source: {prov.source}{extra}. {prov.as_at}"
    if len(line) > MAX_SOURCE_CHARS:
        line = f"Source: {prov.source}{extra}. Figures for {prov.period}; files and dates in the notes."
    return line


@dataclass
class Metric:
    label: str
    value: str
    note: str = ""  # e.g. "▲ better: 10 percentage points above national"


@dataclass
class BriefingSlide:
    """One full-screen view: a title stating its message, a topic line, up to three figures, one
    chart or one small table, a source line and speaker notes."""

    title: str
    message: str  # the topic line under the title (what the slide is about, in a few words)
    metrics: list[Metric] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    chart: Any = None  # Altair chart (drawn with for_projector on screen and in the deck)
    chart_data: pd.DataFrame | None = None  # what the chart was built from (table toggle, CSV)
    chart_alt: str | None = None
    table: pd.DataFrame | None = None
    source: str = ""
    files: list[str] = field(default_factory=list)  # each source file, its year, status and date
    notes: list[str] = field(default_factory=list)  # speaker notes: every figure and caveat
    topic: str = "performance"
    years: list[int] = field(default_factory=list)

    def points(self) -> list[str]:
        """The metrics and bullets as lines of text (the deck's points beside the visual)."""
        lines = [
            f"{m.label}: {m.value}" + (f" ({m.note})" if m.note else "")
            for m in self.metrics[:MAX_METRICS]
        ]
        return lines + list(self.bullets)

    def speaker_notes(self) -> str:
        lines = [self.title + ".", self.message]
        lines += [
            f"{m.label}: {m.value}" + (f" ({m.note})" if m.note else "") for m in self.metrics
        ]
        lines += list(self.bullets)
        if self.table is not None and len(self.table):
            for row in self.table.itertuples(index=False):
                lines.append(
                    "; ".join(f"{c}: {v}" for c, v in zip(self.table.columns, row, strict=True))
                )
        if self.chart_alt:
            lines.append("Chart: " + self.chart_alt)
        lines += list(self.notes)
        if self.source:
            lines.append(self.source)
        if self.files:
            lines.append("Source files: " + "; ".join(self.files))
        return "\n".join(lines)


def for_projector(chart: Any, width: int | None = None, height: int | None = None) -> Any:
    """charts.projector plus black axis, legend and title text (Vega's default grey is under 7:1)
    and room for long district names; whole-number ticks. ``width``/``height`` (pixels, the whole
    chart with its axes and legend) size it for the slide. Used on screen and in the deck."""
    if width or height:
        chart = chart.properties(
            **({"width": width} if width else {}),
            **({"height": height} if height else {}),
            autosize={"type": "fit", "contains": "padding"},
        )
    out = charts.projector(chart)
    cfg = out.config
    for part in (cfg.axis, cfg.legend):
        part.labelColor = part.titleColor = palette.PROJECTOR_THEME["text"]
        part.labelLimit = 420
    cfg.legend.titleLimit = 0
    cfg.axis.tickMinStep = 1
    cfg.title.color = cfg.title.subtitleColor = palette.PROJECTOR_THEME["text"]
    cfg.title.limit = 0
    cfg.title.subtitleFontSize = 20
    return out


def _sized(chart: Any) -> Callable[[int, int], Any]:
    """The chart for a box of ``width`` x ``height`` pixels (the deck draws it at its box's size)."""
    return lambda width, height: for_projector(chart, width, height)


def to_deck(slides: list[BriefingSlide], source: str = "") -> list[Slide]:
    """The same slides for components.slides (pptx and pdf): title, topic line, figures, the
    chart drawn at the size of its box, source line with the data's date, speaker notes."""
    return [
        Slide(
            title=s.title,
            subtitle=s.message,
            bullets=s.points(),
            chart=None if s.chart is None else _sized(s.chart),
            chart_alt=s.chart_alt,
            table=s.table,
            notes=s.speaker_notes(),
            source=s.source or source,
        )
        for s in slides
    ]


# ------------------------------------------------------------------ wording


def _status(row: Any) -> Any:
    return row.get(STATUS) if hasattr(row, "get") else None


def units(measure: str) -> str:
    """The unit of a difference: "percentage points" for percentages, "points" otherwise."""
    return "percentage points" if KINDS[measure_info(measure).kind][1] == "%" else "points"


def _decimals(measure: str) -> int:
    decimals = KINDS[measure_info(measure).kind][0]
    return max(decimals, 1)


def compare(measure: str, value: Any, reference: Any, against: str) -> str:
    """ "▲ better: 10 percentage points above national" (lower absence is better)."""
    if is_missing(value) or is_missing(reference):
        return f"no comparison with {against}"
    diff = float(value) - float(reference)
    decimals = KINDS[measure_info(measure).kind][0]
    word, symbol = direction_words(diff, higher_is_better(measure), 0.5 * 10**-decimals)
    if word == "no clear change":
        return f"{symbol} in line with {against}"
    size = format_number(abs(diff), decimals=_decimals(measure))
    side = "above" if diff > 0 else "below"
    return f"{symbol} {word}: {size} {units(measure)} {side} {against}"


def _verdict(measure: str, value: Any, reference: Any) -> str | None:
    """ "above" | "below" | "in line with" national (None without both figures)."""
    if is_missing(value) or is_missing(reference):
        return None
    diff = float(value) - float(reference)
    decimals = KINDS[measure_info(measure).kind][0]
    if abs(diff) <= 0.5 * 10**-decimals:
        return "in line with"
    return "above" if diff > 0 else "below"


def summary(verdicts: list[tuple[str, str]], area: str) -> str:
    """The comparison slide's title from (short measure name, "above" | "below" | "in line with")
    pairs: "Eastmoor: above national at KS2, below at GCSE"."""
    if not verdicts:
        return f"{area}: no published results to compare with national"
    words = {w for _, w in verdicts}
    if len(words) == 1:
        word = words.pop()
        at = " and ".join(m for m, _ in verdicts)
        return f"{area}: {word} national at {at}"
    parts = [
        f"{w} national at {m}" if i == 0 else f"{w} at {m}" for i, (m, w) in enumerate(verdicts)
    ]
    return f"{area}: " + ", ".join(parts)


def _row(df: pd.DataFrame, **where: Any) -> pd.Series | None:
    sel = df
    for k, v in where.items():
        sel = sel[sel[k] == v]
    return None if sel.empty else sel.iloc[0]


def latest_year(measures: pd.DataFrame, measure: str, group: str = "all", scope: str = "all"):
    rows = measures[
        (measures["measure"] == measure)
        & (measures["pupil_group"] == group)
        & (measures["scope"] == scope)
        & (measures["national_value"].notna() | measures["value"].notna())
    ]
    return None if rows.empty else int(rows["time_period"].max())


def area_value(row: Any, county: bool) -> Any:
    """For the county the published LA figure where there is one, else the schools' average."""
    if county and not is_missing(row.get("county_value")):
        return row["county_value"]
    return row["value"]


def _relative(gap: float, measure: str, against: str = "national") -> str:
    """ "5.0 points below national" / "in line with national" (gap = area minus reference)."""
    size = format_number(abs(gap), decimals=_decimals(measure))
    if abs(gap) < 0.5 * 10 ** -_decimals(measure):
        return f"in line with {against}"
    return f"{size} points {'above' if gap > 0 else 'below'} {against}"


# ------------------------------------------------------------------ slides


def glance_slide(area: str, glance: pd.DataFrame) -> BriefingSlide:
    schools = int(glance["schools"].sum()) if len(glance) else 0
    pupils = glance["pupils"].sum(min_count=1) if len(glance) else None
    known = glance.dropna(subset=["pupils", "pct_fsm"]) if len(glance) else glance
    fsm = (
        (known["pupils"] * known["pct_fsm"]).sum() / known["pupils"].sum()
        if len(known) and known["pupils"].sum() > 0
        else None
    )
    table = pd.DataFrame(
        {
            "Phase": glance["phase"].astype(str),
            "Schools": [fmt_count(v) for v in glance["schools"]],
            "Pupils": [
                fmt_count(v, s)
                for v, s in zip(
                    glance["pupils"], glance.get(STATUS, [None] * len(glance)), strict=True
                )
            ],
        }
    )
    notes = []
    if len(table) > MAX_TABLE_ROWS:
        notes.append(f"The slide shows the {MAX_TABLE_ROWS} largest phases of {len(table)}.")
        order = pd.to_numeric(glance["schools"], errors="coerce").fillna(0)
        table = table.loc[order.sort_values(ascending=False).index[:MAX_TABLE_ROWS]]
    return BriefingSlide(
        title=f"{area}: {fmt_count(schools)} open schools teaching {fmt_count(pupils)} pupils",
        message="At a glance: schools and pupils by phase",
        metrics=[
            Metric("Open schools", fmt_count(schools)),
            Metric("Pupils on roll", fmt_count(pupils)),
            Metric("Eligible for free school meals now", fmt_pct(fsm, decimals=1)),
        ],
        table=table.reset_index(drop=True),
        notes=[
            *notes,
            "Free school meals: pupils eligible now (census), weighted by pupils on roll.",
        ],
        topic="census",
    )


def comparison_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    """The area against the county (for a district) and national on the headline measures."""
    county = county_name is None
    metrics: list[Metric] = []
    verdicts: list[tuple[str, str]] = []
    chart = data = None
    years: list[int] = []
    chart_year = None
    for m in ("ks2_rwm_expected_pct", "ks4_attainment8"):
        y = latest_year(measures, m)
        if y is None:
            continue
        row = _row(measures, measure=m, pupil_group="all", scope="all", time_period=y)
        value = area_value(row, county)
        note = compare(m, value, row["national_value"], "national")
        verdict = _verdict(m, value, row["national_value"])
        if verdict:
            verdicts.append((SHORT[m], verdict))
        if not county:
            note += "; " + compare(m, value, row["county_value"], county_name)
        years.append(y)
        metrics.append(
            Metric(f"{LONG[m]}, {fmt_year(y)}", fmt_measure(m, value, _status(row)), note)
        )
        if chart is None:
            chart_year = y
            rows = [(area, value, _status(row))]
            if not county:
                rows.append((county_name, row["county_value"], None))
            rows.append(("National", row["national_value"], None))
            data = pd.DataFrame(rows, columns=["label", "value", STATUS])
            kind = measure_info(m).kind
            chart = charts.comparison_bars(
                data,
                title="",
                x_title="Pupils (%)" if kind == "pct" else label(m),
                kind=kind,
            )
            chart_measure = m
    against = "national" if county else f"{county_name} and national"
    return BriefingSlide(
        title=summary(verdicts, area) if metrics else f"{area}: no published results are loaded",
        message=f"Results against {against}, latest published year",
        metrics=metrics,
        chart=chart,
        chart_data=data,
        chart_alt=None
        if data is None
        else f"Bars of {LONG[chart_measure]}, {fmt_year(chart_year)}: "
        + "; ".join(
            f"{r.label} {fmt_measure(chart_measure, r.value, getattr(r, STATUS))}"
            for r in data.itertuples()
        ),
        notes=[AVERAGE_NOTE, SUPPRESSION_NOTE],
        years=years,
    )


def trend_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    m = "ks2_rwm_expected_pct"
    county = county_name is None
    rows = measures[
        (measures["measure"] == m)
        & (measures["pupil_group"] == "all")
        & (measures["scope"] == "all")
    ].sort_values("time_period")
    if rows.empty:
        return BriefingSlide(
            title=f"{area}: no published KS2 results are loaded",
            message="KS2 results over time",
        )
    series = []
    for r in rows.itertuples():
        series.append(
            (area, r.time_period, area_value(r._asdict(), county), getattr(r, STATUS, None))
        )
        if not county:
            series.append((county_name, r.time_period, r.county_value, None))
        series.append(("National", r.time_period, r.national_value, None))
    data = pd.DataFrame(series, columns=["series", "time_period", "value", STATUS])
    mine = data[(data["series"] == area) & data["value"].notna()]
    nat = data[data["series"] == "National"].set_index("time_period")["value"]
    gaps = [
        (int(y), float(v) - float(nat.get(y)))
        for y, v in zip(mine["time_period"], mine["value"], strict=True)
        if not is_missing(nat.get(y))
    ]
    years = [int(y) for y in rows["time_period"]]
    metrics: list[Metric] = []
    if len(gaps) >= 2:
        (y0, g0), (y1, g1) = gaps[0], gaps[-1]
        word, symbol = direction_words(g1 - g0, True, 0.5)
        second = _relative(g1, m).replace(" national", "") if g1 * g0 > 0 else _relative(g1, m)
        title = f"{area} KS2: {_relative(g0, m)} in {fmt_year(y0)}, {second} in {fmt_year(y1)}"
        metrics = [
            Metric(
                f"Against national, {fmt_year(y0)} ({units(m)})",
                format_number(g0, decimals=1, sign=True),
            ),
            Metric(
                f"Against national, {fmt_year(y1)} ({units(m)})",
                format_number(g1, decimals=1, sign=True),
                f"{symbol} {word} against national since {fmt_year(y0)}",
            ),
        ]
    else:
        title = f"{area} KS2: not enough published years to describe a trend"
    chart = charts.trend_chart(
        data,
        title="",
        y_title="Pupils (%)",
        kind="pct",
        series_title="Area",
    )
    return BriefingSlide(
        title=title,
        message=f"KS2 reading, writing and maths, expected standard (% of pupils; {units(m)})",
        metrics=metrics,
        chart=chart,
        chart_data=data,
        chart_alt=f"Line chart of {LONG[m]} for {area}"
        + ("" if county else f", {county_name}")
        + " and national by year: "
        + "; ".join(
            f"{fmt_year(y)} {fmt_pct(v)}"
            for y, v in zip(mine["time_period"], mine["value"], strict=True)
        )
        + ". "
        + COVID_NOTE,
        notes=[AVERAGE_NOTE, COVID_NOTE],
        years=years,
    )


def disadvantaged_gap(measures: pd.DataFrame, measure: str, county: bool, year: int) -> dict | None:
    """The DfE's gap for one year (decision 24): the area's disadvantaged pupils minus
    non-disadvantaged pupils nationally, and the area's disadvantaged pupils minus disadvantaged
    pupils nationally. None when the area's figure is missing or suppressed."""
    dis = _row(
        measures, measure=measure, pupil_group="disadvantaged", scope="all", time_period=year
    )
    non = _row(
        measures, measure=measure, pupil_group="non_disadvantaged", scope="all", time_period=year
    )
    if dis is None:
        return None
    value = area_value(dis, county)
    nat_dis = dis["national_value"]
    nat_non = None if non is None else non["national_value"]
    out = {
        "year": year,
        "value": value,
        "status": _status(dis),
        "national_disadvantaged": nat_dis,
        "national_other": nat_non,
        "gap": None,
        "vs_disadvantaged": None,
    }
    if not is_missing(value) and not is_missing(nat_non):
        out["gap"] = float(value) - float(nat_non)
    if not is_missing(value) and not is_missing(nat_dis):
        out["vs_disadvantaged"] = float(value) - float(nat_dis)
    return out


def _behind(gap: float, measure: str, against: str) -> str:
    size = format_number(abs(gap), decimals=0 if units(measure) == "percentage points" else 1)
    if abs(gap) < 0.5:
        return f"level with {against}"
    return f"{size} points {'behind' if gap < 0 else 'ahead of'} {against}"


def gaps_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    """Disadvantaged pupils against other pupils nationally (the DfE's gap), latest year, with the
    change since the previous published year and disadvantaged pupils nationally beside."""
    county = county_name is None
    metrics: list[Metric] = []
    title = None
    chart = data = None
    years: list[int] = []
    table_rows = []
    notes = [
        "The gap is the DfE's: the area's disadvantaged pupils against pupils who are not "
        "disadvantaged nationally; disadvantaged pupils nationally are the second comparison.",
        SUPPRESSION_NOTE,
    ]
    for m in ("ks2_rwm_expected_pct", "ks4_attainment8"):
        y = latest_year(measures, m, "disadvantaged")
        if y is None:
            continue
        now = disadvantaged_gap(measures, m, county, y)
        if now is None:
            continue
        years.append(y)
        shown = fmt_measure(m, now["value"], now["status"])
        table_rows += [
            (f"{SHORT[m]}: {area} disadvantaged", shown),
            (
                f"{SHORT[m]}: disadvantaged nationally",
                fmt_measure(m, now["national_disadvantaged"]),
            ),
            (f"{SHORT[m]}: other pupils nationally", fmt_measure(m, now["national_other"])),
        ]
        if now["gap"] is None:
            metrics.append(Metric(f"{LONG[m]}, {fmt_year(y)}: disadvantaged pupils", shown))
            continue
        earlier = sorted(
            int(t)
            for t in measures.loc[
                (measures["measure"] == m) & (measures["pupil_group"] == "disadvantaged"),
                "time_period",
            ].unique()
            if int(t) < y
        )
        before = disadvantaged_gap(measures, m, county, earlier[-1]) if earlier else None
        change = ""
        change_note = ""
        if before is not None and before["gap"] is not None:
            delta = now["gap"] - before["gap"]
            if abs(delta) < GAP_STEADY[m]:
                change = "gap unchanged"
            else:
                change = "gap narrowed" if delta > 0 else "gap widened"
            change_note = (
                f"{change} since {fmt_year(before['year'])} "
                f"({format_number(before['gap'], decimals=1, sign=True)})"
            )
        second = (
            ""
            if now["vs_disadvantaged"] is None
            else _relative(now["vs_disadvantaged"], m, "disadvantaged pupils nationally")
        )
        metrics.append(
            Metric(
                f"{SHORT[m]} gap to other pupils nationally, {fmt_year(y)} ({units(m)})",
                format_number(now["gap"], decimals=1, sign=True),
                "; ".join(x for x in (second, change_note) if x),
            )
        )
        if title is None:
            where = f" ({SHORT[m]})"
            title = (
                f"Disadvantaged pupils{where}: "
                f"{_behind(now['gap'], m, 'other pupils nationally')}"
                + (f", {change}" if change else "")
            )
            data = pd.DataFrame(
                [
                    (f"{area} disadvantaged", now["value"], now["status"]),
                    ("Disadvantaged nationally", now["national_disadvantaged"], None),
                    ("Other pupils nationally", now["national_other"], None),
                ],
                columns=["label", "value", STATUS],
            )
            kind = measure_info(m).kind
            chart = charts.comparison_bars(
                data,
                title="",
                x_title="Pupils meeting the standard (%)" if kind == "pct" else label(m),
                kind=kind,
            )
            chart_measure, chart_year = m, y
    if not table_rows:
        return BriefingSlide(
            title=f"{area}: no results by pupil group are loaded",
            message="Disadvantaged pupils",
            notes=notes,
        )
    if title is None:
        title = f"Disadvantaged pupils in {area}: figures too small to publish (SUPP)"
    return BriefingSlide(
        title=title,
        message="Disadvantaged pupils (free school meals in the last six years, or looked after)",
        metrics=metrics,
        chart=chart,
        chart_data=data,
        chart_alt=None
        if data is None
        else f"Bars of {LONG[chart_measure]}, {fmt_year(chart_year)}: "
        + "; ".join(
            f"{r.label} {fmt_measure(chart_measure, r.value, getattr(r, STATUS))}"
            for r in data.itertuples()
        ),
        table=None if chart is not None else pd.DataFrame(table_rows, columns=["Pupils", "Figure"]),
        notes=["; ".join(f"{a}: {b}" for a, b in table_rows), *notes],
        years=years,
    )


def attendance_slide(area: str, measures: pd.DataFrame) -> BriefingSlide:
    metrics: list[Metric] = []
    years = []
    verdicts = []
    for m in ("overall_absence_pct", "persistent_absence_pct"):
        for scope in ("primary", "secondary"):
            y = latest_year(measures, m, scope=scope)
            if y is None:
                continue
            r = _row(measures, measure=m, pupil_group="all", scope=scope, time_period=y)
            shown = fmt_measure(m, r["value"], _status(r))
            note = compare(m, r["value"], r["national_value"], "national")
            years.append(y)
            metrics.append(Metric(f"{label(m)}, {scope} ({fmt_year(y)})", shown, note))
            if m == "overall_absence_pct":
                v = _verdict(m, r["value"], r["national_value"])
                if v:
                    word = {"above": "higher than", "below": "lower than"}.get(v, "in line with")
                    verdicts.append((scope, word))
    if not metrics:
        return BriefingSlide(
            title=f"{area}: no absence figures are loaded", message="Attendance", topic="absence"
        )
    if verdicts and len({w for _, w in verdicts}) == 1:
        title = f"{area}: absence {verdicts[0][1]} national in " + " and ".join(
            f"{s} schools" if i == len(verdicts) - 1 else s for i, (s, _) in enumerate(verdicts)
        )
    elif verdicts:
        title = f"{area}: absence " + ", ".join(
            f"{w} national in {s} schools" if i == 0 else f"{w} in {s}"
            for i, (s, w) in enumerate(verdicts)
        )
    else:
        title = f"{area}: absence against national"
    return BriefingSlide(
        title=title,
        message="Absence against national schools of the same phase; lower is better",
        metrics=metrics,  # four figures: the screen shows them as a grid, not beside a chart
        notes=[
            "Persistent absence: pupils missing 10% or more of sessions (15% in files before "
            "2015/16: the file names its threshold)."
        ],
        topic="absence",
        years=years,
    )


def categories_slide(
    area: str, county: bool, categories: pd.DataFrame, named: pd.DataFrame | None = None
) -> BriefingSlide:
    if categories.empty:
        return BriefingSlide(
            title=f"{area}: no support categories are loaded",
            message="Support categories",
            topic="categories",
        )
    years = sorted(categories["time_period"].unique())
    y = years[-1]
    prev = years[-2] if len(years) > 1 else None
    now = categories[categories["time_period"] == y].groupby("category")["schools"].sum()
    before = (
        categories[categories["time_period"] == prev].groupby("category")["schools"].sum()
        if prev is not None
        else pd.Series(dtype="int64")
    )
    metrics = []
    rows = []
    for key, enc in reversed(palette.CATEGORIES.items()):
        n = int(now.get(key, 0))
        note = ""
        if prev is not None:
            d = n - int(before.get(key, 0))
            note = (
                f"{format_number(d, sign=True)} since {fmt_year(prev)}"
                if d
                else f"same as {fmt_year(prev)}"
            )
        metrics.append(Metric(f"{enc.symbol} {enc.word}", fmt_count(n), note))
        rows.append((f"{enc.symbol} {enc.word}", fmt_count(n)))
    total = int(now.sum())
    intensive, targeted = int(now.get("intensive", 0)), int(now.get("targeted", 0))
    title = (
        f"{area}: {fmt_count(intensive)} of {fmt_count(total)} schools in intensive support, "
        f"{fmt_count(targeted)} targeted ({fmt_year(y)})"
    )
    bullets: list[str] = []
    if named is not None and len(named):
        names = list(named["name"].astype(str))
        shown = ", ".join(names[:MAX_NAMED])
        more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
        bullets.append(
            f"{palette.category('intensive').symbol} Intensive support for published results or inspection: {shown}{more}."
        )
    chart = data = table = None
    if county:
        data = categories[categories["time_period"] == y][["district", "category", "schools"]]
        chart = charts.category_by_district_chart(data, title="")
    elif prev is None:  # with a previous year the metrics carry the counts and the change
        table = pd.DataFrame(rows, columns=["Support category", fmt_year(y)])
    message = (
        f"{fmt_count(total)} schools categorised in {fmt_year(y)}: "
        + ", ".join(
            f"{fmt_count(int(now.get(k, 0)))} {e.word.lower()}"
            for k, e in palette.CATEGORIES.items()
        )
        + "."
    )
    return BriefingSlide(
        title=title,
        message="Schools by support category (counts of schools)",
        metrics=metrics,
        bullets=bullets,
        chart=chart,
        chart_data=data,
        chart_alt=None
        if chart is None
        else "Stacked bars: schools in each support category by district. " + message,
        table=table,
        notes=[
            message,
            "Categories combine published data, inspections and the council's own records; "
            "entries made in the app count from the next refresh of the page.",
        ],
        topic="categories",
        years=[int(y)],
    )


def deck_provenance(slides: list[BriefingSlide]) -> tuple[str, str]:
    """(source, data date) for a whole deck's footer: the publishers of its slides and the periods
    of their figures (each slide's own source line says which belong to it)."""
    sources = list(dict.fromkeys(SOURCES.get(s.topic, s.topic) for s in slides))
    years = sorted({y for s in slides for y in s.years})
    return "; ".join(sources), (
        "figures for " + ", ".join(fmt_year(y) for y in years) if years else "latest files loaded"
    )


SLIDE_COUNT = 6  # glance, comparison, trend, gaps, attendance, categories


def build_slide(
    number: int,
    area: str,
    county_name: str | None,
    glance: Callable[[], pd.DataFrame],
    measures: Callable[[], pd.DataFrame],
    categories: Callable[[], pd.DataFrame],
    named: Callable[[], pd.DataFrame | None] = lambda: None,
    provenance: ProvenanceOf | None = None,
) -> BriefingSlide:
    """Slide ``number`` (1 to SLIDE_COUNT) of the deck for ``area``, as ``build_slides`` makes it.
    The inputs are functions, called only for what this slide shows (the screen builds the slide on
    view, so choosing an area reads and draws one slide, not the deck)."""
    makers: list[Callable[[], BriefingSlide]] = [
        lambda: glance_slide(area, glance()),
        lambda: comparison_slide(area, county_name, measures()),
        lambda: trend_slide(area, county_name, measures()),
        lambda: gaps_slide(area, county_name, measures()),
        lambda: attendance_slide(area, measures()),
        lambda: categories_slide(area, county_name is None, categories(), named()),
    ]
    if not 1 <= number <= len(makers):
        raise ValueError(f"A deck has slides 1 to {len(makers)}, not {number}")
    s = makers[number - 1]()
    if provenance is None:
        s.source = default_source(s.topic, s.years)
        return s
    prov = for_years(provenance(s.topic), s.years)
    s.source = source_line(s.topic, prov)
    s.files = prov.file_lines
    return s


def build_slides(
    area: str,
    county_name: str | None,
    glance: pd.DataFrame,
    measures: pd.DataFrame,
    categories: pd.DataFrame,
    named: pd.DataFrame | None = None,
    provenance: ProvenanceOf | None = None,
) -> list[BriefingSlide]:
    """The deck for ``area``. ``county_name`` is None when the area IS the county (no county series).
    ``provenance(topic)`` gives the source files of a topic; each slide's source line names those
    behind its own years (without it: the publisher and the period of the figures)."""
    return [
        build_slide(
            n,
            area,
            county_name,
            lambda: glance,
            lambda: measures,
            lambda: categories,
            lambda: named,
            provenance,
        )
        for n in range(1, SLIDE_COUNT + 1)
    ]
