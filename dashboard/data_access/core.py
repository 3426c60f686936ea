"""The guards every data-access function uses: who is asking, what they may see, cache keys.

Kept in one module so the rules are enforced in one place; see the package docstring for the pattern.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import hashlib
import inspect
import pickle
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from dashboard import access
from dashboard.access import Identity

CACHE = {"show_spinner": False, "ttl": 3600, "max_entries": 256}
F = TypeVar("F", bound=Callable[..., Any])


def _fresh(value: Any) -> Any:
    """A copy the caller may change without touching the cached value. Frames and series are
    copied shallowly: under pandas' copy-on-write that costs no data copy, and a change to the
    copy copies only what it changes. Containers (and dataclasses' fields) are copied one level
    down."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(_fresh(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
        changed = {k: c for k, v in fields.items() if (c := _fresh(v)) is not v}
        return dataclasses.replace(value, **changed) if changed else value
    return value


def cached(func: F) -> F:
    """Cache a private data-access function for every user of this server process.

    Like ``st.cache_data`` (same key: the arguments, which must include the build and the allowed
    URNs), but the value is kept as the object itself, not pickled: a hit costs microseconds instead
    of unpickling the frame on every rerun (10 ms and more for a county table). Each caller gets a
    shallow copy (``_fresh``), so no caller can change what another user will be served.

    A call whose arguments are all plain values (``_plain``: those not named with a leading
    underscore, with their types) is answered by this module's own dict (``_Front``) and never
    reaches Streamlit's cache: Streamlit hashes every argument and inspects the function's
    signature on every call, hit or miss (~0.3 ms a call, 5-12 calls a rerun, more on a first
    filter choice). The dict keeps Streamlit's bounds (CACHE: time to live, most entries) and, like
    Streamlit, computes a missing key once while other sessions asking for it wait. Any other call
    (an argument compared by identity) goes to Streamlit's cache. ``clear`` empties both.
    """
    return _with_front(func, _fresh)


def kept(func: F) -> F:
    """Like ``cached`` but the caller gets the cached object itself, not a copy: for values that
    are read-only by construction (tuples, ``MappingProxyType``, frozen objects)."""
    return _with_front(func, lambda value: value)


def _with_front(func: F, hand_out: Callable[[Any], Any]) -> F:
    store = st.cache_resource(**CACHE)(func)
    front = _Front(func, CACHE["ttl"], CACHE["max_entries"])

    def shared(*args, **kwargs):
        key = front.key(args, kwargs)
        if key is None:
            return store(*args, **kwargs)
        found = front.get(key)
        if found is not _MISSING:
            return found
        with front.computing(key):  # another session making the same key: wait for its value
            found = front.get(key)
            if found is _MISSING:
                found = func(*args, **kwargs)
                front.put(key, found)
        return found

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return hand_out(shared(*args, **kwargs))

    def clear() -> None:
        front.clear()
        store.clear()

    wrapper.clear = clear  # type: ignore[attr-defined]
    # the cached object itself, for a caller that only reads it (a row by position, a slice)
    wrapper.shared = shared  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


_MISSING = object()


_PLAIN = (type(None), bool, int, float, str, bytes, date, datetime)


def _plain(value: Any) -> bool:
    """A value equal to another exactly when Streamlit would hash both the same: None, numbers,
    text, dates, and tuples and frozensets of them (an object compared by identity, which a
    caller might change between calls, goes to Streamlit's cache alone)."""
    if type(value) in _PLAIN:
        return True
    if type(value) in (tuple, frozenset):
        return all(_plain(v) for v in value)
    return False


class _Front:
    """Values by (argument name, type, value) of the hashed arguments, oldest first; an entry lives
    ``ttl`` seconds from when it was put, and the oldest go beyond ``most`` entries."""

    def __init__(self, func: Callable, ttl: float, most: int) -> None:
        params = inspect.signature(func).parameters.values()
        self._names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                             p.POSITIONAL_OR_KEYWORD)]  # fmt: skip
        self._ttl, self._most = ttl, most
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._making: dict[tuple, tuple[threading.Lock, int]] = {}  # key -> (its lock, users)
        self._lock = threading.Lock()

    def key(self, args: tuple, kwargs: dict) -> tuple | None:
        """The arguments Streamlit hashes, as a dict key; None when one is not hashable here (the
        call then goes to Streamlit's cache alone)."""
        if len(args) > len(self._names):
            return None
        pairs = [(n, type(v), v) for n, v in zip(self._names, args, strict=False)
                 if not n.startswith("_")]  # fmt: skip
        pairs += [(n, type(v), v) for n, v in kwargs.items() if not n.startswith("_")]
        return tuple(pairs) if all(_plain(v) for _, _, v in pairs) else None

    def get(self, key: tuple) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return _MISSING
            if entry[1] <= time.monotonic():
                del self._entries[key]
                return _MISSING
            return entry[0]

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._entries[key] = (value, time.monotonic() + self._ttl)
            self._entries.move_to_end(key)
            while len(self._entries) > self._most:
                self._entries.popitem(last=False)

    @contextlib.contextmanager
    def computing(self, key: tuple):
        """Held while ``key``'s value is made: one maker per key, the others wait for it."""
        with self._lock:
            lock, users = self._making.get(key, (None, 0))
            lock = lock or threading.Lock()
            self._making[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._lock:
                lock, users = self._making[key]
                if users == 1:
                    del self._making[key]
                else:
                    self._making[key] = (lock, users - 1)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def digest(entries: Any) -> str:
    """A digest of what a cached result depends on but cannot be hashed cheaply by Streamlit (the
    store's entries, read on every rerun so a new one counts at once): put it in the key and pass
    the entries themselves as an argument named with a leading underscore (not hashed)."""
    return hashlib.sha256(pickle.dumps(entries, protocol=5)).hexdigest()


def allowed_key(identity: Identity) -> tuple[int, ...] | None:
    return None if identity.allowed_urns is None else tuple(sorted(identity.allowed_urns))


def require(identity: Identity, *roles: str) -> None:
    if not isinstance(identity, Identity):
        raise PermissionError("Not signed in")
    if roles and identity.role not in roles:
        raise PermissionError(f"The {identity.role} role may not do this")


def require_intelligence(identity: Identity) -> None:
    require(identity)
    if not access.can_see_intelligence(identity):
        raise PermissionError("Soft intelligence is not available to this role or deployment")


def require_names(identity: Identity) -> None:
    require(identity)
    if not access.may_name_schools(identity):
        raise PermissionError("This role sees aggregates only, not named schools")
