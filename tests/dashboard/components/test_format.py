"""Hand-worked formatting: each expected string written out by hand."""

import math

import pandas as pd
import pytest

from dashboard.components import format as f
from etl.codes import CODE_MEANINGS as ETL_CODES

M = "\u2212"


@pytest.mark.parametrize(
    ("value", "expected"), [(72, "72%"), (72.5, "73%"), (0.4, "0%"), (100, "100%")]
)
def test_percentages(value, expected):
    assert f.fmt_pct(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.25, "+1.3"),
        (1.3, "+1.3"),
        (-0.8, M + "0.8"),
        (-0.04, "0.0"),
        (0, "0.0"),
        (-1.25, M + "1.3"),
    ],
)
def test_progress_has_sign_and_real_minus(value, expected):
    assert f.fmt_progress(value) == expected


def test_scaled_z_count():
    assert f.fmt_scaled(104.23) == "104.2"
    assert f.fmt_z(0.449) == "+0.45"
    assert f.fmt_z(-0.455) == M + "0.46"  # half-up, as published
    assert f.fmt_count(1234) == "1,234"
    assert f.fmt_count(1234567.0) == "1,234,567"


def test_codes_win_and_missing_is_said():
    assert f.fmt_pct(None, "SUPP") == "SUPP"
    assert f.fmt_progress(float("nan"), "NE") == "NE"
    assert f.fmt_count(None) == f.NO_DATA
    assert f.fmt_pct(math.nan) == f.NO_DATA
    assert f.fmt_pct(pd.NA, pd.NA) == f.NO_DATA


def test_by_measure_and_year():
    assert f.fmt_measure("ks2_rwm_expected_pct", 65) == "65%"
    assert f.fmt_measure("ks4_progress8", -0.125) == M + "0.13"
    assert f.fmt_measure("persistent_absence_pct", 17.26) == "17.3%"
    assert f.fmt_year(201819) == "2018/19"


def test_display_column():
    df = pd.DataFrame(
        {
            "measure": ["ks2_reading_progress", "ks2_rwm_expected_pct"],
            "value": [None, 71.0],
            "status_code": ["LOWCOV", None],
        }
    )
    assert list(f.display_column(df)) == ["LOWCOV", "71%"]
    assert list(f.display_column(df, kind="count")) == ["LOWCOV", "71"]


def test_code_legend_order_dedupe_and_unknown():
    legend = f.code_legend(["NE", None, "SUPP", "NE", float("nan"), "c", "ZZ"])
    assert [c for c, _ in legend] == ["NE", "SUPP", "c", "ZZ"]
    assert "suppressed by the dfe before publication" in dict(legend)["SUPP"].lower()
    assert dict(legend)["ZZ"] == f.UNKNOWN_CODE


def test_every_loader_code_has_a_meaning():
    assert set(ETL_CODES) <= set(f.CODE_MEANINGS)
    for code in ["SUPP", "NE", "NP", "NA", "LOWCOV", "NEW", "DNS", "SP", "c", "x", "z", "low", "u"]:
        assert f.CODE_MEANINGS[code]


@pytest.mark.parametrize(
    ("delta", "hib", "expected"),
    [
        (2.0, True, ("better", "▲")),
        (-2.0, True, ("worse", "▼")),
        (2.0, False, ("worse", "▼")),  # persistent absence up: worse, and the symbol says so
        (-2.0, False, ("better", "▲")),
        (0.0, True, ("no clear change", "●")),
        (0.3, True, ("no clear change", "●")),  # within the threshold below
        (None, True, ("no clear change", "●")),
        (5.0, None, ("no clear change", "●")),  # context measure
    ],
)
def test_direction_words(delta, hib, expected):
    assert f.direction_words(delta, hib, threshold=0.5) == expected


def test_describe_change():
    assert f.describe_change(3.0, False, kind="pct1") == "▼ worse (up 3.0 percentage points)"
    assert f.describe_change(-1.25, True, kind="progress") == "▼ worse (down 1.3)"
