"""KS4 reader: final (496 columns) and provisional (25 columns) layouts, LA and England files."""

from collections import Counter

import pytest

from etl.readers import ks4
from etl.readers._dfe import present_fields
from tests.etl.readers.conftest import make_src, num, raw_dicts, raw_rows

FILES = [
    "ks4/815_2018_ks4final.csv",
    "ks4/815_2019_ks4provisional.csv",
    "ks4/england_ks4provisional.csv",
]


@pytest.mark.parametrize("rel", FILES)
def test_reconciles_with_source(con, real_dir, rel):
    src = make_src(real_dir, rel)
    assert ks4.recognise(src.header)
    res = ks4.stage(con, src)
    rows = raw_dicts(real_dir / rel)
    assert res.rows_read == len(rows) and res.rows_rejected == 0
    rt = Counter(r["RECTYPE"] for r in rows)
    assert (
        con.execute("SELECT count(*) FROM stg_named_schools WHERE phase = 'Secondary'").fetchone()[
            0
        ]
        == rt["1"] + rt["2"]
    )
    lv = dict(
        con.execute(
            "SELECT level, count(DISTINCT source_line) FROM stg_measures GROUP BY 1"
        ).fetchall()
    )
    assert lv["national"] == rt["5"] + rt["7"]
    assert lv["la"] <= rt["4"] and lv["la"] > 0
    assert {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT national_scope FROM stg_measures WHERE level='national'"
        ).fetchall()
    } == {"all_schools", "maintained"}
    assert con.execute("SELECT DISTINCT file_status FROM stg_measures").fetchall() == [
        (src.file_status,)
    ]
    # coded cells: same count in the source and in stg_measures
    header, _ = raw_rows(real_dir / rel)
    fields = {f.field for f in present_fields(ks4.FIELDS, {h.lower(): h for h in header})}
    want = Counter(
        r[f].strip()
        for r in rows
        for f in fields
        if r[f].strip() in ("SUPP", "NE", "NA", "NP", "LOWCOV", "NEW")
    )
    got = dict(
        con.execute(
            "SELECT status_code, count(*) FROM stg_measures WHERE status_code IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert got == dict(want)
    # cells: ATT8SCR, P8MEA with its CI, basics (% stripped) for schools with numbers
    checked = 0
    for r in rows:
        if r["RECTYPE"] != "1" or num(r["P8MEA"]) is None or checked >= 30:
            continue
        p8 = con.execute(
            "SELECT value, ci_lower, ci_upper, cohort FROM stg_measures WHERE urn=? AND source_field='P8MEA'",
            [int(r["URN"])],
        ).fetchone()
        assert p8 == (num(r["P8MEA"]), num(r["P8CILOW"]), num(r["P8CIUPP"]), int(num(r["TPUP"])))
        b = con.execute(
            "SELECT value FROM stg_measures WHERE urn=? AND measure='ks4_basics_94_pct'",
            [int(r["URN"])],
        ).fetchone()
        assert b == (num(r["PTL2BASICS_94"]),) and r["PTL2BASICS_94"].endswith("%")
        checked += 1
    assert checked > 0
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE regexp_matches(source_field, '_(16|17|18|3YR|ORIG)$')"
        ).fetchone()[0]
        == 0
    )


def test_final_layout_has_groups(con, real_dir):
    ks4.stage(con, make_src(real_dir, "ks4/815_2018_ks4final.csv"))
    groups = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT pupil_group FROM stg_measures WHERE measure='ks4_attainment8'"
        ).fetchall()
    }
    assert groups == {
        "all",
        "disadvantaged",
        "non_disadvantaged",
        "boys",
        "girls",
        "eal",
        "prior_low",
        "prior_middle",
        "prior_high",
    }


def test_provisional_in_national_file_equals_la_file(con, real_dir):
    ks4.stage(con, make_src(real_dir, "ks4/815_2019_ks4provisional.csv"))
    ks4.stage(con, make_src(real_dir, "ks4/england_ks4provisional.csv"))
    diff = con.execute(
        """SELECT count(*) FROM stg_measures a JOIN stg_measures b USING (urn, measure, pupil_group)
           WHERE a.level='school' AND a.source_file LIKE '%815%' AND b.source_file LIKE '%england%'
             AND (a.value IS DISTINCT FROM b.value OR a.status_code IS DISTINCT FROM b.status_code)"""
    ).fetchone()[0]
    assert diff == 0
