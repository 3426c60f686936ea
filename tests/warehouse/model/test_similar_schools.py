"""Similar-schools groups and comparisons (issue 22) against values worked out by hand.

Two tiny warehouses built with the model's own SQL and Python step, groups of 3 (a setting; the shipped
file insists on at least 30, which parse() checks):

- *county only*: 12 primary schools of one LA, no national file, matched on disadvantaged % alone
  (0, 5, ..., 55), two years;
- *national*: 4 schools of the county and 8 of another LA with a national cohort they cover, matched on
  disadvantaged % from the census (the KS2 file's own figure is not loaded) and EAL % (not loaded at all).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.warehouse.model.conftest import rows
from tests.warehouse.model.core_fixture import create_core, measure, national, school
from warehouse import model_settings
from warehouse.connection import open_in_memory
from warehouse.similar_schools import nearest

DIS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]  # disadvantaged % of schools 1..12
URNS = [100001 + i for i in range(12)]
RWM_1819 = [70, 60, 70, 80, 60, 50, 70, 65, 65, 65, 65, 65]
RWM_1718 = [70, 75, 70, 80, 60, 50, 70, 65, 65, 65, 65, 65]  # school 2 differs
# population sd of DIS around 27.5: deviations +-2.5, 7.5, ..., 27.5 -> sum of squares 3575, /12
SD = math.sqrt(3575 / 12)  # 17.2603


def _override(settings, **values):
    s = dict(settings)
    for key, value in values.items():
        old = s[f"similar_schools_{key}"]
        s[old.name] = type(old)(old.section, old.key, value, old.help, old.type)
    return s


def _school(con, urn, la=900):
    school(con, urn, f"School {urn}", la_code=la)


@pytest.fixture(scope="module")
def county(settings):
    con = open_in_memory()
    create_core(con)
    for urn, dis, r19, r18 in zip(URNS, DIS, RWM_1819, RWM_1718, strict=True):
        _school(con, urn)
        for tp, rwm in ((201718, r18), (201819, r19)):
            measure(con, urn, tp, "ks2", "ks2_rwm_expected_pct", rwm, cohort=30)
            measure(con, urn, tp, "ks2", "ks2_disadvantaged_pct", dis, cohort=30)
    s = _override(
        settings, group_size=3, ks2_fields=["disadvantaged_pct"], ks2_weights=[1.0], watch_years=2
    )
    model_settings.run_model(con, settings=s)
    yield con
    con.close()


@pytest.fixture(scope="module")
def national_build(settings):
    con = open_in_memory()
    create_core(con)
    # county (LA 900): disadvantaged 0, 2, 4, 6; the other LA (901): 1, 3, 5, ..., 15
    plan = [(200001 + i, 900, 2 * i) for i in range(4)] + [
        (300001 + i, 901, 2 * i + 1) for i in range(8)
    ]
    for urn, la, dis in plan:
        _school(con, urn, la)
        measure(con, urn, 201819, "ks2", "ks2_rwm_expected_pct", 60 + dis, cohort=30, la_code=la)
        measure(con, urn, 201819, "census", "fsm6_pct", dis, cohort=200, la_code=la)
    national(con, 201819, "ks2", "ks2_rwm_expected_pct", 65.0, cohort=12 * 30)
    s = _override(
        settings,
        group_size=3,
        ks2_fields=["disadvantaged_pct", "eal_pct"],
        ks2_weights=[1.0, 1.0],
    )
    model_settings.run_model(con, settings=s)
    yield con
    con.close()


def group(con, urn, tp=201819):
    return rows(
        con,
        "SELECT similar_urn, distance, rank FROM similar_school_groups "
        "WHERE urn = ? AND time_period = ? ORDER BY rank",
        [urn, tp],
    )


def comparison(con, urn, tp=201819, measure_="ks2_rwm_expected_pct"):
    r = rows(
        con,
        "SELECT * FROM similar_school_comparison WHERE urn = ? AND time_period = ? AND measure = ?",
        [urn, tp, measure_],
    )
    assert len(r) == 1, r
    return r[0]


def test_group_is_the_nearest_schools_with_their_distances(county):
    # School 1 (0%): 5%, 10%, 15% away -> schools 2, 3, 4 at 5/sd, 10/sd, 15/sd
    g = group(county, URNS[0])
    assert [x["similar_urn"] for x in g] == URNS[1:4]
    assert [x["distance"] for x in g] == pytest.approx([5 / SD, 10 / SD, 15 / SD])
    assert g[0]["distance"] == pytest.approx(0.28968, abs=1e-5)
    assert [x["rank"] for x in g] == [1, 2, 3]


def test_ties_go_to_the_lower_urn(county):
    # School 6 (25%): 20% and 30% both 5 away, then 15% and 35% both 10 away -> 5, 7, then 4 (lower URN)
    assert [x["similar_urn"] for x in group(county, URNS[5])] == [URNS[4], URNS[6], URNS[3]]


def test_every_pool_school_has_a_full_group_and_never_itself(county):
    r = rows(
        county,
        "SELECT urn, time_period, count(*) AS n, count(*) FILTER (WHERE similar_urn = urn) AS own "
        "FROM similar_school_groups GROUP BY ALL",
    )
    assert len(r) == 24 and all(x["n"] == 3 and x["own"] == 0 for x in r)


def test_county_only_pool_says_so(county):
    c = comparison(county, URNS[5])
    assert c["pool"] == "loaded" and c["pool_n"] == 12 and c["group_size"] == 3
    assert c["basis"] == (
        "the 3 schools with the most similar intake among the 12 loaded Testshire schools only; "
        "no national KS2 file loaded for 2018/19; matched on disadvantaged %"
    )


def test_group_mean_position_and_flags(county):
    # School 6: 50% against 60, 70, 80 -> mean 70, lower than all three -> position 0: well below
    c = comparison(county, URNS[5])
    assert c["school_value"] == 50 and c["group_mean"] == 70 and c["group_n"] == 3
    assert c["n_lower"] == 0 and c["position"] == 0
    assert c["below_similar"] and not c["above_similar"]
    assert c["position_words"] == "well below most schools with a similar intake"
    # School 1: 70% against 60, 70, 80 -> one lower, one equal (counts half): 100 x 1.5 / 3 = 50
    c = comparison(county, URNS[0])
    assert c["group_mean"] == 70 and c["n_lower"] == 1 and c["n_equal"] == 1
    assert c["position"] == 50 and not c["below_similar"] and not c["above_similar"]
    assert c["position_words"] == "in the middle of schools with a similar intake"
    # School 4 (15%): schools 3 and 5 (10%, 20%), then 2 and 6 tie at 10 away -> 2 (lower URN);
    # 80% against 70, 60, 60 -> mean 63.33, higher than all: position 100, well above
    assert [x["similar_urn"] for x in group(county, URNS[3])] == [URNS[2], URNS[4], URNS[1]]
    c = comparison(county, URNS[3])
    assert c["group_mean"] == pytest.approx((70 + 60 + 60) / 3, abs=0.005)
    assert c["position"] == 100 and c["above_similar"]


def test_well_below_two_years_running_is_the_watch_condition(county):
    six = comparison(county, URNS[5])
    assert six["below_similar_years"] and six["below_similar_in"] == "2017/18, 2018/19"
    # School 2 (5%; group 1, 3, 4 = 70, 70, 80): 60 in 2018/19 is well below, 75 in 2017/18 is not
    two = comparison(county, URNS[1])
    assert two["below_similar"] and two["position"] == 0
    assert comparison(county, URNS[1], 201718)["position"] == pytest.approx(66.7)
    assert not two["below_similar_years"] and two["below_similar_in"] is None
    # the first year alone can never be 'two years running'
    assert not comparison(county, URNS[5], 201718)["below_similar_years"]


def test_two_years_well_below_is_a_watch_signal_in_the_model_never_a_category(county):
    w7 = rows(
        county,
        "SELECT urn, time_period, key_stage, kind, source, reason FROM support_reasons "
        "WHERE rule_id = 'W7_similar_schools' ORDER BY urn, time_period",
    )
    assert [(r["urn"], r["time_period"]) for r in w7] == [(URNS[5], 201819)]
    r = w7[0]
    assert r["kind"] == "watch" and r["source"] == "data" and r["key_stage"] == "ks2"
    assert r["reason"] == (
        "KS2 reading, writing and maths expected standard well below similar schools in 2017/18, "
        "2018/19: 50% against an average of 70% for the 3 schools with the most similar intake in "
        "2018/19 (higher than 0 of them; loaded schools only, no national file)"
    )
    cat = rows(
        county,
        "SELECT category FROM support_category WHERE urn = ? AND time_period = 201819",
        [URNS[5]],
    )
    assert cat == [{"category": "universal"}]


def test_national_file_means_a_national_pool_not_the_county(national_build):
    # County school 200001 (0%): nearest are 1% (300001), 2% (200002), 3% (300002): two from the other LA
    assert [x["similar_urn"] for x in group(national_build, 200001)] == [300001, 200002, 300002]
    c = comparison(national_build, 200001)
    assert c["pool"] == "national" and c["pool_n"] == 12
    assert c["basis"].startswith(
        "the 3 schools with the most similar intake from the 12 schools in England with KS2 results "
        "in 2018/19 (national file loaded)"
    )


def test_a_field_falls_back_to_the_census_and_a_missing_field_is_named(national_build):
    f = rows(national_build, "SELECT DISTINCT field, source_measure FROM similar_school_features")
    assert f == [{"field": "disadvantaged_pct", "source_measure": "fsm6_pct"}]
    basis = comparison(national_build, 200001)["basis"]
    assert basis.endswith(
        "matched on disadvantaged %; not used (not published in the loaded files): "
        "English as an additional language %"
    )


def test_weights_change_who_is_nearest():
    z = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.1]])
    urns = np.array([1, 2, 3, 4])
    # weights 4, 1: to row 1 sqrt(4 x 1) = 2, row 2 sqrt(1) = 1, row 3 sqrt(1.21) = 1.1
    r, c, d, rank = nearest(z, np.array([4.0, 1.0]), urns, 3)
    assert list(c[r == 0]) == [2, 3, 1] and list(d[r == 0]) == pytest.approx([1.0, 1.1, 2.0])
    # equal weights: rows 1 and 2 both at 1 (the lower URN first), then row 3 at 1.1
    r, c, d, rank = nearest(z, np.array([1.0, 1.0]), urns, 3)
    assert list(c[r == 0]) == [1, 2, 3] and list(rank[r == 0]) == [1, 2, 3]


def test_settings_refuse_a_group_below_30_and_mismatched_weights():
    import tomllib

    data = tomllib.loads(model_settings.SETTINGS_PATH.read_text(encoding="utf-8"))
    data["similar_schools"]["group_size"]["value"] = 29
    data["similar_schools"]["ks4_weights"]["value"] = [1.0]
    data["similar_schools"]["ks2_fields"]["value"] = ["disadvantaged_pct", "postcode"]
    with pytest.raises(model_settings.SettingsError) as err:
        model_settings.parse(data)
    msg = str(err.value)
    assert "group_size must be at least 30" in msg
    assert "ks4_weights needs one weight above 0 per field" in msg
    assert "unknown postcode" in msg


def test_fast_search_equals_brute_force_even_with_many_ties():
    # integer context on 3 fields makes many equal distances; URNs shuffled so order matters
    rng = np.random.default_rng(5)
    raw = rng.integers(0, 4, size=(700, 3)).astype(float)
    z = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    urns = rng.permutation(np.arange(100000, 100700))
    w = np.array([2.0, 1.0, 0.5])
    r, c, d, rank = nearest(z, w, urns, 30)
    for i in range(0, 700, 7):
        brute = sorted(
            (round(float((w * (z[i] - z[j]) ** 2).sum()), 9), int(urns[j]), j)
            for j in range(700)
            if j != i
        )[:30]
        assert list(c[r == i]) == [j for _, _, j in brute]
        assert list(d[r == i]) == pytest.approx([math.sqrt(x) for x, _, _ in brute])


def test_tree_search_equals_brute_force_with_continuous_context_and_imputed_schools():
    # most schools have their own context (the k-d tree's candidates are enough), a fifth sit at the
    # pool mean on every field (imputed: equal distances at the edge of many groups, searched again)
    rng = np.random.default_rng(11)
    z = rng.normal(size=(1200, 4))
    z[rng.random(1200) < 0.2] = 0.0
    urns = rng.permutation(np.arange(300000, 301200))
    w = np.array([2.0, 1.0, 0.5, 0.5])
    r, c, d, rank = nearest(z, w, urns, 30)
    full = np.round(((z[:, None, :] - z[None, :, :]) ** 2 * w).sum(axis=2), 9)
    for i in range(1200):
        order = sorted((full[i, j], int(urns[j]), j) for j in range(1200) if j != i)[:30]
        assert list(c[r == i]) == [j for _, _, j in order]
        assert list(rank[r == i]) == list(range(1, 31))
        assert list(d[r == i]) == pytest.approx([math.sqrt(x) for x, _, _ in order])


def test_search_in_chunks_of_schools_gives_the_same_groups(monkeypatch):
    # the exact distances are measured a chunk of schools at a time (bounded memory at national
    # size): chunks that split the pool anywhere give the groups of one chunk
    from warehouse import similar_schools

    rng = np.random.default_rng(3)
    z = rng.integers(0, 3, size=(500, 3)).astype(
        float
    )  # many ties, so some schools are searched again
    urns = rng.permutation(np.arange(200000, 200500))
    w = np.array([1.0, 0.5, 2.0])
    whole = nearest(z, w, urns, 30)
    monkeypatch.setattr(similar_schools, "CHUNK_ROWS", 37)
    chunked = nearest(z, w, urns, 30)
    for a, b in zip(whole, chunked, strict=True):
        assert np.array_equal(a, b)


def test_schools_whose_council_is_not_given_still_get_their_similar_schools(settings):
    """A pool whose schools' files gave no readable LA (no code, no name) is built, its basis
    saying so, instead of failing on the missing name (a damaged download the loader accepts)."""
    con = open_in_memory()
    create_core(con)
    for urn, dis in zip(URNS, DIS, strict=True):
        _school(con, urn, la=None)
        measure(con, urn, 201819, "ks2", "ks2_rwm_expected_pct", 50 + dis, cohort=30, la_code=None)
        measure(con, urn, 201819, "ks2", "ks2_disadvantaged_pct", dis, cohort=30, la_code=None)
    con.execute("UPDATE schools SET la_name = NULL")
    s = _override(settings, group_size=3, ks2_fields=["disadvantaged_pct"], ks2_weights=[1.0])
    model_settings.run_model(con, settings=s)
    (basis,) = con.execute("SELECT basis FROM similar_school_pools").fetchone()
    assert "LA not given" in basis
    assert con.execute("SELECT count(DISTINCT urn) FROM similar_school_groups").fetchone() == (
        len(URNS),
    )
    con.close()
