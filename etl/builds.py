"""The folder of builds beside a warehouse pointer: one load at a time, a journal of pointer swaps,
and the cleanup that never deletes a build a dashboard session may still be reading.

- **Lock.** A load holds an exclusive ``flock`` on ``builds.lock`` beside the pointer for its whole
  run. A second load refuses at once with a message naming the running one; the kernel drops the
  lock when a load dies, even by SIGKILL, so a killed load never blocks the next.
- **Journal.** ``builds.journal`` beside the pointer gets one line (time, build, pointer) *before*
  each swap, so a process killed between the swap and its report still leaves a record that the
  build served. A line written after the pointer's link was made, for another build, is a swap that
  never happened (the load died before ``os.replace``); the next load drops it.
- **Cleanup** (under the lock, after a successful load): files of loads that never served (killed
  or failed loads, their temporary folders, stray swap links) go at once; a build that served is
  kept while it is among the newest ``keep`` or was replaced less than ``grace_s`` seconds ago, so a
  session that resolved the pointer just before a swap finishes its reruns on it.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from etl.report import LoadRefused, recent_reports
from warehouse.connection import builds_dir

JOURNAL_NAME = "builds.journal"
LOCK_NAME = "builds.lock"
TMP_PREFIX = ".tmp-"
# Names the ETL gives its builds (etl.load.new_run_id); other files (governor copies) are left alone.
RUN_ID = re.compile(r"^\d{8}T\d{12}-[0-9a-f]{6}$")


def lock_path(warehouse: Path) -> Path:
    """One lock per folder of builds (pointers in one folder share their builds/)."""
    return builds_dir(warehouse).with_name(LOCK_NAME)


@contextmanager
def load_lock(warehouse: Path) -> Iterator[None]:
    """Hold the load lock of ``warehouse``'s builds folder, or refuse if another load holds it.

    While it is held, files and folders the load creates (builds, journal, reports, temporary
    copies of sources) are the owner's only: 0600 and 0700 (a umask; the ETL is one process)."""
    old_umask = os.umask(0o077)
    try:
        with _locked(warehouse):
            yield
    finally:
        os.umask(old_umask)


@contextmanager
def _locked(warehouse: Path) -> Iterator[None]:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise LoadRefused(
                f"Another load into {warehouse} is running ({holder}). This load did not start "
                f"and {warehouse} is unchanged; load again when that one has finished."
            ) from None
        try:  # who holds it, for the message above; the lock works without it (a full disk)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}, started {_now()}".encode(), 0)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Entry:
    at: float  # epoch seconds of the swap
    build: str  # file name in builds/
    pointer: str  # file name of the pointer swapped


def read_journal(warehouse: Path) -> list[Entry]:
    path = builds_dir(warehouse).with_name(JOURNAL_NAME)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            try:
                out.append(Entry(datetime.fromisoformat(parts[0]).timestamp(), parts[1], parts[2]))
            except ValueError:
                continue
    return out


def _write_journal(warehouse: Path, entries: list[Entry]) -> None:
    path = builds_dir(warehouse).with_name(JOURNAL_NAME)
    tmp = path.with_name(path.name + ".new")
    tmp.write_text("".join(_line(e) for e in entries), encoding="utf-8")
    os.replace(tmp, path)


def _line(e: Entry) -> str:
    return f"{datetime.fromtimestamp(e.at, UTC).isoformat()}\t{e.build}\t{e.pointer}\n"


def record_swap(warehouse: Path, build: Path) -> None:
    """Journal that ``build`` is about to serve (before the swap, flushed to disk)."""
    path = builds_dir(warehouse).with_name(JOURNAL_NAME)
    entry = Entry(time.time(), Path(build).name, Path(warehouse).name)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(_line(entry))
        fh.flush()
        os.fsync(fh.fileno())


def repair_journal(warehouse: Path) -> None:
    """At the start of a load (under the lock): make the journal agree with the pointer. A line
    written after the current link was made, for another build, is a swap that never happened (its
    load died before the rename); an operator re-pointing to an older build by hand makes a newer
    link, so the builds served in between stay recorded. A current build the journal does not show
    as the latest (made before the journal existed, or pointed to by hand) is recorded as serving
    since its link was made."""
    warehouse = Path(warehouse)
    if not warehouse.is_symlink() or not warehouse.exists():
        return
    current = warehouse.resolve().name
    link_made = os.lstat(warehouse).st_mtime
    entries = read_journal(warehouse)
    kept = [
        e
        for e in entries
        if not (e.pointer == warehouse.name and e.build != current and e.at > link_made)
    ]
    latest = max((e for e in kept if e.pointer == warehouse.name), key=lambda e: e.at, default=None)
    if latest is None or latest.build != current:  # unrecorded, or pointed back to by hand
        kept.append(Entry(link_made, current, warehouse.name))
    if kept != entries:
        _write_journal(warehouse, kept)


def _pointed_at(folder: Path) -> set[Path]:
    """Builds named by any pointer in ``folder`` (a second deployment may share builds/)."""
    out = set()
    for p in folder.iterdir():
        if p.is_symlink() and p.exists():
            out.add(p.resolve())
    return out


def clean(warehouse: Path, keep: int = 3, grace_s: float = 3600.0) -> list[Path]:
    """Remove what no session can be reading (see the module docstring). Call under load_lock."""
    warehouse = Path(warehouse)
    bdir = builds_dir(warehouse)
    if not bdir.is_dir():
        return []
    # Links of swaps that were killed before their rename (they would pin the orphan they name).
    removed = _remove(
        *(p for p in warehouse.parent.glob(warehouse.name + ".swap*") if p.is_symlink())
    )
    pinned = _pointed_at(warehouse.parent)
    entries = read_journal(warehouse)
    served_at: dict[str, list[float]] = {}
    for e in entries:
        served_at.setdefault(e.build, []).append(e.at)
    # When each served build was replaced: the time of the next swap of the same pointer.
    retired: dict[str, float] = {}
    by_pointer: dict[str, list[Entry]] = {}
    for e in entries:
        by_pointer.setdefault(e.pointer, []).append(e)
    for seq in by_pointer.values():
        seq.sort(key=lambda e: e.at)
        for a, b in zip(seq, seq[1:], strict=False):
            retired[a.build] = max(retired.get(a.build, 0.0), b.at)
    # Builds of successful loads from before the journal existed count as served (replaced: mtime).
    ok_runs = {r.get("run_id") for r in recent_reports(warehouse, n=10_000) if r.get("ok")}
    builds = sorted(
        (p for p in bdir.glob("*.duckdb") if RUN_ID.match(p.stem)), key=lambda p: p.name
    )
    served = [p for p in builds if p.name in served_at or p.stem in ok_runs]
    newest = set(
        sorted(served, key=lambda p: max(served_at.get(p.name, [p.stat().st_mtime])))[-keep:]
    )
    if keep <= 0:
        newest = set()
    now = time.time()
    for p in builds:
        if p.resolve() in pinned or p in newest:
            continue
        if p in served:
            replaced = retired.get(p.name)
            if replaced is None:
                replaced = p.stat().st_mtime
            if now - replaced < grace_s:
                continue
        removed += _remove(p, p.with_name(p.name + ".wal"))
    # Leftovers of killed or failed loads: never served, and no load but ours is running.
    removed += _remove(*bdir.glob("failed-*"), *bdir.glob(TMP_PREFIX + "*"))
    gone = {p.name for p in removed}
    if any(e.build in gone for e in entries):
        _write_journal(warehouse, [e for e in entries if e.build not in gone])
    return removed


def _remove(*paths: Path) -> list[Path]:
    out = []
    for p in paths:
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            out.append(p)
        except FileNotFoundError:
            continue
        except OSError:
            continue
    return out
