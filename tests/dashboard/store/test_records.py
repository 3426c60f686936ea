"""Append-only records: versions, withdrawals, conflicts between editors, concurrent writers in
separate processes, and a writer killed mid-write (the app crashing) losing nothing it had saved."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from dashboard.store import db, records

ROOT = Path(__file__).resolve().parents[3]


def test_an_edit_is_a_new_version_and_every_version_is_kept(store):
    first = records.create("note", 100, {"text": "first"}, "alice", path=store)
    assert (first.record_id, first.version, first.written_by) == (1, 1, "alice")
    second = records.revise(first.record_id, 1, {"text": "second"}, "bob", path=store)
    assert (second.version, second.body, second.written_by) == (2, {"text": "second"}, "bob")
    assert (second.created_by, second.created_at) == ("alice", first.written_at)
    assert [v.body["text"] for v in records.history(1, path=store)] == ["first", "second"]
    assert [r.body["text"] for r in records.current(["note"], path=store)] == ["second"]


def test_a_withdrawal_hides_the_record_but_keeps_its_history(store):
    rec = records.create("concern", 100, {"text": "wrong school"}, "alice", path=store)
    gone = records.withdraw(
        rec.record_id, 1, "alice", "entered against the wrong school", path=store
    )
    assert gone.withdrawn and gone.body["withdrawn_reason"] == "entered against the wrong school"
    assert records.current(["concern"], path=store) == []
    assert len(records.current(["concern"], include_withdrawn=True, path=store)) == 1
    assert [v.withdrawn for v in records.history(rec.record_id, path=store)] == [False, True]
    with pytest.raises(ValueError, match="withdrawn"):
        records.revise(rec.record_id, 2, {"text": "again"}, "bob", path=store)
    with pytest.raises(ValueError, match="why"):
        records.withdraw(records.create("note", 1, {}, "a", path=store).record_id, 1, "a", " ",
                         path=store)  # fmt: skip


def test_the_database_itself_refuses_updates_and_deletes(store):
    records.create("note", 100, {"text": "kept"}, "alice", path=store)
    with db.connect(store) as con:
        with pytest.raises(db.IntegrityError, match="append-only"):
            con.execute('UPDATE records SET body = \'{"text": "rewritten"}\'')
        with pytest.raises(db.IntegrityError, match="append-only"):
            con.execute("DELETE FROM records")
        with pytest.raises(db.IntegrityError):  # not a JSON object
            con.execute("INSERT INTO records VALUES (9, 1, 'note', 1, 'now', 'x', 0, '[1, 2]')")
    assert records.get(1, path=store).body == {"text": "kept"}


def test_two_editors_of_the_same_version_cannot_both_win(store):
    rec = records.create("note", 100, {"text": "v1"}, "alice", path=store)
    records.revise(rec.record_id, 1, {"text": "alice's edit"}, "alice", path=store)
    with pytest.raises(records.ConflictError) as err:
        records.revise(rec.record_id, 1, {"text": "bob's edit"}, "bob", path=store)
    assert "alice" in str(err.value) and "not saved" in str(err.value)
    assert records.get(rec.record_id, path=store).body == {"text": "alice's edit"}
    with pytest.raises(LookupError):
        records.revise(999, 1, {}, "bob", path=store)


def test_bad_records_are_refused_with_a_reason(store):
    with pytest.raises(ValueError, match="Unknown kind"):
        records.create("gossip", 1, {}, "a", path=store)
    with pytest.raises(ValueError, match="who wrote"):
        records.create("note", 1, {}, " ", path=store)


def _writer(args: tuple[str, str, int]) -> list[int]:
    path, who, n = args
    return [records.create("note", 7, {"text": f"{who} {i}"}, who, path=path).record_id
            for i in range(n)]  # fmt: skip


def _editor(args: tuple[str, str, int]) -> str:
    path, who, record_id = args
    try:
        records.revise(record_id, 1, {"text": who}, who, path=path)
        return "saved"
    except records.ConflictError:
        return "conflict"


def test_concurrent_writers_in_separate_processes_all_persist(store):
    records.create("note", 7, {"text": "seed"}, "seed", path=store)  # schema exists before the race
    with ProcessPoolExecutor(max_workers=2) as pool:
        ids = list(pool.map(_writer, [(str(store), "alice", 40), (str(store), "bob", 40)]))
    assert len(set(ids[0]) | set(ids[1])) == 80  # no id handed out twice, nothing overwritten
    texts = {r.body["text"] for r in records.current(["note"], path=store)}
    assert {f"alice {i}" for i in range(40)} | {f"bob {i}" for i in range(40)} <= texts


def test_concurrent_edits_of_one_version_in_two_processes_one_wins_one_is_told(store):
    for attempt in range(5):  # a race: repeat so both orders are exercised
        rec = records.create("note", 7, {"text": "base"}, "seed", path=store)
        with ProcessPoolExecutor(max_workers=2) as pool:
            outcomes = sorted(pool.map(_editor, [(str(store), w, rec.record_id)
                                                 for w in ("alice", "bob")]))  # fmt: skip
        assert outcomes == ["conflict", "saved"], attempt
        assert len(records.history(rec.record_id, path=store)) == 2


WRITER = textwrap.dedent(
    """
    import sys
    from dashboard.store import records
    path = sys.argv[1]
    i = 0
    while True:
        rec = records.create("note", 7, {"text": "x" * 2000, "i": i}, "writer", path=path)
        rec = records.revise(rec.record_id, 1, {"text": "edited", "i": i}, "writer", path=path)
        print(rec.record_id, rec.version, flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_app_killed_mid_write_loses_nothing_it_saved_and_leaves_nothing_half_written(
    store, seed
):
    records.create("note", 7, {"text": "before the crash"}, "seed", path=store)
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged: list[tuple[int, int]] = []
    deadline = time.monotonic() + random.Random(seed).uniform(0.5, 2.0)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            acknowledged.append(tuple(int(x) for x in line.split()))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert acknowledged, "the writer saved nothing before it was killed"

    with db.connect(store) as con:
        if db.dialect(con) == "sqlite":
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("SELECT record_id, version, body FROM records").fetchall()
    versions: dict[int, list[int]] = {}
    for r in rows:
        versions.setdefault(r["record_id"], []).append(r["version"])
        assert json.loads(r["body"])  # every stored body is whole
    for record_id, version in acknowledged:  # everything the writer was told is saved, is
        assert version in versions[record_id]
        assert records.get(record_id, path=store).body["text"] == "edited"
    for vs in versions.values():  # versions are contiguous from 1: no gap, no torn write
        assert sorted(vs) == list(range(1, len(vs) + 1))
    assert records.get(1, path=store).body == {"text": "before the crash"}
    records.create("note", 7, {"text": "after the crash"}, "app", path=store)  # still writable


def test_a_backup_is_a_consistent_copy_and_never_overwrites(store, tmp_path):
    from dashboard.store import backup

    if isinstance(store, str):  # PostgreSQL is backed up with pg_dump (deploy/README.md)
        with pytest.raises(RuntimeError, match="pg_dump"):
            backup.backup(tmp_path / "store-1.sqlite", store)
        assert backup.main([str(tmp_path / "store-1.sqlite"), "--store", store]) == 1
        return

    for i in range(5):
        records.create("note", 7, {"text": f"n{i}"}, "alice", path=store)
    records.revise(1, 1, {"text": "edited"}, "bob", path=store)
    dest = tmp_path / "backups" / "store-1.sqlite"
    assert backup.backup(dest, store) == 6
    assert records.get(1, path=dest).body == {"text": "edited"}
    assert backup.main([str(dest), "--store", str(store)]) == 1  # exists: refused


def test_a_script_run_reads_each_question_once_and_reads_back_its_own_writes(store):
    """Inside read_once_per_run (every page run, dashboard/app.py) the same question is answered
    from what the run already read, so another writer's entry appears on the next run; a write
    made in the run itself is read back at once."""
    import threading

    records.create("note", 100, {"text": "before"}, "alice", path=store)
    with records.read_once_per_run():
        assert [r.body["text"] for r in records.current(["note"], path=store)] == ["before"]
        other = threading.Thread(
            target=records.create, args=("note", 100, {"text": "other"}, "bob"),
            kwargs={"path": store},
        )  # fmt: skip
        other.start()
        other.join()  # another session's write, outside this run's thread
        assert [r.body["text"] for r in records.current(["note"], path=store)] == ["before"]
        mine = records.create("note", 100, {"text": "mine"}, "alice", path=store)
        assert [r.body["text"] for r in records.current(["note"], path=store)] == [
            "before", "other", "mine"
        ]  # fmt: skip
        records.withdraw(mine.record_id, 1, "alice", "wrong school", path=store)
        assert len(records.current(["note"], path=store)) == 2
        first = records.current(["note"], path=store)
        first[0].body["text"] = "changed by a caller"  # callers never share the run's objects
        assert records.current(["note"], path=store)[0].body["text"] == "before"
    assert len(records.current(["note"], path=store)) == 2  # outside a run: read every time
