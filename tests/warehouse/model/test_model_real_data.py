"""The model on real published data (/work/shared/data/real, loaded by the real ETL): every KS2 2018/19
Hampshire score and percentile, and every KS4 2018/19 England national percentile, recomputed here
independently (pandas) by the method page's formulas. The warehouse is the session's real load
(tests/conftest.py real_warehouse), Ofsted files included: scores and percentiles do not read them."""

from __future__ import annotations

import numpy as np
import pytest

EXCLUDED_PHASES = ["Nursery", "Special", "Alternative provision", "16 plus"]


@pytest.fixture(scope="module")
def real(real_warehouse):
    """The session's load of the real published files (tests/conftest.py), read-only."""
    from warehouse.connection import open_read_only, resolve_build

    con = open_read_only(resolve_build(real_warehouse))
    yield con
    con.close()


def recompute(con, tp, ks, att, progs, national_file):
    sm = con.execute(
        "SELECT urn, la_code, measure, value, cohort FROM school_measures WHERE time_period = ? AND key_stage = ? AND pupil_group = 'all'",
        [tp, ks],
    ).df()
    w = sm.pivot_table(index="urn", columns="measure", values="value").reset_index()
    w = w.merge(sm[sm.measure == att][["urn", "cohort"]], on="urn")
    w = w.merge(con.execute("SELECT urn, phase FROM schools").df(), on="urn", how="left")
    w = w[~w.phase.isin(EXCLUDED_PHASES) & w[att].notna() & ~(w.cohort < 6)].copy()
    # the KS2 mean of three one-decimal scores is kept to two decimals (decision 9); a k/30 never
    # falls on a half, so pandas' rounding agrees with the DECIMAL arithmetic of the model
    w["prog"] = (
        w[progs].mean(axis=1, skipna=False).round(len(progs) - 1 if len(progs) == 3 else 6)
        if all(p in w for p in progs)
        else np.nan
    )
    nat = dict(
        con.execute(
            "SELECT measure, value FROM national_reference WHERE time_period = ? AND pupil_group = 'all' AND phase_scope = 'all'",
            [tp],
        ).fetchall()
    )
    a_centre = w[att].mean() if national_file else nat[att]
    p_centre = (
        w.prog.mean() if national_file else (nat.get(progs[0], 0.0) if len(progs) == 1 else 0.0)
    )
    za = (w[att] - a_centre) / w[att].std(ddof=0)
    zp = (w.prog - p_centre) / w.prog.dropna().std(ddof=0)
    w["ach"] = np.where(w.prog.notna(), 0.6 * za + 0.4 * zp, za)
    w["pct"] = (w.ach.rank(method="min") - 1) / (len(w) - 1) * 100
    return w


def test_ks2_hampshire_scores_reproduce(real):
    w = recompute(
        real,
        201819,
        "ks2",
        "ks2_rwm_expected_pct",
        ["ks2_reading_progress", "ks2_writing_progress", "ks2_maths_progress"],
        national_file=False,
    )
    m = real.execute(
        "SELECT * FROM achievement WHERE time_period = 201819 AND key_stage = 'ks2' AND achievement_score IS NOT NULL"
    ).df()
    j = w.merge(m, on="urn")
    assert len(j) == len(w) == len(m) > 250
    assert np.allclose(j.ach, j.achievement_score) and np.allclose(j.pct, j.loaded_percentile)
    assert (
        m.national_percentile.isna().all()
    )  # one LA's file: no national distribution (decision 8)
    assert (m.band_basis == f"among {len(m)} loaded schools").all()


def test_ks4_england_national_percentiles_reproduce(real):
    w = recompute(real, 201819, "ks4", "ks4_attainment8", ["ks4_progress8"], national_file=True)
    m = real.execute(
        "SELECT * FROM achievement WHERE time_period = 201819 AND key_stage = 'ks4' AND achievement_score IS NOT NULL"
    ).df()
    j = w.merge(m, on="urn")
    assert len(j) == len(m) > 3000
    assert np.allclose(j.ach, j.achievement_score) and np.allclose(j.pct, j.national_percentile)


def test_real_categories_have_true_reasons(real):
    cat = real.execute("SELECT * FROM support_category").df()
    assert ((cat.category.isin(["targeted", "intensive"])) == (cat.reasons.map(len) > 0)).all()
    assert cat.summary.notna().all() and cat.recommended_action.notna().all()
    # every W1 watch signal's percentile is the school's own, below the cut-off
    r = real.execute(
        """SELECT a.loaded_percentile FROM support_reasons s JOIN achievement a USING (urn, time_period, key_stage)
           WHERE s.rule_id = 'W1_low_achievement'"""
    ).df()
    assert len(r) > 0 and (r.loaded_percentile < 20).all()
    # every progress watch signal's upper limit is below 0 where a CI is published
    r = real.execute(
        """SELECT m.ci_upper FROM support_reasons s JOIN standardised_measures m
           ON m.urn = s.urn AND m.time_period = s.time_period AND m.key_stage = s.key_stage AND m.component = 'progress'
           WHERE s.rule_id = 'W2_progress_concern'"""
    ).df()
    assert len(r) > 0 and (r.ci_upper.isna() | (r.ci_upper < 0)).all()
