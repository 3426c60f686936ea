"""Altair chart builders with the accessible palette, and ``render_chart`` that every page uses.

Each builder takes a DataFrame that is already restricted and suppressed, and returns an Altair
chart: plain-words titles and axis labels, tooltips with formatted figures (codes such as "SUPP"
shown as codes), shapes or dashes as well as colour. ``render_chart`` shows the chart with a "Show
as table" toggle and a CSV download of exactly the data passed in.

Trends never join across a gap in the years (decision 14: 2019/20 and 2020/21 have no published
results): each contiguous run of years is its own line segment, and the gap years are shown, shaded
and labelled. Maps draw GeoJSON with ``mark_geoshape``; no tile server is ever contacted.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import altair as alt
import pandas as pd

from dashboard.components import palette
from dashboard.components.format import NO_DATA, fmt_kind, fmt_year, is_missing

COVID_GAP_YEARS: tuple[int, ...] = (201920, 202021)  # decision 14: no published results
SEGMENT = "segment"  # column added to trend data: one id per unbroken run of years per series
YEAR_LABEL = "year"  # column added to trend data: "2018/19"
DISPLAY = "figure"  # column added to chart data: the formatted value (or its code)
DEFAULT_WIDTH = 640


# ---------------------------------------------------------------- memo (reruns rebuild nothing)
# A page rerun rebuilds every chart from the same frames: Altair's construction (schema look-ups,
# deep copies) and its conversion to Vega-Lite were most of a page's server time. Builders are
# memoised on the CONTENT of their arguments (a frame by its columns, dtypes and a hash of every
# cell), so two callers share a chart only when they would have built the same one; the spec
# made from a memoised chart is kept with it. Bounded (LRU) and locked: sessions run in threads.
_MEMO_SIZE = 256
_memo: OrderedDict[tuple, alt.TopLevelMixin] = OrderedDict()
_specs: dict[int, tuple[alt.TopLevelMixin, dict]] = {}  # id(chart) -> (chart, spec)
_memo_lock = threading.Lock()


def _fingerprint(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        cells = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        return ("frame", tuple(map(str, value.columns)), tuple(map(str, value.dtypes)),
                hashlib.sha256(cells).hexdigest())  # fmt: skip
    if isinstance(value, alt.TopLevelMixin):
        return ("chart", id(value))  # only memoised charts (kept alive in _memo) get here
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_fingerprint(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _fingerprint(v)) for k, v in sorted(value.items())))
    return (type(value).__name__, repr(value))


def _unframed(value: Any) -> Any:
    """``value`` with its frames replaced by a marker (their content is named by a memo_key)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return "<frame>"
    if isinstance(value, (list, tuple)):
        return type(value)(_unframed(v) for v in value)
    if isinstance(value, dict):
        return {k: _unframed(v) for k, v in value.items()}
    return value


def _memoised(builder):
    @functools.wraps(builder)
    def wrapper(*args, memo_key: Any = None, **kwargs):
        # memo_key: a hashable that decides the content of every frame argument (e.g. the cache
        # key of the figures they came from): the chart is then found without hashing the frames'
        # cells; the other arguments (titles, kinds) are part of the key as usual.
        try:
            if memo_key is not None:
                key = (builder.__name__, "key", memo_key, _fingerprint(_unframed(args)),
                       _fingerprint(_unframed(kwargs)))  # fmt: skip
            else:
                key = (builder.__name__, _fingerprint(args), _fingerprint(kwargs))
        except TypeError:  # a cell pandas cannot hash (lists, dicts): build as usual
            return builder(*args, **kwargs)
        if any(isinstance(a, alt.TopLevelMixin) and not _is_memoised(a) for a in args):
            return builder(*args, **kwargs)
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
        chart = builder(*args, **kwargs)
        with _memo_lock:
            _memo[key] = chart
            while len(_memo) > _MEMO_SIZE:
                _, old = _memo.popitem(last=False)
                _specs.pop(id(old), None)
        return chart

    return wrapper


memoised = _memoised  # for chart builders kept elsewhere (dashboard/pupil_progress.py)


def _is_memoised(chart: alt.TopLevelMixin) -> bool:
    with _memo_lock:
        return any(c is chart for c in _memo.values())


# ---------------------------------------------------------------- years and segments


def next_year(time_period: int) -> int:
    """The academic year after a DfE six-digit year: 201819 -> 201920."""
    start = int(time_period) // 100 + 1
    return start * 100 + (start + 1) % 100


def year_range(first: int, last: int) -> list[int]:
    """Every academic year from first to last inclusive (gap years included)."""
    years, y = [], int(first)
    while y <= int(last):
        years.append(y)
        y = next_year(y)
    return years


def add_segments(
    df: pd.DataFrame,
    *,
    year: str = "time_period",
    value: str = "value",
    series: str | None = "series",
) -> pd.DataFrame:
    """A copy with a ``segment`` column: rows of one series share an id while the years run on.

    A new segment starts whenever the next row of a series is not the next academic year (the COVID
    gap, or any other missing year) or follows a row without a value (a suppressed year). Rows
    without a value get no segment (None), so no line is drawn to or from them.
    """
    out = df.copy()
    seg: dict[Any, str | None] = {}
    groups = out.groupby(series, sort=False, dropna=False) if series else [("all", out)]
    for key, g in groups:  # plain lists: iterrows builds a Series per row
        n, prev = 0, None
        ordered = g.sort_values(year)
        for idx, y, v in zip(ordered.index, ordered[year].tolist(), ordered[value].tolist(),
                             strict=True):  # fmt: skip
            if is_missing(v):
                seg[idx], prev = None, None
                continue
            y = int(y)
            if prev is None or y != next_year(prev):
                n += 1
            seg[idx], prev = f"{key} #{n}", y
    out[SEGMENT] = pd.Series(seg, dtype="object").reindex(out.index)
    return out


# ---------------------------------------------------------------- helpers


def _display(df: pd.DataFrame, value: str, status: str, kind: str) -> pd.Series:
    statuses = df[status] if status in df.columns else [None] * len(df)
    return pd.Series(
        [fmt_kind(v, kind, s) for v, s in zip(df[value], statuses, strict=True)],
        index=df.index,
        dtype="object",
    )


def _title(title: str, subtitle: str | Sequence[str] | None = None) -> alt.Title:
    return alt.Title(title, subtitle=subtitle or [], anchor="start")


def _series_scales(domain: list[str]) -> dict[str, alt.Scale]:
    n = len(domain)
    cycle = lambda xs: [xs[i % len(xs)] for i in range(n)]  # noqa: E731
    return {
        "color": alt.Scale(domain=domain, range=cycle(palette.SERIES_COLOURS)),
        "shape": alt.Scale(domain=domain, range=cycle(palette.SERIES_SHAPES)),
        "dash": alt.Scale(domain=domain, range=cycle(palette.SERIES_DASHES)),
    }


def _unique(values: Any) -> list[str]:
    return [str(v) for v in pd.unique(pd.Series(list(values), dtype="object").dropna())]


# ---------------------------------------------------------------- builders


def _trend_data(df: pd.DataFrame, kind: str, year: str, value: str, series: str, status: str
                ) -> tuple[pd.DataFrame, list[int]]:  # fmt: skip
    """trend_chart's data (segments, year labels, formatted figures) and its years, gaps included."""
    data = add_segments(df, year=year, value=value, series=series)
    data[YEAR_LABEL] = data[year].map(fmt_year)
    data[DISPLAY] = _display(data, value, status, kind)
    data[series] = data[series].astype("object").astype(str)
    years = data[year].dropna().astype(int)
    return data, year_range(years.min(), years.max()) if len(years) else []


@_memoised
def trend_chart(
    df: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    kind: str = "number",
    year: str = "time_period",
    value: str = "value",
    series: str = "series",
    status: str = "status_code",
    series_title: str = "Compared with",
) -> alt.LayerChart:
    """A line per series over academic years, broken at every gap in the years.

    ``df``: one row per (series, year): ``series`` (e.g. "This school", "Local authority",
    "National"), ``time_period`` (201819), ``value`` (NULL where suppressed) and optionally
    ``status_code``. Gap years inside the range are shaded and labelled "No data (COVID-19)".
    """
    data, domain_years = _trend_data(df, kind, year, value, series, status)
    x_domain = [fmt_year(y) for y in domain_years]
    scales = _series_scales(_unique(data[series]))
    x = alt.X(
        f"{YEAR_LABEL}:O",
        title="Academic year",
        sort=x_domain,
        scale=alt.Scale(domain=x_domain),
        axis=alt.Axis(labelAngle=0),
    )
    y = alt.Y(f"{value}:Q", title=y_title, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip(f"{series}:N", title=series_title),
        alt.Tooltip(f"{YEAR_LABEL}:O", title="Year"),
        alt.Tooltip(f"{DISPLAY}:N", title=y_title),
    ]
    base = alt.Chart(data)
    lines = (
        base.transform_filter(f"datum.{SEGMENT} != null")
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color(f"{series}:N", scale=scales["color"], title=series_title),
            strokeDash=alt.StrokeDash(f"{series}:N", scale=scales["dash"], title=series_title),
            detail=alt.Detail(f"{SEGMENT}:N"),
        )
    )
    points = (
        base.transform_filter(f"isValid(datum['{value}'])")
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(f"{series}:N", scale=scales["color"], title=series_title),
            shape=alt.Shape(f"{series}:N", scale=scales["shape"], title=series_title),
            tooltip=tooltip,
        )
    )
    layers: list[alt.Chart] = []
    gap = [fmt_year(y) for y in domain_years if y in COVID_GAP_YEARS]
    subtitle = None
    if gap:
        gap_df = pd.DataFrame({YEAR_LABEL: gap, "note": "No data\n(COVID-19)"})
        gap_base = alt.Chart(gap_df)
        layers.append(
            gap_base.mark_rect(color=palette.GAP_FILL).encode(
                x=x, tooltip=[alt.Tooltip("note:N", title="Note")]
            )
        )
        layers.append(
            gap_base.mark_text(
                baseline="top", dy=4, color="#000000", lineBreak="\n", fontSize=11
            ).encode(x=x, y=alt.value(0), text="note:N")
        )
        subtitle = "No results were published for 2019/20 and 2020/21 (COVID-19): the lines do not join across them."
    return alt.layer(*layers, lines, points).properties(
        title=_title(title, subtitle), width=DEFAULT_WIDTH, height=320
    )


@_memoised
def comparison_bars(
    df: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    kind: str = "number",
    label: str = "label",
    value: str = "value",
    status: str = "status_code",
) -> alt.LayerChart:
    """Horizontal bars comparing e.g. "This school", "Local authority", "National".

    Each bar's label on the axis carries its figure ("This school: +1.3", "This school: SUPP"), so
    nothing depends on colour and a suppressed figure is named rather than drawn as zero.
    """
    data = df.copy()
    data[label] = data[label].astype("object").astype(str)
    data[DISPLAY] = _display(data, value, status, kind)
    data["bar_label"] = data[label] + ": " + data[DISPLAY]
    order = list(data["bar_label"])
    scales = _series_scales(_unique(data[label]))
    y = alt.Y("bar_label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#000000", strokeWidth=0.5)
        .encode(
            x=alt.X(f"{value}:Q", title=x_title),
            y=y,
            color=alt.Color(f"{label}:N", scale=scales["color"], legend=None),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Group"),
                alt.Tooltip(f"{DISPLAY}:N", title=x_title),
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=palette.GRID_GREY).encode(x="zero:Q")
    )
    return alt.layer(bars, zero).properties(
        title=_title(title), width=DEFAULT_WIDTH, height=alt.Step(40)
    )


def distribution_data(
    df: pd.DataFrame, *, value: str = "achievement_score", kind: str = "z"
) -> pd.DataFrame:
    """distribution_chart's data: the schools with their figure formatted for the tooltip."""
    data = df.copy()
    data[DISPLAY] = _display(data, value, "status_code", kind)
    return data


@_memoised
def distribution_chart(
    df: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    value: str = "achievement_score",
    kind: str = "z",
    highlight: Any = None,
    key: str = "urn",
    name: str = "name",
    bins: int = 20,
) -> alt.LayerChart:
    """A histogram of schools' scores, with one school marked by a dashed line and its name.

    ``highlight`` is the ``key`` value (a URN) of the school to mark; None marks nothing.
    """
    data = distribution_data(df, value=value, kind=kind)
    hist = (
        alt.Chart(data)
        .transform_filter(f"isValid(datum['{value}'])")
        .mark_bar(color=palette.OKABE_ITO["blue"], stroke=palette.WHITE, strokeWidth=0.5)
        .encode(
            x=alt.X(f"{value}:Q", bin=alt.Bin(maxbins=bins), title=x_title),
            y=alt.Y(
                "count():Q", title="Number of schools", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            tooltip=[
                alt.Tooltip(f"{value}:Q", bin=alt.Bin(maxbins=bins), title=x_title),
                alt.Tooltip("count():Q", title="Number of schools"),
            ],
        )
    )
    layers: list[alt.Chart] = [hist]
    if highlight is not None:
        mark = data[(data[key] == highlight) & data[value].notna()].copy()
        if len(mark):
            names = (
                mark[name].astype(str)
                if name in mark.columns
                else pd.Series("This school", index=mark.index)
            )
            mark["marker"] = names + ": " + mark[DISPLAY]
            marked = alt.Chart(mark)
            layers.append(
                marked.mark_rule(color=palette.DARK_RED, strokeWidth=3, strokeDash=[6, 3]).encode(
                    x=f"{value}:Q", tooltip=[alt.Tooltip("marker:N", title="Marked school")]
                )
            )
            layers.append(
                marked.mark_text(
                    align="left", dx=6, dy=-6, baseline="bottom", color="#000000", fontWeight="bold"
                ).encode(x=f"{value}:Q", y=alt.value(12), text="marker:N")
            )
    return alt.layer(*layers).properties(title=_title(title), width=DEFAULT_WIDTH, height=300)


def category_segments(
    df: pd.DataFrame,
    *,
    district: str = "district",
    category: str = "category",
    count: str | None = "schools",
) -> tuple[pd.DataFrame, str]:
    """category_by_district_chart's data (one row per bar segment: start, end, label) and the
    name of its count column."""
    data = df.copy()
    data[category] = data[category].astype("object").astype(str).str.lower()
    if count is None or count not in data.columns:
        data = data.groupby([district, category], sort=False).size().reset_index(name="schools")
        count = "schools"
    order = list(palette.CATEGORIES)
    data = data[data[category].isin(order)].copy()
    data["_rank"] = data[category].map(order.index)
    data = data.sort_values([district, "_rank"]).reset_index(drop=True)
    data["start"] = data.groupby(district)[count].cumsum() - data[count]
    data["end"] = data["start"] + data[count]
    data["Support category"] = data[category].map(lambda c: palette.category(c).label)
    symbols = data[category].map(lambda c: palette.category(c).symbol).astype(str)
    data["segment_label"] = symbols + " " + data[count].astype("int64").astype(str)
    return data.drop(columns="_rank"), count


@_memoised
def category_by_district_chart(
    df: pd.DataFrame,
    *,
    title: str = "Schools by support category in each district",
    district: str = "district",
    category: str = "category",
    count: str | None = "schools",
) -> alt.LayerChart:
    """Stacked horizontal bars: schools per support category in each district.

    ``df`` has one row per (district, category) with a ``count`` column, or one row per school
    (``count=None``). Each segment is labelled with its symbol and number ("▲ 3") and the legend
    pairs colour with symbol and word, so the chart reads without colour.
    """
    data, count = category_segments(df, district=district, category=category, count=count)
    order = list(palette.CATEGORIES)
    labels = [palette.CATEGORIES[c].label for c in order]
    fills = [palette.CATEGORIES[c].colour for c in order]
    inks = [palette.CATEGORIES[c].text_on_colour for c in order]
    y = alt.Y(f"{district}:N", title="District", sort="ascending")
    tooltip = [
        alt.Tooltip(f"{district}:N", title="District"),
        alt.Tooltip("Support category:N"),
        alt.Tooltip(f"{count}:Q", title="Schools"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(stroke=palette.WHITE, strokeWidth=1)
        .encode(
            # whole schools: no 0.05 ticks when a filter leaves one or two schools
            x=alt.X("start:Q", title="Number of schools", axis=alt.Axis(tickMinStep=1, format="d")),
            x2="end:Q",
            y=y,
            color=alt.Color(
                "Support category:N",
                scale=alt.Scale(domain=labels, range=fills),
                legend=alt.Legend(title="Support category", orient="bottom"),
            ),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(data)
        .transform_filter(f"datum['{count}'] > 0")
        .transform_calculate(mid="(datum.start + datum.end) / 2")
        .mark_text(fontWeight="bold")
        .encode(
            x="mid:Q",
            y=y,
            text="segment_label:N",
            color=alt.Color(
                "Support category:N", scale=alt.Scale(domain=labels, range=inks), legend=None
            ),
        )
    )
    return (
        alt.layer(bars, text)
        .resolve_scale(color="independent")
        .properties(title=_title(title), width=DEFAULT_WIDTH, height=alt.Step(32))
    )


def features_from(boundaries: Any, *, name: str = "name", geojson: str = "geojson") -> list[dict]:
    """GeoJSON features from GeoJSON text (a FeatureCollection, Feature or bare geometry), a list
    of such texts, or a DataFrame of boundaries (``name`` and ``geojson`` columns, as the
    ``boundaries`` table). Each feature gets ``properties.name`` when a name is known."""
    if isinstance(boundaries, pd.DataFrame):
        feats = []
        for _, row in boundaries.iterrows():
            for f in features_from(row[geojson]):
                f = {**f, "properties": {**(f.get("properties") or {}), "name": row[name]}}
                feats.append(f)
        return feats
    if isinstance(boundaries, (list, tuple)):
        return [f for b in boundaries for f in features_from(b)]
    obj = json.loads(boundaries) if isinstance(boundaries, (str, bytes)) else boundaries
    kind = obj.get("type")
    if kind == "FeatureCollection":
        feats = list(obj.get("features", []))
    elif kind == "Feature":
        feats = [obj]
    else:
        feats = [{"type": "Feature", "properties": {}, "geometry": obj}]
    return [{**f, "geometry": _rewind(f.get("geometry"))} for f in feats]


def _signed_area(ring: list) -> float:
    return (
        sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False))
        / 2
    )


def _orient(ring: list, clockwise: bool) -> list:
    return ring if (_signed_area(ring) < 0) == clockwise else ring[::-1]


def _rewind(geometry: dict | None) -> dict | None:
    """Rings in the winding Vega (d3-geo) expects: outer rings clockwise, holes anticlockwise.

    GeoJSON (RFC 7946) says the opposite; drawn as is, d3 fills the whole globe except the district.
    """
    if not geometry:
        return geometry
    t = geometry.get("type")
    poly = lambda rings: [_orient(r, i == 0) for i, r in enumerate(rings)]  # noqa: E731
    if t == "Polygon":
        return {**geometry, "coordinates": poly(geometry["coordinates"])}
    if t == "MultiPolygon":
        return {**geometry, "coordinates": [poly(p) for p in geometry["coordinates"]]}
    if t == "GeometryCollection":
        return {**geometry, "geometries": [_rewind(g) for g in geometry["geometries"]]}
    return geometry


@_memoised
def district_map(
    boundaries: Any,
    *,
    title: str,
    values: pd.DataFrame | None = None,
    value: str = "value",
    value_title: str = "Value",
    kind: str = "number",
    schools: pd.DataFrame | None = None,
    district: str = "name",
) -> alt.LayerChart:
    """Districts drawn from GeoJSON (shaded by ``values`` if given) with schools as points.

    ``values``: one row per district (``district`` column matching the boundary names, ``value``).
    ``schools``: ``name``, ``latitude``, ``longitude``, ``category`` (universal / targeted /
    intensive): each point's shape AND colour show the category. No tiles, no network.
    """
    feats = features_from(boundaries)
    geo = alt.Chart(alt.Data(values=feats))
    outline = {"stroke": "#000000", "strokeWidth": 1}
    if values is not None and len(values):
        vals = values.copy()
        vals[DISPLAY] = _display(vals, value, "status_code", kind)
        vals = vals[[district, value, DISPLAY]].rename(columns={district: "district_name"})
        lookup = alt.LookupData(
            data=alt.Data(values=json.loads(vals.to_json(orient="records"))),
            key="district_name",
            fields=[value, DISPLAY],
        )
        areas = (
            geo.mark_geoshape(**outline)
            .transform_lookup(lookup="properties.name", from_=lookup)
            .encode(
                fill=alt.Fill(
                    f"{value}:Q",
                    title=value_title,
                    # light to mid grey: the coloured school points (black-edged) stay visible on
                    # every district, which a blue ramp under blue 'universal' points did not allow
                    scale=alt.Scale(range=["#FFFFFF", "#8C8C8C"]),
                ),
                tooltip=[
                    alt.Tooltip("properties.name:N", title="District"),
                    alt.Tooltip(f"{DISPLAY}:N", title=value_title),
                ],
            )
        )
    else:
        areas = geo.mark_geoshape(fill="#F2F2F2", **outline).encode(
            tooltip=[alt.Tooltip("properties.name:N", title="District")]
        )
    layers: list[alt.Chart] = [areas]
    if schools is not None and len(schools):
        pts = schools.dropna(subset=["latitude", "longitude"]).copy()
        pts["Support category"] = pts["category"].map(lambda c: palette.category(c).label)
        labels = [e.label for e in palette.CATEGORIES.values()]
        layers.append(
            alt.Chart(pts)
            .mark_point(filled=True, size=90, stroke="#000000", strokeWidth=0.8, opacity=1)
            .encode(
                longitude="longitude:Q",
                latitude="latitude:Q",
                color=alt.Color(
                    "Support category:N",
                    scale=alt.Scale(
                        domain=labels, range=[e.colour for e in palette.CATEGORIES.values()]
                    ),
                    title="Support category",
                ),
                shape=alt.Shape(
                    "Support category:N",
                    scale=alt.Scale(
                        domain=labels, range=[e.shape for e in palette.CATEGORIES.values()]
                    ),
                    title="Support category",
                ),
                tooltip=[alt.Tooltip("name:N", title="School"), alt.Tooltip("Support category:N")],
            )
        )
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(title=_title(title), width=DEFAULT_WIDTH, height=480)
    )


# ---------------------------------------------------------------- projector, images, rendering


@_memoised
def projector(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the projector theme's large fonts and thick marks (palette.PROJECTOR_THEME)."""
    cfg = palette.PROJECTOR_THEME["altair"]
    return (
        chart.configure_title(**cfg["title"])
        .configure_axis(**cfg["axis"])
        .configure_legend(**cfg["legend"])
        .configure_header(**cfg["header"])
        .configure_line(**cfg["line"])
        .configure_point(**cfg["point"])
        .configure_text(**cfg["text"])
    )


def to_png(chart: alt.TopLevelMixin | dict, scale: float = 2) -> bytes:
    """PNG bytes of a chart, rendered offline by vl-convert (no browser, no network)."""
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return vlc.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as Streamlit's ``altair_chart`` would send it, without re-validating the spec.

    ``st.altair_chart`` calls ``chart.to_dict()``, which checks the whole spec against the
    Vega-Lite JSON schema on every rerun: about 40% of a page's chart time, for specs that never
    change shape between reruns (tests/dashboard/components/test_charts.py validates every
    builder's output). Here the same conversion runs with ``validate=False``: Streamlit's own data
    transformer (data as Arrow, referenced by a hash of its bytes) and theme "none", under
    Streamlit's lock, because both are process-wide Altair settings and another session's thread
    may be converting a chart at the same moment.
    """
    from streamlit.elements import vega_charts

    with _memo_lock:
        kept = _specs.get(id(chart))
    if kept is not None and kept[0] is chart:
        return handout(kept[1])
    datasets: dict[str, Any] = {}
    alt.data_transformers.register("to_arrow_dataset", vega_charts._to_arrow_dataset)
    with vega_charts._altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable("to_arrow_dataset", datasets=datasets):
            spec = chart.to_dict(validate=False)
    spec["datasets"] = {**(spec.get("datasets") or {}), **datasets}
    if _is_memoised(chart):
        spec = kept_spec(spec)
        with _memo_lock:
            _specs[id(chart)] = (chart, spec)
        return handout(spec)
    return spec


def converted(chart: alt.TopLevelMixin) -> bool:
    """Whether ``vega_lite_spec`` keeps this chart's spec already (a memoised builder's chart)."""
    with _memo_lock:
        kept = _specs.get(id(chart))
    return kept is not None and kept[0] is chart


def kept_spec(spec: dict) -> dict:
    """``spec`` made ready to be kept and handed to Streamlit many times: the one change
    ``st.vega_lite_chart`` makes inside a spec it is given (a null colour legend title becomes
    " ", streamlit#9339) is made now, so each rerun can hand over a shallow copy (``handout``)
    instead of a deep copy of the whole spec. Without that Streamlit function: a deep copy."""
    from streamlit.elements import vega_charts

    patch = getattr(vega_charts, "_patch_null_legend_titles", None)
    if patch is None:
        return {"_deep": True, **spec}
    patch(spec)
    return spec


def handout(spec: dict) -> dict:
    """A copy of a kept spec (``kept_spec``) that Streamlit may change: its top level and its
    datasets (Streamlit moves the datasets out of the spec it is given)."""
    if spec.get("_deep"):
        return copy.deepcopy({k: v for k, v in spec.items() if k != "_deep"})
    out = dict(spec)
    if "datasets" in out:
        out["datasets"] = dict(out["datasets"])
    return out


# ---------------------------------------------------------------- trend specs without Altair
# A trend chart's spec depends on its data only through the data itself and the shape of the
# chart: the years on the axis, the series in the legend, the gap years. A drill-down opens a new
# school's trends each time (a new frame: the memo above misses), so building them through Altair
# (about 100 ms a chart) was most of the cost of opening a school. ``trend_spec`` builds the spec
# through trend_chart once per shape and, for other data of that shape, puts the new data (Arrow,
# named by the hash of its bytes, as Streamlit names it) in place of the first one. The result is
# the spec vega_lite_spec(trend_chart(df)) gives (tests/dashboard/components/test_charts.py).
_trend_shapes: OrderedDict[tuple, tuple[dict, str]] = OrderedDict()  # shape -> (spec, data name)
_trend_specs: OrderedDict[tuple, dict] = OrderedDict()  # the frame's content + arguments -> spec


def _arrow_named(data: pd.DataFrame) -> tuple[str, bytes]:
    from streamlit import dataframe_util
    from streamlit.util import calc_hash

    data_bytes = dataframe_util.convert_anything_to_arrow_bytes(data)
    return calc_hash(data_bytes), data_bytes


def _renamed(node: Any, old: str, new: str, words: dict[str, str] | None = None) -> Any:
    """A copy of a spec (without its datasets) with every reference to dataset ``old`` made
    ``new``, and every string that is a key of ``words`` (a placeholder) made its value."""
    if isinstance(node, dict):
        if node.get("name") == old and len(node) == 1:
            return {"name": new}
        return {k: _renamed(v, old, new, words) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, old, new, words) for v in node]
    if words and isinstance(node, str):
        return words.get(node, node)
    return node


# placeholders a trend template is built with, so one template serves every title (a title is
# only ever a whole string of the spec: the chart's title and the y axis' and tooltip's titles)
_TITLE, _Y_TITLE = "\x00trend title\x00", "\x00trend y title\x00"


def _remember(memo: OrderedDict, key: tuple, value: Any) -> None:
    with _memo_lock:
        memo[key] = value
        while len(memo) > _MEMO_SIZE:
            memo.popitem(last=False)


def trend_spec(
    df: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    kind: str = "number",
    series_title: str = "Compared with",
    memo_key: Any = None,
) -> dict:
    """``vega_lite_spec(trend_chart(df, title=..., y_title=..., kind=..., series_title=...))``,
    for ``render_chart``, made without Altair for every chart of a shape already drawn (the
    titles are not part of the shape: one template serves every measure). ``memo_key``: a
    hashable that decides the content of ``df`` (as for the chart builders), so a rerun finds the
    spec without hashing the frame's cells."""
    try:
        content = ("key", memo_key) if memo_key is not None else _fingerprint(df)
        key = (content, title, y_title, kind, series_title)
    except TypeError:  # a cell pandas cannot hash: the usual way
        return vega_lite_spec(trend_chart(df, title=title, y_title=y_title, kind=kind,
                                          series_title=series_title))  # fmt: skip
    with _memo_lock:
        kept = _trend_specs.get(key)
    if kept is not None:
        return handout(kept)
    data, domain_years = _trend_data(df, kind, "time_period", "value", "series", "status_code")
    shape = (kind, series_title, tuple(domain_years), tuple(_unique(data["series"])),
             tuple(map(str, data.columns)), tuple(map(str, data.dtypes)))  # fmt: skip
    name, data_bytes = _arrow_named(data)
    with _memo_lock:
        template = _trend_shapes.get(shape)
    if template is None and title not in (_TITLE, _Y_TITLE) and y_title not in (_TITLE, _Y_TITLE):
        model = vega_lite_spec(trend_chart.__wrapped__(
            df, title=_TITLE, y_title=_Y_TITLE, kind=kind, series_title=series_title
        ))  # fmt: skip
        if name in model.get("datasets", {}):  # the data was named as expected
            template = (kept_spec(model), name)
            _remember(_trend_shapes, shape, template)
    if template is None:
        spec = vega_lite_spec(trend_chart.__wrapped__(
            df, title=title, y_title=y_title, kind=kind, series_title=series_title
        ))  # fmt: skip
        return handout(kept_spec(spec))
    model, old = template
    words = {_TITLE: title, _Y_TITLE: y_title}
    body = _renamed({k: v for k, v in model.items() if k != "datasets"}, old, name, words)
    datasets = {k: v for k, v in model["datasets"].items() if k != old}
    spec = {**body, "datasets": {**datasets, name: data_bytes}}
    _remember(_trend_specs, key, spec)
    return handout(spec)


def render_chart(
    chart: alt.TopLevelMixin | dict,
    data: pd.DataFrame,
    key: str,
    title: str,
    *,
    heading: bool = True,
    description: str | None = None,
) -> None:
    """Show a chart with a "Show as table" toggle and a CSV download of ``data``.

    Every chart on every page goes through here. ``data`` is exactly what the chart was built
    from; the table and the download show that, nothing more. ``key`` must be unique on the page.
    ``description`` is the alternative text for screen readers (defaults to the title).
    """
    import streamlit as st

    from dashboard.components.exports import to_csv_bytes
    from dashboard.components.safe import md_escape, safe_filename

    if heading:
        st.subheader(md_escape(title))
    as_table = st.toggle(
        "Show as table", key=f"{key}__table", help=f"See the figures behind: {md_escape(title)}"
    )
    if as_table:
        st.dataframe(data, hide_index=True, key=f"{key}__df")
    else:
        spec = chart if isinstance(chart, dict) else vega_lite_spec(chart)  # dict: trend_spec
        st.vega_lite_chart(spec=spec, key=f"{key}__chart", alt=description or title)
    st.download_button(
        f"Download the data for {md_escape(title)} (CSV)",
        data=lambda: to_csv_bytes(data),  # made when pressed, not on every rerun
        file_name=safe_filename(title, ".csv"),
        mime="text/csv",
        key=f"{key}__csv",
        on_click="ignore",
    )


__all__ = [
    "COVID_GAP_YEARS",
    "NO_DATA",
    "add_segments",
    "category_by_district_chart",
    "comparison_bars",
    "distribution_chart",
    "district_map",
    "features_from",
    "next_year",
    "projector",
    "render_chart",
    "to_png",
    "trend_chart",
    "trend_spec",
    "year_range",
]
