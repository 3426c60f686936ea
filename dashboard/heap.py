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
is made once per process, by imports, so the server freezes the heap after a script run whenever
that run imported modules the process had not seen before (a page's first visit, a first PDF or
Excel export): a full collection first, so nothing that is already garbage is frozen, then the
freeze. Later full collections walk only what was made since, and stay a few milliseconds.

The cost: that one collection, on the run that first imports a module (a few times per server
process), and objects alive at a freeze that later become unreachable *only through a cycle* are
not collected. Freezes stop once the pages' modules are all imported, so that is bounded.
"""

from __future__ import annotations

import atexit
import gc
import sys
import threading

_lock = threading.Lock()
_modules_at_last_freeze = 0


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
