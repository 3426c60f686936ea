"""Escaping for text from data (school names, notes) before Streamlit renders it as Markdown.

Streamlit renders Markdown in st.markdown, st.write of strings, headings, widget labels, st.table
cells and metric labels: a school called "St *Mary*'s [click](http://x)" would turn bold and become a
link. ``md_escape`` makes Markdown show the text literally. Raw HTML is never rendered because no
component uses ``unsafe_allow_html``; escaping "<" as well keeps "<script>" visible as text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

# Every ASCII punctuation character CommonMark allows to be backslash-escaped. That covers emphasis
# (* _), links and images ([ ] ( ) !), code (`), HTML (< > &), headings (#), lists (- + . digits
# are harmless without the dot), tables (|), Streamlit directives (:red[...], :material/x:) and
# LaTeX ($).
_MD_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Bidirectional overrides can make a name display differently from what it is.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_text(value: Any) -> str:
    """The text of a value with control characters and bidi overrides removed ("" for missing)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        value = str(value)
    value = value.translate(_BIDI)
    return "".join(
        ch for ch in value if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    )


def md_escape(value: Any, *, keep_newlines: bool = False) -> str:
    """Text that Streamlit's Markdown shows literally: no emphasis, links, HTML or directives.

    Newlines become spaces (a heading or label is one line) unless ``keep_newlines``, where each
    becomes a Markdown hard line break so a note keeps its lines without starting a list or heading.
    """
    text = _MD_SPECIAL.sub(r"\\\1", clean_text(value)).replace("\t", " ")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if keep_newlines:
        return "  \n".join(line.strip() for line in lines)
    return " ".join(line.strip() for line in lines if line.strip())


def md_escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cells and column names escaped, for st.table (which renders Markdown)."""
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(md_escape)
    out.columns = [md_escape(c) for c in out.columns]
    return out


def safe_filename(title: Any, suffix: str = "") -> str:
    """A download file name from a title: letters, digits and hyphens only, never empty."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", unicodedata.normalize("NFKD", clean_text(title)))
    stem = stem.strip("-").lower()[:80] or "data"
    return stem + suffix
