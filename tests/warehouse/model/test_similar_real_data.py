"""Similar schools on the real published files (/work/shared/data/real), loaded by the real ETL (issue 22).

- Stability: the KS4 2018/19 groups come from the national file, so adding an unrelated county's files
  (North Yorkshire's KS4 and census, equal to the national rows, and Hampshire's KS2) changes no group.
- KS2 has Hampshire's files only: the groups are drawn from the loaded schools and every basis says so.
- For 10 schools of each kind, the group's context is close to the school's (figures in the report).
"""

from __future__ import annotations

import shutil

import pytest

from tests.shared_data import REAL_DATA

NATIONAL_ONLY = ["ks4/england_ks4provisional.csv", "census/england_census.csv"]
WITH_COUNTIES = NATIONAL_ONLY + [
    "ks4/815_2019_ks4provisional.csv",
    "ks4/815_2018_ks4final.csv",
    "census/815_2019_census.csv",
    "census/815_2018_census.csv",
    "ks2/2016_850_ks2final.csv",
    "ks2/2017_850_ks2final.csv",
    "ks2/2018_850_ks2final.csv",
    "gias/20220420_gias.csv",
]
# Ten schools of the national KS4 2018/19 pool and ten Hampshire primaries (every 300th / 30th by URN).
KS4_SCHOOLS = [100049, 108640, 119814, 135875, 136604, 137134, 137832, 138787, 140565, 143101]
KS2_SCHOOLS = [115851, 115898, 115949, 116015, 116072, 116240, 116290, 116326, 116370, 129650]


def _load(tmp_path_factory, name, files):
    from etl.load import LoadSettings, load
    from warehouse.connection import open_read_only, resolve_build

    if not REAL_DATA.exists():
        pytest.skip(f"real data folder not present: {REAL_DATA}")
    src = tmp_path_factory.mktemp(name) / "source"
    for f in files:
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REAL_DATA / f, src / f)
    lines = (REAL_DATA / "manifest.csv").read_text().splitlines(True)
    (src / "manifest.csv").write_text(
        "".join(line for line in lines if line.startswith("file,") or line.split(",")[0] in files)
    )
    wh = tmp_path_factory.mktemp(name + "_wh") / "warehouse.duckdb"
    load(src, wh, LoadSettings(progress=False))
    return open_read_only(resolve_build(wh))


@pytest.fixture(scope="module")
def national_only(tmp_path_factory):
    con = _load(tmp_path_factory, "national_only", NATIONAL_ONLY)
    yield con
    con.close()


@pytest.fixture(scope="module")
def with_counties(tmp_path_factory):
    con = _load(tmp_path_factory, "with_counties", WITH_COUNTIES)
    yield con
    con.close()


GROUPS = (
    "SELECT urn, similar_urn, rank, round(distance, 9) FROM similar_school_groups "
    "WHERE key_stage = 'ks4' AND time_period = 201819 ORDER BY urn, rank"
)


def test_adding_an_unrelated_county_changes_no_ks4_group(national_only, with_counties):
    a = national_only.execute(GROUPS).fetchall()
    b = with_counties.execute(GROUPS).fetchall()
    assert len(a) > 3000 * 30 and a == b
    pools = "SELECT pool_n, distribution, basis FROM similar_school_pools WHERE key_stage = 'ks4' AND time_period = 201819"
    assert national_only.execute(pools).fetchall() == with_counties.execute(pools).fetchall()
    pool_n, distribution, basis = national_only.execute(pools).fetchone()
    assert distribution == "national" and pool_n > 3000
    assert basis.startswith(f"from the {pool_n:,} schools in England with KS4 results in 2018/19")


def test_national_pool_groups_include_other_las_and_have_30_schools(with_counties):
    r = with_counties.execute(
        "SELECT count(DISTINCT g.urn), min(n), max(n), "
        "       count(*) FILTER (WHERE only_own_la) FROM ("
        "   SELECT g.urn, count(*) AS n, bool_and(o.la_code = s.la_code) AS only_own_la "
        "   FROM similar_school_groups g JOIN schools s ON s.urn = g.urn "
        "   JOIN schools o ON o.urn = g.similar_urn "
        "   WHERE g.key_stage = 'ks4' AND g.time_period = 201819 AND s.la_code = 815 GROUP BY g.urn) g"
    ).fetchone()
    n_schools, lo, hi, county_only = r
    assert n_schools >= 40 and lo == hi == 30 and county_only == 0


def test_ks2_groups_say_they_come_from_the_loaded_hampshire_schools_only(with_counties):
    rows = with_counties.execute(
        "SELECT DISTINCT time_period, pool, basis FROM similar_school_comparison WHERE key_stage = 'ks2'"
    ).fetchall()
    assert {r[0] for r in rows} == {201617, 201718, 201819}
    for tp, pool, basis in rows:
        assert pool == "loaded"
        year = f"{tp // 100}/{tp % 100:02d}"
        assert f"loaded Hampshire schools only; no national KS2 file loaded for {year}" in basis
        assert basis.startswith("the 30 schools with the most similar intake among the ")


def _closeness(con, key_stage, urns):
    """For each school: mean over fields of |group mean z - school z| (0 = the group's average context
    is the school's; 1 = a whole standard deviation away)."""
    return dict(
        con.execute(
            "WITH z AS (SELECT urn, field, z FROM similar_school_features "
            "           WHERE key_stage = ? AND time_period = 201819), "
            "g AS (SELECT g.urn, z.field, avg(z.z) AS group_z FROM similar_school_groups g "
            "      JOIN z ON z.urn = g.similar_urn WHERE g.key_stage = ? AND g.time_period = 201819 "
            "      GROUP BY ALL) "
            "SELECT g.urn, avg(abs(g.group_z - z.z)) FROM g JOIN z USING (urn, field) "
            "WHERE list_contains(?, g.urn) GROUP BY g.urn",
            [key_stage, key_stage, urns],
        ).fetchall()
    )


def test_the_groups_context_is_close_to_the_schools(with_counties):
    ks4 = _closeness(with_counties, "ks4", KS4_SCHOOLS)
    assert set(ks4) == set(KS4_SCHOOLS)
    assert max(ks4.values()) < 0.5  # national pool: measured 0.06 to 0.41
    ks2 = _closeness(with_counties, "ks2", KS2_SCHOOLS)
    assert set(ks2) == set(KS2_SCHOOLS)
    assert max(ks2.values()) < 0.75  # 309 loaded schools only: measured 0.16 to 0.61


def test_comparison_equals_a_recomputation_from_the_stored_groups(with_counties):
    bad = with_counties.execute(
        "WITH v AS (SELECT urn, time_period, key_stage, measure, round(value, 2) AS value "
        "           FROM standardised_measures WHERE scored AND value IS NOT NULL), "
        "r AS (SELECT g.urn, g.time_period, g.key_stage, v.measure, round(avg(o.value), 2) AS mean, "
        "             count(o.value) AS n, any_value(v.value) AS mine, "
        "             count(*) FILTER (WHERE o.value < v.value) + 0.5 * count(*) FILTER (WHERE o.value = v.value) AS below "
        "      FROM similar_school_groups g "
        "      JOIN v ON v.urn = g.urn AND v.time_period = g.time_period AND v.key_stage = g.key_stage "
        "      LEFT JOIN v o ON o.urn = g.similar_urn AND o.time_period = g.time_period "
        "                   AND o.key_stage = g.key_stage AND o.measure = v.measure "
        "      GROUP BY ALL) "
        "SELECT count(*) FROM r JOIN similar_school_comparison c USING (urn, time_period, key_stage, measure) "
        "WHERE c.group_mean IS DISTINCT FROM r.mean OR c.group_n <> r.n "
        "   OR c.position IS DISTINCT FROM round(100.0 * r.below / nullif(r.n, 0), 1)"
    ).fetchone()[0]
    assert bad == 0
