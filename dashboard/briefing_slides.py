"""The briefing deck of an area (a district or the whole county), built once from data frames.

Pure: no Streamlit, no database. The briefing page shows these slides and the .pptx/.pdf exports are
made from the same list (``to_deck``), so the deck a presenter takes to a room matches the screen.
Every input frame is already aggregated and, for the briefing role, suppressed; a suppressed figure
has value NULL and status_code "SUPP (small group)" and is shown as that code, never as a number.
Categories and comparisons are always a word and a symbol, never colour alone.
"""

from __future__ import annotations

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

MAX_NAMED = 6  # names beyond this cannot be read from the back of a room: "and N more"
STATUS = "status_code"


@dataclass
class Metric:
    label: str
    value: str
    note: str = ""  # e.g. "▲ better: 10 percentage points above national"


@dataclass
class BriefingSlide:
    """One full-screen view: a title, one message, up to four metrics, one chart or one table."""

    title: str
    message: str
    metrics: list[Metric] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    chart: Any = None  # Altair chart (drawn with charts.projector on screen and in the deck)
    chart_data: pd.DataFrame | None = None  # what the chart was built from (table toggle, CSV)
    chart_alt: str | None = None
    table: pd.DataFrame | None = None

    def points(self) -> list[str]:
        """The message, metrics and bullets as lines of text (the deck's bullet points)."""
        lines = [self.message]
        lines += [
            f"{m.label}: {m.value}" + (f" ({m.note})" if m.note else "") for m in self.metrics
        ]
        return lines + list(self.bullets)


def for_projector(chart: Any) -> Any:
    """charts.projector plus black axis, legend and title text (Vega's default grey is under 7:1)
    and room for long district names; whole-number ticks. Used on screen and in the deck."""
    out = charts.projector(chart)
    cfg = out.config
    for part in (cfg.axis, cfg.legend):
        part.labelColor = part.titleColor = palette.PROJECTOR_THEME["text"]
        part.labelLimit = 420
    cfg.axis.tickMinStep = 1
    cfg.title.color = cfg.title.subtitleColor = palette.PROJECTOR_THEME["text"]
    cfg.title.limit = 0
    cfg.title.subtitleFontSize = 20
    return out


def to_deck(slides: list[BriefingSlide]) -> list[Slide]:
    """The same slides for components.slides (pptx and pdf)."""
    return [
        Slide(
            title=s.title,
            bullets=s.points()[:5],
            chart=None if s.chart is None else for_projector(s.chart).to_dict(),
            chart_alt=s.chart_alt,
            table=s.table,
        )
        for s in slides
    ]


# ------------------------------------------------------------------ wording


def _status(row: Any) -> Any:
    return row.get(STATUS) if hasattr(row, "get") else None


def units(measure: str) -> str:
    """The unit of a difference: "percentage points" for percentages, "points" otherwise."""
    return "percentage points" if KINDS[measure_info(measure).kind][1] == "%" else "points"


def compare(measure: str, value: Any, reference: Any, against: str) -> str:
    """ "▲ better: 10 percentage points above national" (lower absence is better)."""
    if is_missing(value) or is_missing(reference):
        return f"no comparison with {against}"
    diff = float(value) - float(reference)
    decimals = KINDS[measure_info(measure).kind][0]
    word, symbol = direction_words(diff, higher_is_better(measure), 0.5 * 10**-decimals)
    if word == "no clear change":
        return f"{symbol} in line with {against}"
    size = format_number(abs(diff), decimals=max(decimals, 1 if decimals == 0 else decimals))
    side = "above" if diff > 0 else "below"
    return f"{symbol} {word}: {size} {units(measure)} {side} {against}"


def summary(verdicts: list[tuple[str, str]], area: str) -> str:
    """One sentence from (measure, "better" | "worse" | "in line with national") pairs."""
    words = {w for _, w in verdicts}
    if words == {"better"}:
        return f"▲ {area} is better than national on every headline measure."
    if words == {"worse"}:
        return f"▼ {area} is worse than national on every headline measure."
    better = [m for m, w in verdicts if w == "better"]
    worse = [m for m, w in verdicts if w == "worse"]
    parts = []
    if better:
        parts.append("▲ better than national on " + " and ".join(better).lower())
    if worse:
        parts.append("▼ worse than national on " + " and ".join(worse).lower())
    if not parts:
        return f"● {area} is in line with national."
    return f"{area}: " + "; ".join(parts) + "."


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


def area_value(row: pd.Series, county: bool) -> Any:
    """For the county the published LA figure where there is one, else the schools' average."""
    if county and not is_missing(row.get("county_value")):
        return row["county_value"]
    return row["value"]


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
    ).head(MAX_TABLE_ROWS)
    return BriefingSlide(
        title=f"{area} at a glance",
        message=f"{fmt_count(schools)} open schools teaching {fmt_count(pupils)} pupils.",
        metrics=[
            Metric("Open schools", fmt_count(schools)),
            Metric("Pupils on roll", fmt_count(pupils)),
            Metric("Eligible for free school meals now", fmt_pct(fsm, decimals=1)),
        ],
        table=table,
    )


def comparison_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    """The area against the county (for a district) and national on the headline measures."""
    county = county_name is None
    metrics: list[Metric] = []
    verdicts: list[tuple[str, str]] = []
    chart = data = None
    year = None
    for m in ("ks2_rwm_expected_pct", "ks4_attainment8"):
        y = latest_year(measures, m)
        if y is None:
            continue
        row = _row(measures, measure=m, pupil_group="all", scope="all", time_period=y)
        value = area_value(row, county)
        note = compare(m, value, row["national_value"], "national")
        verdicts.append((label(m), note.split(":")[0].split(" ", 1)[-1]))
        if not county:
            note += "; " + compare(m, value, row["county_value"], county_name)
        metrics.append(
            Metric(f"{label(m)} ({fmt_year(y)})", fmt_measure(m, value, _status(row)), note)
        )
        if m == "ks2_rwm_expected_pct":
            year = y
            rows = [(area, value, _status(row))]
            if not county:
                rows.append((county_name, row["county_value"], None))
            rows.append(("National", row["national_value"], None))
            data = pd.DataFrame(rows, columns=["label", "value", STATUS])
            chart = charts.comparison_bars(
                data, title=f"{label(m)}, {fmt_year(y)}", x_title="Pupils (%)", kind="pct"
            )
    against = "national" if county else f"{county_name} and national"
    message = summary(verdicts, area) if metrics else f"No published results are loaded for {area}."
    return BriefingSlide(
        title=f"{area} against {against}",
        message=message,
        metrics=metrics,
        chart=chart,
        chart_data=data,
        chart_alt=None
        if data is None
        else "Bars: "
        + "; ".join(f"{r.label} {fmt_pct(r.value, getattr(r, STATUS))}" for r in data.itertuples())
        + f" ({fmt_year(year)})",
    )


def trend_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    m = "ks2_rwm_expected_pct"
    county = county_name is None
    rows = measures[
        (measures["measure"] == m)
        & (measures["pupil_group"] == "all")
        & (measures["scope"] == "all")
    ].sort_values("time_period")
    title = f"{area}: results over time"
    if rows.empty:
        return BriefingSlide(title=title, message="No published KS2 results are loaded.")
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
        (int(y), v - nat.get(y))
        for y, v in zip(mine["time_period"], mine["value"], strict=True)
        if not is_missing(nat.get(y))
    ]
    metrics: list[Metric] = []
    if len(gaps) >= 2:
        (y0, g0), (y1, g1) = gaps[0], gaps[-1]
        word, symbol = direction_words(g1 - g0, True, 0.5)
        message = (
            f"{symbol} {word.capitalize()} against national: "
            f"{format_number(g0, decimals=1, sign=True)} {units(m)} in {fmt_year(y0)}, "
            f"{format_number(g1, decimals=1, sign=True)} in {fmt_year(y1)}."
        )
    else:
        message = "Not enough published years to describe a trend."
    chart = charts.trend_chart(
        data,
        title=f"{label(m)} (% of pupils)",
        y_title="Pupils (%)",
        kind="pct",
        series_title="Area",
    )
    return BriefingSlide(
        title=title,
        message=message,
        metrics=metrics,
        chart=chart,
        chart_data=data,
        chart_alt=f"Line chart of {label(m)} for {area} and national by year; no results for 2019/20 and 2020/21.",
    )


def gaps_slide(area: str, county_name: str | None, measures: pd.DataFrame) -> BriefingSlide:
    """Disadvantaged pupils against non-disadvantaged, in the area and nationally (latest year)."""
    county = county_name is None
    table_rows = []
    metrics: list[Metric] = []
    for m, short in (("ks2_rwm_expected_pct", "KS2 RWM"), ("ks4_attainment8", "KS4 Attainment 8")):
        y = latest_year(measures, m, "disadvantaged")
        if y is None:
            continue
        dis = _row(measures, measure=m, pupil_group="disadvantaged", scope="all", time_period=y)
        non = _row(measures, measure=m, pupil_group="non_disadvantaged", scope="all", time_period=y)
        if dis is None or non is None:
            continue
        a_dis, a_non = area_value(dis, county), area_value(non, county)
        gap = None if is_missing(a_dis) or is_missing(a_non) else float(a_dis) - float(a_non)
        nat_gap = (
            None
            if is_missing(dis["national_value"]) or is_missing(non["national_value"])
            else float(dis["national_value"]) - float(non["national_value"])
        )
        table_rows += [
            (
                f"{short}: disadvantaged",
                fmt_measure(m, a_dis, _status(dis)),
                fmt_measure(m, dis["national_value"]),
            ),
            (
                f"{short}: others",
                fmt_measure(m, a_non, _status(non)),
                fmt_measure(m, non["national_value"]),
            ),
            (
                f"{short}: gap",
                format_number(gap, decimals=1, sign=True)
                if gap is not None
                else "SUPP (small group)"
                if _status(dis) or _status(non)
                else "no data",
                format_number(nat_gap, decimals=1, sign=True),
            ),
        ]
        if gap is not None and nat_gap is not None:
            word, symbol = direction_words(gap - nat_gap, True, 0.5)
            text = {"better": "narrower than", "worse": "wider than"}.get(word, "about the same as")
            metrics.append(
                Metric(
                    f"{short} gap, {fmt_year(y)} ({units(m)})",
                    format_number(gap, decimals=1, sign=True),
                    f"{symbol} {word}: {text} national ({format_number(nat_gap, decimals=1, sign=True)})",
                )
            )
    message = "Disadvantaged pupils (free school meals in the last six years, or looked after) against all other pupils."
    table = pd.DataFrame(table_rows, columns=["Pupils", area, "National"]) if table_rows else None
    return BriefingSlide(
        title=f"{area}: disadvantaged pupils",
        message=message if table_rows else "No results by pupil group are loaded.",
        metrics=metrics,
        table=table,
    )


def attendance_slide(area: str, measures: pd.DataFrame) -> BriefingSlide:
    metrics: list[Metric] = []
    rows = []
    for m in ("overall_absence_pct", "persistent_absence_pct"):
        for scope in ("primary", "secondary"):
            y = latest_year(measures, m, scope=scope)
            if y is None:
                continue
            r = _row(measures, measure=m, pupil_group="all", scope=scope, time_period=y)
            shown = fmt_measure(m, r["value"], _status(r))
            note = compare(m, r["value"], r["national_value"], "national")
            rows.append(y)
            metrics.append(Metric(f"{label(m)}, {scope}", shown, note))
    years = ", ".join(sorted({fmt_year(y) for y in rows}))
    return BriefingSlide(
        title=f"{area}: attendance",
        message=f"Absence in {years} against national schools of the same phase; lower is better."
        if rows
        else "No absence figures are loaded.",
        metrics=metrics,  # the metrics carry every figure: no second copy as a table
    )


def categories_slide(
    area: str, county: bool, categories: pd.DataFrame, named: pd.DataFrame | None = None
) -> BriefingSlide:
    title = f"{area}: support categories"
    if categories.empty:
        return BriefingSlide(title=title, message="No support categories are loaded.")
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
    for key, enc in palette.CATEGORIES.items():
        n = int(now.get(key, 0))
        note = ""
        if prev is not None:
            d = n - int(before.get(key, 0))
            note = (
                f"{format_number(d, sign=True)} since {fmt_year(prev)}"
                if d
                else f"same as {fmt_year(prev)}"
            )
        metrics.append(Metric(enc.label, fmt_count(n), note))
        rows.append(
            (
                enc.label,
                fmt_count(n),
            )
        )
    total = int(now.sum())
    message = (
        f"{fmt_count(total)} schools categorised in {fmt_year(y)}: "
        + ", ".join(
            f"{fmt_count(int(now.get(k, 0)))} {e.word.lower()}"
            for k, e in palette.CATEGORIES.items()
        )
        + "."
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
        chart = charts.category_by_district_chart(data)
    elif prev is None:  # with a previous year the metrics carry the counts and the change
        table = pd.DataFrame(rows, columns=["Support category", fmt_year(y)])
    return BriefingSlide(
        title=title,
        message=message,
        metrics=metrics,
        bullets=bullets,
        chart=chart,
        chart_data=data,
        chart_alt=None
        if chart is None
        else "Stacked bars: schools in each support category by district. " + message,
        table=table,
    )


def build_slides(
    area: str,
    county_name: str | None,
    glance: pd.DataFrame,
    measures: pd.DataFrame,
    categories: pd.DataFrame,
    named: pd.DataFrame | None = None,
) -> list[BriefingSlide]:
    """The deck for ``area``. ``county_name`` is None when the area IS the county (no county series)."""
    county = county_name is None
    return [
        glance_slide(area, glance),
        comparison_slide(area, county_name, measures),
        trend_slide(area, county_name, measures),
        gaps_slide(area, county_name, measures),
        attendance_slide(area, measures),
        categories_slide(area, county, categories, named),
    ]
