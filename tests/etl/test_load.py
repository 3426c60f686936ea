"""etl.load / python -m etl load: builds a new file, swaps the pointer only when everything passed,
and leaves the previous warehouse serving on any failure (refusal, exception, SIGKILL)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from etl.load import LoadSettings, clean_old_builds, load
from etl.report import LoadRefused
from tests.etl import fake_reader
from tests.shared_data import REAL_DATA
from warehouse.connection import builds_dir, open_read_only, resolve_build

ROOT = Path(__file__).resolve().parents[2]
REAL = REAL_DATA
QUIET = LoadSettings(progress=False, model=False)
KS2 = "ks2/2018_850_ks2final.csv"


# --- helpers -------------------------------------------------------------------------------------


def fake_folder(folder: Path, rows: dict[str, str]) -> Path:
    """A source folder of fake-reader files: {name: body without header}."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in rows.items():
        (folder / name).write_text("URN,NAME,SCORE\n" + body)
    return folder


def fake_load(src: Path, warehouse: Path, **kw):
    return load(
        src,
        warehouse,
        LoadSettings(progress=False, model=False, **kw),
        reader_for=fake_reader.reader_for,
    )


def query(warehouse: Path, sql: str):
    con = open_read_only(resolve_build(warehouse))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def state(warehouse: Path) -> tuple[str, str]:
    """What is serving: the pointer's target and a checksum of that build."""
    target = os.readlink(warehouse)
    return target, hashlib.sha256(resolve_build(warehouse).read_bytes()).hexdigest()


def real_subset(
    dst: Path, files=(KS2, "gias/20220420_gias.csv", "census/815_2019_census.csv")
) -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real published data not present at {REAL}")
    lines = ["file,time_period,status"]
    manifest = {r.split(",")[0]: r for r in (REAL / "manifest.csv").read_text().splitlines()[1:]}
    for f in files:
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REAL / f, dst / f)
        lines.append(manifest[f])
    (dst / "manifest.csv").write_text("\n".join(lines) + "\n")
    return dst


@pytest.fixture
def served(tmp_path) -> Path:
    """A warehouse already serving a good build of the fake data."""
    w = tmp_path / "data" / "warehouse.duckdb"
    fake_load(
        fake_folder(tmp_path / "good", {"201819_scores.csv": "100001,A,50\n100002,B,60\n"}), w
    )
    return w


# --- the real published folder -------------------------------------------------------------------


def test_real_folder_loads_with_counts_equal_to_the_source(real_warehouse):
    # the session's load of the real folder by `python -m etl load` (tests/conftest.py): it exited 0
    w, printed = real_warehouse, (real_warehouse.parent / "load.out").read_text()
    assert "OK" in printed and "skipped dfe-metadata/ks2_meta.csv [metadata]" in printed

    import duckdb

    src = duckdb.connect()
    data = [
        REAL / line.split(",")[0] for line in (REAL / "manifest.csv").read_text().splitlines()[1:]
    ]

    def urns(path: Path) -> set[int]:
        col = "URN"
        rel = src.execute(
            "SELECT * FROM read_csv(?, all_varchar=true, null_padding=true, strict_mode=false, header=true) LIMIT 0",
            [str(path)],
        )
        names = [d[0] for d in rel.description]
        col = next(n for n in names if n.strip().lstrip("\ufeff").upper() == "URN")
        got = src.execute(
            f'SELECT DISTINCT TRY_CAST(trim("{col}") AS INTEGER) FROM read_csv(?, all_varchar=true, '
            'null_padding=true, strict_mode=false, header=true) WHERE TRY_CAST(trim("'
            + col
            + '") AS INTEGER) IS NOT NULL',
            [str(path)],
        ).fetchall()
        return {r[0] for r in got}

    expected_schools = set().union(*(urns(p) for p in data))
    got = {r[0] for r in query(w, "SELECT urn FROM schools")}
    assert got == expected_schools
    assert query(w, "SELECT count(*) FROM schools WHERE in_gias")[0][0] == len(
        urns(REAL / "gias/20220420_gias.csv")
    )

    # a measure per school as published: KS2 2018/19 % meeting the expected standard (RECTYPE 1, 2)
    pub = src.execute(
        "SELECT count(*) FROM read_csv(?, all_varchar=true, null_padding=true, header=true) "
        "WHERE RECTYPE IN ('1', '2') AND TRY_CAST(replace(PTRWM_EXP, '%', '') AS DOUBLE) IS NOT NULL",
        [str(REAL / KS2)],
    ).fetchone()[0]
    loaded = query(
        w,
        "SELECT count(*) FROM school_measures WHERE measure = 'ks2_rwm_expected_pct' AND pupil_group = 'all' "
        "AND time_period = 201819 AND value IS NOT NULL",
    )[0][0]
    assert loaded == pub > 250
    # census: the LA file is a subset of the national one with equal values -> one row, both files
    both = query(
        w,
        "SELECT count(*) FROM school_measures WHERE measure = 'pupils_on_roll' AND time_period = 201819 "
        "AND source_file = 'census/815_2019_census.csv; census/england_census.csv'",
    )[0][0]
    assert both >= 380
    nat = src.execute(
        "SELECT count(*) FROM read_csv(?, all_varchar=true, header=true) WHERE TRY_CAST(URN AS INTEGER) IS NOT NULL "
        "AND TRY_CAST(NOR AS DOUBLE) IS NOT NULL",
        [str(REAL / "census/england_census.csv")],
    ).fetchone()[0]
    assert (
        query(
            w,
            "SELECT count(*) FROM school_measures WHERE measure='pupils_on_roll' AND time_period=201819 AND value IS NOT NULL",
        )[0][0]
        == nat
    )
    # the council served: Hampshire, the only LA whose GIAS rows are loaded with districts
    assert query(w, "SELECT la_code, chosen_by FROM home_la") == [
        (850, "most GIAS schools with a district")
    ]


def test_home_la_of_the_default_county_is_its_county_boundary(fixture_warehouse):
    assert query(fixture_warehouse, "SELECT la_code, la_name, chosen_by FROM home_la") == [
        (991, "Eastmoor", "county boundary")
    ]


# --- corrupted copies: refused, or good rows kept; the previous warehouse unchanged ---------------


def test_bad_cell_keeps_good_rows_and_names_file_line_and_column(tmp_path):
    src = real_subset(tmp_path / "src")
    w = tmp_path / "wh" / "warehouse.duckdb"
    load(src, w, QUIET)
    before = state(w)
    lines = (src / KS2).read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    i = header.index("PTRWM_EXP")
    row = lines[5].split(",")
    row[i] = "seventy"
    lines[5] = ",".join(row)
    (src / KS2).write_text("\ufeff" + "".join(lines), encoding="utf-8")
    report = load(src, w, QUIET)
    assert state(w) != before  # the new build is serving
    rej = query(w, f"SELECT line, column_name, value FROM rejects WHERE file_name = '{KS2}'")
    assert (6, "PTRWM_EXP", "seventy") in rej
    n = query(
        w,
        "SELECT count(*) FROM school_measures WHERE time_period = 201819 AND measure = 'ks2_rwm_expected_pct' AND pupil_group = 'all'",
    )[0][0]
    assert n > 250
    assert any(f.file_name == KS2 and f.action == "loaded" for f in report.files)


def test_files_unpivoted_in_one_batch_keep_their_own_counts_rejects_and_notes(
    tmp_path, monkeypatch
):
    # Two KS2 files with the same header are unpivoted together (etl/readers/_dfe.py Batch): each
    # file's line in the report and its rejects (file, line, column) are those of loading it alone.
    copy = "ks2/2017_copy_ks2final.csv"

    def bad(path: Path, line: int, value: str) -> None:
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        i = lines[0].rstrip("\r\n").split(",").index("PTRWM_EXP")
        row = lines[line - 1].split(",")
        row[i] = value
        lines[line - 1] = ",".join(row)
        path.write_text("\ufeff" + "".join(lines), encoding="utf-8")

    def source(folder: Path, names: tuple[str, ...]) -> Path:
        src = real_subset(folder, files=(KS2,))
        shutil.copy(src / KS2, src / copy)
        bad(src / KS2, 6, "seventy")
        bad(src / copy, 9, "101")  # outside 0 to 100
        manifest = "file,time_period,status\n" + "".join(
            f"{n},{201819 if n == KS2 else 201718},final\n" for n in names
        )
        for n in {KS2, copy} - set(names):
            (src / n).unlink()
        (src / "manifest.csv").write_text(manifest)
        return src

    def lines_and_rejects(names: tuple[str, ...], folder: str):
        w = tmp_path / folder / "wh" / "warehouse.duckdb"
        report = load(source(tmp_path / folder / "src", names), w, QUIET)
        lines = {
            # (the manifest's order differs: the files alone are each first in theirs)
            f.file_name: {
                k: v for k, v in vars(f).items() if k not in ("seconds", "manifest_order")
            }
            for f in report.files
            if f.file_name in names
        }
        rejects = query(
            w, "SELECT file_name, line, column_name, value, reason FROM rejects ORDER BY ALL"
        )
        # each file's cells under its own file (one insert writes every file of a batch)
        measures = query(
            w,
            "SELECT urn, la_code, time_period, key_stage, measure, pupil_group, value, "
            "status_code, ci_lower, ci_upper, cohort, source_file, source_field FROM school_measures",
        )
        return lines, rejects, report.staged, measures

    from etl.readers import _dfe

    batches = []
    unpivot = _dfe._stage_measures
    monkeypatch.setattr(
        _dfe,
        "_stage_measures",
        lambda con, files: batches.append([p.src.name for p in files]) or unpivot(con, files),
    )
    together, rej_together, staged, measures = lines_and_rejects((KS2, copy), "both")
    assert batches == [[copy, KS2]]  # one statement set for both files (in discovery order)
    alone_a, rej_a, staged_a, measures_a = lines_and_rejects((KS2,), "a")
    alone_b, rej_b, staged_b, measures_b = lines_and_rejects((copy,), "b")
    assert Counter(measures) == Counter(measures_a + measures_b)
    assert {m[11] for m in measures} == {KS2, copy}
    assert together == {**alone_a, **alone_b}
    assert rej_together == sorted(rej_a + rej_b)
    assert (KS2, 6, "PTRWM_EXP", "seventy") in [r[:4] for r in rej_together]
    assert (copy, 9, "PTRWM_EXP", "101") in [r[:4] for r in rej_together]
    assert "cells were not loaded" in together[copy]["note"]
    assert staged["stg_measures"] == staged_a["stg_measures"] + staged_b["stg_measures"]


def test_an_impossible_confidence_limit_is_one_reject_and_the_model_still_builds(tmp_path):
    """A damaged limit that still contains its value (-9999999999999999) overflowed the model's
    exact mean of three progress limits and stopped the whole load; now only the limit is lost."""
    src = real_subset(tmp_path / "src")
    lines = (src / KS2).read_text(encoding="utf-8-sig").splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    row = lines[5].split(",")
    urn = int(row[header.index("URN")])
    row[header.index("READPROG_LOWER")] = "-9999999999999999"
    lines[5] = ",".join(row)
    (src / KS2).write_text("\ufeff" + "".join(lines), encoding="utf-8")
    w = tmp_path / "wh" / "warehouse.duckdb"
    report = load(src, w, LoadSettings(progress=False))
    assert report.ok and report.rejects == {KS2: 1}
    assert query(w, f"SELECT line, column_name FROM rejects WHERE file_name = '{KS2}'") == [
        (6, "READPROG_LOWER")
    ]
    ((value, lower),) = query(
        w,
        "SELECT value, ci_lower FROM school_measures WHERE urn = ? AND time_period = 201819 "
        "AND measure = 'ks2_reading_progress' AND pupil_group = 'all'".replace("?", str(urn)),
    )
    assert value == float(row[header.index("READPROG")]) and lower is None


def test_missing_key_column_refuses_and_previous_warehouse_serves(tmp_path, capsys):
    src = real_subset(tmp_path / "src")
    w = tmp_path / "wh" / "warehouse.duckdb"
    load(src, w, QUIET)
    before = state(w)
    text = (src / KS2).read_text(encoding="utf-8-sig").replace("URN,", "SCHOOLREF,", 1)
    (src / KS2).write_text(text, encoding="utf-8")
    from etl.__main__ import main

    code = main(["load", str(src), "--warehouse", str(w), "--no-progress"])
    err = capsys.readouterr().err
    assert code != 0
    assert KS2 in err and "unchanged" in err
    assert state(w) == before
    assert len(list(builds_dir(w).glob("*.duckdb"))) == 1  # the half-built file is gone


def test_truncated_files_refuse_naming_the_file(tmp_path):
    src = real_subset(tmp_path / "src")
    w = tmp_path / "wh" / "warehouse.duckdb"
    load(src, w, QUIET)
    before = state(w)
    (src / KS2).write_bytes(b"")
    with pytest.raises(LoadRefused, match=r"ks2/2018_850_ks2final\.csv: the file is empty"):
        load(src, w, QUIET)
    assert state(w) == before
    header_only = (REAL / KS2).read_bytes().split(b"\n", 1)[0] + b"\n"
    (src / KS2).write_bytes(header_only)
    with pytest.raises(LoadRefused, match=r"ks2/2018_850_ks2final\.csv.*no data rows"):
        load(src, w, QUIET)
    assert state(w) == before


def test_reject_share_above_the_setting_refuses(served, tmp_path):
    before = state(served)
    src = fake_folder(
        tmp_path / "bad", {"201819_scores.csv": "100001,A,50\n100002,B,x\n100003,C,y\n"}
    )
    with pytest.raises(LoadRefused) as e:
        fake_load(src, served)
    assert "201819_scores.csv" in str(e.value) and "2 of 3 rows rejected" in str(e.value)
    assert "line 3 SCORE='x'" in str(e.value)
    assert state(served) == before
    fake_load(src, served, max_reject_share=0.9)  # allowed when the setting says so
    assert query(served, "SELECT count(*) FROM rejects")[0][0] == 2


def test_exception_mid_load_leaves_previous_warehouse(served, tmp_path, monkeypatch):
    before = state(served)
    src = fake_folder(
        tmp_path / "next", {"201718_a.csv": "100001,A,1\n", "201819_b.csv": "100001,A,2\n"}
    )
    calls = []
    real_stage = fake_reader.stage

    def flaky(con, s):
        calls.append(s.name)
        if len(calls) == 2:
            raise MemoryError("simulated crash while staging")
        return real_stage(con, s)

    monkeypatch.setattr(fake_reader, "stage", flaky)
    with pytest.raises(LoadRefused, match="201819_b.csv"):
        fake_load(src, served)
    assert state(served) == before
    assert [p.name for p in builds_dir(served).iterdir()] == [Path(before[0]).name]
    last = json.loads((served.parent / "load_reports.jsonl").read_text().splitlines()[-1])
    assert last["ok"] is False and "simulated crash" in last["error"]


class _NotesReader:
    """A reader staged beside the measures (STAGE_BESIDE): files whose header is URN,NAME,NOTE.
    It names each row's school in stg_named_schools (a table the measure readers also write) and
    records the thread that staged each file; a NOTE of "fail" fails the file after ``delay``."""

    KIND = "notes"
    NEEDS_TIME_PERIOD = True
    STAGE_BESIDE = True

    def __init__(self, delay: float = 0.0) -> None:
        self.delay, self.staged = delay, []

    @staticmethod
    def recognise(header) -> bool:
        return tuple(h.upper() for h in header) == ("URN", "NAME", "NOTE")

    def stage(self, con, src):
        from etl.readers.base import StageResult
        from etl.readers.csv_source import read_raw

        self.staged.append((src.name, threading.current_thread().name))
        res = StageResult()
        res.rows_read = read_raw(con, src.text_path, "_notes_raw", src.header, src.delimiter)
        if con.execute("SELECT count(*) FROM _notes_raw WHERE NOTE = 'fail'").fetchone()[0]:
            time.sleep(self.delay)
            raise ValueError("a note says fail")
        res.add(
            "stg_named_schools",
            con.execute(
                "INSERT INTO stg_named_schools SELECT CAST(URN AS INTEGER), NAME, 999, NULL, "
                "'Primary', ?, ? FROM _notes_raw",
                [src.time_period, src.name],
            ).fetchone()[0],
        )
        con.execute("DROP TABLE _notes_raw")
        return res


def _with_notes(notes: _NotesReader):
    return lambda header: notes if notes.recognise(header) else fake_reader.reader_for(header)


def test_files_beside_the_measures_stage_on_a_second_thread_and_report_in_found_order(tmp_path):
    src = fake_folder(
        tmp_path / "src", {"201718_a.csv": "100001,A,1\n", "201819_c.csv": "100002,B,2\n"}
    )
    (src / "201718_b_notes.csv").write_text("URN,NAME,NOTE\n100003,C,fine\n")
    (src / "201819_d_notes.csv").write_text("URN,NAME,NOTE\n100004,D,fine\n")
    notes = _NotesReader()
    w = tmp_path / "wh" / "warehouse.duckdb"
    report = load(src, w, QUIET, reader_for=_with_notes(notes))
    assert [f.file_name for f in report.files] == [
        "201718_a.csv",
        "201718_b_notes.csv",
        "201819_c.csv",
        "201819_d_notes.csv",
    ]
    assert [name for name, _ in notes.staged] == ["201718_b_notes.csv", "201819_d_notes.csv"]
    assert {thread for _, thread in notes.staged} == {"stage-beside"}
    assert report.staged["stg_named_schools"] == 4
    assert query(w, "SELECT count(*) FROM stg_named_schools")[0][0] == 4
    assert sorted(query(w, "SELECT urn FROM schools")) == [
        (100001,),
        (100002,),
        (100003,),
        (100004,),
    ]


@pytest.mark.parametrize("first", ["beside", "measures"])
def test_when_both_sides_fail_the_first_failing_file_found_is_named(
    served, tmp_path, monkeypatch, first
):
    """The first failing file in found order is named, even when the other side failed sooner."""
    before = state(served)
    beside_name = "201718_a_notes.csv" if first == "beside" else "201819_z_notes.csv"
    measure_name = "201819_b.csv" if first == "beside" else "201718_a.csv"
    src = fake_folder(tmp_path / "src", {measure_name: "100001,A,1\n"})
    (src / beside_name).write_text("URN,NAME,NOTE\n100003,C,fail\n")
    notes = _NotesReader(delay=0.5 if first == "beside" else 0.0)

    def failing(con, s):
        if first == "measures":
            time.sleep(0.5)  # the beside file fails first in time
        raise ValueError("a score file fails")

    monkeypatch.setattr(fake_reader, "stage", failing)
    named = beside_name if first == "beside" else measure_name
    with pytest.raises(LoadRefused, match=named.replace(".", r"\.")):
        load(src, served, QUIET, reader_for=_with_notes(notes))
    assert state(served) == before
    assert [p.name for p in builds_dir(served).iterdir()] == [Path(before[0]).name]


def test_sigkill_mid_load_leaves_previous_warehouse_and_orphan_is_cleaned(served, tmp_path):
    before = state(served)
    src = fake_folder(tmp_path / "next", {"201819_b.csv": "100001,A,2\n"})
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from tests.etl import fake_reader\n"
        "real = fake_reader.stage\n"
        "def slow(con, s):\n"
        "    r = real(con, s); print('staged', flush=True); time.sleep(60); return r\n"
        "fake_reader.stage = slow\n"
        "from etl.load import load, LoadSettings\n"
        f"load(Path({str(src)!r}), Path({str(served)!r}), LoadSettings(progress=False, model=False), reader_for=fake_reader.reader_for)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "staged"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert state(served) == before
    orphans = [p for p in builds_dir(served).glob("*.duckdb") if p.name != Path(before[0]).name]
    assert len(orphans) == 1  # never pointed to
    fake_load(src, served, build_grace_s=0)  # the next good load cleans the orphan up
    assert not orphans[0].exists()
    assert query(served, "SELECT value FROM school_measures")[0][0] == 2


# --- readers during a reload, lineage, cleanup ----------------------------------------------------


def test_connection_opened_before_reload_keeps_working_and_new_resolve_sees_new_data(
    served, tmp_path
):
    old = open_read_only(resolve_build(served))
    assert old.execute("SELECT count(*) FROM school_measures").fetchone()[0] == 2
    fake_load(
        fake_folder(
            tmp_path / "v2", {"201819_scores.csv": "100001,A,50\n100002,B,60\n100003,C,70\n"}
        ),
        served,
    )
    assert old.execute("SELECT count(*) FROM school_measures").fetchone()[0] == 2  # its snapshot
    old.close()
    new = open_read_only(resolve_build(served))  # a new resolve: a new path, so no stale path cache
    assert new.execute("SELECT count(*) FROM school_measures").fetchone()[0] == 3
    new.close()


def test_report_is_printed_stored_and_appended(tmp_path, capsys):
    src = fake_folder(tmp_path / "s", {"201819_scores.csv": "100001,A,50\n"})
    (src / "notes.csv").write_text("A,B\n1,2\n")
    w = tmp_path / "w" / "warehouse.duckdb"
    report = fake_load(src, w)
    assert report.ok and report.tables["school_measures"] == 1
    info = dict(query(w, "SELECT key, value FROM load_info"))
    assert {"run_id", "started_at", "finished_at", "source_dir", "duration_s"} <= set(info)
    assert info["run_id"] == report.run_id
    files = query(
        w, "SELECT file_name, kind, action, time_period, n_rows FROM load_files ORDER BY 1"
    )
    assert files == [
        ("201819_scores.csv", "fake", "loaded", 201819, 1),
        ("notes.csv", "unrecognised", "skipped", None, None),
    ]
    line = json.loads((w.parent / "load_reports.jsonl").read_text().splitlines()[-1])
    assert line["run_id"] == report.run_id and line["ok"] and line["tables"]["schools"] == 1
    text = report.text()
    assert "skipped notes.csv [unrecognised]" in text and "school_measures" in text


def test_old_builds_beyond_the_newest_three_removed_after_grace(tmp_path):
    src = fake_folder(tmp_path / "s", {"201819_scores.csv": "100001,A,50\n"})
    w = tmp_path / "w" / "warehouse.duckdb"
    for _ in range(5):
        fake_load(src, w)  # default grace: nothing old enough to delete yet
    assert len(list(builds_dir(w).glob("*.duckdb"))) == 5
    removed = clean_old_builds(w, keep=3, grace_s=0)
    left = sorted(builds_dir(w).glob("*.duckdb"))
    assert len(removed) == 2 and len(left) == 3 and resolve_build(w) in left
    assert resolve_build(w) == left[-1]


def test_decision_2_equal_values_merge_and_different_values_keep_final(tmp_path):
    src = tmp_path / "s"
    fake_folder(
        src,
        {
            "a.csv": "100001,A,50\n100002,B,60\n",
            "b.csv": "100001,A,50\n100002,B,61\n",
            "c.csv": "100002,B,62\n",
        },
    )
    (src / "manifest.csv").write_text(
        "file,time_period,status\na.csv,201819,final\nb.csv,201819,provisional\nc.csv,201819,final\n"
    )
    w = tmp_path / "w" / "warehouse.duckdb"
    fake_load(src, w)
    rows = query(w, "SELECT urn, value, source_file, file_status FROM school_measures ORDER BY urn")
    # equal figures: one row listing both files; different: final beats provisional, then the later file
    assert rows == [(100001, 50.0, "a.csv; b.csv", "final"), (100002, 62.0, "c.csv", "final")]
    rej = query(w, "SELECT file_name, reason FROM rejects ORDER BY file_name")
    assert [r[0] for r in rej] == ["a.csv", "b.csv"]
    assert all("c.csv" in r[1] for r in rej)


def test_decision_2_two_rows_for_one_key_in_one_file_are_both_rejected(tmp_path):
    src = tmp_path / "s"
    fake_folder(
        src,
        {
            "a.csv": "100001,A,50\n100001,A,51\n100002,B,60\n",
            "b.csv": "100001,A,52\n100002,B,60\n",
            "c.csv": "100003,C,70\n100003,C,71\n",
        },
    )
    (src / "manifest.csv").write_text(
        "file,time_period,status\na.csv,201819,final\nb.csv,201819,provisional\n"
        "c.csv,201819,final\n"
    )
    w = tmp_path / "w" / "warehouse.duckdb"
    fake_load(src, w)
    rows = query(w, "SELECT urn, value, source_file FROM school_measures ORDER BY urn")
    # a.csv's two lines for 100001 take no part: the provisional b.csv is its only figure; a school
    # whose only file gives it twice has no figure at all
    assert rows == [(100001, 52.0, "b.csv"), (100002, 60.0, "a.csv; b.csv")]
    rej = query(w, "SELECT file_name, line, value, reason FROM rejects ORDER BY file_name, line")
    assert [r[:3] for r in rej] == [
        ("a.csv", 2, "50.0"),
        ("a.csv", 3, "51.0"),
        ("c.csv", 2, "70.0"),
        ("c.csv", 3, "71.0"),
    ]
    assert rej[0][3].startswith("two rows for school 100001 (") and rej[0][3].endswith(
        ", 201819) in one file: broken input, both rows rejected"
    )
    assert rej[2][3].startswith("two rows for school 100003 (")


def test_a_plain_file_at_the_warehouse_path_is_not_overwritten(tmp_path):
    w = tmp_path / "warehouse.duckdb"
    w.write_bytes(b"someone's own database")
    with pytest.raises(LoadRefused, match="regular file"):
        fake_load(fake_folder(tmp_path / "s", {"201819_x.csv": "100001,A,1\n"}), w)
    assert w.read_bytes() == b"someone's own database"


def test_fixture_warehouse_is_a_real_load(fixture_warehouse):
    assert fixture_warehouse.is_symlink()
    n = query(fixture_warehouse, "SELECT count(*) FROM schools WHERE la_code = 991")[0][0]
    assert n >= 40
    assert query(fixture_warehouse, "SELECT count(*) FROM school_measures")[0][0] > 1000


def test_builds_are_written_in_the_pinned_storage_version(served):
    from warehouse.connection import STORAGE_VERSION

    [(tags,)] = query(
        served, "SELECT tags FROM duckdb_databases() WHERE NOT internal AND database_name <> 'temp'"
    )
    assert tags["storage_version"].startswith(STORAGE_VERSION)  # readable by DuckDB 1.0+ tools
