"""The briefing deck builder on hand-made frames: every figure below is worked out by hand."""

import pandas as pd

from dashboard import briefing_slides as bs
from dashboard.access import SUPPRESSED
from dashboard.components import palette


def measures_frame() -> pd.DataFrame:
    rows = [
        # time_period, measure, group, scope, value, cohort, county, national, status
        (201819, "ks2_rwm_expected_pct", "all", "all", 60.0, 100, 64.0, 65.0, None),
        (202425, "ks2_rwm_expected_pct", "all", "all", 70.0, 100, 63.0, 62.0, None),
        (202425, "ks2_rwm_expected_pct", "disadvantaged", "all", 50.0, 20, 45.0, 45.0, None),
        (202425, "ks2_rwm_expected_pct", "non_disadvantaged", "all", 75.0, 80, 70.0, 70.0, None),
        (202425, "ks4_attainment8", "all", "all", 44.0, 50, 46.0, 45.5, None),
        (202425, "ks4_attainment8", "disadvantaged", "all", None, None, 35.8, 36.8, SUPPRESSED),
        (202425, "ks4_attainment8", "non_disadvantaged", "all", None, None, 49.3, 48.9, SUPPRESSED),
        (202425, "overall_absence_pct", "all", "primary", 4.7, None, None, 5.2, None),
        (202425, "persistent_absence_pct", "all", "secondary", 27.0, None, None, 25.4, None),
    ]
    cols = ["time_period", "measure", "pupil_group", "scope", "value", "cohort"]
    cols += ["county_value", "national_value", "status_code"]
    return pd.DataFrame(rows, columns=cols)


def test_compare_says_better_or_worse_with_the_gap():
    # 70 - 62 = 8 points above national on a higher-is-better measure
    assert bs.compare("ks2_rwm_expected_pct", 70, 62, "national") == (
        "▲ better: 8.0 percentage points above national"
    )
    # absence: 27.0 - 25.4 = 1.6 above national is worse
    assert bs.compare("persistent_absence_pct", 27.0, 25.4, "national") == (
        "▼ worse: 1.6 percentage points above national"
    )
    assert bs.compare("ks4_attainment8", 45.5, 45.5, "national") == "● in line with national"
    assert bs.compare("ks4_attainment8", None, 45.5, "national") == "no comparison with national"


def test_glance_adds_up_schools_pupils_and_weights_fsm():
    glance = pd.DataFrame(
        {
            "phase": ["Primary", "Secondary"],
            "schools": [3, 1],
            "pupils": [300, 900],
            "pct_fsm": [20.0, 10.0],
        }
    )
    s = bs.glance_slide("Northdale", glance)
    # (300 x 20 + 900 x 10) / 1200 = 12.5%
    assert [m.value for m in s.metrics] == ["4", "1,200", "12.5%"]
    assert s.message == "4 open schools teaching 1,200 pupils."
    assert s.title == "Northdale at a glance"


def test_comparison_against_county_and_national():
    s = bs.comparison_slide("Northdale", "Eastmoor", measures_frame())
    assert s.title == "Northdale against Eastmoor and national"
    rwm, att8 = s.metrics
    assert rwm.value == "70%" and rwm.label.endswith("(2024/25)")
    assert rwm.note == (
        "▲ better: 8.0 percentage points above national; "
        "▲ better: 7.0 percentage points above Eastmoor"
    )
    assert att8.value == "44.0" and att8.note.startswith("▼ worse: 1.5 points below national")
    assert s.message == (
        "Northdale: ▲ better than national on reading, writing and maths: expected standard; "
        "▼ worse than national on attainment 8 score."
    )
    assert list(s.chart_data["label"]) == ["Northdale", "Eastmoor", "National"]


def test_county_uses_its_published_figure_and_no_county_series():
    s = bs.comparison_slide("Eastmoor", None, measures_frame())
    assert s.title == "Eastmoor against national"
    assert s.metrics[0].value == "63%"  # the published LA figure, not the schools' average
    assert list(s.chart_data["label"]) == ["Eastmoor", "National"]


def test_trend_compares_the_gap_to_national_first_and_last_year():
    s = bs.trend_slide("Northdale", "Eastmoor", measures_frame())
    # 60 - 65 = -5.0 in 2018/19; 70 - 62 = +8.0 in 2024/25: better
    assert s.message == (
        "▲ Better against national: −5.0 percentage points in 2018/19, +8.0 in 2024/25."
    )
    assert s.metrics == []


def test_gaps_and_suppressed_groups_show_the_code():
    s = bs.gaps_slide("Northdale", "Eastmoor", measures_frame())
    # 50 - 75 = -25 in Northdale; 45 - 70 = -25 nationally: the same
    assert s.metrics[0].value == "−25.0"
    assert s.metrics[0].label == "KS2 RWM gap, 2024/25 (percentage points)"
    assert s.metrics[0].note.startswith("● no clear change")
    cells = s.table.to_csv()
    assert SUPPRESSED in cells  # KS4 groups are suppressed: the code, never a number
    assert len(s.metrics) == 1


def test_attendance_lower_is_better():
    s = bs.attendance_slide("Northdale", measures_frame())
    notes = [m.note for m in s.metrics]
    assert notes == [
        "▲ better: 0.5 percentage points below national",
        "▼ worse: 1.6 percentage points above national",
    ]


def test_categories_word_symbol_counts_and_change():
    cats = pd.DataFrame(
        {
            "time_period": [202324, 202324, 202425, 202425, 202425],
            "district": ["A", "A", "A", "A", "A"],
            "category": ["universal", "targeted", "universal", "targeted", "intensive"],
            "schools": [5, 2, 4, 2, 1],
        }
    )
    s = bs.categories_slide("A", False, cats)
    assert [(m.label, m.value, m.note) for m in s.metrics] == [
        ("● Universal", "4", "−1 since 2023/24"),
        ("◆ Targeted", "2", "same as 2023/24"),
        ("▲ Intensive", "1", "+1 since 2023/24"),
    ]
    assert s.message == "7 schools categorised in 2024/25: 4 universal, 2 targeted, 1 intensive."
    named = pd.DataFrame({"name": [f"School {i}" for i in range(8)]})
    s = bs.categories_slide("A", True, cats, named)
    assert s.bullets[0].endswith("School 5 and 2 more.")
    assert s.chart is not None


def test_deck_titles_match_and_projector_contrast():
    slides = bs.build_slides(
        "Northdale",
        "Eastmoor",
        pd.DataFrame({"phase": ["Primary"], "schools": [1], "pupils": [100], "pct_fsm": [10.0]}),
        measures_frame(),
        pd.DataFrame(
            {
                "time_period": [202425],
                "district": ["Northdale"],
                "category": ["universal"],
                "schools": [1],
            }
        ),
    )
    assert [d.title for d in bs.to_deck(slides)] == [s.title for s in slides]
    assert len(slides) == 6
    theme = palette.PROJECTOR_THEME
    # the page's CSS writes #000000 on Streamlit's white background: 21:1
    assert palette.contrast_ratio("#000000", "#FFFFFF") >= theme["min_text_contrast"]
    assert palette.contrast_ratio(theme["text"], theme["background"]) >= 7
