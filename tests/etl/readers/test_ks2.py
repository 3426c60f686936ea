"""KS2 reader against the real Hampshire files, reconciled with Python's csv module."""

import csv
from collections import Counter

import pytest

from etl.readers import ks2
from etl.readers._dfe import INVALID_CELL, present_fields
from tests.etl.readers.conftest import make_src, num, raw_dicts, raw_rows

FILES = ["ks2/2016_850_ks2final.csv", "ks2/2017_850_ks2final.csv", "ks2/2018_850_ks2final.csv"]


def stage(con, folder, rel, **over):
    src = make_src(folder, rel, **over)
    assert ks2.recognise(src.header)
    return src, ks2.stage(con, src)


@pytest.mark.parametrize("rel", FILES)
def test_counts_levels_and_cells(con, real_dir, rel):
    src, res = stage(con, real_dir, rel)
    rows = raw_dicts(real_dir / rel)
    assert res.rows_read == len(rows) and res.rows_rejected == 0
    by_type = Counter(r["RECTYPE"] for r in rows)
    named = con.execute("SELECT count(*), count(DISTINCT urn) FROM stg_named_schools").fetchone()
    assert named == (by_type["1"] + by_type["2"],) * 2
    levels = dict(
        con.execute(
            "SELECT level, count(DISTINCT source_line) FROM stg_measures GROUP BY 1"
        ).fetchall()
    )
    assert levels["la"] == by_type["3"] and levels["national"] == by_type["4"] + by_type["5"]
    scopes = dict(
        con.execute(
            "SELECT national_scope, max(source_line) FROM stg_measures WHERE level='national' GROUP BY 1"
        ).fetchall()
    )
    for r in rows:
        if r["RECTYPE"] in ("4", "5"):
            assert scopes[{"4": "all_schools", "5": "state_funded"}[r["RECTYPE"]]] == r["__line"]
    # specific cells: every all-pupils PTRWM_EXP and READPROG (with CI) of the first 40 schools
    checked = 0
    for r in [r for r in rows if r["RECTYPE"] == "1"][:40]:
        for f, lo, hi in (
            ("PTRWM_EXP", None, None),
            ("READPROG", "READPROG_LOWER", "READPROG_UPPER"),
        ):
            got = con.execute(
                "SELECT value, status_code, ci_lower, ci_upper, cohort, source_line FROM stg_measures "
                "WHERE urn = ? AND source_field = ?",
                [int(r["URN"]), f],
            ).fetchall()
            if not r[f].strip():
                assert got == []
                continue
            v, s, cl, cu, cohort, line = got[0]
            assert line == r["__line"]
            assert v == num(r[f]) and (s is None) == (num(r[f]) is not None)
            if lo and v is not None:
                assert (cl, cu) == (num(r[lo]), num(r[hi]))
            assert cohort == (int(num(r["TELIG"])) if num(r["TELIG"]) is not None else None)
            checked += 1
    assert checked >= 40


@pytest.mark.parametrize("rel", FILES)
def test_codes_kept_and_prior_years_never_read(con, real_dir, rel):
    src, _ = stage(con, real_dir, rel)
    header, _ = raw_rows(real_dir / rel)
    cols = {h.lower(): h for h in header}
    fields = {f.field for f in present_fields(ks2.FIELDS, cols)}
    want = Counter()
    for r in raw_dicts(real_dir / rel):
        for f in fields:
            if r[f].strip() in ("SUPP", "LOWCOV", "NE", "NA", "NEW", "NP"):
                want[r[f].strip()] += 1
    got = dict(
        con.execute(
            "SELECT status_code, count(*) FROM stg_measures WHERE status_code IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert got == dict(want)
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE status_code IS NOT NULL AND value IS NOT NULL"
        ).fetchone()[0]
        == 0
    )
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE regexp_matches(source_field, '_(16|17|18|3YR)$')"
        ).fetchone()[0]
        == 0
    )
    # percentages are plain numbers (the % dropped)
    assert (
        con.execute(
            "SELECT min(value), max(value) FROM stg_measures WHERE measure = 'ks2_rwm_expected_pct'"
        ).fetchone()[1]
        <= 100
    )


def test_lowcov_2017(con, real_dir):
    stage(con, real_dir, "ks2/2017_850_ks2final.csv")
    n = con.execute("SELECT count(*) FROM stg_measures WHERE status_code = 'LOWCOV'").fetchone()[0]
    assert n >= 1


def test_short_rows_padded(con, real_dir):
    rel = "ks2/2016_850_ks2final.csv"
    header, rows = raw_rows(real_dir / rel)
    short = [(i + 2, r) for i, r in enumerate(rows) if len(r) < len(header)]
    assert len(short) == 18  # PROVENANCE
    src, res = stage(con, real_dir, rel)
    assert res.rows_read == len(rows)
    for line, r in short:
        if r[0] not in ("1", "2"):
            continue
        got = dict(
            con.execute(
                "SELECT source_field, value FROM stg_measures WHERE source_line = ?", [line]
            ).fetchall()
        )
        for f in got:
            assert header.index(f) < len(r)  # nothing invented past the row's end
        assert (
            con.execute(
                "SELECT count(*) FROM stg_named_schools WHERE urn = ?", [int(r[4])]
            ).fetchone()[0]
            == 1
        )


def test_handmade_short_row(con, tmp_path):
    p = tmp_path / "short.csv"
    p.write_text(
        "RECTYPE,LEA,URN,SCHNAME,TELIG,PTRWM_EXP,READPROG,READPROG_LOWER,READPROG_UPPER\n"
        "1,850,100001,Short School,30,72%\n1,850,100002,Full School,20,SUPP,1.5,0.1,2.9\n"
    )
    src = make_src(tmp_path, "short.csv", time_period=201819)
    res = ks2.stage(con, src)
    assert res.rows_read == 2
    rows = con.execute(
        "SELECT urn, source_field, value, status_code, ci_lower, ci_upper FROM stg_measures ORDER BY 1, 2"
    ).fetchall()
    assert rows == [
        (100001, "PTRWM_EXP", 72.0, None, None, None),
        (100001, "TELIG", 30.0, None, None, None),
        (100002, "PTRWM_EXP", None, "SUPP", None, None),
        (100002, "READPROG", 1.5, None, 0.1, 2.9),
        (100002, "TELIG", 20.0, None, None, None),
    ]


def test_bad_urn_duplicate_and_invalid_cell_rejected(con, real_dir, tmp_path):
    rel = "ks2/2016_850_ks2final.csv"
    lines = [ln + "\n" for ln in (real_dir / rel).read_bytes().decode("utf-8-sig").splitlines()]
    header = next(iter(raw_rows(real_dir / rel)))
    iu, ip = header.index("URN"), header.index("PTRWM_EXP")
    cells = lambda s: s.rstrip("\r\n").split(",")  # noqa: E731  (these rows have no quoted commas)
    a, b = cells(lines[1]), cells(lines[2])
    a_urn = a[iu]
    a[iu] = "12AB"
    b[ip] = "abc"
    out = [
        lines[0],
        ",".join(a) + "\n",
        ",".join(b) + "\n",
        *lines[3:],
        lines[3],
    ]  # line 3 repeated at the end
    (tmp_path / "ks2").mkdir()
    (tmp_path / rel).write_text("".join(out), encoding="utf-8")
    src = make_src(tmp_path, rel)
    res = ks2.stage(con, src)
    rej = con.execute(
        "SELECT line, column_name, value, reason FROM rejects ORDER BY line, column_name"
    ).fetchall()
    assert (2, "URN", "12AB") == rej[0][:3] and "whole number" in rej[0][3]
    assert (3, "PTRWM_EXP", "abc") == rej[1][:3]
    assert rej[-1][0] == len(out) and "more than once" in rej[-1][3] and "line 4" in rej[-1][3]
    assert res.rows_rejected == 2
    assert con.execute("SELECT count(*) FROM stg_measures WHERE source_line = 2").fetchone()[0] == 0
    assert (
        con.execute(
            "SELECT count(*) FROM stg_named_schools WHERE urn = ?", [int(a_urn)]
        ).fetchone()[0]
        == 0
    )
    # the row with the bad cell still loads its other measures
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE source_line = 3 AND source_field <> 'PTRWM_EXP'"
        ).fetchone()[0]
        > 0
    )
    assert (
        con.execute(
            "SELECT count(*) FROM stg_measures WHERE source_line = 3 AND source_field = 'PTRWM_EXP'"
        ).fetchone()[0]
        == 0
    )


def test_cp1252_copy_reads_identically(con, real_dir, tmp_path):
    rel = "ks2/2018_850_ks2final.csv"
    text = (real_dir / rel).read_bytes().decode("utf-8-sig")
    header, rows = raw_rows(real_dir / rel)
    name = rows[0][header.index("SCHNAME")]
    curly = name.replace("'", "\u2019") if "'" in name else name + " St Mary\u2019s"
    text2 = text.replace(name, curly, 1)
    (tmp_path / "ks2").mkdir()
    (tmp_path / rel).write_bytes(text2.encode("cp1252"))
    src = make_src(tmp_path, rel, workdir=tmp_path / "work")
    assert src.encoding == "cp1252"
    ks2.stage(con, src)
    stage(con, real_dir, rel)
    # both files have the same name (rel), numbered apart: file 1 is the cp1252 copy
    files = con.execute(
        "SELECT file_id, time_period, source_kind, source_file, file_status "
        "FROM stg_measure_files ORDER BY file_id"
    ).fetchall()
    assert [f[0] for f in files] == [1, 2] and files[0][1:] == files[1][1:]
    # the cells name their field by number: the copy's field numbers map to the same fields
    cells = "SELECT * EXCLUDE (file_id, field_id), d.* EXCLUDE (field_id) FROM stg_measure_cells "
    cells += "JOIN stg_measure_fields d USING (field_id) WHERE file_id = ?"
    first = con.execute(cells, [1]).fetchall()
    second = con.execute(cells, [2]).fetchall()
    assert first and sorted(first, key=repr) == sorted(second, key=repr)
    assert con.execute("SELECT count(*) FROM stg_measures").fetchone()[0] == 2 * len(first)
    names = [
        r[0]
        for r in con.execute(
            "SELECT name FROM stg_named_schools WHERE urn = ?", [int(rows[0][header.index("URN")])]
        ).fetchall()
    ]
    assert names == [curly, name]


def test_missing_year_is_a_clear_error(con, real_dir):
    src = make_src(real_dir, "ks2/2016_850_ks2final.csv", time_period=None)
    with pytest.raises(ValueError, match=r"ks2/2016_850_ks2final.csv,201819"):
        ks2.stage(con, src)


def test_staged_cells_name_their_file_and_field_by_number(con, real_dir):
    """A staged cell carries its file's and field's numbers, not their text (written once each in
    stg_measure_files / stg_measure_fields); the view stg_measures joins them back, column for column."""
    for rel in FILES[:2]:
        stage(con, real_dir, rel)
    cell_cols = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'stg_measure_cells' "
            "ORDER BY column_index"
        ).fetchall()
    ]
    assert "file_id" in cell_cols and "field_id" in cell_cols
    assert not {"source_file", "source_field", "measure", "pupil_group", "time_period"} & set(
        cell_cols
    )
    files = con.execute(
        "SELECT source_file, source_kind FROM stg_measure_files ORDER BY file_id"
    ).fetchall()
    assert files == [(rel, "ks2") for rel in FILES[:2]]
    view_cols = [d[0] for d in con.execute("SELECT * FROM stg_measures LIMIT 0").description]
    assert view_cols == [
        "level", "urn", "la_code", "time_period", "source_kind", "measure", "pupil_group",
        "value", "status_code", "ci_lower", "ci_upper", "cohort", "national_scope",
        "source_file", "source_field", "source_line", "file_status",
    ]  # fmt: skip
    n_cells = con.execute("SELECT count(*) FROM stg_measure_cells").fetchone()[0]
    assert n_cells > 0
    assert con.execute("SELECT count(*) FROM stg_measures").fetchone()[0] == n_cells
    per_file = con.execute(
        "SELECT source_file, count(DISTINCT source_field) FROM stg_measures GROUP BY 1 ORDER BY 1"
    ).fetchall()
    fields = {r[0]: r[1] for r in per_file}
    for rel in FILES[:2]:
        header, _ = raw_rows(real_dir / rel)
        assert 0 < fields[rel] <= len(header)


def test_cells_failing_a_check_are_rejected_once_and_only_loaded_cells_staged(
    con, real_dir, tmp_path
):
    """The unpivot writes every cell with what it failed (stg_measure_cells.problem) and then only
    rereads those: each bad cell gives one reject (a cohort column serving 17 fields too), a cell
    with neither a value nor a code is not staged, and a value with a bad interval keeps its value."""
    rel = "ks2/2016_850_ks2final.csv"
    header, rows = raw_rows(real_dir / rel)
    col = {h: header.index(h) for h in ("TELIG", "PTRWM_EXP", "READPROG", "READPROG_LOWER")}
    a, b = rows[0], rows[1]  # lines 2 and 3: schools with every one of these cells a number
    a[col["TELIG"]] = "abc"
    a[col["PTRWM_EXP"]] = "150"
    a[col["READPROG_LOWER"]] = "abc"
    b[col["READPROG_LOWER"]] = str(float(b[col["READPROG"]]) + 5)
    (tmp_path / "ks2").mkdir()
    with open(tmp_path / rel, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    res = ks2.stage(con, make_src(tmp_path, rel))
    rej = con.execute(
        "SELECT line, column_name, value, reason FROM rejects ORDER BY line, column_name"
    ).fetchall()
    assert [r[:3] for r in rej] == [
        (2, "PTRWM_EXP", "150"),
        (2, "READPROG_LOWER", "abc"),
        (2, "TELIG", "abc"),
        (3, "READPROG", b[col["READPROG"]]),
    ]
    assert "outside the possible range 0 to 100" in rej[0][3]
    assert rej[1][3] == rej[2][3] == INVALID_CELL
    assert rej[3][3].startswith(f"the confidence interval {b[col['READPROG_LOWER']]} to ")
    assert res.tables["rejects"] == 4 and res.rows_rejected == 0

    def cells(line):
        return {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT source_field, value, ci_lower, ci_upper, cohort FROM stg_measures "
                "WHERE source_line = ?",
                [line],
            ).fetchall()
        }

    line2, line3 = cells(2), cells(3)
    assert "PTRWM_EXP" not in line2 and "TELIG" not in line2 and "READPROG" not in line3
    upper = num(a[header.index("READPROG_UPPER")])
    assert line2["READPROG"] == (num(a[col["READPROG"]]), None, upper, None)
    # TELIG is the all-pupils fields' cohort: none of them keeps one
    all_pupils = [f for f in ks2.FIELDS if f.cohort == "TELIG" and f.field in line2]
    assert len(all_pupils) >= 10 and all(line2[f.field][3] is None for f in all_pupils)
    assert line3["PTRWM_EXP"][3] == int(num(b[col["TELIG"]]))
    # every staged cell has a value or a code, and the count in the report is what was staged
    staged = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE value IS NULL AND status_code IS NULL) "
        "FROM stg_measure_cells"
    ).fetchone()
    assert staged == (res.tables["stg_measures"], 0)


def test_a_value_outside_an_interval_with_a_blank_limit_is_one_reject_with_its_reason(
    con, real_dir, tmp_path
):
    """The reason names the blank limit (it was NULL, and the load stopped on rejects.reason)."""
    rel = "ks2/2016_850_ks2final.csv"
    header, rows = raw_rows(real_dir / rel)
    col = {h: header.index(h) for h in ("READPROG", "READPROG_LOWER", "READPROG_UPPER")}
    row = rows[0]
    row[col["READPROG_LOWER"]] = str(float(row[col["READPROG"]]) + 5)
    row[col["READPROG_UPPER"]] = ""
    (tmp_path / "ks2").mkdir()
    with open(tmp_path / rel, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    ks2.stage(con, make_src(tmp_path, rel))
    rej = con.execute("SELECT line, column_name, reason FROM rejects").fetchall()
    assert rej == [
        (2, "READPROG", f"the confidence interval {row[col['READPROG_LOWER']]} to blank "
         "(READPROG_LOWER, READPROG_UPPER) does not contain the value: value not loaded")
    ]  # fmt: skip


def test_an_impossible_confidence_limit_is_rejected_and_its_value_kept(con, real_dir, tmp_path):
    """A limit beyond the measure's range widened by its width (KS2 progress: -90 to 90) is a
    damaged cell even when the interval still contains the value (it passed the interval check and
    overflowed the model's exact sums); only the limit is lost."""
    rel = "ks2/2016_850_ks2final.csv"
    header, rows = raw_rows(real_dir / rel)
    col = {h: header.index(h) for h in ("READPROG", "READPROG_LOWER", "READPROG_UPPER")}
    a, b = rows[0], rows[1]
    a[col["READPROG_LOWER"]] = "-9999999999999999"
    b[col["READPROG_UPPER"]] = "95"
    (tmp_path / "ks2").mkdir()
    with open(tmp_path / rel, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    ks2.stage(con, make_src(tmp_path, rel))
    rej = con.execute(
        "SELECT line, column_name, value, reason FROM rejects ORDER BY line"
    ).fetchall()
    reason = "a confidence limit outside -90 to 90 is not possible for ks2_reading_progress: limit not loaded"
    assert rej == [
        (2, "READPROG_LOWER", "-9999999999999999", reason),
        (3, "READPROG_UPPER", "95", reason),
    ]
    got = dict(
        (line, rest)
        for line, *rest in con.execute(
            "SELECT source_line, value, ci_lower, ci_upper FROM stg_measures "
            "WHERE source_field = 'READPROG' AND source_line IN (2, 3)"
        ).fetchall()
    )
    assert got[2] == [num(a[col["READPROG"]]), None, num(a[col["READPROG_UPPER"]])]
    assert got[3] == [num(b[col["READPROG"]]), num(b[col["READPROG_LOWER"]]), None]


def test_the_unpivot_parses_a_cohort_column_once_per_row(con, real_dir):
    """TELIG is the cohort of 17 KS2 fields: the statement staging the cells names it three times
    (read from the raw table, as the ks2_cohort value, and once in the row's list of cohorts), not
    once per field (19 times)."""
    sent = []

    class Recording:
        def __init__(self, c):
            self._c = c

        def __getattr__(self, name):
            return getattr(self._c, name)

        def execute(self, sql, *args):
            sent.append(sql)
            return self._c.execute(sql, *args)

    ks2.stage(Recording(con), make_src(real_dir, "ks2/2016_850_ks2final.csv"))
    (unpivot,) = [s for s in sent if s.lstrip().startswith("INSERT INTO stg_measure_cells")]
    assert unpivot.count('"TELIG"') == 3
