"""Fault tests of the load (issue 10): the real ``python -m etl load`` killed with SIGKILL at every
named step and at seeded random moments, killed swaps, a full disk, two loads at once, and old
builds kept while sessions may read them. After every fault the pointer names the previous build,
which opens read-only and holds exactly the previous data; the next load succeeds and removes what
the killed one left behind."""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import builds
from etl.load import FAULT_ENV, FAULT_STEPS, LoadSettings, clean_old_builds, load, new_run_id
from tests.etl.fault_sources import fingerprint, renamed_copy, school_names, small_copy
from tests.etl.test_load import fake_folder, fake_load
from warehouse.connection import builds_dir, open_read_only, resolve_build, swap_pointer

ROOT = Path(__file__).resolve().parents[2]
QUIET = LoadSettings(progress=False)
MARKER = "(load B)"
SEED = 20261123
STARTUP_S = 1.5  # a Python process importing the ETL, before the load starts


@pytest.fixture(scope="module")
def sources(fixture_source, tmp_path_factory) -> tuple[Path, Path]:
    """A: a small subset of the fixture county; B: the same files with every school renamed."""
    base = tmp_path_factory.mktemp("fault_sources")
    a = small_copy(fixture_source, base / "a")
    return a, renamed_copy(a, base / "b", MARKER)


@pytest.fixture(scope="module")
def template(sources, tmp_path_factory):
    """A warehouse serving A (loaded once), its fingerprint and how long the load took."""
    w = tmp_path_factory.mktemp("fault_template") / "data" / "warehouse.duckdb"
    report = load(sources[0], w, QUIET)
    return w, fingerprint(w), report.duration_s


@pytest.fixture
def serving_a(template, tmp_path) -> Path:
    """A fresh copy of the warehouse serving A: pointer, builds, journal and reports."""
    shutil.copytree(template[0].parent, tmp_path / "data", symlinks=True)
    return tmp_path / "data" / "warehouse.duckdb"


def cli(source: Path, warehouse: Path, fault: str | None = None, **kw) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop(FAULT_ENV, None)
    if fault:
        env[FAULT_ENV] = fault
    cmd = [sys.executable, "-m", "etl", "load", str(source), "--warehouse", str(warehouse)]
    return subprocess.Popen(
        [*cmd, "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def leftovers(warehouse: Path, served: set[str]) -> list[str]:
    """Everything in builds/ that is not one of the ``served`` builds, and stray swap links."""
    found = [p.name for p in builds_dir(warehouse).iterdir() if p.name not in served]
    return sorted(found + [p.name for p in warehouse.parent.glob(warehouse.name + ".swap*")])


def assert_whole(warehouse: Path) -> None:
    """The pointer names a finished build that opens read-only."""
    con = open_read_only(resolve_build(warehouse))
    try:
        assert con.execute("SELECT value FROM load_info WHERE key = 'finished_at'").fetchone()
    finally:
        con.close()


def next_load_cleans_up(warehouse: Path, b: Path, previous: str) -> None:
    """The next load succeeds, serves B, and only the served builds remain in builds/."""
    report = load(b, warehouse, QUIET)  # also shows the killed load's lock was released
    assert report.ok
    assert all(name.endswith(MARKER) for name in school_names(warehouse))
    served = {Path(previous).name, resolve_build(warehouse).name}
    assert leftovers(warehouse, served) == []
    assert (builds_dir(warehouse) / Path(previous).name).exists()  # replaced just now: kept


# --- SIGKILL at each named step and at random moments --------------------------------------------


@pytest.mark.parametrize("step", [s for s in FAULT_STEPS if s != "swapped"])
def test_killed_at_each_step_the_previous_build_serves_and_the_next_load_cleans_up(
    step, serving_a, sources, template
):
    w, before = serving_a, os.readlink(serving_a)
    proc = cli(sources[1], w, fault=step)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert os.readlink(w) == before
    assert fingerprint(w) == template[1]
    assert leftovers(w, {Path(before).name})  # the killed load did leave something behind
    next_load_cleans_up(w, sources[1], before)


def test_killed_just_after_the_swap_the_new_build_serves_whole_and_is_kept(serving_a, sources):
    w, before = serving_a, os.readlink(serving_a)
    proc = cli(sources[1], w, fault="swapped")
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    swapped = resolve_build(w)
    assert os.readlink(w) != before and all(n.endswith(MARKER) for n in school_names(w))
    assert_whole(w)
    # no report says it succeeded, yet it served: the next load keeps it for the grace period
    report = load(sources[0], w, QUIET)
    assert report.ok and swapped.exists()
    assert leftovers(w, {Path(before).name, swapped.name, resolve_build(w).name}) == []


def test_killed_at_seeded_random_moments_never_points_at_a_half_written_build(
    serving_a, sources, template
):
    w, rng = serving_a, random.Random(SEED)
    first = os.readlink(w)
    outcomes = []
    for _ in range(3):
        before, fp = os.readlink(w), fingerprint(w)
        delay = rng.uniform(0.2, STARTUP_S + template[2])
        proc = cli(sources[1], w)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.communicate(timeout=60)
        if proc.returncode == 0:  # finished before the kill: the new build serves, whole
            assert os.readlink(w) != before and fingerprint(w) != fp
        else:
            assert proc.returncode == -signal.SIGKILL, proc.stderr
            if os.readlink(w) == before:  # killed before the swap: the previous build, unchanged
                assert fingerprint(w) == fp
            else:  # killed after the swap (while reporting, cleaning up): the new build, whole
                assert fingerprint(w) != fp
        assert_whole(w)
        outcomes.append((round(delay, 2), proc.returncode))
    print("kill delays and exit codes:", outcomes)
    served = {Path(e.build).name for e in builds.read_journal(w)}
    report = load(sources[1], w, QUIET)
    assert report.ok
    assert leftovers(w, served | {resolve_build(w).name, Path(first).name}) == []


_SWAPPER = """
import sys
from pathlib import Path
from warehouse.connection import swap_pointer
w, b1, b2 = map(Path, sys.argv[1:])
print("swapping", flush=True)
while True:
    swap_pointer(w, b1)
    swap_pointer(w, b2)
"""


def test_a_kill_during_the_swap_leaves_the_pointer_naming_a_whole_build(serving_a):
    """rename(2) replaces the link in one step: readers see one build or the other, never none."""
    w = serving_a
    b1 = resolve_build(w)
    b2 = b1.with_name(f"{new_run_id()}.duckdb")
    shutil.copy(b1, b2)
    rng = random.Random(SEED)
    seen: set[Path] = set()
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", _SWAPPER, str(w), str(b1), str(b2)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "swapping"
        deadline = time.monotonic() + rng.uniform(0.05, 0.4)
        while time.monotonic() < deadline:
            seen.add(resolve_build(w))  # raises if the pointer were ever missing
        proc.kill()
        proc.communicate(timeout=30)
        assert resolve_build(w) in {b1, b2}
        assert_whole(w)
    assert seen == {b1, b2}  # the readers really ran during swaps
    clean_old_builds(w)  # removes the links the killed swaps left
    assert list(w.parent.glob(w.name + ".swap*")) == []


# --- a full disk, two loads at once ---------------------------------------------------------------


def _limit_file_size(limit: int):
    def apply() -> None:  # in the child: writes past ``limit`` fail with EFBIG, like a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("limit", [0, 2**20], ids=["nothing-writable", "fills-mid-build"])
def test_a_full_disk_fails_the_load_and_changes_nothing(limit, serving_a, sources, template):
    w, before = serving_a, os.readlink(serving_a)
    proc = cli(sources[1], w, preexec_fn=_limit_file_size(limit))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (1, 2), err
    assert f"{w} is unchanged" in err and "File too large" in err
    assert os.readlink(w) == before and fingerprint(w) == template[1]
    assert leftovers(w, {Path(before).name}) == []  # the failed load removed its own files
    next_load_cleans_up(w, sources[1], before)


_PAUSED_LOAD = """
import sys
import etl.load
def pause(step):
    if step == "staging":
        print("paused", flush=True)
        sys.stdin.readline()
etl.load._fault_point = pause
from etl.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_second_load_while_one_runs_refuses_and_the_pointer_stays_whole(
    serving_a, sources, template
):
    w, before = serving_a, os.readlink(serving_a)
    first = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_LOAD, "load", str(sources[1]), "--warehouse", str(w)]
        + ["--no-progress"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "paused"
        second = cli(sources[0], w)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 2
        assert f"Another load into {w} is running (pid {first.pid}" in err
        assert f"{w} is unchanged" in err
        assert os.readlink(w) == before and fingerprint(w) == template[1]
    finally:
        out, err = first.communicate("\n", timeout=120)
    assert first.returncode == 0, err
    assert all(n.endswith(MARKER) for n in school_names(w))
    assert load(sources[0], w, QUIET).ok  # the lock went with the first load
    assert not any(n.endswith(MARKER) for n in school_names(w))


# --- old builds are kept while sessions may read them ---------------------------------------------


def _backdate(warehouse: Path, build: Path, seconds: float) -> None:
    """Pretend ``build`` was written, and started serving, ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(build, (then, then))
    journal = builds.lock_path(warehouse).with_name(builds.JOURNAL_NAME)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(then))
    lines = journal.read_text().splitlines()
    journal.write_text(
        "".join(
            (stamp + ln[ln.index("\t") :] if f"\t{build.name}\t" in ln else ln) + "\n"
            for ln in lines
        )
    )


def test_a_build_replaced_moments_ago_is_kept_however_old_it_is(tmp_path):
    w = tmp_path / "w" / "warehouse.duckdb"
    src = fake_folder(tmp_path / "s", {"201819_scores.csv": "100001,A,50\n"})
    fake_load(src, w)
    x = resolve_build(w)
    _backdate(w, x, 2 * 3600)  # written two hours ago, serving until the next load
    session = open_read_only(x)  # a session that resolved the pointer before the next swap
    fake_load(src, w, keep_builds=1, build_grace_s=600)
    y = resolve_build(w)
    fake_load(src, w, keep_builds=1, build_grace_s=600)
    assert x.exists() and y.exists()  # beyond the newest one, but replaced within the grace
    assert session.execute("SELECT count(*) FROM school_measures").fetchone()[0] == 1
    removed = clean_old_builds(w, keep=1, grace_s=0)  # once the grace has passed
    assert set(removed) == {x, y}
    assert sorted(builds_dir(w).glob("*.duckdb")) == [resolve_build(w)]
    session.close()


def test_a_build_another_pointer_names_is_never_removed(tmp_path):
    w = tmp_path / "w" / "warehouse.duckdb"
    src = fake_folder(tmp_path / "s", {"201819_scores.csv": "100001,A,50\n"})
    fake_load(src, w)
    x = resolve_build(w)
    (w.parent / "second.duckdb").symlink_to(os.readlink(w))  # e.g. a second deployment
    for _ in range(2):
        fake_load(src, w, keep_builds=1, build_grace_s=0)
    assert x.exists() and resolve_build(w) != x


def test_builds_served_before_a_manual_rollback_are_kept_for_the_grace(tmp_path):
    w = tmp_path / "w" / "warehouse.duckdb"
    src = fake_folder(tmp_path / "s", {"201819_scores.csv": "100001,A,50\n"})
    fake_load(src, w)
    x = resolve_build(w)
    fake_load(src, w)
    y = resolve_build(w)
    swap_pointer(w, x)  # an operator points back at the older build by hand
    fake_load(src, w, keep_builds=1, build_grace_s=600)
    assert y.exists()  # it served until the rollback moments ago
    assert set(clean_old_builds(w, keep=1, grace_s=0)) == {x, y}


# --- the dashboard after a swap (DuckDB caches databases by path: duckdb #15912) ------------------


def test_a_rerun_of_the_same_session_shows_the_new_build(serving_a, sources, tmp_path, monkeypatch):
    from dashboard import demo_users
    from tests.pages.helpers import login

    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(serving_a))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    demo_users.create_demo_users(serving_a, store)
    at = login("manager", page="schools")
    assert not at.exception

    def names() -> list[str]:
        return [str(n) for n in at.dataframe[0].value["School"]]

    assert names() and not any(n.endswith(MARKER) for n in names())
    assert load(sources[1], serving_a, QUIET).ok
    at.run()  # the same session's next rerun
    assert not at.exception
    assert names() and all(n.endswith(MARKER) for n in names())
