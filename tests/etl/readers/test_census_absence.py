"""Census (2017/18 and 2018/19 layouts) and absence readers."""

from collections import Counter

import pytest

from etl.readers import absence, census
from tests.etl.readers.conftest import make_src, num, raw_dicts


@pytest.mark.parametrize(
    "rel", ["census/815_2018_census.csv", "census/815_2019_census.csv", "census/england_census.csv"]
)
def test_census(con, real_dir, rel):
    src = make_src(real_dir, rel)
    assert census.recognise(src.header) and not absence.recognise(src.header)
    res = census.stage(con, src)
    rows = raw_dicts(real_dir / rel)
    agg = Counter(r["URN"] for r in rows if r["URN"] in ("NAT", "LA"))
    assert res.rows_read == len(rows) and res.rows_rejected == 0
    assert con.execute("SELECT count(*) FROM stg_named_schools").fetchone()[0] == len(rows) - sum(
        agg.values()
    )
    lv = dict(
        con.execute(
            "SELECT level, count(DISTINCT source_line) FROM stg_measures WHERE level <> 'school' GROUP BY 1"
        ).fetchall()
    )
    assert lv.get("national", 0) == agg["NAT"] and lv.get("la", 0) == agg["LA"]
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE level <> 'school' AND national_scope NOT LIKE 'state_funded_%'"
        ).fetchone()[0]
        == 0
    )
    layout_2018 = "PNUMFSM" in rows[0]
    fsm_field = con.execute(
        "SELECT DISTINCT source_field FROM stg_measures WHERE measure='fsm_pct'"
    ).fetchall()
    assert fsm_field == [("PNUMFSM",)] if layout_2018 else fsm_field == [("NUMFSM/NOR*100",)]
    for r in rows[:200]:
        if r["URN"] in ("NAT", "LA"):
            continue
        got = dict(
            con.execute(
                "SELECT measure, value FROM stg_measures WHERE urn=? AND status_code IS NULL",
                [int(r["URN"])],
            ).fetchall()
        )
        assert got.get("pupils_on_roll") == num(r["NOR"])
        assert got.get("fsm6_pct") == num(r["PNUMFSMEVER"])
        if layout_2018:
            assert got.get("fsm_pct") == num(r["PNUMFSM"])
        elif num(r["NUMFSM"]) is not None and num(r["NOR"]):
            # rounded half away from zero to one decimal, like the published percentages
            assert abs(got["fsm_pct"] - num(r["NUMFSM"]) * 100 / num(r["NOR"])) <= 0.05 + 1e-9
    want = Counter(
        r[f]
        for r in rows
        for f in (
            "NOR",
            "PNUMFSMEVER",
            "PSENELK",
            "PSENELSE",
            "PNUMEAL",
            "PNUMFSM" if layout_2018 else "NUMFSM",
        )
        if r[f] in ("NA", "NP", "SUPP")
    )
    got = dict(
        con.execute(
            "SELECT status_code, count(*) FROM stg_measures WHERE status_code IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert got == dict(want)


def test_census_la_row(con, real_dir):
    census.stage(con, make_src(real_dir, "census/815_2019_census.csv"))
    rows = con.execute(
        "SELECT la_code, national_scope, value FROM stg_measures WHERE level='la' AND measure='pupils_on_roll' ORDER BY 2"
    ).fetchall()
    assert rows == [
        (815, "state_funded_primary", 45523.0),
        (815, "state_funded_secondary", 36225.0),
        (815, "state_funded_special", 871.0),
    ]


def test_absence(con, real_dir):
    rel = "absence/england_abs.csv"
    src = make_src(real_dir, rel)
    assert absence.recognise(src.header) and not census.recognise(src.header)
    res = absence.stage(con, src)
    rows = raw_dicts(real_dir / rel)
    assert res.rows_read == len(rows) == 21217 and res.rows_rejected == 0
    nat = [r for r in rows if r["LA"] == "NAT"]
    assert (
        con.execute(
            "SELECT count(DISTINCT source_line) FROM stg_measures WHERE level='national'"
        ).fetchone()[0]
        == len(nat)
        == 3
    )
    assert (
        con.execute("SELECT count(*) FROM stg_measures WHERE status_code='SUPP'").fetchone()[0]
        == sum((r["PERCTOT"] == "SUPP") + (r["PPERSABS10"] == "SUPP") for r in rows)
        == 864
    )
    assert {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT source_field FROM stg_measures WHERE measure='persistent_absence_pct'"
        ).fetchall()
    } == {"PPERSABS10"}
    for r in rows[:300]:
        v = con.execute(
            "SELECT value FROM stg_measures WHERE urn=? AND measure='overall_absence_pct'",
            [int(r["URN"])],
        ).fetchone()
        assert v == (num(r["PERCTOT"]),)


def test_absence_ppersabs15(con, tmp_path):
    (tmp_path / "abs.csv").write_text(
        "LA,ESTAB,URN,PERCTOT,PPERSABS15\n850,2000,115850,4.1,SUPP\n850,2001,x1,3,2\n"
    )
    res = absence.stage(con, make_src(tmp_path, "abs.csv", time_period=201213))
    assert res.rows_rejected == 1
    assert con.execute(
        "SELECT measure, source_field, value, status_code FROM stg_measures ORDER BY 1"
    ).fetchall() == [
        ("overall_absence_pct", "PERCTOT", 4.1, None),
        ("persistent_absence_pct", "PPERSABS15", None, "SUPP"),
    ]
