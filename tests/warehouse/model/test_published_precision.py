"""Equal published figures get equal results; a limit of exactly 0 is not below 0 (decision 9).

Hand-worked: six KS2 schools in 2018/19 with a national file (cohort 180 = 6 x 30, so the
distribution is national). U1 and U2 publish the same three progress scores in a different order,
(0.1, 0.2, -0.3) and (-0.3, 0.2, 0.1): in floating point their sums are 5.6e-17 and 1.4e-17, so a
float mean ranked them apart. Published to one decimal, the mean is kept to two: 0.00 for both.
"""

from __future__ import annotations

import pytest

from tests.warehouse.model import core_fixture as cf
from tests.warehouse.model.conftest import rows
from warehouse import model_settings
from warehouse.connection import open_in_memory

U1, U2, U3, U4, U5, U6 = 701, 702, 703, 704, 705, 706
SCHOOLS = {
    # urn: (RWM %, (reading, writing, maths) progress, CIs)
    U1: (60, (0.1, 0.2, -0.3), None),
    U2: (60, (-0.3, 0.2, 0.1), None),
    # upper limits 0.3, -0.1, -0.2: mean exactly 0 (float: -2.8e-17, "significantly below")
    U3: (50, (-0.5, -0.5, -0.5), [(-1.0, 0.3), (-1.0, -0.1), (-1.0, -0.2)]),
    U4: (70, (1.0, 1.0, 1.0), None),
    U5: (80, (2.0, 2.0, 2.0), None),
    U6: (40, (-1.0, -1.0, -1.0), None),
}


@pytest.fixture(scope="module")
def model(settings):
    con = open_in_memory()
    cf.create_core(con)
    cf.national(con, 201819, "ks2", "ks2_rwm_expected_pct", 60.0, cohort=180)
    for urn, (rwm, prog, cis) in SCHOOLS.items():
        cf.school(con, urn, f"School {urn}")
        cf.ks2(con, urn, 201819, rwm, prog, cis)
    model_settings.run_model(con, settings=settings)
    yield con
    con.close()


def _ach(con, urn):
    return rows(con, "SELECT * FROM achievement WHERE urn = ? AND time_period = 201819", [urn])[0]


def test_equal_published_progress_gives_equal_mean_percentile_and_band(model):
    u1, u2 = _ach(model, U1), _ach(model, U2)
    assert u1["progress_score"] == u2["progress_score"] == 0.0
    assert u1["achievement_score"] == u2["achievement_score"]
    # ranks from the bottom: U6 1, U3 2, U1 3, U2 3, U4 5, U5 6 -> percentile 100 * 2 / 5 = 40
    assert u1["national_percentile"] == u2["national_percentile"] == pytest.approx(40.0)
    assert u1["achievement_band"] == u2["achievement_band"] == 3  # 1 + floor(40 * 5 / 100)
    assert (
        u1["rank_among_loaded"] == u2["rank_among_loaded"] == 3
    )  # from the top: U5, U4, then both
    bands = rows(
        model,
        "SELECT urn, band, percentile FROM school_bands WHERE heading = 'progress' AND urn IN (?, ?)",
        [U1, U2],
    )
    assert len(bands) == 2 and bands[0]["band"] == bands[1]["band"]
    assert bands[0]["percentile"] == bands[1]["percentile"]


def test_upper_limit_of_exactly_zero_is_not_below_zero(model):
    sm = rows(
        model,
        "SELECT ci_upper, significantly_below FROM standardised_measures "
        "WHERE urn = ? AND component = 'progress'",
        [U3],
    )[0]
    assert sm["ci_upper"] == 0.0 and sm["significantly_below"] is False
    expl = rows(
        model,
        "SELECT explanation, flagged FROM school_bands WHERE urn = ? AND heading = 'progress'",
        [U3],
    )[0]
    assert "significantly below" not in expl["explanation"]
    assert "to 0.00)" in expl["explanation"] and "-0.00" not in expl["explanation"]
