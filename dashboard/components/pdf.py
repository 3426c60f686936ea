"""PDF documents (school profiles, briefing handouts) with fpdf2: headings, paragraphs, key-value
tables, data tables and charts; on every page a running header (e.g. the school's name) and a footer
with the source, the data's date and "Page n of N".

Printing well: a table that fits on one page is never split (it moves to the next page whole); a
longer one repeats its header row on every page it spans. Columns are at least as wide as their
longest word (the font shrinks, down to a floor, when they cannot all be), so fpdf2 never has to
break a word in two. A heading is never left alone at the foot of a page.

Accessibility, as far as fpdf2 2.8 allows: the document language (/Lang en-GB) and title (shown by
viewers instead of the file name), a bookmark (outline entry) for every heading, and alt text on
every chart (fpdf2 writes a /Figure structure element for it). fpdf2 does not tag paragraphs,
headings or tables in a structure tree, so reading order is the order of the content stream, which
is the order of the sections.

Text is set in DejaVu Sans (fonts-dejavu-core), which has £, – ’ − and the symbols ▲ ▼ ● ◆ ✓ ✕. If
the font is missing, the PDF core font Helvetica is used and text is first made safe for it
(dashes and quotes become their plain forms, other characters outside Latin-1 become "?").
Charts are drawn to PNG offline by vl-convert (``charts.to_png``).

Sections are dataclasses (``Heading``, ``Paragraph``, ``KeyValues``, ``Table``, ``Chart``,
``PageBreak``) or plain dicts: ``{"heading": str, "text": str | list[str], "key_values": mapping or
pairs, "table": DataFrame, "chart": Altair chart or PNG bytes, "chart_alt": str}``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.components.format import is_missing

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
TABLE_HEADER_FILL = (0, 114, 178)  # Okabe-Ito blue; white text on it is 5.2:1
MAX_TABLE_ROWS = 60  # a longer table belongs in the Excel download, not a printed profile
FOOTER_MM = 14  # the footer's three lines of 7pt, from the foot of the page
MIN_TABLE_SCALE = 0.7  # a table's font may shrink to 70% of the body size to fit its words
CELL_PADDING_MM = 2.2  # fpdf2's default cell padding, both sides, plus a little air

_CORE_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u25b2": "^",
    "\u25bc": "v",
    "\u25cf": "*",
    "\u25c6": "*",
    "\u2713": "",
    "\u2715": "x",
    "\u2022": "-",
}


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 section heading, 2 sub-heading


@dataclass
class Paragraph:
    text: str
    scale: float = 1.0  # of the body size (e.g. 0.75 for a list of source files)


@dataclass
class KeyValues:
    rows: Mapping[str, Any] | Sequence[tuple[str, Any]]


@dataclass
class Table:
    data: pd.DataFrame
    caption: str | None = None


@dataclass
class Chart:
    chart: Any  # an Altair chart, a Vega-Lite dict, or PNG bytes
    alt_text: str = "Chart"
    width_share: float = 1.0  # fraction of the text width


@dataclass
class PageBreak:
    # break only when more than this share of the page is already used (1.0 - never; 0 - always)
    if_used: float = 0.0


Section = Heading | Paragraph | KeyValues | Table | Chart | PageBreak


def sanitise_core(text: Any) -> str:
    """Text the PDF core fonts can show (Latin-1), keeping £ and replacing typographic marks."""
    s = "".join(_CORE_REPLACEMENTS.get(ch, ch) for ch in _text(text))
    return s.encode("latin-1", errors="replace").decode("latin-1")


def _pairs(s: KeyValues) -> list[tuple[Any, Any]]:
    return list(s.rows.items()) if isinstance(s.rows, Mapping) else list(s.rows)


def _text(v: Any) -> str:
    return "" if is_missing(v) else str(v)


def expand(sections: Iterable[Any]) -> list[Section]:
    """Dataclass sections as they are; dict sections turned into dataclasses, in reading order."""
    out: list[Section] = []
    for s in sections:
        if not isinstance(s, Mapping):
            out.append(s)
            continue
        if s.get("page_break"):
            out.append(PageBreak())
        if s.get("heading"):
            out.append(Heading(s["heading"], int(s.get("level", 1))))
        texts = s.get("text") or []
        for t in [texts] if isinstance(texts, str) else texts:
            out.append(Paragraph(t))
        if s.get("key_values"):
            out.append(KeyValues(s["key_values"]))
        if s.get("table") is not None:
            out.append(Table(s["table"], s.get("table_caption")))
        if s.get("chart") is not None:
            out.append(Chart(s["chart"], s.get("chart_alt") or s.get("heading") or "Chart"))
    return out


class _Doc:
    """An fpdf2 document with our fonts, sizes and footer."""

    def __init__(
        self,
        title: str,
        *,
        source: str,
        data_date: Any,
        landscape: bool,
        body_pt: float,
        font_dir: Path | None,
        compress: bool,
        header: str = "",
    ):
        from fpdf import FPDF, ViewerPreferences

        footer_text = f"Source: {_text(source) or 'not stated'}. Data as at {_text(data_date).rstrip('.') or 'not stated'}."
        doc = self

        class _PDF(FPDF):
            def header(self) -> None:
                if not header:
                    return
                doc.font("", 8)
                self.set_text_color(0, 0, 0)
                self.set_y(7)
                self.cell(self.epw * 0.8, 5, doc.t(header), align="L")
                self.cell(self.epw * 0.2, 5, doc.t(f"Page {self.page_no()} of {{nb}}"), align="R")
                self.set_y(self.t_margin)

            def footer(self) -> None:
                # up to three lines of 7pt: the source and the data's date, wrapped at spaces
                self.set_y(-FOOTER_MM)
                doc.font("", 7)
                self.set_text_color(0, 0, 0)
                if header:  # the page number is in the header, beside the document's name
                    self.multi_cell(self.epw, 3.2, doc.t(footer_text), align="L")
                    return
                x, y = self.get_x(), self.get_y()
                self.multi_cell(self.epw * 0.8, 3.2, doc.t(footer_text), align="L")
                self.set_xy(x + self.epw * 0.8, y)
                self.cell(self.epw * 0.2, 3.2, doc.t(f"Page {self.page_no()} of {{nb}}"), align="R")

        self.pdf = _PDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.pdf.set_compression(compress)
        self.pdf.set_auto_page_break(True, margin=FOOTER_MM + 4)
        self.pdf.set_margins(15, 15, 15)
        self.unicode = bool(font_dir) and all(
            (Path(font_dir) / f).exists() for f in FONT_FILES.values()
        )
        if self.unicode:
            for style, f in FONT_FILES.items():
                self.pdf.add_font("DejaVu", style, str(Path(font_dir) / f))
        self.family = "DejaVu" if self.unicode else "helvetica"
        self.body_pt = body_pt
        self.pdf.set_title(self.t(title))
        self.pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.pdf.set_lang("en-GB")
        self.pdf.set_creator("School improvement dashboard")
        self.pdf.add_page()

    def t(self, text: Any) -> str:
        return _text(text) if self.unicode else sanitise_core(text)

    def font(self, style: str, size: float) -> None:
        self.pdf.set_font(self.family, style, size)

    def line_h(self, size: float) -> float:
        return size * 0.5  # mm: 1.4 x the point size

    def title(self, text: str) -> None:
        size = self.body_pt * 1.8
        self.font("B", size)
        self.pdf.multi_cell(
            0, self.line_h(size), self.t(text), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.ln(self.body_pt * 0.3)

    def add(self, s: Section) -> None:
        p, size = self.pdf, self.body_pt
        p.set_text_color(0, 0, 0)
        if isinstance(s, PageBreak):
            used = (p.get_y() - p.t_margin) / (p.page_break_trigger - p.t_margin)
            if used > s.if_used:
                p.add_page()
        elif isinstance(s, Heading):
            hs = size * (1.4 if s.level <= 1 else 1.15)
            if p.get_y() + 3 * self.line_h(hs) > p.page_break_trigger:
                p.add_page()  # never a heading alone at the foot of a page
            p.ln(size * 0.2)
            self.font("B", hs)
            p.start_section(self.t(s.text), level=max(0, s.level - 1), strict=False)
            p.multi_cell(
                0, self.line_h(hs), self.t(s.text), align="L", new_x="LMARGIN", new_y="NEXT"
            )
            p.ln(size * 0.1)
        elif isinstance(s, Paragraph):
            size = self._fitting_size(s.text, size * s.scale)
            self.font("", size)
            p.multi_cell(
                0, self.line_h(size), self.t(s.text), align="L", new_x="LMARGIN", new_y="NEXT"
            )
            p.ln(size * 0.2)
        elif isinstance(s, KeyValues):
            self._table([[k, v] for k, v in _pairs(s)], header=None, bold_first=True)
        elif isinstance(s, Table):
            df = s.data.head(MAX_TABLE_ROWS)
            if s.caption:
                self.font("B", size)
                p.multi_cell(
                    0,
                    self.line_h(size),
                    self.t(s.caption),
                    align="L",
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
            self._table(df.values.tolist(), header=[str(c) for c in df.columns])
            if len(s.data) > MAX_TABLE_ROWS:
                self.add(
                    Paragraph(
                        f"The first {MAX_TABLE_ROWS} of {len(s.data)} rows are shown; the download has them all."
                    )
                )
        elif isinstance(s, Chart):
            self._chart(s)
        else:
            raise TypeError(f"not a PDF section: {s!r}")

    def _fitting_size(self, text: str, size: float, floor: float = 6.0) -> float:
        """``size``, or smaller (down to ``floor``) until the longest word fits the line, so a long
        word (a file name) is never broken in two."""
        words = self.t(text).split()
        while size > floor:
            self.font("", size)
            if not words or max(self.pdf.get_string_width(w) for w in words) <= self.pdf.epw:
                break
            size -= 0.5
        return size

    def _table_cells(self, t: Table) -> tuple[list[list[str]], list[str]]:
        df = t.data.head(MAX_TABLE_ROWS)
        return df.values.tolist(), [str(c) for c in df.columns]

    def keep_with_next(self, heading: Heading, after: Table | KeyValues | Chart) -> None:
        """Start a new page before ``heading`` when what follows it would not start on this page
        (a table that moves whole, or a chart), so a heading never sits alone above a gap."""
        p = self.pdf
        if p.get_y() <= p.t_margin + 1:
            return
        hs = self.body_pt * (1.4 if heading.level <= 1 else 1.15)
        need = 3 * self.line_h(hs)
        if isinstance(after, Chart):
            need += self._chart_size(after)[1]
        else:
            if isinstance(after, KeyValues):
                rows, header, bold = [list(r) for r in _pairs(after)], None, True
            else:
                (rows, header), bold = self._table_cells(after), False
            with p.offset_rendering() as trial:
                trial.set_y(trial.t_margin)
                self._table(rows, header, bold_first=bold, trial_only=trial)
            if trial.page_break_triggered:
                return  # a long table: it starts here and repeats its header
            with p.offset_rendering() as here:
                self._table(rows, header, bold_first=bold, trial_only=here)
            if not here.page_break_triggered:
                return
            need = p.page_break_trigger  # it moves whole: so does its heading
        if p.get_y() + need > p.page_break_trigger:
            p.add_page()

    def _widths(self, rows: list[list[str]], size: float, bold_first: bool, header: bool):
        """Column widths (mm) at ``size``: each at least its longest word, the rest shared in
        proportion to the column's text; None when the longest words alone are wider than the page."""
        p = self.pdf
        n = max(len(r) for r in rows)
        need, want = [0.0] * n, [0.0] * n
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                bold = (header and i == 0) or (bold_first and j == 0)
                self.font("B" if bold else "", size)
                words = v.split() or [""]
                need[j] = max(need[j], max(p.get_string_width(w) for w in words))
                want[j] = max(want[j], p.get_string_width(v))
        need = [w + 2 * CELL_PADDING_MM for w in need]
        if sum(need) > p.epw:
            return None
        want = [max(a, b + 2 * CELL_PADDING_MM) for a, b in zip(need, want, strict=True)]
        if sum(want) <= p.epw:
            spare = (p.epw - sum(want)) / n
            return [w + spare for w in want]
        extra = [w - m for w, m in zip(want, need, strict=True)]
        share = (p.epw - sum(need)) / (sum(extra) or 1)
        return [m + e * share for m, e in zip(need, extra, strict=True)]

    def _table(
        self,
        rows: list[list[Any]],
        header: list[str] | None,
        col_widths: Any = None,
        bold_first: bool = False,
        trial_only: Any = None,
    ) -> None:
        p = self.pdf
        cells = [[self.t(v) for v in r] for r in rows]
        head = [self.t(h) for h in header] if header is not None else None
        everything = ([head] if head else []) + cells
        size = self.body_pt * 0.9
        widths = None
        while widths is None and size >= self.body_pt * MIN_TABLE_SCALE:
            widths = self._widths(everything, size, bold_first, head is not None)
            if widths is None:
                size -= 0.5
        if widths is None:  # even the floor cannot hold the words: fpdf2 wraps them as it must
            size = self.body_pt * MIN_TABLE_SCALE
        if trial_only is not None:  # measuring only (keep_with_next)
            self._draw_table(trial_only, cells, head, widths, size, bold_first)
            return
        with p.offset_rendering() as trial:
            self._draw_table(trial, cells, head, widths, size, bold_first)
        fits_one_page = not trial.page_break_triggered
        if not fits_one_page and p.get_y() > p.t_margin + 1:
            # would it fit on a fresh page? then move it there whole
            with p.offset_rendering() as whole:
                whole.set_y(whole.t_margin)
                self._draw_table(whole, cells, head, widths, size, bold_first)
            if not whole.page_break_triggered:
                p.add_page()
        self._draw_table(p, cells, head, widths, size, bold_first)
        p.ln(self.body_pt * 0.3)

    def _draw_table(self, p, cells, head, widths, size, bold_first) -> None:
        from fpdf.fonts import FontFace

        p.set_font(self.family, "", size)
        style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=TABLE_HEADER_FILL)
        with p.table(
            col_widths=widths,
            width=min(sum(widths), p.epw) if widths else None,
            align="LEFT",
            text_align="LEFT",
            line_height=self.line_h(size),
            first_row_as_headings=head is not None,
            headings_style=style,
            repeat_headings=1,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            if head is not None:
                r = table.row()
                for h in head:
                    r.cell(h)
            for row in cells:
                r = table.row()
                for j, v in enumerate(row):
                    r.cell(v, style=FontFace(emphasis="BOLD") if bold_first and j == 0 else None)

    def _png(self, s: Chart) -> bytes:
        from dashboard.components.charts import to_png

        if not isinstance(s.chart, (bytes, bytearray)):
            s.chart = to_png(s.chart, scale=2)  # drawn once, measured and placed
        return s.chart

    def _chart_size(self, s: Chart) -> tuple[float, float]:
        from PIL import Image

        with Image.open(io.BytesIO(self._png(s))) as im:
            w_px, h_px = im.size
        p = self.pdf
        w = p.epw * max(0.1, min(1.0, s.width_share))
        h = w * h_px / w_px
        room = p.page_break_trigger - p.t_margin
        if h > room:  # a tall chart is scaled down to fit one page
            w, h = w * room / h, room
        return w, h

    def _chart(self, s: Chart) -> None:
        png = self._png(s)
        w, h = self._chart_size(s)
        p = self.pdf
        if p.get_y() + h > p.page_break_trigger:
            p.add_page()
        p.image(io.BytesIO(png), x=p.l_margin, w=w, h=h, alt_text=self.t(s.alt_text))
        p.ln(self.body_pt * 0.3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(
    title: str,
    sections: Iterable[Any],
    *,
    source: str = "",
    data_date: str | date | None = None,
    landscape: bool = False,
    body_pt: float = 11,
    font_dir: Path | str | None = DEJAVU_DIR,
    compress: bool = True,
    show_title: bool = True,
    header: str = "",
) -> bytes:
    """The general renderer behind ``profile_pdf`` and ``slides.briefing_pdf``; ``header`` is
    printed at the top of every page."""
    doc = _Doc(
        title,
        header=header,
        source=source,
        data_date=data_date,
        landscape=landscape,
        body_pt=body_pt,
        font_dir=Path(font_dir) if font_dir else None,
        compress=compress,
    )
    if show_title:
        doc.title(title)
    items = expand(sections)
    for s, after in zip(items, [*items[1:], None], strict=True):
        if isinstance(s, Heading) and isinstance(after, (Table, KeyValues, Chart)):
            doc.keep_with_next(s, after)
        doc.add(s)
    return doc.output()


def profile_pdf(
    title: str,
    sections: Iterable[Any],
    *,
    source: str = "",
    data_date: str | date | None = None,
    font_dir: Path | str | None = DEJAVU_DIR,
    compress: bool = True,
    header: str = "",
) -> bytes:
    """A portrait A4 profile: the title, then each section; ``header`` (the school) at the top of
    every page; footer with source, data date, page n of N.

    ``font_dir=None`` forces the core-font fallback; ``compress=False`` leaves content streams
    readable (tests).
    """
    return render_pdf(
        title,
        sections,
        source=source,
        data_date=data_date,
        font_dir=font_dir,
        compress=compress,
        header=header,
    )
