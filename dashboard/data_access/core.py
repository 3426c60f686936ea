"""The guards every data-access function uses: who is asking, what they may see, cache keys.

Kept in one module so the rules are enforced in one place; see the package docstring for the pattern.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import pickle
from collections.abc import Callable
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
    """
    store = st.cache_resource(**CACHE)(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _fresh(store(*args, **kwargs))

    wrapper.clear = store.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


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
