"""Reading what a page shows (AppTest) and what an export holds, independently of the figure layer:
visible text, tables, PDF and PPTX text, and an independent formatter for published cells."""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from streamlit.testing.v1 import AppTest

MINUS = "\u2212"


def clean(text: str) -> str:
    """Markdown escapes removed (render.escape_md writes '\\%', '\\(' ...)."""
    return re.sub(r"\\(.)", r"\1", str(text))


def visible_text(at: AppTest) -> str:
    """Every text a person reads on the page: titles, headers, captions, markdown, alerts, metric
    labels and values, table headers and cells (not the protobuf's field names)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [clean(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        parts += [clean(m.label), clean(m.value)]
    for t in [*at.dataframe, *at.table]:
        df = t.value
        parts += [clean(c) for c in df.columns]
        # an empty cell (NaN in a numeric column) is drawn blank, never as "nan"
        parts += [clean(v) for v in df.astype(object).to_numpy().ravel() if not pd.isna(v)]
    return "\n".join(parts)


def tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table on the page with escapes removed."""
    out = []
    for t in [*at.dataframe, *at.table]:
        df = t.value.copy()
        df.columns = [clean(c) for c in df.columns]
        out.append(df.map(lambda v: clean(v) if isinstance(v, str) else v))
    return out


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    for df in tables(at):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with a column {column!r}")


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF (pypdf)."""
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


def pptx_text(data: bytes) -> list[str]:
    """The text of each slide of a PowerPoint file (every shape's text frame and table cell)."""
    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        out.append("\n".join(parts))
    return out


# -- an independent formatter for published cells (not dashboard/components/format.py) ---------


def half_up(value: float, decimals: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )


def pct(value, decimals: int) -> str:
    """A published percentage as a person reads it: 20.45 -> '20.5%' (half-up), minus sign real."""
    d = half_up(value, decimals)
    text = f"{abs(d):,.{decimals}f}%"
    return (MINUS + text) if d < 0 else text


def year(time_period) -> str:
    s = str(int(time_period))
    return f"{s[:4]}/{s[4:]}"


def correct_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


BAD_PATTERNS = {
    "None shown": re.compile(r"\bNone\b"),
    "nan shown": re.compile(r"\b(?:nan|NaN|NaT|<NA>)\b"),
    "four zero decimals": re.compile(r"\d\.0000"),
    "minus zero": re.compile(rf"(?:-|{MINUS})0\.0+(?!\d)"),
    "decision reference": re.compile(r"\(decision \d+\)"),
    "raw code or column name": re.compile(r"(?<![\w/.\-])[a-z]+(?:_[a-z]+)+(?![\w/.\-])"),
}


def formatting_faults(text: str) -> list[str]:
    """Every ordinal, code and number written in a way people should never see."""
    faults = []
    for name, pattern in BAD_PATTERNS.items():
        faults += [f"{name}: {m.group(0)!r}" for m in pattern.finditer(text)]
    for m in re.finditer(r"\b(\d[\d,]*)(st|nd|rd|th)\b", text):
        n = int(m.group(1).replace(",", ""))
        if m.group(2) != correct_suffix(n):
            faults.append(f"ordinal: {m.group(0)!r}")
    return faults
