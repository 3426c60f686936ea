"""Keep Python's full garbage collections short in the long-running server.

CPython's cyclic collector walks every tracked object of the oldest generation in a full
(generation 2) collection, holding the GIL. A dashboard server holds a large, long-lived heap:
Streamlit, pandas, Altair and its schema classes, DuckDB's bindings, the pages' modules, the
caches. Measured on the default county (benchmarks/pages.py, AppTest, one process): a full
collection took 50-175 ms, and the handful of them in a run of the benchmark were the one-off slow
reruns that set most pages' p95; with fifty sessions sharing the server, every session's run
waits while one happens.

``gc.freeze()`` moves every object alive at that moment to a permanent generation that
collections no longer walk (they are still freed by reference counting as usual). Most of the heap
is made once per process, by imports. So the server imports every dashboard module when it starts
(``preload``: about 1.5 s, which also spares each page's first visitor the imports) and freezes;
after that, a script run that still imported something new (a library a module imports lazily, such
as a PDF or Excel writer) freezes again at its end. Each freeze is a full collection first, so
nothing that is already garbage is frozen. Later full collections walk only what was made since,
and stay a few milliseconds.

The cost: that one collection on the (few) runs that import something new, and objects alive at a
freeze that later become unreachable *only through a cycle* are not collected. Freezes stop once
everything the pages use is imported, so that is bounded.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import gc
import importlib
import pkgutil
import sys
import threading

_lock = threading.Lock()
_modules_at_last_freeze = 0


# glibc's mallopt option number for the mmap threshold (malloc.h: M_MMAP_THRESHOLD).
_M_MMAP_THRESHOLD = -3
LARGE_BLOCK = 8 * 1024 * 1024


def map_large_blocks() -> bool:
    """Make glibc hand every block of 8 MiB or more straight back to the system when freed.

    glibc serves large blocks with mmap, but raises that threshold (up to 32 MiB) each time such a
    block is freed; blocks of that size then come from the allocating thread's arena and stay in
    the process once freed. A sign-in's password hash takes 19 MiB (dashboard/store/users.py) in
    the session's script thread: fifty sign-ins left one such block in each of ~15 arenas, 280 MB
    the server never gave back (benchmarks/ws_sessions.py: 5.6 MB per extra session against 0.6).
    Setting the threshold fixes it and stops the raising. For the server's start; returns whether
    the C library took the setting (not glibc: nothing is done)."""
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    return bool(mallopt and mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK))


def preload(package: str = "dashboard") -> int:
    """Import every module of ``package``, then collect and freeze; returns the modules imported.

    For the server's start (dashboard/app.py), before any session runs."""
    root = importlib.import_module(package)
    names = [info.name for info in pkgutil.walk_packages(root.__path__, f"{package}.")]
    for name in names:
        importlib.import_module(name)
    settle_after_run()
    return len(names)


def settle_after_run() -> bool:
    """Collect and freeze the heap if this process imported modules since the last freeze.

    Called at the end of each script run; returns whether it froze (for tests)."""
    global _modules_at_last_freeze
    if len(sys.modules) == _modules_at_last_freeze:  # the common case: nothing new, no lock
        return False
    with _lock:
        count = len(sys.modules)
        if count == _modules_at_last_freeze:
            return False
        gc.collect()
        if not _modules_at_last_freeze:
            # At exit, hand the frozen objects back to the collector, so that the interpreter's
            # shutdown frees them as it would have (DuckDB's bindings report leaks otherwise).
            atexit.register(gc.unfreeze)
        gc.freeze()
        _modules_at_last_freeze = count
        return True
