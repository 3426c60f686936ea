"""The similar-schools section of a school's pages (issue 22): the comparison for everyone who may open
the school, and for managers and officers, on request, the list of the schools in the group.

Pages call ``show(identity, urn)``; data comes from dashboard/data_access/similar.py, drawing from
dashboard/components/similar.py. Governors never reach ``similar.group`` (names of other schools).
"""

from __future__ import annotations

import streamlit as st

from dashboard.access import Identity
from dashboard.components import format
from dashboard.components import similar as view
from dashboard.data_access import similar


def show(identity: Identity, urn: int, *, plain: bool = False, level: int = 2) -> None:
    df = similar.comparison(identity, urn)
    view.show(df, plain=plain, level=level)
    if df.empty or identity.role not in similar.GROUP_ROLES:
        return
    if not st.toggle("List the schools in the group", key=f"similar_list_{urn}"):
        return
    choices = sorted(
        {(int(t), str(k)) for t, k in zip(df["time_period"], df["key_stage"], strict=True)},
        reverse=True,
    )
    choice = st.selectbox(
        "Group of",
        choices,
        format_func=lambda c: f"{format.fmt_year(c[0])} ({c[1].upper()})",
        key=f"similar_year_{urn}",
    )
    view.show_group(similar.group(identity, urn, *choice), format.fmt_year(choice[0]))
