"""Drawing a briefing slide (dashboard/briefing_slides.py) on a projector: layout and presenting mode.

The slide is laid out for a 16:9 screen of any size: text sizes are in viewport-height units (``vh``)
with a floor in rem, and the chart or table sits in a box 54% of the viewport's height
(the chart is drawn with ``height="stretch"`` and fills it; its text grows with the window
through Vega's ``windowSize()``), so the same slide fits 1280x720 and
1920x1080 without scrolling and grows with the screen.

Presenting mode (``?present=1``, entered with the P key, left with Escape) shows nothing but the
slide: the sidebar, the app's header, the heading link icons, the buttons and the downloads are
hidden. The Previous / Next / Leave buttons stay in the page, visually hidden but still reachable
by screen readers, so their keyboard shortcuts (ArrowLeft, ArrowRight, Escape) keep working.

The CSS strings are constants (no data in them) passed to st.html; text from data goes through
``md_escape`` and Streamlit's own elements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard import briefing_slides, render
from dashboard.briefing_slides import BriefingSlide
from dashboard.components import charts
from dashboard.components.safe import md_escape
from dashboard.data_access.core import kept

# Black on white (21:1, above the 7:1 of palette.PROJECTOR_THEME); sizes in vh with a rem floor.
SLIDE_CSS = """<style>
[data-testid="stMain"] h1 { font-size: max(2rem, 5.4vh) !important; line-height: 1.15 !important;
  color: #000000 !important; padding: 0 !important; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: max(0.5rem, 1.6vh) !important; }
.st-key-slide_topic p { font-size: max(1.1rem, 3.2vh) !important; font-weight: 600 !important;
  color: #000000 !important; margin: 0 !important; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p {
  font-size: max(1.05rem, 3.1vh) !important; color: #000000 !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: max(1.9rem, 6.2vh) !important; color: #000000 !important; font-weight: 700 !important;
  line-height: 1.1 !important; }
.st-key-slide_body p, .st-key-slide_body li { font-size: max(1.05rem, 3.0vh) !important;
  color: #000000 !important; margin: 0 0 1.2vh 0 !important; }
.st-key-slide_body td, .st-key-slide_body th { font-size: max(1.05rem, 3.1vh) !important;
  color: #000000 !important; padding: 0.4vh 0.8vw !important; }
.st-key-slide_visual, div:has(> .st-key-slide_visual) {
  height: 54vh !important; min-height: 54vh !important; max-height: 54vh !important; }
.st-key-slide_source p { font-size: max(0.95rem, 2.5vh) !important; color: #000000 !important;
  margin: 0 !important; }
[data-testid="stMain"] button p { font-size: 1.3rem !important; }
[data-testid="stMain"] kbd, [data-testid="stSidebar"] [data-testid="stCaptionContainer"],
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] * {
  color: #000000 !important; opacity: 1 !important; }
</style>"""
PRESENTING_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stElementToolbar"],
[data-testid="stBottom"] { display: none !important; }
[data-testid="stMain"] [data-testid="stMainBlockContainer"] {
  padding: 2.5vh 3vw 0 3vw !important; max-width: 100% !important; }
.st-key-briefing_controls { position: absolute !important; width: 1px !important;
  max-width: 1px !important; min-width: 0 !important; height: 1px !important; gap: 0 !important; overflow: hidden !important; clip-path: inset(50%) !important;
  white-space: nowrap !important; margin: 0 !important; padding: 0 !important; }
</style>"""


def _metric(where, metric: briefing_slides.Metric) -> None:
    where.metric(md_escape(metric.label), metric.value)
    if metric.note:
        where.markdown(f"**{md_escape(metric.note)}**")


def _scaled(px_at_720: float) -> dict:
    """A Vega font size that grows with the window's height (``px_at_720`` at 720 pixels)."""
    return {"expr": f"max({px_at_720 * 0.8:g}, windowSize()[1] * {px_at_720 / 720:.5f})"}


def screen_spec(spec: dict) -> dict:
    """The chart's text sized to the screen like the slide's text (Vega's windowSize())."""
    cfg = spec.setdefault("config", {})
    for part in ("axis", "legend", "header"):
        section = cfg.setdefault(part, {})
        section["labelFontSize"] = _scaled(20)
        section["titleFontSize"] = _scaled(22)
    cfg.setdefault("text", {})["fontSize"] = _scaled(20)
    cfg.setdefault("axisQuantitative", {})["tickCount"] = 6  # labels never run together
    return spec


def _make_spec(slide: BriefingSlide) -> dict:
    chart = briefing_slides.for_projector(
        slide.chart.properties(
            width="container",
            height="container",
            autosize={"type": "fit", "contains": "padding"},
        )
    )
    return screen_spec(charts.vega_lite_spec(chart))


@kept
def _spec(deck_key: tuple, number: int, _slide: BriefingSlide) -> dict:
    """The slide's chart as the screen draws it, made once per deck and slide (Altair's copy of
    the chart and its conversion to Vega-Lite were most of a rerun); never changed afterwards."""
    return charts.kept_spec(_make_spec(_slide))


def _chart_spec(slide: BriefingSlide, number: int, deck_key: tuple | None) -> dict:
    if deck_key is None:
        return _make_spec(slide)  # no deck key: made afresh
    return charts.handout(_spec(deck_key, number, slide))  # Streamlit edits what it is given


@kept
def _escaped(deck_key: tuple, number: int, part: str, _frame: pd.DataFrame) -> render.Escaped:
    """A slide's table (``part`` "table") or its chart's figures ("chart_data") escaped and
    converted for st.table once per deck and slide, not on every rerun; never changed."""
    return render.Escaped(_frame)


def table_of(slide: BriefingSlide, part: str, number: int, deck_key: tuple | None
             ) -> pd.DataFrame | render.Escaped:  # fmt: skip
    """``slide.table`` or ``slide.chart_data`` for render.safe_table: kept escaped under the
    deck's key (data_access.briefing.Deck.key, which determines the slide), else as it is."""
    frame = getattr(slide, part)
    return frame if deck_key is None else _escaped(deck_key, number, part, frame)


def _prepare(slide: BriefingSlide, number: int, deck_key: tuple) -> None:
    """Make what ``show`` and the page's figures expander keep for ``slide`` under its deck's key:
    the chart's spec or the table, escaped, and the chart's figures, escaped."""
    if slide.chart is not None:
        _spec(deck_key, number, slide)
    elif slide.table is not None:
        _escaped(deck_key, number, "table", slide.table)
    if slide.chart_data is not None:
        _escaped(deck_key, number, "chart_data", slide.chart_data)


def every_area(deck, number: int, decks: Callable[[], Sequence]) -> None:
    """Build slide ``number`` of every area's deck (``decks()``: the county's and each district's,
    for the same user) and make what the screen keeps of it, once per ``deck``'s key without its
    area and slide: choosing another area then builds and escapes nothing (issue 20: a first
    choice of an area cost a rerun plus its slide). Each deck keeps its own key (build, the user's
    schools, area, suppression, names, intelligence), so nothing crosses users who may see
    different figures; a lookup per rerun once made."""
    base = tuple(None if i == 2 else v for i, v in enumerate(deck.key))  # the area left out
    _every_area(base, number, _decks=decks)


@kept
def _every_area(base: tuple, number: int, _decks: Callable[[], Sequence]) -> bool:
    for each in _decks():
        _prepare(each.slide(number), number, each.key)
    return True


def _visual(slide: BriefingSlide, key: str, number: int, deck_key: tuple | None) -> None:
    """The chart (filling its box) or the small table."""
    box = st.container(key="slide_visual", height=360, border=False)
    if slide.chart is not None:
        box.vega_lite_chart(
            spec=_chart_spec(slide, number, deck_key),
            key=f"{key}__chart",
            alt=slide.chart_alt or slide.title,
            width="stretch",
            height="stretch",
            theme=None,  # the projector's own sizes and black text, not Streamlit's theme
        )
    elif slide.table is not None:
        with box:
            render.safe_table(table_of(slide, "table", number, deck_key), hide_index=True)


def show(
    slide: BriefingSlide, number: int, total: int, *, presenting: bool, key: tuple | None = None
) -> None:
    """One slide: title (its message), topic line, figures beside the chart or table, source line.
    ``key``: the deck's key (data_access.briefing.Deck), under which the chart's spec is kept."""
    st.html(SLIDE_CSS)
    if presenting:
        st.html(PRESENTING_CSS)
    st.title(md_escape(slide.title), anchor=False)
    st.container(key="slide_topic").markdown(md_escape(slide.message))
    body = st.container(key="slide_body")
    visual = slide.chart is not None or slide.table is not None
    with body:
        if visual:
            left, right = st.columns([2, 3], gap="large")
            for metric in slide.metrics[: briefing_slides.MAX_METRICS]:
                _metric(left, metric)
            for bullet in slide.bullets:
                left.markdown(f"**{md_escape(bullet)}**")
            with right:
                _visual(slide, f"slide{number}", number, key)
        else:
            metrics = slide.metrics[:4]
            per_row = 2 if len(metrics) == 4 else max(1, len(metrics))
            for start in range(0, len(metrics), per_row):
                for column, metric in zip(
                    st.columns(per_row, gap="large"), metrics[start : start + per_row], strict=False
                ):
                    _metric(column, metric)
            for bullet in slide.bullets:
                st.markdown(f"**{md_escape(bullet)}**")
    st.container(key="slide_source").markdown(
        md_escape(f"{slide.source} Slide {number} of {total}.")
    )
