"""Loads SQL by name from warehouse/sql/, so Python never holds SQL strings of its own."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from warehouse.connection import second_connection

SQL_DIR = Path(__file__).parent / "sql"
PYTHON_STEP = "python:"
FOLDER_STEP = "folder:"  # a line "folder:name": the subfolder's own order.txt, run as one step


@cache
def load_sql(name: str) -> str:
    """Text of ``warehouse/sql/<name>.sql`` (name may include a folder: ``queries/schools``)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.exists():
        raise FileNotFoundError(f"No SQL file {path}")
    return path.read_text(encoding="utf-8")


BESIDE = "&"  # a line "& name": run on a second connection, beside the lines that follow it
JOIN = "join"  # a line "join": wait for the steps started beside, before the next line


@dataclass(frozen=True)
class Step:
    name: str  # "folder/file" (SQL), "python:package.module" or "folder:folder/subfolder"
    beside: bool = False


def build_order(folder: str) -> list[Step | str]:
    """The steps of a folder in the order its ``order.txt`` declares (one per line), and its
    ``JOIN`` lines.

    A line ``python:package.module`` is a step done in Python (``module.build(con)``), for work SQL
    does too slowly (the similar-schools nearest neighbours). A line ``folder:name`` runs the
    subfolder ``name`` (its own order.txt) as one step. A line starting with ``&`` runs on a
    connection of its own beside the lines after it: consecutive ``&`` lines are one branch, run in
    their order, which starts where the next plain line (or the end) is reached; a line ``join``
    waits for every branch started before it (so does the end of the folder). A branch sees the
    tables and DuckDB variables made before it starts, and nothing after (order.txt says which lines
    it may run beside)."""
    order = SQL_DIR / folder / "order.txt"
    out: list[Step | str] = []
    for line in order.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == JOIN:
            out.append(JOIN)
            continue
        beside = line.startswith(BESIDE)
        name = line.removeprefix(BESIDE).strip()
        if name.startswith(PYTHON_STEP):
            name = name.replace(" ", "")
        elif name.startswith(FOLDER_STEP):
            name = f"{FOLDER_STEP}{folder}/{name.removeprefix(FOLDER_STEP).strip()}"
        else:
            name = f"{folder}/{name.removesuffix('.sql')}"
        out.append(Step(name, beside))
    return out


def run_folder(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    """Run every step of a build stage in its declared order (``build_order``): the branches on
    connections of their own, in threads, which a failure anywhere stops before it is raised."""
    running: list[_Branch] = []
    gathering: list[str] = []
    try:
        for step in [*build_order(folder), JOIN]:
            if isinstance(step, Step) and step.beside:
                gathering.append(step.name)
                continue
            if gathering:
                running.append(_Branch(con, gathering))
                gathering = []
            if step == JOIN:
                while running:
                    running.pop(0).join()
            else:
                run_step(con, step.name)
    except BaseException:
        for branch in running:
            branch.stop()
        raise


def run_step(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """One line of an order.txt: a SQL file, a Python step or a subfolder."""
    if name.startswith(FOLDER_STEP):
        run_folder(con, name.removeprefix(FOLDER_STEP))
        return
    if name.startswith(PYTHON_STEP):
        module = importlib.import_module(name.removeprefix(PYTHON_STEP))
        try:
            module.build(con)
        except duckdb.Error as exc:
            raise RuntimeError(f"{module.__name__}.build failed: {exc}") from exc
        return
    try:
        con.execute(load_sql(name))
    except duckdb.Error as exc:
        raise RuntimeError(f"warehouse/sql/{name}.sql failed: {exc}") from exc


class _Branch:
    """Steps run in order in a thread, on a cursor of ``con``'s database (DuckDB runs the two
    connections' statements at once), using the same catalog and holding the same DuckDB variables
    (the model settings) as ``con``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
        self._cursor = second_connection(con)
        self._names, self._error, self._stopping = names, None, False
        self._thread = threading.Thread(target=self._run, name=f"build {names[0]}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for name in self._names:
                if self._stopping:
                    return
                run_step(self._cursor, name)
        except BaseException as exc:  # raised in the main thread by join
            self._error = exc

    def join(self) -> None:
        self._thread.join()
        self._cursor.close()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Interrupt the branch's statement and wait for it (its error, if any, is dropped: the
        failure that stopped it is the one raised)."""
        self._stopping = True
        try:
            self._cursor.interrupt()
        except duckdb.Error:
            pass
        self._thread.join()
        self._cursor.close()
