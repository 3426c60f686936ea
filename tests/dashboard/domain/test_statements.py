"""Statements are true of the figures they state (decisions 9, 24): values worked out by hand."""

from __future__ import annotations

import pytest

from dashboard.domain import statements as S
from warehouse import figures as F

RWM = "ks2_rwm_expected_pct"


def test_disadvantaged_better_only_against_disadvantaged_pupils_nationally():
    # The case: a gap "narrower than national" only because other pupils were low too.
    # Area: disadvantaged 45%; national non-disadvantaged 71%, national disadvantaged 51%.
    d = S.disadvantaged("Hart", RWM, 201819, 45, None, 71, 51)
    assert d.second.verdict == S.WORSE
    assert d.gap.verdict is None  # the DfE gap is a fact, never "better"
    assert "26 percentage points below non-disadvantaged pupils nationally (71%)" in d.gap.text
    assert (
        "Worse than disadvantaged pupils nationally (51%): 6 percentage points below"
        in d.second.text
    )
    assert "did worse" in d.title and "better" not in d.title.lower()


def test_disadvantaged_better_beyond_the_threshold():
    d = S.disadvantaged("Hart", RWM, 201819, 54, None, 71, 51)
    assert d.second.verdict == S.BETTER
    assert d.second.figures["difference_vs_national_disadvantaged"] == 3.0
    assert "more than 1 percentage point" in d.note


@pytest.mark.parametrize("value", [50, 51, 52])
def test_within_threshold_is_in_line(value):
    # threshold 1 percentage point: 50, 51, 52 against 51 are all "in line"
    assert S.disadvantaged("X", RWM, 201819, value, None, 71, 51).second.verdict == S.IN_LINE


def test_comparison_made_on_published_precision():
    # 51.4 shows as 51%, the same as 51: never "above"
    assert S.above_below(RWM, 51.4, 51) == "the same as"
    assert S.above_below(RWM, 51.5, 51) == "above"  # half-up, as published


def test_suppressed_disadvantaged_says_why_and_claims_nothing():
    d = S.disadvantaged("X", "ks4_attainment8", 201819, None, "SUPP", 50.1, 36.7)
    assert d.gap.verdict is None and d.second.verdict is None
    assert "suppressed by the DfE" in d.gap.text and "SUPP" in d.gap.text


def test_nationally_only_for_a_national_set():
    assert S.comparison_set("national", 16000, ["Hampshire"]) == "nationally"
    assert (
        S.comparison_set("loaded", 400, ["Hampshire", "North Yorkshire"])
        == "among the 400 schools loaded (Hampshire, North Yorkshire)"
    )
    s = S.standing(None, "loaded", 3, 400, ["Hampshire"])
    assert "nationally" not in s.text.replace("no national", "")
    assert "3rd among the 400 schools loaded (Hampshire)" in s.text


def test_lower_is_better_for_absence():
    s = S.against("persistent_absence_pct", 16.4, 13.4, "the national")
    assert s.verdict == S.WORSE and "3.0 percentage points above the national 13.4%" in s.text


def test_persistent_absence_names_its_threshold():
    assert F.label("persistent_absence_pct", "PPERSABS15") == "Persistent absence (15% threshold)"
    assert F.label("persistent_absence_pct", "PPERSABS10") == "Persistent absence (10% threshold)"
    assert "15%" in F.help_text("persistent_absence_pct", "PPERSABS15")


def test_ordinals_are_written_one_way():
    from dashboard.components.format import ordinal

    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th",
    ]  # fmt: skip


def test_every_figure_definition_names_its_source_and_a_known_precision():
    from dashboard.components.format import KINDS

    for name, f in F.figures().items():
        assert f.label and f.source, name
        assert KINDS[f.kind][0] == f.decimals, name  # the formatter and the definitions agree
        if f.higher_is_better is not None and name in F.figures():
            assert f.threshold >= 0, name
