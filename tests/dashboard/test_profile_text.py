"""The governor profile's sentences, each worked out by hand from the figures given."""

import pandas as pd

from dashboard import profile_text as pt
from dashboard.access import SUPPRESSED


def test_headline_example_from_the_issue():
    # 54 < 61 and 54 < 59: below both.
    assert (
        pt.headline("ks2_rwm_expected_pct", 54, None, 61, 59)
        == "Reading, writing and maths: 54% met the expected standard, below the national 61% and the county 59%"
    )


def test_headline_compares_the_figures_as_shown():
    # 61.4 shows as 61%, like 61.2: "the same as", not "above".
    assert pt.headline("ks2_rwm_expected_pct", 61.4, None, 61.2, 58.6) == (
        "Reading, writing and maths: 61% met the expected standard, the same as the national 61% "
        "and above the county 59%"
    )


def test_headline_lower_is_better_and_missing_la():
    # 16.4 > 13.4; no LA figure published for absence.
    assert pt.headline("persistent_absence_pct", 16.4, None, 13.4, None) == (
        "Persistent absence: 16.4% of pupils missed 10% or more of sessions, above the national 13.4% "
        "(lower is better)"
    )


def test_headline_progress8_sign_and_codes():
    assert pt.headline("ks4_progress8", -0.456, None, 0.0, -0.1, la_label="Eastmoor") == (
        "Progress 8: a score of \u22120.46, below the national 0.00 and Eastmoor \u22120.10"
    )
    assert pt.headline("ks2_rwm_expected_pct", None, SUPPRESSED, 61, 59).startswith(
        "Reading, writing and maths: not shown because the group is too small"
    )
    assert "NP: not published" in pt.headline("ks4_progress8", None, "NP", 0, 0)


def test_progress_note():
    assert (
        pt.progress_note("attainment only", "progress not published for 2023/24")
        == "Progress was not published for 2023/24, so the score uses attainment only"
    )
    assert pt.progress_note("attainment and progress", None) is None


def test_standing_national_and_loaded():
    # 40.14 -> 40th percentile.
    assert pt.standing(40.14, "national", 1166, 2004) == (
        "The achievement score is higher than 40% of schools nationally in the same phase "
        "(40th percentile; 50th is the middle)"
    )
    text = pt.standing(None, "among 40 loaded schools", 3, 40)
    assert text.startswith("The achievement score ranks 3rd among the 40 schools loaded")
    # with the comparison set named (decision 9): never "nationally"
    text = pt.standing(
        None, "among 40 loaded schools", 3, 40, "among the 40 schools loaded (Hampshire)"
    )
    assert "3rd among the 40 schools loaded (Hampshire)" in text
    assert "nationally in" not in text
    assert pt.ordinal(11) == "11th" and pt.ordinal(22) == "22nd" and pt.ordinal(101) == "101st"


def test_trend_words():
    assert pt.trend("attainment", "worse", [202122, 202223, 202324]) == (
        "Compared with national, attainment got worse over 3 published years (2021/22 to 2023/24)"
    )
    assert "no clear change" in pt.trend("progress", "similar", [202223, 202324, 202425])
    assert pt.trend("attainment", None, [202425]).startswith("There are not enough published years")


def test_disadvantaged_against_both_national_groups():
    # 40 < 66 (other pupils nationally), 40 < 46 (disadvantaged nationally).
    # The DfE gap first (against non-disadvantaged pupils nationally), then the second line.
    assert pt.disadvantaged("ks2_rwm_expected_pct", 40, None, 66, 46) == (
        "Disadvantaged pupils in the school: 40% met the expected standard in reading, writing "
        "and maths, 26 percentage points below non-disadvantaged pupils nationally (66%). "
        "▼ Worse than disadvantaged pupils nationally (46%): 6 percentage points below"
    )
    assert "too small" in pt.disadvantaged("ks2_rwm_expected_pct", None, SUPPRESSED, 66, 46)


def test_category_sentence():
    assert pt.category("targeted", 1).endswith("for the 1 reason listed below")
    assert pt.category("universal", 0).startswith("The council gives the school universal support")


def test_what_stands_out_uses_the_latest_year():
    measures = pd.DataFrame(
        {
            "time_period": [202324, 202425, 202425],
            "measure": ["ks2_rwm_expected_pct", "ks2_rwm_expected_pct", "persistent_absence_pct"],
            "pupil_group": ["all", "all", "all"],
            "value": [52.0, 60.0, 16.4],
            "status_code": [None, None, None],
            "national_value": [61.0, 62.0, 13.4],
            "la_value": [60.0, 63.0, None],
        }
    )
    achievement = pd.DataFrame(
        {
            "time_period": [202425],
            "key_stage": ["ks2"],
            "method": ["attainment only"],
            "method_note": ["progress not published for 2024/25"],
            "national_percentile": [40.1],
            "band_basis": ["national"],
            "rank_among_loaded": [1166],
            "n_loaded": [2004],
        }
    )
    trends = pd.DataFrame(
        {
            "time_period": [202425],
            "key_stage": ["ks2"],
            "component": ["attainment"],
            "direction": ["better"],
            "years": [[202223, 202324, 202425]],
        }
    )
    gaps = pd.DataFrame(
        {
            "time_period": [202425],
            "measure": ["ks2_rwm_expected_pct"],
            "pupil_group": ["disadvantaged"],
            "value": [None],
            "status_code": [SUPPRESSED],
            "national_non_disadvantaged": [70.0],
            "national_disadvantaged": [47.0],
        }
    )
    lines = pt.what_stands_out(measures, achievement, trends, gaps, "universal", 0)
    assert lines[0] == (
        "2024/25. Reading, writing and maths: 60% met the expected standard, below the national 62% "
        "and the county 63%"
    )
    assert lines[1] == "Progress was not published for 2024/25, so the score uses attainment only"
    assert lines[2].startswith("The achievement score is higher than 40% of schools nationally")
    assert lines[3] == (
        "Compared with national, attainment got better over 3 published years (2022/23 to 2024/25)"
    )
    assert "too small" in lines[4]
    assert lines[5].startswith("2024/25. Persistent absence: 16.4%")
    assert lines[6].startswith("The council gives the school universal support")
