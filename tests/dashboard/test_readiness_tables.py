"""The readiness page's tables say ratings, directions and gaps in words (hand-worked frames)."""

import math

import pandas as pd

from dashboard import readiness_tables as t


def _triggers(note=None):
    return pd.DataFrame(
        {
            "trigger_no": [4, 5],
            "trigger_name": ["Attainment", "Progress from starting points"],
            "rag": ["amber", "not published"],
            "value": [62.0, math.nan],
            "national_value": [64.0, math.nan],
            "neighbours_value": [66.0, math.nan],
            "rag_vs_neighbours": ["red", None],
            "neighbours_note": [note, note],
            "direction": ["better", None],
            "rule": ["r4", "r5"],
        }
    )


def test_trigger_table_words_ratings_directions_and_missing_figures():
    table = t.trigger_table(_triggers())
    first, second = table.iloc[0], table.iloc[1]
    assert first["Trigger"] == "4. Attainment"
    assert "Amber" in first["Rating"] and first["Rating"] != "amber"  # word with its symbol
    assert (first["LA"], first["National"], first["Statistical neighbours"]) == (
        "62.0",
        "64.0",
        "66.0",
    )
    assert first["Direction of travel"] == "▲ better"
    assert second["Rating"] == "not published" and second["LA"] == "no data"
    assert second["Against neighbours"] == "no comparison"
    assert second["Direction of travel"] == "not comparable"


def test_without_neighbours_the_table_says_they_are_not_loaded():
    table = t.trigger_table(_triggers(note="statistical neighbours not loaded"))
    assert set(table["Statistical neighbours"]) == {"statistical neighbours not loaded"}
    assert set(table["Against neighbours"]) == {"not loaded"}


def test_intensive_movements_count_entries_and_exits_per_year():
    moves = pd.DataFrame(
        {
            "time_period": [202223, 202223, 202324, 202324, 202324],
            "from_category": ["targeted", "intensive", "universal", "intensive", "intensive"],
            "to_category": ["intensive", "targeted", "intensive", "universal", "intensive"],
            "n_schools": [2, 1, 3, 4, 5],
            "changed": [True, True, True, True, False],
        }
    )
    got = t.intensive_movements(moves)
    assert got.to_dict("list") == {
        "Year": ["2022/23", "2023/24"],
        "▲ Entered intensive": [2, 3],
        "Left intensive": [1, 4],
    }
    latest = t.latest_movements(moves)
    assert latest["Schools"].tolist() == [
        3,
        4,
    ]  # the unchanged intensive -> intensive row is left out


def test_every_trigger_table_is_each_year_and_phase_table_row_for_row():
    one = _triggers().assign(time_period=202324, phase="primary")
    noted = _triggers(note="statistical neighbours not loaded").assign(
        time_period=202324, phase="secondary"
    )
    other_year = _triggers().assign(time_period=202223, phase="secondary")
    other_year.loc[1, "neighbours_note"] = "one row noted"  # a note on one row says it for all
    triggers = pd.concat([one, noted, other_year], ignore_index=True)
    every = t.every_trigger_table(triggers)
    for (_, _), rows in triggers.groupby(["time_period", "phase"]):
        pd.testing.assert_frame_equal(every.loc[rows.index], t.trigger_table(rows))
    assert set(every.loc[2:, "Against neighbours"]) == {"not loaded"}  # rows 2-5: noted slices
    assert every.loc[0, "Against neighbours"] != "not loaded"
