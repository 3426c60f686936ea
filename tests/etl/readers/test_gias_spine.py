"""GIAS extract (ragged "with links" rows, dates, coordinates) and the performance-tables spine."""

import csv
import datetime as dt

from etl.readers import gias, spine
from tests.etl.readers.conftest import make_src, raw_rows

REL = "gias/20220420_gias.csv"


def test_gias_all_rows_including_ragged(con, real_dir):
    src = make_src(real_dir, REL)
    assert gias.recognise(src.header) and gias.infer_time_period(src) == 202122
    res = gias.stage(con, src)
    header, rows = raw_rows(real_dir / REL)
    ragged = [r for r in rows if len(r) > len(header)]
    assert len(rows) == 520 and len(ragged) == 24
    assert (
        res.rows_read == 520 and res.rows_rejected == 0 and res.tables["stg_establishments"] == 520
    )
    urns = {r[0] for r in con.execute("SELECT urn FROM stg_establishments").fetchall()}
    assert {int(r[0]) for r in ragged} <= urns
    h = {n: i for i, n in enumerate(header)}
    for r in rows[:60] + ragged:
        e = con.execute(
            "SELECT name, district, status, pupils, pct_fsm, ofsted_rating, ofsted_last_insp, close_date, postcode, extract_date "
            "FROM stg_establishments WHERE urn = ?",
            [int(r[0])],
        ).fetchone()
        assert e[0] == r[h["EstablishmentName"]]
        assert e[1] == (r[h["DistrictAdministrative (name)"]] or None)
        assert e[2] == r[h["EstablishmentStatus (name)"]]
        assert e[3] == (int(r[h["NumberOfPupils"]]) if r[h["NumberOfPupils"]] else None)
        assert e[5] == (r[h["OfstedRating (name)"]] or None)
        d = r[h["OfstedLastInsp"]]
        assert e[6] == (dt.datetime.strptime(d, "%d-%m-%Y").date() if d else None)
        c = r[h["CloseDate"]]
        assert e[7] == (dt.datetime.strptime(c, "%d-%m-%Y").date() if c else None)
        assert e[9] == dt.date(2022, 4, 20)
    # coordinates: Hampshire lies within these WGS84 bounds
    lat = con.execute(
        "SELECT min(latitude), max(latitude), min(longitude), max(longitude), count(latitude) FROM stg_establishments"
    ).fetchone()
    assert 50.6 < lat[0] < lat[1] < 51.5 and -2.0 < lat[2] < lat[3] < -0.6
    assert lat[4] == sum(1 for r in rows if r[h["Easting"]] and r[h["Northing"]])
    # academies: the Academies and Free Schools groups
    n_acad = sum(
        1 for r in rows if r[h["EstablishmentTypeGroup (name)"]] in ("Academies", "Free Schools")
    )
    assert (
        con.execute("SELECT count(*) FROM stg_establishments WHERE is_academy").fetchone()[0]
        == n_acad
        == 32
    )
    assert (
        con.execute("SELECT count(*) FROM stg_establishments WHERE district IS NULL").fetchone()[0]
        == 11
    )


def test_gias_cp1252_reads_identically(con, real_dir, tmp_path):
    text = (real_dir / REL).read_text(encoding="utf-8")
    header, rows = raw_rows(real_dir / REL)
    name = rows[5][4]
    curly = name + " St Mary\u2019s \u2013 Annexe"
    (tmp_path / "gias").mkdir()
    (tmp_path / REL).write_bytes(text.replace(f'"{name}"', f'"{curly}"', 1).encode("cp1252"))
    src = make_src(tmp_path, REL, workdir=tmp_path / "work")
    assert src.encoding == "cp1252"
    gias.stage(con, src)
    a = con.execute("SELECT * EXCLUDE (name) FROM stg_establishments ORDER BY urn").fetchall()
    got = con.execute(
        "SELECT name FROM stg_establishments WHERE urn = ?", [int(rows[5][0])]
    ).fetchone()[0]
    assert got == curly
    con.execute("DELETE FROM stg_establishments")
    gias.stage(con, make_src(real_dir, REL))
    b = con.execute("SELECT * EXCLUDE (name) FROM stg_establishments ORDER BY urn").fetchall()
    assert a == b


def test_gias_bad_and_duplicate_urn(con, tmp_path):
    hdr = '"URN","EstablishmentName","TypeOfEstablishment (name)","EstablishmentTypeGroup (name)","PhaseOfEducation (name)","OpenDate","LastChangedDate","Easting","Northing"\n'
    body = (
        '"100100","A","Academy special converter","Special schools","Not applicable","01-09-2015","02-03-2021","",""\n'
        '"x9","B","Community school","Local authority maintained schools","Primary","","","",""\n'
        '"100100","A again","Community school","Local authority maintained schools","Primary","","05-06-2021","",""\n'
    )
    (tmp_path / "edubasealldata.csv").write_text(hdr + body)
    src = make_src(tmp_path, "edubasealldata.csv")
    res = gias.stage(con, src)
    assert (
        res.rows_rejected == 2 and res.time_period == 202021
    )  # newest LastChangedDate, 5 June 2021
    assert con.execute(
        "SELECT urn, name, phase, is_academy, open_date FROM stg_establishments"
    ).fetchall() == [(100100, "A", "Special", True, dt.date(2015, 9, 1))]
    reasons = [r[0] for r in con.execute("SELECT reason FROM rejects ORDER BY line").fetchall()]
    assert "whole number" in reasons[0] and "more than once" in reasons[1]


def test_spine(con, real_dir):
    rel = "gias/815_spine.csv"
    src = make_src(real_dir, rel)
    assert spine.recognise(src.header) and not gias.recognise(src.header)
    res = spine.stage(con, src)
    with open(real_dir / rel, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert res.rows_read == res.tables["stg_establishments"] == len(rows) == 413
    for r in rows[:80]:
        e = con.execute(
            "SELECT name, la_code, school_type, phase, is_academy, close_date FROM stg_establishments WHERE urn=?",
            [int(r["URN"])],
        ).fetchone()
        assert e[:3] == (r["SCHNAME"], int(r["LA"]), r["NFTYPE"])
        if r["MINORGROUP"] != "Special School":
            want = {("1", "1"): "All-through", ("1", "0"): "Primary", ("0", "1"): "Secondary"}.get(
                (r["ISPRIMARY"], r["ISSECONDARY"])
            )
            if want:
                assert e[3] == want
        assert e[4] == (
            r["MINORGROUP"] == "Academy"
            or "academy" in r["NFTYPE"].lower()
            or r["NFTYPE"].lower().startswith("free school")
        )
        assert e[5] == (
            dt.datetime.strptime(r["CLOSEDATE"], "%Y%m%d").date() if r["CLOSEDATE"] else None
        )
