"""Briefing slides for a projector: PowerPoint (python-pptx) and the same slides as a landscape PDF.

Every slide: the title in the slide's title placeholder (screen readers and the outline view find
it), a topic line, the figures as points, one chart picture (with alt text) or one small table, a
source line with the data's date, and speaker notes. Black on white (21:1, well above the 7:1 of
``palette.PROJECTOR_THEME``).

Text is measured before it is placed, never left to the viewer to squeeze: each box's text is
wrapped at spaces with the metrics of Liberation Sans (metric-compatible with Arial, the font the
deck names, so PowerPoint and LibreOffice Impress lay it out the same), at the largest size that
fits its box, from the theme's size down to a floor; points that still do not fit move to a
continuation slide. A word wider than its box is a failure to fit, so no word is ever broken in two.
Table columns are as wide as their longest word needs. Charts are drawn at the size of their box
(192 dots per inch), so they are never stretched.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.components.format import is_missing
from dashboard.components.palette import PROJECTOR_THEME
from dashboard.components.pdf import Chart, Heading, PageBreak, Paragraph, Table, render_pdf
from dashboard.components.safe import clean_text

MAX_TABLE_ROWS = 6  # more rows cannot be read at 20pt+ from the back of a room
MAX_TABLE_COLUMNS = 4
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5  # 16:9
FONT_NAME = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
FONT_FILES = {False: "LiberationSans-Regular.ttf", True: "LiberationSans-Bold.ttf"}
LINE = 1.2  # line height / font size (Arial's single spacing is 1.15)
INSET_X, INSET_Y = 0.1, 0.05  # inches: python-pptx's default text frame insets, set explicitly
CHART_DPI = 96  # Vega pixels per inch of the slide; drawn at twice that
# (box, largest size, smallest size, bold) in points
TITLE_PT, TITLE_MIN_PT = 36, 26
SUBTITLE_PT, SUBTITLE_MIN_PT = 22, 18
BODY_PT, BODY_MIN_PT = 26, 20
TABLE_PT, TABLE_MIN_PT = 22, 18
SOURCE_PT, SOURCE_MIN_PT = 14, 11
MARGIN = 0.5
TITLE_BOX = (MARGIN, 0.3, SLIDE_W_IN - 2 * MARGIN, 1.35)  # left, top, width, height (inches)
SUBTITLE_BOX = (MARGIN, 1.65, SLIDE_W_IN - 2 * MARGIN, 0.5)
BODY_TOP, BODY_BOTTOM = 2.25, 6.65
SOURCE_BOX = (MARGIN, 6.75, SLIDE_W_IN - 2 * MARGIN, 0.6)
TEXT_SHARE = 0.36  # of the body width, beside a chart or table


@dataclass
class Slide:
    title: str
    bullets: Sequence[str] = field(default_factory=list)
    chart: Any = None  # Altair chart, Vega-Lite dict, PNG bytes, or f(width_px, height_px) -> chart
    chart_alt: str | None = None
    table: pd.DataFrame | None = None
    notes: str | None = None
    subtitle: str = ""
    source: str = ""  # the source line: files and the data's date


def _slides(slides: Iterable[Any]) -> list[Slide]:
    return [Slide(**s) if isinstance(s, Mapping) else s for s in slides]


# ------------------------------------------------------------------ measuring text


@cache
def _font(bold: bool, size_pt: float):
    from PIL import ImageFont

    # 10 units per point: lengths come back in tenths of a point. Without Liberation Sans, DejaVu
    # Sans (wider than Arial, so the text still fits) measures it.
    path = FONT_DIR / FONT_FILES[bold]
    if not path.exists():
        path = Path("/usr/share/fonts/truetype/dejavu") / (
            "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        )
    return ImageFont.truetype(str(path), int(round(size_pt * 10)))


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of ``text`` set in Arial / Liberation Sans at ``size_pt``, in points."""
    return _font(bold, size_pt).getlength(text) / 10


def wrap(text: str, width_pt: float, size_pt: float, bold: bool = False) -> list[str] | None:
    """Lines of ``text`` wrapped at spaces to ``width_pt``; None if one word alone is wider."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if text_width_pt(word, size_pt, bold) > width_pt:
            return None
        candidate = f"{line} {word}" if line else word
        if text_width_pt(candidate, size_pt, bold) <= width_pt:
            line = candidate
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def text_height_pt(lines: int, size_pt: float) -> float:
    return lines * size_pt * LINE


def fit(
    paragraphs: Sequence[str],
    box_w_in: float,
    box_h_in: float,
    size_pt: float,
    min_pt: float,
    bold: bool = False,
    space_after_pt: float = 0.0,
) -> tuple[float, int] | None:
    """The largest size (in 1pt steps from ``size_pt`` down to ``min_pt``) at which the first n
    paragraphs fit the box, with the largest such n: (size, n). None if not even one fits."""
    width = (box_w_in - 2 * INSET_X) * 72
    height = (box_h_in - 2 * INSET_Y) * 72
    best: tuple[float, int] | None = None
    size = size_pt
    while size >= min_pt:
        used, n = 0.0, 0
        for p in paragraphs:
            lines = wrap(p, width, size, bold)
            if lines is None:
                break
            need = text_height_pt(len(lines), size) + (space_after_pt if n else 0)
            if used + need > height:
                break
            used, n = used + need, n + 1
        if n == len(paragraphs):
            return size, n
        if best is None or n > best[1]:
            best = (size, n)
        size -= 1
    return best if best and best[1] else None


# ------------------------------------------------------------------ pptx


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor as _RGB

    return _RGB.from_string(hex_colour.lstrip("#"))


def _chart_png(chart: Any, w_in: float, h_in: float) -> bytes:
    """The chart drawn at its box's size (``CHART_DPI`` Vega pixels per inch, rendered at 2x)."""
    from dashboard.components.charts import projector, to_png

    if isinstance(chart, (bytes, bytearray)):
        return bytes(chart)
    w, h = int(w_in * CHART_DPI), int(h_in * CHART_DPI)
    if callable(chart) and not hasattr(chart, "to_dict"):
        chart = chart(w, h)
    elif hasattr(chart, "properties"):
        chart = projector(
            chart.properties(width=w, height=h, autosize={"type": "fit", "contains": "padding"})
        )
    return to_png(chart, scale=2)


def _text_frame(tf, paragraphs: Sequence[str], size: float, bold: bool, space_after: float = 0):
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Inches(INSET_X)
    tf.margin_top = tf.margin_bottom = Inches(INSET_Y)
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for i, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.line_spacing = 1.0
        if i:
            p.space_before = Pt(space_after)
        run = p.add_run()
        run.text = text
        run.font.name = FONT_NAME
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(PROJECTOR_THEME["text"])


def _textbox(slide, box, paragraphs, size, bold=False, space_after=0):
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    _text_frame(shape.text_frame, paragraphs, size, bold, space_after)
    return shape


def table_layout(
    df: pd.DataFrame, box_w_in: float, box_h_in: float
) -> tuple[float, list[float], float] | None:
    """(font size, column widths in inches, row height in inches) at which every cell's text fits
    on one line without breaking a word and the table fits its box; None if it cannot."""
    cells = [[str(c) for c in df.columns]] + [
        ["" if is_missing(v) else clean_text(v) for v in row] for row in df.itertuples(index=False)
    ]
    size = TABLE_PT
    while size >= TABLE_MIN_PT:
        widths = [
            max(text_width_pt(row[c], size, bold=r == 0) for r, row in enumerate(cells)) / 72
            + 2 * INSET_X
            + 0.1
            for c in range(len(cells[0]))
        ]
        row_h = size * LINE / 72 + 2 * INSET_Y + 0.08
        if sum(widths) <= box_w_in and row_h * len(cells) <= box_h_in:
            spare = (box_w_in - sum(widths)) / len(widths)
            return size, [w + spare for w in widths], row_h
        size -= 1
    return None


def _table(slide, df: pd.DataFrame, left: float, top: float, w: float, h: float) -> bool:
    from pptx.util import Inches

    layout = table_layout(df, w, h)
    if layout is None:
        return False
    size, widths, row_h = layout
    rows, cols = len(df) + 1, len(df.columns)
    shape = slide.shapes.add_table(
        rows, cols, Inches(left), Inches(top), Inches(sum(widths)), Inches(row_h * rows)
    )
    table = shape.table
    for c, width in enumerate(widths):
        table.columns[c].width = Inches(width)
    for r in range(rows):
        table.rows[r].height = Inches(row_h)
        for c in range(cols):
            v = df.columns[c] if r == 0 else df.iat[r - 1, c]
            cell = table.cell(r, c)
            header = r == 0
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(
                PROJECTOR_THEME["table_header_background"]
                if header
                else PROJECTOR_THEME["background"]
            )
            _text_frame(cell.text_frame, ["" if is_missing(v) else clean_text(v)], size, header)
            for run in cell.text_frame.paragraphs[0].runs:
                run.font.color.rgb = _rgb(
                    PROJECTOR_THEME["table_header_text"] if header else PROJECTOR_THEME["text"]
                )
    return True


def _pages(s: Slide) -> list[Slide]:
    """The slide, and continuation slides for points that do not fit beside its visual."""
    visual = s.chart is not None or (s.table is not None and len(s.table))
    width = (SLIDE_W_IN - 2 * MARGIN) * (TEXT_SHARE if visual else 1.0)
    points = [clean_text(b) for b in s.bullets]
    out: list[Slide] = []
    first = True
    while True:
        fitted = fit(points, width, BODY_BOTTOM - BODY_TOP, BODY_PT, BODY_MIN_PT, space_after_pt=12)
        n = len(points) if not points else (fitted[1] if fitted else 0)
        if points and n == 0:
            raise ValueError(f"a point cannot fit a slide without breaking a word: {points[0]!r}")
        page = replace(s, bullets=points[:n])
        if not first:
            page = replace(page, title=f"{s.title} (continued)", chart=None, table=None)
        out.append(page)
        points = points[n:]
        first = False
        if not points:
            return out
        width = SLIDE_W_IN - 2 * MARGIN


def _fitted_title(text: str, box: tuple, size: float, min_size: float, bold: bool) -> float:
    fitted = fit([text], box[2], box[3], size, min_size, bold=bold)
    if fitted is None:
        raise ValueError(f"the text cannot fit its box without breaking a word: {text!r}")
    return fitted[0]


def briefing_pptx(slides: Iterable[Any]) -> bytes:
    """A .pptx deck: per ``Slide`` its title (placeholder), topic line, points, chart or table,
    source line and speaker notes, every text measured to fit its box."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    layout = prs.slide_layouts[5]  # "Title Only": a real title placeholder
    pages = [p for s in _slides(slides) for p in _pages(s)]
    for number, s in enumerate(pages, start=1):
        slide = prs.slides.add_slide(layout)
        bg = slide.background.fill
        bg.solid()
        bg.fore_color.rgb = _rgb(PROJECTOR_THEME["background"])
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = (Inches(v) for v in TITLE_BOX)
        title.text_frame.clear()
        size = _fitted_title(clean_text(s.title), TITLE_BOX, TITLE_PT, TITLE_MIN_PT, True)
        _text_frame(title.text_frame, [clean_text(s.title)], size, True)
        if s.subtitle:
            size = _fitted_title(
                clean_text(s.subtitle), SUBTITLE_BOX, SUBTITLE_PT, SUBTITLE_MIN_PT, True
            )
            _textbox(slide, SUBTITLE_BOX, [clean_text(s.subtitle)], size, bold=True)
        visual = s.chart is not None or (s.table is not None and len(s.table))
        body_w = SLIDE_W_IN - 2 * MARGIN
        body_h = BODY_BOTTOM - BODY_TOP
        text_w = body_w * (TEXT_SHARE if visual else 1.0)
        if s.bullets:
            fitted = fit(s.bullets, text_w, body_h, BODY_PT, BODY_MIN_PT, space_after_pt=12)
            _textbox(slide, (MARGIN, BODY_TOP, text_w, body_h), list(s.bullets), fitted[0],
                     space_after=12)  # fmt: skip
        vx = MARGIN + (text_w + 0.3 if s.bullets and visual else 0)
        vw = body_w - (vx - MARGIN)
        if s.chart is not None:
            png = _chart_png(s.chart, vw, body_h)
            pic = slide.shapes.add_picture(
                io.BytesIO(png), Inches(vx), Inches(BODY_TOP), Inches(vw), Inches(body_h)
            )
            pic._element.nvPicPr.cNvPr.set("descr", clean_text(s.chart_alt or s.title))
        elif s.table is not None and len(s.table):
            df = s.table.iloc[:MAX_TABLE_ROWS, :MAX_TABLE_COLUMNS]
            if not _table(slide, df, vx, BODY_TOP, vw, body_h):
                raise ValueError(f"the table of slide {number} cannot fit its box")
        footer = clean_text(f"{s.source} Slide {number} of {len(pages)}.".strip())
        size = _fitted_title(footer, SOURCE_BOX, SOURCE_PT, SOURCE_MIN_PT, False)
        _textbox(slide, SOURCE_BOX, [footer], size)
        if s.notes:
            slide.notes_slide.notes_text_frame.text = clean_text(s.notes)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def briefing_pdf(
    slides: Iterable[Any],
    *,
    title: str = "Briefing",
    source: str = "",
    data_date: str | date | None = None,
    compress: bool = True,
    **kwargs: Any,
) -> bytes:
    """The same slides as a landscape A4 PDF, one slide per page, large type (pdf.render_pdf); each
    page ends with its slide's source line."""
    sections: list[Any] = []
    for i, s in enumerate(_slides(slides)):
        if i:
            sections.append(PageBreak())
        sections.append(Heading(s.title))
        if s.subtitle:
            sections.append(Heading(s.subtitle, 2))
        sections += [Paragraph("• " + str(b)) for b in s.bullets]
        if s.chart is not None:
            sections.append(
                Chart(_chart_png(s.chart, 9.0, 3.6), s.chart_alt or s.title, width_share=0.75)
            )
        if s.table is not None and len(s.table):
            sections.append(Table(s.table.iloc[:MAX_TABLE_ROWS, :MAX_TABLE_COLUMNS]))
        if s.source:
            sections.append(Paragraph(s.source))
    return render_pdf(
        title,
        sections,
        source=source,
        data_date=data_date,
        landscape=True,
        body_pt=18,
        compress=compress,
        show_title=False,
        **kwargs,
    )


__all__ = ["Slide", "briefing_pdf", "briefing_pptx", "fit", "table_layout", "text_width_pt", "wrap"]
