"""The pupil file and estimates readers: the documented format, UPN hashing with an outside salt, and
bad cells / repeated pupils going to rejects without ever storing a UPN or a pupil key there."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import pytest

from etl.readers import _upn, estimates, pupils
from etl.readers.base import SourceFile
from etl.readers.csv_source import read_header
from etl.readers.registry import reader_for
from warehouse.sql_files import run_folder

HEADER = (
    "pupil_key,urn,time_period,key_stage,prior_attainment,prior_band,disadvantaged,fsm,sen,eal,"
    "sex,birth_month,reading,writing,maths,rwm_expected,attainment8"
)
SALT = b"a-test-salt-of-more-than-16-bytes"


@pytest.fixture
def con():
    c = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    run_folder(c, "staging")
    yield c
    c.close()


def src_of(path: Path) -> SourceFile:
    header, delim = read_header(path, "utf-8")
    return SourceFile(path, path.name, path, "utf-8", header, delim)


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def rejects(con) -> list[tuple]:
    return con.execute(
        "SELECT line, column_name, value, reason FROM rejects ORDER BY line, column_name"
    ).fetchall()


def test_the_documented_format_is_recognised_and_typed(con, tmp_path):
    p = write(
        tmp_path,
        "pupils.csv",
        [
            HEADER,
            "P0001,991001,202223,KS2,15.5,M,Y,N,K,N,F,3,104,101.5,99,N,",
            "P0002,991001,202223,ks2,,,no,,E,yes,M,12,,,,N,",
            "P0003,991500,202223,4,28.1,high,N,N,N,N,M,9,,,,,55.5",
        ],
    )
    src = src_of(p)
    assert reader_for(src.header) is pupils
    res = pupils.stage(con, src)
    assert (res.rows_read, res.rows_rejected, res.tables["stg_pupils"]) == (3, 0, 3)
    rows = con.execute(
        "SELECT pupil_key, urn, time_period, key_stage, prior_attainment, prior_band, disadvantaged,"
        " fsm, sen, eal, sex, birth_month, reading, writing, maths, rwm_expected, attainment8,"
        " key_from_upn, source_line FROM stg_pupils ORDER BY source_line"
    ).fetchall()
    assert rows[0] == (
        "P0001", 991001, 202223, "ks2", 15.5, "middle", True, False, "support", False, "F", 3,
        104.0, 101.5, 99.0, False, None, False, 2,
    )  # fmt: skip
    # blanks are unknown, never zero or "no"
    assert rows[1][4:6] == (None, None) and rows[1][7] is None and rows[1][12] is None
    assert rows[1][8:12] == ("ehcp", True, "M", 12)
    assert rows[2][3:6] == ("ks4", 28.1, "high") and rows[2][16] == 55.5


def test_bad_cells_go_to_rejects_with_line_column_value_and_reason(con, tmp_path):
    p = write(
        tmp_path,
        "pupils.csv",
        [
            HEADER,
            "P1,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P2,99100,202223,KS2,15,M,maybe,N,N,N,F,13,104,100,99,Y,",
            "P3,991001,202324,KS3,15,M,Y,N,Q,N,F,3,abc,100,99,Y,",
            ",991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P5,991001,202224,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
        ],
    )
    res = pupils.stage(con, src_of(p))
    assert (res.rows_read, res.rows_rejected, res.tables["stg_pupils"]) == (5, 4, 1)
    got = rejects(con)
    assert (3, "urn", "99100", "not a URN (six digits)") in got
    assert (3, "disadvantaged", "maybe", "not Y or N") in got
    assert (3, "birth_month", "13", "not a month from 1 to 12") in got
    assert (4, "key_stage", "KS3", "not one of ks2, ks4") in got
    assert (4, "sen", "Q", "not one of none, support, ehcp") in got
    assert (4, "reading", "abc", "not a number from 0 to 200") in got
    assert (5, "pupil_key", None, "required: the cell is empty") in got
    assert (6, "time_period", "202224", "not a DfE six-digit academic year such as 202223") in got
    assert {r[0] for r in got} == {3, 4, 5, 6}
    assert con.execute("SELECT pupil_key FROM stg_pupils").fetchall() == [("P1",)]


def test_one_pupil_twice_in_a_year_and_key_stage_is_broken_input_and_none_loads(con, tmp_path):
    p = write(
        tmp_path,
        "pupils.csv",
        [
            HEADER,
            "P1,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P1,991002,202223,KS2,16,M,Y,N,N,N,F,3,105,100,99,Y,",
            "P1,991002,202122,KS2,16,M,Y,N,N,N,F,3,105,100,99,Y,",  # another year: fine
        ],
    )
    res = pupils.stage(con, src_of(p))
    assert res.rows_rejected == 2
    got = rejects(con)
    assert [(r[0], r[1], r[2]) for r in got] == [(2, "pupil_key", None), (3, "pupil_key", None)]
    assert "appears 2 times for 202223 ks2 in this file (lines 2, 3)" in got[0][3]
    assert con.execute("SELECT time_period FROM stg_pupils").fetchall() == [(202122,)]


def test_a_pupil_key_that_is_a_upn_is_rejected_and_not_stored(con, tmp_path):
    p = write(
        tmp_path,
        "pupils.csv",
        [HEADER, "A12345678901B,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,"],
    )
    res = pupils.stage(con, src_of(p))
    assert res.rows_rejected == 1
    [(line, col, value, reason)] = rejects(con)
    assert (line, col, value) == (2, "pupil_key", None)
    assert "looks like a UPN" in reason
    assert con.execute("SELECT count(*) FROM stg_pupils").fetchone()[0] == 0


UPN_HEADER = HEADER.replace("pupil_key", "UPN")


def test_a_file_with_upns_and_no_salt_is_refused_with_a_clear_message(con, tmp_path, monkeypatch):
    monkeypatch.delenv("SID_PUPIL_SALT_FILE", raising=False)
    p = write(
        tmp_path,
        "upns.csv",
        [UPN_HEADER, "A12345678901B,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,"],
    )
    with pytest.raises(_upn.SaltMissing, match="SID_PUPIL_SALT_FILE"):
        pupils.stage(con, src_of(p))
    assert con.execute("SELECT count(*) FROM stg_pupils").fetchone()[0] == 0


@pytest.mark.parametrize(
    "content, inside_repo, message",
    [(b"short", False, "at least 16"), (SALT, True, "inside the repository")],
)
def test_a_weak_or_committable_salt_is_refused(
    con, tmp_path, monkeypatch, content, inside_repo, message
):
    folder = Path(__file__).resolve().parent if inside_repo else tmp_path
    salt = folder / "_test_salt.txt"
    salt.write_bytes(content)
    try:
        monkeypatch.setenv("SID_PUPIL_SALT_FILE", str(salt))
        with pytest.raises(_upn.SaltMissing, match=message):
            _upn.read_salt()
    finally:
        salt.unlink()


def test_upns_become_hmac_sha256_keys_and_never_reach_a_table(con, tmp_path, monkeypatch):
    salt_file = tmp_path / "salt"
    salt_file.write_bytes(SALT + b"\n")
    monkeypatch.setenv("SID_PUPIL_SALT_FILE", str(salt_file))
    upns = ["A12345678901B", "b98765432109", "C11111111111A", "D22222222222X"]
    p = write(
        tmp_path,
        "upns.csv",
        [
            UPN_HEADER,
            f"{upns[0]},991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            f" {upns[1].upper()}9 ,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            f"{upns[2]},991001,202223,KS2,15,M,maybe,N,N,N,F,3,104,100,99,Y,",
            f"{upns[3]},991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            f"{upns[3]},991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "NOT-A-UPN,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
        ],
    )
    res = pupils.stage(con, src_of(p))
    assert res.rows_rejected == 4
    keys = [
        r[0]
        for r in con.execute("SELECT pupil_key FROM stg_pupils ORDER BY source_line").fetchall()
    ]
    expected = hmac.new(SALT, b"A12345678901B", hashlib.sha256).hexdigest()[:32]
    assert keys == [expected, _upn.key_for("B987654321099", SALT)]
    assert con.execute("SELECT bool_and(key_from_upn) FROM stg_pupils").fetchone()[0]
    assert [r[1:] for r in rejects(con) if r[0] == 7] == [
        (
            "pupil_key",
            None,
            "not a UPN (a letter, 11 digits and a digit or letter); the value is not stored",
        )
    ]
    # no UPN (nor the invalid one) in any cell of any table, temporary ones included
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        text = str(con.execute(f'SELECT * FROM "{table}"').fetchall()).upper()
        for u in [*upns, "B987654321099", "NOT-A-UPN"]:
            assert u.upper() not in text, f"{u} found in {table}"


EST_HEADER = "time_period,key_stage,subject,prior_group,prior_from,prior_to,estimate,pupils"


def test_estimates_load_and_bad_ranges_or_repeated_groups_are_rejected(con, tmp_path):
    p = write(
        tmp_path,
        "estimates.csv",
        [
            EST_HEADER,
            "202223,KS2,reading,1,0,10.5,95.25,1200",
            "202223,KS2,reading,2,10.5,14,101.5,",
            "202223,KS2,maths,1,0,10.5,94,",
            "202223,KS2,maths,1,0,10.5,94.5,",  # the same group again
            "202223,KS2,writing,1,10,10,94,",  # empty range
            "202223,KS4,reading,1,0,10,94,",  # reading is not a KS4 subject
            "202223,KS4,attainment8,1,0,x,30,",
        ],
    )
    src = src_of(p)
    assert reader_for(src.header) is estimates
    res = estimates.stage(con, src)
    assert (res.rows_read, res.tables["stg_pupil_estimates"]) == (7, 2)
    assert con.execute(
        "SELECT subject, prior_group, prior_from, prior_to, estimate, pupils "
        "FROM stg_pupil_estimates ORDER BY source_line"
    ).fetchall() == [
        ("reading", 1, 0.0, 10.5, 95.25, 1200),
        ("reading", 2, 10.5, 14.0, 101.5, None),
    ]
    got = {(r[0], r[1]) for r in rejects(con)}
    assert got == {
        (4, "prior_group"),
        (5, "prior_group"),
        (6, "prior_to"),
        (7, "subject"),
        (8, "prior_to"),
    }


def test_a_short_or_null_year_is_a_reject_not_a_failed_load(con, tmp_path):
    """DuckDB may test a year's digits before its pattern: "2018" or "NULL" once stopped the whole
    load with a conversion error instead of rejecting the row."""
    p = write(
        tmp_path,
        "pupils.csv",
        [
            HEADER,
            "P1,991001,202223,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P2,991001,2018,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P3,991001,NULL,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
            "P4,991001,20x819,KS2,15,M,Y,N,N,N,F,3,104,100,99,Y,",
        ],
    )
    res = pupils.stage(con, src_of(p))
    assert (res.rows_read, res.rows_rejected) == (4, 3)
    year = "not a DfE six-digit academic year such as 202223"
    assert rejects(con) == [
        (3, "time_period", "2018", year),
        (4, "time_period", "NULL", "required: the cell is empty"),
        (5, "time_period", "20x819", year),
    ]


def test_typing_plans_no_join_for_a_list_of_accepted_values(con, tmp_path):
    """DuckDB plans an IN list of five or more values as a join: the yes/no and closed-list cells
    (five of them per pupil file, three lists each) once made the typing statement cost ~0.1 s to
    plan and start for any file. They are CASE expressions now."""
    from etl.readers import _typed

    con.execute(
        "CREATE TEMP TABLE raw AS SELECT 2 AS __line, "
        + ", ".join(f"'1'::VARCHAR AS {c.name}" for c in pupils.CELLS)
    )
    statements = []

    class Recording:
        def execute(self, sql, *args):
            statements.append(sql)
            return con.execute(sql, *args)

    _typed.type_rows(Recording(), "raw", pupils.CELLS, {c.name: c.name for c in pupils.CELLS}, "f")
    create = statements[0]
    plan = con.execute("EXPLAIN " + create[create.index(" AS SELECT") + 4 :]).fetchall()[0][1]
    assert "JOIN" not in plan.upper()
