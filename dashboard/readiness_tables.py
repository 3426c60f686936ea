"""The inspection-readiness page's tables, built from the model's frames in plain words.

Pure pandas, so the wording (RAG as word and symbol, direction as better/worse, missing figures
said in words) is unit-tested and the page only lays tables out.
"""

from __future__ import annotations

import pandas as pd

from dashboard.components import palette
from dashboard.components.format import fmt_year, format_number, is_missing

DIRECTION = {"better": "▲ better", "worse": "▼ worse", "similar": "● similar"}


def rag_words(value) -> str:
    """A rating as word and symbol ("✓ Green"); other ratings as the model words them."""
    if isinstance(value, str):
        return palette.rag(value).label if value in palette.RAG else value
    return "no comparison"


def figure(value) -> str:
    return "no data" if is_missing(value) else format_number(value, decimals=1)


def category_words(category: str) -> str:
    return palette.category(category).label if category in palette.CATEGORIES else category


def trigger_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One phase's triggers for one year: rating, LA, national, neighbours, direction, rule."""
    no_neighbours = not rows["neighbours_note"].dropna().empty
    return _table(rows, no_neighbours)


def every_trigger_table(triggers: pd.DataFrame) -> pd.DataFrame:
    """Every year's and phase's rows of ``trigger_table`` at once, each column formatted in one
    pass (row for row with ``triggers``, same index): the rows of one year and phase are that
    year's and phase's ``trigger_table``. Neighbours are said not loaded for a year and phase
    whose rows carry a note, as ``trigger_table`` says it for its rows."""
    noted = triggers["neighbours_note"].notna()
    slice_noted = noted.groupby([triggers["time_period"], triggers["phase"]]).transform("any")
    table = _table(triggers, False)
    table.loc[slice_noted, "Statistical neighbours"] = "statistical neighbours not loaded"
    table.loc[slice_noted, "Against neighbours"] = "not loaded"
    return table


def _table(rows: pd.DataFrame, no_neighbours: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Trigger": rows["trigger_no"].astype(str) + ". " + rows["trigger_name"].astype(str),
            "Rating": rows["rag"].map(rag_words),
            "LA": rows["value"].map(figure),
            "National": rows["national_value"].map(figure),
            "Statistical neighbours": "statistical neighbours not loaded"
            if no_neighbours
            else rows["neighbours_value"].map(figure),
            "Against neighbours": "not loaded"
            if no_neighbours
            else rows["rag_vs_neighbours"].map(rag_words),
            "Direction of travel": rows["direction"].map(
                lambda d: DIRECTION.get(d, "not comparable")
            ),
            "Rule": rows["rule"],
        }
    )


def schools_behind(behind: pd.DataFrame) -> pd.DataFrame:
    """The schools behind a trigger, figures formatted like the trigger table."""
    shown = behind.rename(
        columns={
            "urn": "URN",
            "name": "School",
            "district": "District",
            "phase": "Phase",
            "value": "Figure",
            "national_value": "National",
            "detail": "Why",
        }
    )
    shown["URN"] = shown["URN"].astype(str)
    shown[["Figure", "National"]] = shown[["Figure", "National"]].map(figure)
    return shown


def concern_table(part: pd.DataFrame) -> pd.DataFrame:
    table = part[["urn", "name", "district", "phase", "recommended_action", "reasons"]].rename(
        columns={
            "urn": "URN",
            "name": "School",
            "district": "District",
            "phase": "Phase",
            "recommended_action": "Recommended action",
            "reasons": "Reasons",
        }
    )
    table["URN"] = table["URN"].astype(str)
    return table


def intensive_movements(moves: pd.DataFrame) -> pd.DataFrame:
    """Per year: how many schools entered intensive support and how many left it."""
    years = sorted(moves["time_period"].unique())
    into = moves[(moves["to_category"] == "intensive") & (moves["from_category"] != "intensive")]
    out = moves[(moves["from_category"] == "intensive") & (moves["to_category"] != "intensive")]
    return pd.DataFrame(
        {
            "Year": [fmt_year(y) for y in years],
            "▲ Entered intensive": [
                int(into.loc[into["time_period"] == y, "n_schools"].sum()) for y in years
            ],
            "Left intensive": [
                int(out.loc[out["time_period"] == y, "n_schools"].sum()) for y in years
            ],
        }
    )


def latest_movements(moves: pd.DataFrame) -> pd.DataFrame:
    latest = moves[(moves["time_period"] == moves["time_period"].max()) & moves["changed"]]
    return pd.DataFrame(
        {
            "From": latest["from_category"].map(category_words),
            "To": latest["to_category"].map(category_words),
            "Schools": latest["n_schools"].astype(int),
        }
    )
