"""Loads SQL by name from warehouse/sql/, so Python never holds SQL strings of its own."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
PYTHON_STEP = "python:"


@cache
def load_sql(name: str) -> str:
    """Text of ``warehouse/sql/<name>.sql`` (name may include a folder: ``queries/schools``)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.exists():
        raise FileNotFoundError(f"No SQL file {path}")
    return path.read_text(encoding="utf-8")


def build_order(folder: str) -> list[str]:
    """The files of a folder in the order its ``order.txt`` declares (one name per line).

    A line ``python:package.module`` is a step done in Python (``module.build(con)``), for work SQL
    does too slowly (the similar-schools nearest neighbours); it is returned as written."""
    order = SQL_DIR / folder / "order.txt"
    names = [
        line.strip()
        for line in order.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [
        n.replace(" ", "") if n.startswith(PYTHON_STEP) else f"{folder}/{n.removesuffix('.sql')}"
        for n in names
    ]


def run_folder(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    """Run every SQL file of a build stage in its declared order."""
    for name in build_order(folder):
        if name.startswith(PYTHON_STEP):
            module = importlib.import_module(name.removeprefix(PYTHON_STEP))
            try:
                module.build(con)
            except duckdb.Error as exc:
                raise RuntimeError(f"{module.__name__}.build failed: {exc}") from exc
            continue
        try:
            con.execute(load_sql(name))
        except duckdb.Error as exc:
            raise RuntimeError(f"warehouse/sql/{name}.sql failed: {exc}") from exc
