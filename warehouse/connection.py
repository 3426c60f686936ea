"""The one place that opens DuckDB connections.

The warehouse path the app and other tools open (for example ``data/warehouse.duckdb``) is a
symbolic link to the current build in ``builds/`` beside it. The ETL writes a new build file,
checks it, then swaps the link atomically, so a reader never sees a half-written file and
DuckDB's per-path instance cache never serves stale data (each build has its own path).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb

# Builds are written in the storage format of DuckDB 1.0 so councils' own tools
# (DuckDB 1.x CLI, DBeaver, R/Python clients still on 1.x) can open them. See docs/data-contract.md.
STORAGE_VERSION = "v1.0.0"


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier (a table or column name cannot be a bound parameter)."""
    return '"' + name.replace('"', '""') + '"'


# Extensions are never downloaded: council networks and this machine have no internet. Replacement
# scans are off: otherwise a query naming a table the build lacks silently reads a Python variable
# of that name from the calling frame instead of failing.
_OFFLINE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "python_enable_replacements": False,
}


def default_warehouse_path() -> Path:
    """Where the dashboard looks for the warehouse unless SID_WAREHOUSE says otherwise."""
    return Path(os.environ.get("SID_WAREHOUSE", "data/warehouse.duckdb"))


def builds_dir(warehouse_path: Path) -> Path:
    """Builds live beside the pointer so a swap never crosses file systems."""
    return Path(warehouse_path).parent / "builds"


# pointer path (with the working directory when relative) -> (the pointer's lstat identity, build)
_RESOLVED: dict[tuple[str, str], tuple[tuple[int, int, int], Path]] = {}


def resolve_build(warehouse_path: Path) -> Path:
    """The build file the pointer names right now (read on every rerun, so new loads show up).

    A load swaps the pointer by renaming a new link over it, so a pointer whose lstat (device,
    inode, change time) is unchanged still names the same build: then the build found last time
    is returned after one check that it exists, instead of resolving every component of the path
    again (a dashboard rerun asks ~6 times; under many sessions those lstat calls were a fifth of
    the script runs' wall time)."""
    p = Path(warehouse_path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        st = None
    if st is not None:
        where = (str(p), "" if p.is_absolute() else os.getcwd())
        identity = (st.st_dev, st.st_ino, st.st_ctime_ns)
        known = _RESOLVED.get(where)
        if known is not None and known[0] == identity and os.path.exists(known[1]):
            return known[1]
    if st is None or not p.exists():
        raise FileNotFoundError(
            f"No warehouse at {p}. Load one with: python -m etl load SOURCE_DIR --warehouse {p}"
        )
    build = p.resolve()
    _RESOLVED[where] = (identity, build)
    return build


def open_read_only(build_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection: the dashboard never writes to the file the ETL owns."""
    return duckdb.connect(str(build_path), read_only=True, config=dict(_OFFLINE_CONFIG))


def open_in_memory() -> duckdb.DuckDBPyConnection:
    """A scratch connection for the ETL's reading and checking work."""
    return duckdb.connect(":memory:", config=dict(_OFFLINE_CONFIG))


def create_build(con: duckdb.DuckDBPyConnection, build_path: Path, alias: str = "build") -> None:
    """Attach a brand-new build file to ``con`` in the pinned storage format."""
    Path(build_path).parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"ATTACH ? AS {alias} (STORAGE_VERSION '{STORAGE_VERSION}')", [str(build_path)])


def second_connection(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new connection to ``con``'s database for another thread, in the same catalog and schema and
    with the same variables (the model settings). Its temporary tables and macros are its own."""
    cursor = con.cursor()
    where = con.execute("SELECT current_database(), current_schema()").fetchone()
    cursor.execute(f"USE {quote_ident(where[0])}.{quote_ident(where[1])}")
    for name, type_ in con.execute("SELECT name, type FROM duckdb_variables()").fetchall():
        value = con.execute("SELECT getvariable(?)", [name]).fetchone()[0]  # typed, not text
        cursor.execute(f"SET VARIABLE {quote_ident(name)} = CAST(? AS {type_})", [value])
    return cursor


def open_build_for_writing(build_path: Path) -> duckdb.DuckDBPyConnection:
    """Open a new build file read-write (ETL only). The file must not exist yet."""
    build_path = Path(build_path)
    if build_path.exists():
        raise FileExistsError(f"Build {build_path} already exists; builds are never rewritten")
    con = open_in_memory()
    create_build(con, build_path)
    con.execute("USE build")
    return con


def swap_pointer(
    warehouse_path: Path, build_path: Path, before_replace: Callable[[], None] | None = None
) -> None:
    """Point ``warehouse_path`` at ``build_path`` atomically: a new link under a name of this
    process's own, renamed over the old link (rename(2) replaces it in one step, so a reader sees
    the old build or the new one, never neither). ``before_replace`` is the ETL's fault-test hook."""
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse_path.with_name(f"{warehouse_path.name}.swap-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    target = os.path.relpath(Path(build_path).resolve(), warehouse_path.parent.resolve())
    os.symlink(target, tmp)
    if before_replace is not None:
        before_replace()
    os.replace(tmp, warehouse_path)
