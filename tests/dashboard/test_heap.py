"""The server freezes its long-lived heap once a run has imported new modules (dashboard/heap.py).

Freezing changes the collector's state for the whole process, so each case runs in a fresh
interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_freezes_after_new_imports_and_not_otherwise():
    out = _run(
        """
        import gc
        from dashboard import heap
        print(heap.settle_after_run(), gc.get_freeze_count() > 0)
        print(heap.settle_after_run())  # nothing imported since: no collection, no freeze
        import colorsys  # a module this process had not imported
        print(heap.settle_after_run())
        """
    )
    assert out.splitlines() == ["True True", "False", "True"]


def test_garbage_alive_only_through_a_cycle_is_collected_before_the_freeze():
    out = _run(
        """
        import gc, weakref
        from dashboard import heap

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        gone = weakref.ref(a)
        del a, b
        heap.settle_after_run()
        print(gone() is None)
        """
    )
    assert out == "True"


def test_frozen_objects_are_handed_back_to_the_collector_at_exit():
    # Without the unfreeze at exit, the interpreter's shutdown leaves the frozen objects alone
    # and DuckDB's bindings print "leaked" warnings on every server or test process's exit.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb; from dashboard import heap; heap.settle_after_run()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "leaked" not in result.stderr


def test_preload_imports_every_dashboard_module_then_freezes():
    # The server's start (dashboard/app.py): afterwards a page's first run imports nothing of
    # dashboard's and so does not stop to collect.
    out = _run(
        """
        import gc, pkgutil, sys
        import dashboard
        from dashboard import heap
        count = heap.preload()
        names = {m.name for m in pkgutil.walk_packages(dashboard.__path__, "dashboard.")}
        print(count == len(names) > 40, names <= set(sys.modules), gc.get_freeze_count() > 0)
        print(heap.settle_after_run())
        """
    )
    assert out.splitlines() == ["True True True", "False"]


_SIGN_INS_IN_THREADS = """
    import threading
    from dashboard import heap
    from dashboard.store import users

    def rss_mb():
        return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024

    {setup}
    stored = users.hash_password("correct horse")
    before = rss_mb()
    for _ in range(5):  # like sessions signing in: each in its own script thread, a few at a time
        threads = [threading.Thread(target=users._hasher.verify, args=(stored, "correct horse"))
                   for _ in range(6)]
        [t.start() for t in threads]
        [t.join() for t in threads]
    print(rss_mb() - before)
"""


def test_sign_ins_in_many_threads_give_their_hash_memory_back_at_the_server_s_setting():
    # Without the setting, each thread's arena keeps a freed 19 MiB hash block (glibc raises its
    # mmap threshold after the first one): the control shows the retention the setting prevents.
    kept_without = int(_run(_SIGN_INS_IN_THREADS.format(setup="pass")))
    kept_with = int(_run(_SIGN_INS_IN_THREADS.format(setup="assert heap.map_large_blocks()")))
    assert kept_without >= 19, kept_without
    assert kept_with < 10, kept_with
