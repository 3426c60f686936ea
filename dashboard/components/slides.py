"""Briefing slides for a projector: PowerPoint (python-pptx) and the same slides as a landscape PDF.

Large type (titles 40pt, points 28pt, small tables 24pt) and a black-on-white theme (21:1, well above
the 7:1 of ``palette.PROJECTOR_THEME``). Each slide has a title (in the title placeholder, so screen
readers and the outline view find it), bullet points, and optionally a chart picture (with alt text)
and a small table. Slides are ``Slide`` dataclasses or dicts with the same keys.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from dashboard.components.format import is_missing
from dashboard.components.palette import PROJECTOR_THEME
from dashboard.components.pdf import Chart, Heading, PageBreak, Paragraph, Table, render_pdf
from dashboard.components.safe import clean_text

MAX_TABLE_ROWS = 6  # more rows cannot be read at 24pt from the back of a room
MAX_TABLE_COLUMNS = 4
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5  # 16:9


@dataclass
class Slide:
    title: str
    bullets: Sequence[str] = field(default_factory=list)
    chart: Any = None  # Altair chart, Vega-Lite dict or PNG bytes
    chart_alt: str | None = None
    table: pd.DataFrame | None = None
    notes: str | None = None


def _slides(slides: Iterable[Any]) -> list[Slide]:
    return [Slide(**s) if isinstance(s, Mapping) else s for s in slides]


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor as _RGB

    return _RGB.from_string(hex_colour.lstrip("#"))


def _png(chart: Any) -> bytes:
    from dashboard.components.charts import projector, to_png

    if isinstance(chart, (bytes, bytearray)):
        return bytes(chart)
    if isinstance(chart, dict):
        return to_png(chart, scale=2)
    return to_png(projector(chart), scale=2)


def _style_runs(paragraph, size_pt: float, colour: str, bold: bool = False) -> None:
    from pptx.util import Pt

    for run in paragraph.runs:
        run.font.size = Pt(size_pt)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)


def briefing_pptx(slides: Iterable[Any]) -> bytes:
    """A .pptx deck: one slide per ``Slide`` (title, bullets, optional chart and small table)."""
    from PIL import Image
    from pptx import Presentation
    from pptx.util import Inches, Pt

    theme = PROJECTOR_THEME
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W_IN), Inches(SLIDE_H_IN)
    layout = prs.slide_layouts[5]  # "Title Only": a real title placeholder
    margin, top, gap = 0.5, 1.55, 0.3
    content_w, content_h = SLIDE_W_IN - 2 * margin, SLIDE_H_IN - top - 0.35
    for s in _slides(slides):
        slide = prs.slides.add_slide(layout)
        bg = slide.background.fill
        bg.solid()
        bg.fore_color.rgb = _rgb(theme["background"])
        title = slide.shapes.title
        title.left, title.top = Inches(margin), Inches(0.3)
        title.width, title.height = Inches(content_w), Inches(1.1)
        title.text = clean_text(s.title)
        tf = title.text_frame
        tf.word_wrap = True
        for p in tf.paragraphs:
            _style_runs(p, theme["title_pt"], theme["text"], bold=True)

        visuals = s.chart is not None or (s.table is not None and len(s.table))
        text_w = content_w * (0.45 if visuals else 1.0)
        if s.bullets:
            box = slide.shapes.add_textbox(
                Inches(margin), Inches(top), Inches(text_w), Inches(content_h)
            )
            btf = box.text_frame
            btf.word_wrap = True
            for i, b in enumerate(s.bullets):
                p = btf.paragraphs[0] if i == 0 else btf.add_paragraph()
                p.text = "• " + clean_text(b)
                p.space_after = Pt(12)
                _style_runs(p, theme["body_pt"], theme["text"])
        vx = margin + (text_w + gap if s.bullets and visuals else 0)
        vw = content_w - (vx - margin)
        vy = top
        has_table = s.table is not None and len(s.table)
        table_h = 0.6 * (min(len(s.table), MAX_TABLE_ROWS) + 1) if has_table else 0
        if s.chart is not None:
            png = _png(s.chart)
            with Image.open(io.BytesIO(png)) as im:
                ratio = im.size[1] / im.size[0]
            box_h = content_h - table_h - (gap if has_table else 0)
            w = min(vw, box_h / ratio)
            pic = slide.shapes.add_picture(io.BytesIO(png), Inches(vx), Inches(vy), width=Inches(w))
            pic._element.nvPicPr.cNvPr.set("descr", clean_text(s.chart_alt or s.title))
            vy += w * ratio + gap
        if has_table:
            df = s.table.iloc[:MAX_TABLE_ROWS, :MAX_TABLE_COLUMNS]
            rows, cols = len(df) + 1, len(df.columns)
            shape = slide.shapes.add_table(
                rows, cols, Inches(vx), Inches(vy), Inches(vw), Inches(table_h)
            )
            table = shape.table
            for r in range(rows):
                for c in range(cols):
                    v = df.columns[c] if r == 0 else df.iat[r - 1, c]
                    cell = table.cell(r, c)
                    cell.text = "" if is_missing(v) else clean_text(v)
                    cell.fill.solid()
                    header = r == 0
                    cell.fill.fore_color.rgb = _rgb(
                        theme["table_header_background"] if header else theme["background"]
                    )
                    for p in cell.text_frame.paragraphs:
                        _style_runs(
                            p,
                            theme["table_pt"],
                            theme["table_header_text"] if header else theme["text"],
                            bold=header,
                        )
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
    """The same slides as a landscape A4 PDF, one slide per page, large type (pdf.render_pdf)."""
    sections: list[Any] = []
    for i, s in enumerate(_slides(slides)):
        if i:
            sections.append(PageBreak())
        sections.append(Heading(s.title))
        sections += [Paragraph("• " + str(b)) for b in s.bullets]
        if s.chart is not None:
            sections.append(Chart(_png(s.chart), s.chart_alt or s.title, width_share=0.8))
        if s.table is not None and len(s.table):
            sections.append(Table(s.table.iloc[:MAX_TABLE_ROWS, :MAX_TABLE_COLUMNS]))
    return render_pdf(
        title,
        sections,
        source=source,
        data_date=data_date,
        landscape=True,
        body_pt=20,
        compress=compress,
        show_title=False,
        **kwargs,
    )
