"""Standardised measures, achievement, percentiles and bands against hand-worked values (scenario.py)."""

from __future__ import annotations

import math

import pytest

from tests.warehouse.model import scenario as sc
from tests.warehouse.model.conftest import rows

SQRT200 = math.sqrt(200)  # sd of 50, 60, 70, 80, 90 around 70: sqrt((400+100+0+100+400)/5)


def ach(con, urn, tp, ks="ks2"):
    r = rows(
        con,
        "SELECT * FROM achievement WHERE urn = ? AND time_period = ? AND key_stage = ?",
        [urn, tp, ks],
    )
    assert len(r) == 1, r
    return r[0]


def test_ks2_national_zscores_and_achievement(model):
    # 2018/19: RWM 50..90 -> mean 70, sd sqrt(200); progress means 0, -3, 1, -1, 3 -> mean 0, sd sqrt(20/5) = 2.
    b = ach(model, sc.B, 201819)
    assert b["attainment_score"] == 60.0 and b["progress_score"] == -3.0  # (-2 - 4 - 3) / 3
    assert b["attainment_z"] == pytest.approx(-10 / SQRT200)  # -0.70711
    assert b["progress_z"] == pytest.approx(-1.5)  # -3 / 2
    assert b["achievement_score"] == pytest.approx(0.6 * -10 / SQRT200 + 0.4 * -1.5)  # -1.02426
    assert b["method"] == "attainment and progress" and b["method_note"] is None
    assert b["progress_ci_upper"] == pytest.approx(-1.0)  # mean of -1, -2, 0
    e = ach(model, sc.E, 201819)
    assert e["achievement_score"] == pytest.approx(0.6 * 20 / SQRT200 + 0.4 * 1.5)  # 1.44853


def test_national_percentile_rank_and_band(model):
    # Achievement, lowest first: B -1.024, A -0.849, C 0.200, D 0.224, E 1.449 -> percentiles 0, 25, 50, 75, 100.
    expected = {
        sc.B: (0, 5, 1),
        sc.A: (25, 4, 2),
        sc.C: (50, 3, 3),
        sc.D_: (75, 2, 4),
        sc.E: (100, 1, 5),
    }
    for urn, (pct, rank, band) in expected.items():
        r = ach(model, urn, 201819)
        assert r["national_percentile"] == pytest.approx(pct), urn
        assert r["rank_among_loaded"] == rank and r["n_loaded"] == 5
        assert r["achievement_band"] == band and r["band_basis"] == "national"


def test_method_page_example_reproduces_the_model(model, settings):
    from warehouse.model_settings import worked_example

    ex = worked_example(settings)
    for name, urn in {"A": sc.A, "B": sc.B, "C": sc.C, "D": sc.D_, "E": sc.E}.items():
        r = ach(model, urn, 201819)
        assert r["achievement_score"] == pytest.approx(ex[name]["achievement"])
        assert r["national_percentile"] == pytest.approx(ex[name]["percentile"])
        assert r["achievement_band"] == ex[name]["band"]


def test_without_national_file_percentile_is_null_and_rank_among_loaded(model):
    # KS4 2018/19: national cohort 500000, schools 4 x 100 -> not national. Centre = published national 46,
    # spread = sd of the four scored schools 40, 44, 48, 52 around 46 = sqrt((36+4+4+36)/4) = sqrt(20).
    s1 = ach(model, sc.S1, 201819, "ks4")
    assert s1["national_percentile"] is None
    assert s1["attainment_z"] == pytest.approx(-6 / math.sqrt(20))  # -1.34164
    # Progress: scored -0.5, 0.1, 0.3 (S2 suppressed, tiny school excluded); centre 0 (national P8),
    # sd_pop = sqrt(((-0.5+1/30)^2 + (0.1+1/30)^2 + (0.3+1/30)^2) / 3) = 0.339935
    psd = math.sqrt(sum((x - (-0.1 / 3)) ** 2 for x in (-0.5, 0.1, 0.3)) / 3)
    assert s1["progress_z"] == pytest.approx(-0.5 / psd)  # -1.47087
    assert s1["achievement_score"] == pytest.approx(
        0.6 * -6 / math.sqrt(20) + 0.4 * -0.5 / psd
    )  # -1.39333
    assert (s1["rank_among_loaded"], s1["n_loaded"], s1["loaded_percentile"]) == (4, 4, 0)
    assert s1["band_basis"] == "among 4 loaded schools"


def test_suppressed_progress_is_attainment_only_and_labelled(model):
    s2 = ach(model, sc.S2, 201819, "ks4")
    assert s2["method"] == "attainment only"
    assert "suppressed" in s2["method_note"] and "SUPP" in s2["method_note"]
    assert s2["progress_z"] is None
    assert s2["achievement_score"] == pytest.approx(
        -2 / math.sqrt(20)
    )  # attainment z alone, never re-weighted
    # percentile 100 * (2 - 1) / (4 - 1) = 33.3 -> band 1 + floor(33.3 * 5 / 100) = 2
    assert s2["loaded_percentile"] == pytest.approx(100 / 3) and s2["achievement_band"] == 2


def test_year_without_published_progress_is_attainment_only_for_everyone(model):
    # KS2 2023/24 is in achievement.progress_not_published_ks2; school A even has a reading progress row.
    r = rows(model, "SELECT * FROM achievement WHERE key_stage = 'ks2' AND time_period = 202324")
    assert len(r) == 6
    for x in r:
        assert x["method"] == "attainment only"
        assert x["method_note"] == "progress not published for 2023/24"
        assert x["progress_z"] is None
    # national file (cohort 180 = 6 x 30): RWM 40, 50, 60, 70, 80, 60 -> mean 60, sd sqrt((400+100+0+100+400+0)/6)
    a = next(x for x in r if x["urn"] == sc.A)
    assert a["achievement_score"] == pytest.approx(-20 / math.sqrt(1000 / 6))
    sm = rows(
        model,
        "SELECT * FROM standardised_measures WHERE time_period = 202324 AND component = 'progress'",
    )
    assert all(
        not x["scored"] and x["not_scored_reason"] == "not published for 2023/24" for x in sm
    )


def test_tiny_cohort_is_not_scored_and_not_in_the_distribution(model):
    t = ach(model, sc.S_TINY, 201819, "ks4")
    assert t["method"] == "not scored" and t["achievement_score"] is None
    assert t["method_note"] == "not scored: attainment cohort of 4 pupils is below 6"
    # the distribution still has four schools (S1..S4): see test above (n_loaded 4)


def test_special_school_gets_no_score(model):
    sp = ach(model, sc.SPECIAL, 201819)
    assert sp["method"] == "not scored" and "phase Special is not scored" in sp["method_note"]
    # ... and did not enter the national distribution (n_loaded stays 5 above)


def test_ties_share_rank_and_percentile(model):
    # KS4 2022/23, no national rows: T1 = T2 = (50, 0.0), T3 = (40, -1.0). Ranks from the bottom: T3 1, T1 2, T2 2.
    t1, t2, t3 = (ach(model, u, 202223, "ks4") for u in (sc.T1, sc.T2, sc.T3))
    assert t1["achievement_score"] == pytest.approx(t2["achievement_score"])
    assert (
        t1["loaded_percentile"] == t2["loaded_percentile"] == pytest.approx(50.0)
    )  # 100 * (2-1)/(3-1)
    assert t1["rank_among_loaded"] == t2["rank_among_loaded"] == 1
    assert t3["loaded_percentile"] == 0 and t3["rank_among_loaded"] == 3
    # no national row: attainment centre = mean of loaded 46.667; sd = sqrt((3.333^2*2 + 6.667^2)/3) = 4.714
    assert t3["attainment_z"] == pytest.approx((40 - 140 / 3) / math.sqrt(200 / 9))


def test_bands_progress_flag_needs_significance(model):
    b = {
        (r["heading"]): r
        for r in rows(
            model, "SELECT * FROM school_bands WHERE urn = ? AND time_period = 201819", [sc.B]
        )
    }
    assert b["progress"]["flagged"] and b["progress"]["band"] == 1
    assert b["achievement"]["band_label"] == "band 1 of 5 (lowest 20%)"
    # S1: progress percentile 0 (bottom 20%) but CI -1.0 to 0.2 includes 0 -> NOT flagged (decision 10)
    s1 = rows(
        model,
        "SELECT * FROM school_bands WHERE urn = ? AND time_period = 201819 AND heading = 'progress'",
        [sc.S1],
    )[0]
    assert s1["percentile"] == 0 and s1["flagged"] is False


def test_bands_disadvantaged_gap(model):
    # A: disadvantaged 30 vs national non-disadvantaged 70 -> gap -40; national gap 50 - 70 = -20; wider by 20 >= 10.
    a = rows(
        model,
        "SELECT * FROM school_bands WHERE urn = ? AND time_period = 201819 AND heading = 'disadvantaged_gap'",
        [sc.A],
    )[0]
    assert a["band"] == 1 and a["flagged"]
    # B: 52 -> gap -18, narrower than -20 -> band 3. C: SUPP with 2 pupils -> no gap band.
    bb = rows(
        model,
        "SELECT * FROM school_bands WHERE urn = ? AND time_period = 201819 AND heading = 'disadvantaged_gap'",
        [sc.B],
    )[0]
    assert bb["band"] == 3 and not bb["flagged"]
    assert not rows(
        model, "SELECT * FROM school_bands WHERE urn = ? AND heading = 'disadvantaged_gap'", [sc.C]
    )


def test_group_gaps_both_comparisons_and_not_published(model):
    g = rows(model, "SELECT * FROM group_gaps WHERE urn = ? AND time_period = 201819", [sc.A])
    dis = next(x for x in g if x["pupil_group"] == "disadvantaged")
    assert (
        dis["gap_vs_national_non_disadvantaged"] == -40
        and dis["gap_vs_national_disadvantaged"] == -20
    )
    girls = next(x for x in g if x["pupil_group"] == "girls")
    assert girls["value"] is None and girls["note"] == "not published for this group"
    c = rows(
        model,
        "SELECT * FROM group_gaps WHERE urn = ? AND time_period = 201819 AND pupil_group = 'disadvantaged'",
        [sc.C],
    )[0]
    assert c["note"] == "suppressed or not published (SUPP)"


def test_absence_bands(model):
    # Persistent absence 2017/18: A 30 (worst, percentile 0), B 10, C 12, D 8, E 9. Only 5 schools: 'among loaded'.
    a = rows(
        model, "SELECT * FROM school_bands WHERE urn = ? AND heading = 'persistent_absence'", [sc.A]
    )[0]
    assert (
        a["percentile"] == 0
        and a["band"] == 1
        and a["flagged"]
        and a["band_basis"] == "among 5 loaded primary schools"
    )
    c = rows(
        model, "SELECT * FROM school_bands WHERE urn = ? AND heading = 'persistent_absence'", [sc.C]
    )[0]
    assert c["percentile"] == 25 and not c["flagged"]  # second worst: 100 * (2-1)/(5-1)


def test_group_gaps_not_published_rows_are_exactly_the_national_groups_a_school_lacks(model):
    """Worked in Python from school_measures and national_reference: a 'not published for this
    group' row for each national group (KS2/KS4, all phases) that a school-measure with an
    all-pupils row has no row for, and none for a group it publishes or one with no national row."""
    national = {}
    for r in rows(
        model,
        "SELECT DISTINCT time_period, key_stage, measure, pupil_group FROM national_reference"
        " WHERE pupil_group <> 'all' AND key_stage IN ('ks2', 'ks4') AND phase_scope = 'all'",
    ):
        national.setdefault((r["time_period"], r["key_stage"], r["measure"]), set()).add(
            r["pupil_group"]
        )
    published = {}
    for r in rows(
        model,
        "SELECT urn, la_code, time_period, key_stage, measure, pupil_group FROM school_measures"
        " WHERE key_stage IN ('ks2', 'ks4') AND urn IS NOT NULL",
    ):
        key = (r["urn"], r["la_code"], r["time_period"], r["key_stage"], r["measure"])
        published.setdefault(key, set()).add(r["pupil_group"])
    want = {
        (*key, group)
        for key, groups in published.items()
        if "all" in groups
        for group in national.get(key[2:], set()) - groups
    }
    got = [
        (r["urn"], r["la_code"], r["time_period"], r["key_stage"], r["measure"], r["pupil_group"])
        for r in rows(
            model,
            "SELECT * FROM group_gaps WHERE note = 'not published for this group'",
        )
    ]
    assert want and len(got) == len(set(got)) and set(got) == want
