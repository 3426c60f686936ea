"""core.cached keeps the values of calls with plain arguments in its own dict instead of Streamlit's
cache (issue 20: Streamlit hashed every argument and inspected the signature on every call, hit or
miss): the same object for the same plain arguments and their types, nothing for arguments that
differ, Streamlit's cache for arguments compared by identity, one computation of a key however many
sessions ask for it at once, and ``clear`` forgets both."""

from __future__ import annotations

import threading
import time
from datetime import date

import pandas as pd

from dashboard.data_access import core


def _counting():
    made = []

    def compute(build, allowed, when, *, _frame=None):
        made.append((build, allowed, when))
        return pd.DataFrame({"build": [build], "n": [len(made)]})

    return made, compute


def test_a_repeated_call_is_answered_without_computing_and_handed_out_fresh():
    made, compute = _counting()
    f = core.cached(compute)
    first = f("b1", (1, 2), date(2026, 1, 1), _frame=pd.DataFrame())
    again = f("b1", (1, 2), date(2026, 1, 1), _frame=pd.DataFrame({"x": [1]}))  # not in the key
    assert len(made) == 1 and again.equals(first) and again is not first
    again.loc[0, "n"] = 99  # a caller's change stays in its copy
    assert f("b1", (1, 2), date(2026, 1, 1))["n"].tolist() == [1]
    assert f.shared("b1", (1, 2), date(2026, 1, 1)) is f.shared("b1", (1, 2), date(2026, 1, 1))
    for other in (("b2", (1, 2), date(2026, 1, 1)), ("b1", (1, 3), date(2026, 1, 1)),
                  ("b1", None, date(2026, 1, 1)), ("b1", (1, 2), date(2026, 1, 2))):  # fmt: skip
        assert f(*other)["build"].tolist() == [other[0]]
    assert len(made) == 5
    f.clear()
    f("b1", (1, 2), date(2026, 1, 1))
    assert len(made) == 6  # clear forgets both


def test_equal_values_of_other_types_or_objects_are_not_taken_for_each_other(monkeypatch):
    made = []

    def compute(value):
        made.append(value)
        return repr(value)

    f = core.kept(compute)
    assert f(1) == "1" and f(True) == "True" and f(1.0) == "1.0"  # equal in Python, not here
    assert len(made) == 3
    front = core._Front(compute, 60, 4)
    assert front.key(([1, 2],), {}) is None  # a list: Streamlit's cache alone
    assert front.key((pd.Timestamp("2026-01-01"),), {}) is None
    assert front.key(((1, frozenset({"a"}), None),), {}) is not None
    for i in range(6):  # the oldest go beyond its entries
        front.put((i,), i)
    assert front.get((0,)) is core._MISSING and front.get((5,)) == 5
    monkeypatch.setattr(core.time, "monotonic", lambda: 10**12)  # older than its time to live
    assert front.get((5,)) is core._MISSING


def test_sessions_asking_for_the_same_key_at_once_wait_for_one_computation():
    made, started = [], threading.Event()

    def compute(build, n):
        made.append(n)
        started.set()
        time.sleep(0.2)  # long enough for every other session to ask meanwhile
        return pd.DataFrame({"n": [n]})

    f = core.cached(compute)
    got: list[pd.DataFrame] = []
    first = threading.Thread(target=lambda: got.append(f("b1", 1)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: got.append(f("b1", 1))) for _ in range(4)]
    other_key = threading.Thread(target=lambda: got.append(f("b1", 2)))
    for t in [*others, other_key]:
        t.start()
    for t in [first, *others, other_key]:
        t.join(10)
    assert sorted(made) == [1, 2]
    assert sorted(int(g["n"].iloc[0]) for g in got) == [1, 1, 1, 1, 1, 2]


def test_an_argument_compared_by_identity_goes_to_streamlits_cache():
    made = []

    def compute(values):
        made.append(list(values))
        return len(made)

    f = core.kept(compute)
    assert f([1, 2]) == 1 and f([1, 2]) == 1  # Streamlit hashes the list's contents
    assert f([1, 3]) == 2
