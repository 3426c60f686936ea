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
    assert s.title == "Northdale: 4 open schools teaching 1,200 pupils"


def test_comparison_against_county_and_national():
    s = bs.comparison_slide("Northdale", "Eastmoor", measures_frame())
    # 70 against 62 nationally: above; Attainment 8 44.0 against 45.5: below
    assert s.title == "Northdale: above national at KS2, below at GCSE"
    assert s.message == "Results against Eastmoor and national, latest published year"
    rwm, att8 = s.metrics
    assert rwm.value == "70%" and rwm.label.endswith(", 2024/25")
    assert rwm.note == (
        "▲ better: 8.0 percentage points above national; "
        "▲ better: 7.0 percentage points above Eastmoor"
    )
    assert att8.value == "44.0" and att8.note.startswith("▼ worse: 1.5 points below national")
    assert list(s.chart_data["label"]) == ["Northdale", "Eastmoor", "National"]


def test_county_uses_its_published_figure_and_no_county_series():
    s = bs.comparison_slide("Eastmoor", None, measures_frame())
    # the LA's published 63 against 62, and 46.0 against 45.5: above on both
    assert s.title == "Eastmoor: above national at KS2 and GCSE"
    assert s.metrics[0].value == "63%"  # the published LA figure, not the schools' average
    assert list(s.chart_data["label"]) == ["Eastmoor", "National"]


def test_trend_compares_the_gap_to_national_first_and_last_year():
    s = bs.trend_slide("Northdale", "Eastmoor", measures_frame())
    # 60 - 65 = -5.0 in 2018/19; 70 - 62 = +8.0 in 2024/25: better
    assert s.title == (
        "Northdale KS2: 5.0 points below national in 2018/19, 8.0 points above national in 2024/25"
    )
    assert [m.value for m in s.metrics] == ["−5.0", "+8.0"]
    assert s.metrics[1].note == "▲ better against national since 2018/19"
    assert "2019/20 and 2020/21" in s.chart_alt


def test_gaps_are_the_dfe_gap_and_suppressed_groups_show_the_code():
    s = bs.gaps_slide("Northdale", "Eastmoor", measures_frame())
    # decision 24: Northdale's disadvantaged 50 against other pupils nationally 70 = -20.0;
    # against disadvantaged pupils nationally 45: 5.0 above. No earlier year: no change stated.
    assert s.title == "Disadvantaged pupils (KS2): 20 points behind other pupils nationally"
    assert s.metrics[0].value == "−20.0"
    assert s.metrics[0].label == ("KS2 gap to other pupils nationally, 2024/25 (percentage points)")
    assert s.metrics[0].note == "5.0 points above disadvantaged pupils nationally"
    assert s.metrics[1].value == SUPPRESSED  # KS4 groups are suppressed: the code, never a number
    assert list(s.chart_data["value"]) == [50.0, 45.0, 70.0]


def test_gap_change_since_the_previous_year():
    m = measures_frame()
    earlier = [
        (202324, "ks2_rwm_expected_pct", "disadvantaged", "all", 40.0, 20, None, 44.0, None),
        (202324, "ks2_rwm_expected_pct", "non_disadvantaged", "all", 70.0, 80, None, 69.0, None),
    ]
    m = pd.concat([m, pd.DataFrame(earlier, columns=m.columns)], ignore_index=True)
    s = bs.gaps_slide("Northdale", "Eastmoor", m)
    # 2023/24: 40 - 69 = -29.0; 2024/25: 50 - 70 = -20.0: narrowed by 9
    assert s.title == (
        "Disadvantaged pupils (KS2): 20 points behind other pupils nationally, gap narrowed"
    )
    assert s.metrics[0].note.endswith("gap narrowed since 2023/24 (−29.0)")
    m.loc[(m["time_period"] == 202324) & (m["pupil_group"] == "disadvantaged"), "value"] = 48.6
    s = bs.gaps_slide("Northdale", "Eastmoor", m)
    # 48.6 - 69 = -20.4 against -20.0: a change under one point is "unchanged"
    assert s.title.endswith("20 points behind other pupils nationally, gap unchanged")


def test_a_gap_narrowed_by_low_other_pupils_is_not_called_better():
    """Issue 16: disadvantaged pupils below disadvantaged pupils nationally while the area's own
    other pupils are also low. The DfE gap (against other pupils nationally) says so."""
    rows = [
        (202425, "ks2_rwm_expected_pct", "disadvantaged", "all", 40.0, 30, None, 45.0, None),
        (202425, "ks2_rwm_expected_pct", "non_disadvantaged", "all", 50.0, 70, None, 70.0, None),
    ]
    m = pd.DataFrame(rows, columns=measures_frame().columns)
    s = bs.gaps_slide("Lowtown", "Eastmoor", m)
    assert s.title == "Disadvantaged pupils (KS2): 30 points behind other pupils nationally"
    assert s.metrics[0].note == "5.0 points below disadvantaged pupils nationally"
    text = " ".join([s.title, *(x.note for x in s.metrics)]).lower()
    assert "better" not in text and "narrower" not in text


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
        ("▲ Intensive", "1", "+1 since 2023/24"),
        ("◆ Targeted", "2", "same as 2023/24"),
        ("● Universal", "4", "−1 since 2023/24"),
    ]
    assert s.title == "A: 1 of 7 schools in intensive support, 2 targeted (2024/25)"
    assert s.notes[0] == "7 schools categorised in 2024/25: 4 universal, 2 targeted, 1 intensive."
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
    deck = bs.to_deck(slides)
    assert [d.title for d in deck] == [s.title for s in slides]
    assert len(slides) == 6
    # every slide has a source line with the period of its figures, and notes with its figures
    assert (
        deck[1].source == "Source: DfE performance tables (Key Stage 2 and 4). Figures for 2024/25."
    )
    for d, s in zip(deck, slides, strict=True):
        assert d.source.startswith("Source:") and d.source in d.notes
        assert all(m.value in d.notes for m in s.metrics)
    theme = palette.PROJECTOR_THEME
    # the page's CSS writes #000000 on Streamlit's white background: 21:1
    assert palette.contrast_ratio("#000000", "#FFFFFF") >= theme["min_text_contrast"]
    assert palette.contrast_ratio(theme["text"], theme["background"]) >= 7


def test_one_slide_is_built_from_only_what_it_shows_and_matches_the_deck():
    """The screen builds the slide shown (build_slide): the glance slide reads no measures and the
    categories slide no glance, and each slide is the deck's slide of that number."""
    glance = pd.DataFrame(
        {"phase": ["Primary"], "schools": [1], "pupils": [100], "pct_fsm": [10.0]}
    )
    cats = pd.DataFrame(
        {
            "time_period": [202425],
            "district": ["Northdale"],
            "category": ["universal"],
            "schools": [1],
        }
    )
    asked: list[str] = []

    def given(name: str, frame):
        return lambda: asked.append(name) or frame

    deck = bs.build_slides("Northdale", "Eastmoor", glance, measures_frame(), cats)
    for number, wanted in [(1, ["glance"]), (2, ["measures"]), (5, ["measures"]), (6, ["cats"])]:
        asked.clear()
        one = bs.build_slide(number, "Northdale", "Eastmoor", given("glance", glance),
                             given("measures", measures_frame()), given("cats", cats))  # fmt: skip
        assert asked == wanted
        assert one.speaker_notes() == deck[number - 1].speaker_notes()
    assert len(deck) == bs.SLIDE_COUNT
