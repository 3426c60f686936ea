"""The priority list's reading list (components/priority_table.py): what a manager reads first."""

from __future__ import annotations

import pandas as pd

from dashboard.components.priority_table import reading_columns
from dashboard.data_access.manager import NO_DISTRICT


def _row(**kw) -> dict:
    row = {"rank": 1, "urn": 100001, "name": "Park School", "district": "Fareham",
           "phase": "Secondary", "category": "universal", "rank_in_category": 1,
           "summary": "Universal support", "watch_flags": [], "last_visit": None,
           "next_review": None}  # fmt: skip
    return {**row, **kw}


def test_a_school_without_a_district_is_listed_under_the_overview_s_words_not_a_blank():
    rows = pd.DataFrame([_row(), _row(urn=100002, name="Bay School", district=None)])
    schools = reading_columns(rows, "all")["School, district, phase"]
    assert schools[0] == "**Park School** · Fareham, secondary"
    assert schools[1] == f"**Bay School** · {NO_DISTRICT}, secondary"
