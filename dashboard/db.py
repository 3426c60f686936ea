"""The dashboard's read-only warehouse access: resolve the pointer, one cached connection per build.

Only dashboard/data_access.py calls this. The pointer (SID_WAREHOUSE) is resolved on every call,
so the rerun after a load opens the new build; each build path gets its own read-only connection
(cached with st.cache_resource), and every query runs on its own cursor, because a DuckDB
connection is not safe to share between the threads that serve different browser sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import streamlit as st

from warehouse import settings
from warehouse.connection import open_read_only, resolve_build

T = TypeVar("T")
_lock = threading.Lock()


def current_build() -> str:
    """The build file the warehouse pointer names right now (a string, to use in cache keys)."""
    return str(resolve_build(settings.warehouse_path()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(build_path: str) -> duckdb.DuckDBPyConnection:
    return open_read_only(Path(build_path))


def run(build_path: str, query: Callable[..., T], /, **kwargs) -> T:
    """Call ``query(cursor, **kwargs)`` on a fresh cursor of the build's shared connection."""
    with _lock:
        cursor = _connection(build_path).cursor()
    try:
        return query(cursor, **kwargs)
    finally:
        cursor.close()


def has_table(build_path: str, table: str) -> bool:
    """Whether the build holds ``table`` (a governor warehouse has no intelligence tables)."""
    return table in _tables(build_path)


@st.cache_resource(show_spinner=False, max_entries=16)
def _tables(build_path: str) -> frozenset[str]:
    """The tables and views of a build, read once: a build never changes after its load (a new
    load writes a new build file, with its own path)."""

    def _names(cur: duckdb.DuckDBPyConnection) -> frozenset[str]:
        rows = cur.execute("SELECT table_name FROM information_schema.tables").fetchall()
        return frozenset(str(r[0]) for r in rows)

    return run(build_path, _names)
