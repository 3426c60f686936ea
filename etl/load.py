"""Orchestrates one load: discover files, stage them, build the core (and model) tables, check the
data contract, then swap the warehouse pointer to the new build.

A load never touches the build that is serving. It writes ``builds/<run_id>.duckdb`` beside the
warehouse pointer, checks it, closes it, reopens it read-only, and only then swaps the pointer
(an atomic rename). On any failure the new file is removed and the pointer is left as it was; a
process killed half way leaves an orphan build that is never pointed to and that the next load
removes. One load runs at a time per folder of builds; old builds are kept while sessions may
read them (etl/builds.py; guarantees in docs/operations.md).
"""

from __future__ import annotations

import importlib
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from etl import builds
from etl.discover import Discovery, Found, discover
from etl.fetch.report import changes_for_load
from etl.readers import _dfe
from etl.readers.base import StageResult
from etl.report import FileLine, LoadRefused, LoadReport
from warehouse import connection
from warehouse.sql_files import SQL_DIR, run_folder, run_step


@dataclass(frozen=True)
class LoadSettings:
    """Settings of a load (each is a command-line option of ``python -m etl load``)."""

    # A file whose rejected rows exceed this share of its rows refuses the load.
    max_reject_share: float = 0.05
    # How many builds to keep (the current one always stays).
    keep_builds: int = 3
    # An old build is deleted only when it is older than this, so a dashboard session still
    # reading it (opened before the swap) can finish its reruns.
    build_grace_s: float = 3600.0
    # Show a progress bar on stderr.
    progress: bool = True
    # Build the school model (warehouse/sql/model) after the core tables.
    model: bool = True
    # DuckDB's memory for the load; beyond it, sorts, joins and aggregates spill to the load's
    # temporary folder beside the builds (removed with it). Keeps a national load in bounded memory.
    memory_limit: str = "600MB"


CORE_TABLES = (
    "schools",
    "school_measures",
    "la_measures",
    "national_measures",
    "inspections",
    "inspection_judgements",
    "leadership_changes",
    "complaints",
    "concerns",
    "visits",
    "notices_of_concern",
    "dfe_concerns",
    "boundaries",
    "statistical_neighbours",
)


# Test-only hook for tests/etl/test_load_faults.py: SID_ETL_FAULT=<step> makes the load kill itself
# with SIGKILL at that step, so the fault tests hit every step exactly instead of by timing.
FAULT_ENV = "SID_ETL_FAULT"
FAULT_STEPS = ("reading", "staging", "model", "contract", "checkpoint", "swap", "swapped")


def _fault_point(step: str) -> None:
    if os.environ.get(FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable and unique: UTC time to the microsecond, then a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)


def load(
    source_dir: Path,
    warehouse: Path,
    settings: LoadSettings | None = None,
    reader_for: Callable | None = None,
) -> LoadReport:
    """Load ``source_dir`` into a new build and point ``warehouse`` at it. Raises LoadRefused (or
    the underlying error) when anything fails; the previous warehouse then keeps serving."""
    settings = settings or LoadSettings()
    source_dir, warehouse = Path(source_dir), Path(warehouse)
    run_id = new_run_id()
    build = connection.builds_dir(warehouse) / f"{run_id}.duckdb"
    report = LoadReport(run_id, str(source_dir), str(warehouse), str(build), _now())
    t0 = time.perf_counter()
    con = None
    lock = ExitStack()  # holds the load lock (etl/builds.py) from the check below to the cleanup
    try:
        if warehouse.exists() and not warehouse.is_symlink():
            raise LoadRefused(
                f"{warehouse} is a regular file, not a pointer to a build; move it away first "
                "(the warehouse path is a symbolic link to builds/<run_id>.duckdb)"
            )
        lock.enter_context(builds.load_lock(warehouse))
        builds.repair_journal(warehouse)
        build.parent.mkdir(parents=True, exist_ok=True)
        # Temporary files live beside the builds, so the next load can remove a killed load's.
        with tempfile.TemporaryDirectory(
            prefix=f"{builds.TMP_PREFIX}{run_id}-", dir=build.parent
        ) as tmp:
            with _timed(report, "discover"):
                found = discover(source_dir, Path(tmp), reader_for=reader_for)
            report.notes += found.notes + changes_for_load(source_dir)
            _fault_point("reading")
            con = connection.open_build_for_writing(build)
            _bound_memory(con, settings, Path(tmp))
            run_folder(con, "staging")
            with _timed(report, "stage"):
                _stage_all(con, found, report, settings)
                _trim_boundaries(con, report)
                _write_load_files(con, report)
                _write_load_info(con, report, t0, finished=False)
            _fault_point("staging")
            with _timed(report, "core"):
                run_folder(con, "core")
            if settings.model:
                with _timed(report, "model"):
                    _run_model(con)
            _fault_point("model")
            with _timed(report, "contract"):
                _check_contract(con, include_model=settings.model)
            _fault_point("contract")
            report.tables = _table_counts(con)
            report.rejects = dict(
                con.execute(
                    "SELECT file_name, count(*) FROM rejects GROUP BY 1 ORDER BY 1"
                ).fetchall()
            )
            report.finished_at = _now()
            report.duration_s = round(time.perf_counter() - t0, 2)
            _write_load_info(con, report, t0, finished=True)
            with _timed(report, "checkpoint"):
                con.execute("CHECKPOINT")
                con.close()
                con = None
            _fault_point("checkpoint")
        with _timed(report, "validate"):
            _validate(build, run_id)
        builds.record_swap(warehouse, build)
        connection.swap_pointer(warehouse, build, before_replace=lambda: _fault_point("swap"))
        _fault_point("swapped")
        report.ok = True
    except BaseException as exc:
        report.error = _message(exc)
        report.finished_at = report.finished_at or _now()
        report.duration_s = round(time.perf_counter() - t0, 2)
        if con is not None:
            try:
                con.close()
            except Exception:
                pass
        if not _serving(warehouse, build):  # e.g. interrupted just after the swap: keep it
            _remove_build(build)
        try:
            report.append_to(warehouse)
        except OSError:
            pass
        lock.close()
        raise
    try:
        report.append_to(warehouse)
        builds.clean(warehouse, settings.keep_builds, settings.build_grace_s)
    finally:
        lock.close()
    return report


def _bound_memory(con, settings: LoadSettings, tmp: Path) -> None:
    spill = tmp / "spill"
    spill.mkdir(exist_ok=True)
    con.execute("SET memory_limit = ?", [settings.memory_limit])
    con.execute("SET temp_directory = ?", [str(spill)])


@contextmanager
def _timed(report: LoadReport, name: str):
    """Time one step of the load into report.timings."""
    t = time.perf_counter()
    try:
        yield
    finally:
        report.timings[name] = round(time.perf_counter() - t, 3)


def _message(exc: BaseException) -> str:
    if isinstance(exc, LoadRefused):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return f"{type(exc).__name__}: {exc}"


def _stage_all(con, found: Discovery, report: LoadReport, settings: LoadSettings) -> None:
    """Stage every found file; report.files lists them in the order they were found.

    Two connections stage at once, each its files in their found order: the files of readers with
    STAGE_BESIDE (Ofsted, GIAS, intelligence, pupils, census, absence...: etl/readers/base.py) on a
    second connection in a thread, the others (KS2 and KS4, the largest) on ``con``. DuckDB splits a
    statement's work by row groups of 122,880 rows, so on files of a county each statement ran on
    one core. The DfE readers' figures go to each connection's own temporary stg_measure_* tables
    (through a batch per connection: etl/readers/_dfe.py Batch); the second connection's are merged
    into ``con``'s afterwards (staging/measure_cells_merge.sql). The two sides also append to
    rejects and stg_named_schools, whose order core SQL does not use. A failing file stops both
    sides before any file found after it, and the load is refused with the message of the first
    failing file in found order (whichever side failed first in time)."""
    for s in found.skipped:
        report.files.append(
            FileLine(
                s.name, s.kind, "skipped", s.reason, encoding=s.encoding, n_columns=s.n_columns
            )
        )
    bar = tqdm(
        total=len(found.found),
        desc="Loading files",
        unit="file",
        file=sys.stderr,
        disable=not settings.progress,
    )
    indexed = list(enumerate(found.found))
    beside = [(i, f) for i, f in indexed if getattr(f.reader, "STAGE_BESIDE", False)]
    on_side = {i for i, _ in beside}
    main = _Stager(con, [(i, f) for i, f in indexed if i not in on_side], settings, bar)
    side = _Stager(connection.second_connection(con), beside, settings, bar) if beside else None
    thread = None
    try:
        if side is not None:
            run_step(side.con, "staging/measure_cells")  # its own temporary tables
            main.other, side.other = side, main
            thread = threading.Thread(
                target=side.run_and_hand_over, name="stage-beside", daemon=True
            )
            thread.start()
        main.run()
    finally:
        if thread is not None:
            thread.join()
        if side is not None:
            side.con.close()
        bar.close()
    failed = [x.error for x in (main, side) if x is not None and x.error is not None]
    if failed:
        raise min(failed, key=lambda x: x[0])[1]
    lines: dict[int, FileLine] = {}
    for stager in (main, side):
        if stager is None:
            continue
        lines.update(stager.lines)
        for t, n in stager.staged.items():
            report.staged[t] = report.staged.get(t, 0) + n
    if side is not None and side.handed_over:
        run_step(con, "staging/measure_cells_merge")
    report.files.extend(lines[i] for i in sorted(lines))


class _Stager:
    """Stages its files, in their found order, on one connection (see _stage_all): the DfE files'
    measures wait for a batch of this connection's (etl/readers/_dfe.py Batch), run when it holds
    _dfe.BATCH_CELLS cells and at the end; each file's line is completed when its batch has run.
    It stops before a file found after the other side's failing one, so the load always names the
    first failing file in found order."""

    def __init__(self, con, files: list[tuple[int, Found]], settings: LoadSettings, bar) -> None:
        self.con, self.files, self.settings, self.bar = con, files, settings, bar
        self.other: _Stager | None = None
        self.lines: dict[int, FileLine] = {}
        self.staged: dict[str, int] = {}  # staging table -> rows written
        self.error: tuple[int, BaseException] | None = None  # (found order, error)
        self.handed_over = False  # its staged figures are in memory.main for the merge
        self._last = files[-1][0] if files else -1  # stage no file found after this one
        self._after_every_file = files[-1][0] + 1 if files else 0

    def run(self) -> None:
        batch = _dfe.start_batch(self.con)
        waiting: dict[int, tuple[FileLine, Found, StageResult]] = {}
        current = self._after_every_file  # a failing batch names its files itself
        try:
            for i, f in self.files:
                if i > self._last or (self.other is not None and self.other.failed_before(i)):
                    return
                current = i
                self.bar.set_postfix_str(f.src.name[-40:], refresh=False)
                line, res = _stage_one(self.con, f, self.settings)
                _count_staged(self.staged, res)
                self.lines[i] = line
                self.bar.update(1)
                current = self._after_every_file
                if res.deferred:
                    waiting[id(res)] = (line, f, res)
                if batch.cells > _dfe.BATCH_CELLS:
                    _finish_batch(batch, waiting, self.staged)
            _finish_batch(batch, waiting, self.staged)
        except BaseException as exc:
            self.error = (current, exc)
            if self.other is not None:
                self.other.stop_after(current)
        finally:
            _dfe.end_batch(self.con)

    def run_and_hand_over(self) -> None:
        """``run``, then copy the connection's staged figures where the load's connection reads them."""
        self.run()
        if self.error is None and self.staged.get("stg_measures"):
            try:
                run_step(self.con, "staging/measure_cells_export")
                self.handed_over = True
            except BaseException as exc:
                self.error = (self._after_every_file, exc)

    def failed_before(self, i: int) -> bool:
        """True when a file found before the ``i``-th failed on this side."""
        error = self.error
        return error is not None and error[0] < i

    def stop_after(self, i: int) -> None:
        """Stage no file found after the ``i``-th (the other side's failing file)."""
        self._last = min(self._last, i)


def _count_staged(staged: dict[str, int], res: StageResult) -> None:
    for t, n in res.tables.items():
        staged[t] = staged.get(t, 0) + n


def _finish_batch(batch, waiting: dict, staged: dict[str, int]) -> None:
    """Unpivot the waiting DfE files' measures and complete their lines."""
    if not batch.waiting:
        return
    try:
        done = batch.flush()
    except Exception as exc:
        raise LoadRefused(str(exc)) from exc
    for res, seconds in done:
        line, f, _ = waiting.pop(id(res))
        _complete_line(line, f, res)
        line.seconds = round((line.seconds or 0) + seconds, 3)
        for t, n in res.tables.items():
            staged[t] = staged.get(t, 0) + n - line.tables.get(t, 0)
        line.tables = dict(res.tables)


def _stage_one(con, f: Found, settings: LoadSettings) -> tuple[FileLine, StageResult]:
    src = f.src
    t = time.perf_counter()
    try:
        res = f.reader.stage(con, src)
    except LoadRefused:
        raise
    except Exception as exc:
        raise LoadRefused(f"{src.name} ({f.kind} file): {exc}") from exc
    line = FileLine(
        src.name,
        f.kind,
        "loaded",
        "",
        time_period=res.time_period or src.time_period,
        file_status=src.file_status,
        manifest_order=src.manifest_order,
        encoding=src.encoding,
        n_rows=res.rows_read,
        n_columns=len(src.header) or None,
        rows_rejected=res.rows_rejected,
        tables=dict(res.tables),
        seconds=round(time.perf_counter() - t, 3),
    )
    _complete_line(line, f, res)
    if res.rows_read == 0 and not any(res.tables.values()):
        raise LoadRefused(f"{src.name} ({f.kind} file): has a header but no data rows")
    share = res.rows_rejected / res.rows_read if res.rows_read else 0.0
    if share > settings.max_reject_share:
        sample = con.execute(
            "SELECT line, column_name, value, reason FROM rejects "
            "WHERE file_name = ? OR starts_with(file_name, ? || '[') ORDER BY line LIMIT 3",
            [src.name, src.name],
        ).fetchall()
        shown = "; ".join(f"line {ln} {col}={val!r}: {why}" for ln, col, val, why in sample)
        raise LoadRefused(
            f"{src.name} ({f.kind} file): {res.rows_rejected} of {res.rows_read} rows rejected "
            f"({share:.0%}), above the limit of {settings.max_reject_share:.0%} (--max-reject-share). "
            f"First problems: {shown}"
        )
    return line, res


def _complete_line(line: FileLine, f: Found, res: StageResult) -> None:
    """The line's note: the discovery's notes, the reader's, and where the year came from."""
    line.note = "; ".join([*f.notes, *res.notes])
    if f.year_from == "content":
        line.note = "; ".join(x for x in (line.note, "year taken from the file's content") if x)


def _trim_boundaries(con, report: LoadReport) -> None:
    """A national boundary file holds every district in England: keep those of the loaded schools
    (the readers' keep_loaded_districts; nothing is dropped when no establishment names a district)."""
    if not report.staged.get("stg_boundaries"):
        return
    try:
        from etl.readers import boundaries
    except ImportError:
        return
    keep = getattr(boundaries, "keep_loaded_districts", None)
    if keep is not None:
        dropped = keep(con)
        if dropped:
            report.notes.append(
                f"{dropped} district boundaries of other local authorities were not kept"
            )


def _write_load_files(con, report: LoadReport) -> None:
    rows = [
        (
            f.file_name,
            f.kind,
            f.time_period,
            f.file_status,
            f.manifest_order,
            f.encoding,
            f.n_rows,
            f.n_columns,
            f.action,
            f.note or None,
        )
        for f in report.files
    ]
    if rows:
        con.executemany("INSERT INTO load_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _write_load_info(con, report: LoadReport, t0: float, finished: bool) -> None:
    info = {
        "run_id": report.run_id,
        "started_at": report.started_at,
        "source_dir": str(Path(report.source_dir).resolve()),
        "finished_at": report.finished_at if finished else None,
        "duration_s": str(report.duration_s) if finished else None,
        "storage_version": connection.STORAGE_VERSION,
    }
    con.executemany(
        "INSERT OR REPLACE INTO load_info VALUES (?, ?)",
        [(k, v) for k, v in info.items() if v is not None],
    )


def _run_model(con) -> None:
    """The school model (warehouse/sql/model), when its order.txt exists, with its settings applied."""
    if not (SQL_DIR / "model" / "order.txt").exists():
        return
    try:
        model_settings = importlib.import_module("warehouse.model_settings")
    except ModuleNotFoundError:
        model_settings = None
    if model_settings is not None and hasattr(model_settings, "apply"):
        model_settings.apply(con)
    run_folder(con, "model")  # its order.txt runs the pupil-level model too (folder:pupils)


def _check_contract(con, include_model: bool) -> None:
    from warehouse import contract

    failures = contract.check(con, include_model=None if include_model else False)
    if failures:
        raise LoadRefused(
            "The new build breaks the data contract (warehouse/contract.yml):\n"
            + "\n".join(f"- {f}" for f in failures[:30])
            + (f"\n... and {len(failures) - 30} more" if len(failures) > 30 else "")
        )


def _table_counts(con) -> dict[str, int]:
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
    }
    out = {}
    for t in (*CORE_TABLES, "rejects"):
        if t in have:
            out[t] = con.execute("SELECT count(*) FROM query_table(?)", [t]).fetchone()[0]
    model = sorted(
        have - set(out) - {"load_files", "load_info"} - {t for t in have if t.startswith("stg_")}
    )
    for t in model:
        out[t] = con.execute("SELECT count(*) FROM query_table(?)", [t]).fetchone()[0]
    return out


def _validate(build: Path, run_id: str) -> None:
    """Reopen the closed build read-only, as the dashboard will, and check it is the one we wrote."""
    con = connection.open_read_only(build)
    try:
        got = con.execute("SELECT value FROM load_info WHERE key = 'run_id'").fetchone()
        if not got or got[0] != run_id:
            raise LoadRefused(f"{build}: reopened build does not carry run {run_id}")
        for t in CORE_TABLES:
            con.execute("SELECT count(*) FROM query_table(?)", [t]).fetchone()
    finally:
        con.close()


def _serving(warehouse: Path, build: Path) -> bool:
    try:
        return warehouse.is_symlink() and warehouse.resolve() == build.resolve()
    except OSError:
        return False


def _remove_build(build: Path) -> None:
    for p in (build, build.with_name(build.name + ".wal")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            # cannot remove: make sure nothing ever mistakes it for a good build
            try:
                p.rename(p.with_name("failed-" + p.name))
            except OSError:
                pass


def clean_old_builds(warehouse: Path, keep: int = 3, grace_s: float = 3600.0) -> list[Path]:
    """Remove leftovers of killed loads now, and served builds beyond the newest ``keep`` once
    replaced more than ``grace_s`` seconds ago (etl/builds.py). The build the pointer names is never
    removed. Refuses (LoadRefused) while a load is running."""
    with builds.load_lock(warehouse):
        return builds.clean(warehouse, keep, grace_s)


def run_cli(source_dir: Path, warehouse: Path, settings: LoadSettings) -> int:
    """What ``python -m etl load`` does: load, print the report, return the exit code."""
    try:
        report = load(source_dir, warehouse, settings)
    except LoadRefused as exc:
        print(f"Load refused; {warehouse} is unchanged.\n{exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(
            f"Load failed; {warehouse} is unchanged.\n{type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    print(report.text())
    return 0
