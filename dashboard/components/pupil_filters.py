"""The pupil progress page's "Which pupils" choices (rendering): four selectboxes that narrow one
school's pupils, returned as the keyword filters of data_access.pupils.school_distribution."""

from __future__ import annotations

import streamlit as st

SEN_WORDS = {"none": "No SEN", "support": "SEN support", "ehcp": "EHC plan"}
SEX_WORDS = {"F": "Girls", "M": "Boys"}
_YES_NO = {"Any": None, "Yes": True, "No": False}


def which_pupils() -> tuple[dict, tuple[str, ...]]:
    """(filters for school_distribution, the choices as shown: part of a chart's memo key)."""
    st.subheader("Which pupils")
    c1, c2, c3, c4 = st.columns(4)
    dis = c1.selectbox("Disadvantaged", list(_YES_NO), key="pupils_dis")
    sen = c2.selectbox(
        "SEN", ["Any", *SEN_WORDS], key="pupils_sen", format_func=lambda s: SEN_WORDS.get(s, s)
    )
    eal = c3.selectbox("English as an additional language", list(_YES_NO), key="pupils_eal")
    sex = c4.selectbox(
        "Sex", ["Any", *SEX_WORDS], key="pupils_sex", format_func=lambda s: SEX_WORDS.get(s, s)
    )
    filters = dict(
        disadvantaged=_YES_NO[dis],
        sen=None if sen == "Any" else sen,
        eal=_YES_NO[eal],
        sex=None if sex == "Any" else sex,
    )
    return filters, (dis, sen, eal, sex)
