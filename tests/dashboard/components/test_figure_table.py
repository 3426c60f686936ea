"""Published figures as people read them, and persistent absence never joined across thresholds."""

import pandas as pd

from dashboard.components.figure_table import figures_table, split_thresholds, threshold_label


def test_table_uses_labels_precision_codes_and_group_names():
    df = pd.DataFrame(
        {
            "time_period": [201819, 201819, 201819],
            "measure": ["ks2_rwm_expected_pct", "ks2_rwm_expected_pct", "persistent_absence_pct"],
            "pupil_group": ["all", "disadvantaged", "all"],
            "value": [63.0, None, 6.04],
            "status_code": [None, "SUPP", None],
            "cohort": [60.0, 4.0, None],
            "source_field": ["PTRWM_EXP", "PTRWM_EXP_FSM6CLA1A", "PPERSABS15"],
        }
    )
    t = figures_table(df)
    assert list(t.columns) == ["Year", "Figure", "Pupils", "Value", "Pupils counted"]
    assert list(t["Value"]) == ["63%", "SUPP", "6.0%"]
    assert t["Pupils"].iloc[1].startswith("Disadvantaged pupils (FSM6CLA1A: free school meals")
    assert t["Figure"].iloc[2] == "Persistent absence (15% threshold)"
    assert list(t["Pupils counted"]) == ["60", "4", ""]  # never "60.0" or "None"


def test_thresholds_split_into_separate_lines_with_a_note():
    df = pd.DataFrame(
        {
            "series": ["National", "National", "National"],
            "time_period": [201213, 201516, 201617],
            "measure": ["persistent_absence_pct"] * 3,
            "value": [4.6, 10.5, 10.8],
            "source_field": ["PPERSABS15", "PPERSABS10", "PPERSABS10"],
        }
    )
    out, note = split_thresholds(df)
    assert list(out["series"]) == [
        "National (15% threshold)",
        "National (10% threshold)",
        "National (10% threshold)",
    ]
    assert "not comparable" in note and "not joined" in note
    assert "not comparable" in threshold_label(df)
    same, none = split_thresholds(df.iloc[1:])
    assert none is None and set(same["series"]) == {"National"}
    assert threshold_label(df.iloc[1:]) == "Persistent absence (10% threshold)"
