"""Server-side time of each script run, for the benchmarks: off unless SID_TIMING_LOG names a file.

A browser's load time mixes the network, the websocket and the browser's drawing with the work the
server does; AppTest's wall time adds its own polling. What the page targets are about is the
server's part: the time from the start of the script run to its end, in the thread that runs it
(queries, pandas, building Altair specs, serialising frames to Arrow; not the websocket send). The
app wraps every run in ``script_run()``; with SID_TIMING_LOG set, each run appends one JSON line
(page, role, seconds, the thread's CPU seconds, how it ended) to that file. On a busy machine the
wall seconds include waiting for a CPU (and for the GIL, held by other sessions' threads); the CPU
seconds do not, so the two together say whether a slow run was work or waiting. With it unset the wrapper does nothing.

``PROFILE_DIR`` (set in-process by benchmarks/pages.py --profile) makes each run also write a
cProfile file there: cProfile sees only its own thread, so it has to start inside the script run.
"""

from __future__ import annotations

import cProfile
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse import settings

PROFILE_DIR: Path | None = None
_lock = threading.Lock()
_count = 0


@contextmanager
def script_run() -> Iterator[dict]:
    """Time the enclosed script run; the caller fills the yielded dict (page, role)."""
    log = settings.timing_log()
    if not log and PROFILE_DIR is None:
        yield {}
        return
    info: dict = {"outcome": "completed"}
    profiler = cProfile.Profile() if PROFILE_DIR is not None else None
    start, cpu_start = time.perf_counter(), time.thread_time()
    if profiler is not None:
        profiler.enable()
    try:
        yield info
    except BaseException as exc:  # st.stop / st.rerun end a run by raising; errors too
        info["outcome"] = type(exc).__name__
        raise
    finally:
        if profiler is not None:
            profiler.disable()
        info["seconds"] = time.perf_counter() - start
        info["cpu_seconds"] = time.thread_time() - cpu_start
        info["at"] = time.time()
        info["thread"] = threading.get_ident()
        _write(log, info, profiler)


def _write(log: str, info: dict, profiler: cProfile.Profile | None) -> None:
    global _count
    with _lock:
        _count += 1
        if profiler is not None and PROFILE_DIR is not None:
            name = f"{_count:05d}-{info.get('role', 'none')}-{info.get('page', 'none')}.prof"
            profiler.dump_stats(PROFILE_DIR / name)
        if log:
            with open(log, "a", encoding="utf-8") as f:
                f.write(json.dumps(info) + "\n")


def read_log(path: Path) -> list[dict]:
    """The runs recorded in a timing log, oldest first (lines cut short by a crash skipped)."""
    if not Path(path).exists():
        return []
    runs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return runs
