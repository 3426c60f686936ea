"""Safe rendering helpers: Streamlit renders Markdown in headings, st.markdown and st.table cells,
so text from data (school names, notes) is escaped first. Never use unsafe_allow_html with data."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

# Every ASCII punctuation character CommonMark lets us escape, plus Streamlit's directive colon.
_MD_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def escape_md(value: Any) -> str:
    """Text that Markdown shows literally: no links, HTML, emphasis or Streamlit directives."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def escaped(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names are Markdown-escaped (for st.table)."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(escape_md)
    out.columns = [escape_md(c) for c in out.columns]
    return out


class Escaped:
    """A table escaped once, to be drawn on many reruns: ``Escaped(df)`` always escapes ``df``
    (there is no way to wrap a frame without escaping it), and keeps it also as the Arrow table
    ``st.table`` would make of it (Streamlit's own conversion), so a cached view draws its tables
    on every rerun without escaping or converting them again. Both are kept read-only."""

    __slots__ = ("frame", "arrow")

    def __init__(self, df: pd.DataFrame) -> None:
        from streamlit import dataframe_util

        self.frame = escaped(df)
        self.arrow = dataframe_util.convert_pandas_df_to_arrow_table(self.frame)

    def __len__(self) -> int:
        return len(self.frame)


def safe_table(df: pd.DataFrame | Escaped, **kwargs) -> None:
    """st.table with data escaped: an accessible HTML table (screen readers, projector)."""
    if isinstance(df, Escaped):
        # the same Arrow bytes as from the frame; the index rule is the caller's (never inferred)
        data = df.arrow if kwargs.get("hide_index") is not None else df.frame.copy(deep=False)
        st.table(data, **kwargs)
    else:
        st.table(escaped(df), **kwargs)


def heading(text: Any, level: int = 2) -> None:
    (st.header if level == 2 else st.subheader)(escape_md(text))
