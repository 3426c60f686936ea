"""Where the load's DISCOVER and STAGE steps spend their CPU: per reader and per SQL statement.

    python benchmarks/etl_stage_profile.py SOURCE_DIR [WORKDIR] [--top N] [--core | --model]

Runs discover and stages every file into a fresh build under WORKDIR (default: a temporary folder;
never point it at data/), with the load's memory limit, timing every statement the readers send to
DuckDB (CPU seconds of the whole process, DuckDB's threads included; wall seconds beside). Statements
are grouped by reader and by their first characters, with temporary table names blanked. Run it for
main and for a branch back to back (``cd /work/main && python /path/to/this SOURCE``): on a shared
machine compare the CPU columns. Nothing asserts on time.

To iterate on core or model SQL without staging again (a national iteration in about half the
time, without the stage step's noise), keep the staged state once and replay it:

    python benchmarks/etl_stage_profile.py SOURCE_DIR WORKDIR --keep-staged /tmp/staged.duckdb
    python benchmarks/etl_stage_profile.py /tmp/staged.duckdb --from-staged --model

The replay's build equals a load's but for load_files' lines of skipped files (this script stages
the files it finds only).
"""

from __future__ import annotations

import argparse
import collections
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _Timed:
    """Forwards to a DuckDB connection, timing execute/executemany per (reader, statement start)."""

    def __init__(self, con, stats: dict, current: list[str]) -> None:
        self._con, self._stats, self._current = con, stats, current

    def __getattr__(self, name):
        return getattr(self._con, name)

    def _run(self, method: str, sql: str, *args, **kwargs):
        key = re.sub(r"\s+", " ", sql.strip())[:90]
        key = re.sub(r'"?__\w+?_\d+"?', "__T", key)
        c, w = _cpu(), time.perf_counter()
        out = getattr(self._con, method)(sql, *args, **kwargs)
        s = self._stats[(self._current[0], key)]
        s[0] += 1
        s[1] += time.perf_counter() - w
        s[2] += _cpu() - c
        return out

    def execute(self, sql: str, *args, **kwargs):
        return self._run("execute", sql, *args, **kwargs)

    def executemany(self, sql: str, *args, **kwargs):
        return self._run("executemany", sql, *args, **kwargs)


def profile(
    source: Path,
    work: Path,
    top: int,
    core: bool = False,
    model: bool = False,
    keep_staged: Path | None = None,
) -> None:
    c0, w0 = _cpu(), time.perf_counter()
    from etl import load as etl_load
    from etl.discover import discover
    from etl.readers import _dfe
    from etl.report import LoadReport
    from warehouse import connection
    from warehouse.sql_files import run_folder

    print(f"imports   wall {time.perf_counter() - w0:6.2f}  CPU {_cpu() - c0:6.2f}")
    c, w = _cpu(), time.perf_counter()
    (work / "tmp").mkdir(parents=True, exist_ok=True)  # discover's transcoded copies, the spill
    found = discover(source, work / "tmp")
    print(f"discover  wall {time.perf_counter() - w:6.2f}  CPU {_cpu() - c:6.2f}")
    build = work / "profile.duckdb"
    con = connection.open_build_for_writing(build)
    settings = etl_load.LoadSettings(progress=False)
    etl_load._bound_memory(con, settings, work / "tmp")
    run_folder(con, "staging")
    report = LoadReport("profile", str(source), str(build), str(build), "")
    stats: dict = collections.defaultdict(lambda: [0, 0.0, 0.0])
    per_kind: dict = collections.defaultdict(lambda: [0, 0.0, 0.0])
    current = ["?"]
    timed = _Timed(con, stats, current)
    c0, w0 = _cpu(), time.perf_counter()
    # as the load: the DfE readers' unpivots wait for a batch (timed apart, as "batched unpivot")
    batch = _dfe.start_batch(timed)
    waiting: dict = {}

    def flush() -> None:
        current[0] = "batched unpivot"
        c, w = _cpu(), time.perf_counter()
        etl_load._finish_batch(batch, waiting, report.staged)
        k = per_kind[current[0]]
        k[0] += 1
        k[1] += time.perf_counter() - w
        k[2] += _cpu() - c

    for f in found.found:
        current[0] = f.kind
        c, w = _cpu(), time.perf_counter()
        line, res = etl_load._stage_one(timed, f, settings)
        etl_load._count_staged(report.staged, res)
        report.files.append(line)
        if res.deferred:
            waiting[id(res)] = (line, f, res)
        k = per_kind[f.kind]
        k[0] += 1
        k[1] += time.perf_counter() - w
        k[2] += _cpu() - c
        if batch.cells > _dfe.BATCH_CELLS:
            flush()
    flush()
    _dfe.end_batch(timed)
    print(f"stage     wall {time.perf_counter() - w0:6.2f}  CPU {_cpu() - c0:6.2f}")
    for kind, (n, w, c) in sorted(per_kind.items(), key=lambda x: -x[1][2]):
        print(f"  {kind:14} {n:3} files  wall {w:7.2f}  CPU {c:6.2f}")
    print(f"top {top} statements by CPU (CPU s, wall s, count, reader, statement):")
    for (kind, key), (n, w, c) in sorted(stats.items(), key=lambda x: -x[1][2])[:top]:
        print(f"  {c:6.2f} {w:7.2f} {n:4} {kind:12} {key}")
    print("staged rows:", dict(sorted(report.staged.items())))
    etl_load._trim_boundaries(con, report)
    etl_load._write_load_files(con, report)
    if keep_staged is not None:
        _keep_staged(con, build, keep_staged)
    if core or model:
        _profile_core(con, top, model)
    con.close()


# The load's staging tables that live on its connection only (staging/measure_cells.sql: TEMP): a snapshot
# keeps them as build tables named snap_<table>, and a replay puts them back.
_TEMP_STAGING = ("stg_measure_files", "stg_measure_fields", "stg_measure_cells")


def _keep_staged(con, build: Path, out: Path) -> None:
    """Save the staged state (what core starts from) to ``out`` for ``--from-staged``."""
    import shutil

    for t in _TEMP_STAGING:
        con.execute(f"CREATE TABLE build.snap_{t} AS SELECT * FROM temp.{t}")
    con.execute("CHECKPOINT build")
    shutil.copy(build, out)
    for t in _TEMP_STAGING:
        con.execute(f"DROP TABLE build.snap_{t}")
    print(f"staged state kept in {out}")


def replay(staged: Path, work: Path, top: int, model: bool) -> None:
    """Core (and with ``model`` the model, contract and checkpoint) per statement, on a copy of a
    staged state kept by ``--keep-staged``: no discover or stage step, so a change to core or model
    SQL is measured in a fraction of a load, without the stage step's noise."""
    import shutil

    from etl import load as etl_load
    from warehouse import connection
    from warehouse.sql_files import run_step

    build = work / "profile.duckdb"
    shutil.copy(staged, build)
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    con = connection.open_in_memory()
    con.execute("ATTACH ? AS build", [str(build)])
    con.execute("USE build")
    etl_load._bound_memory(con, etl_load.LoadSettings(progress=False), work / "tmp")
    run_step(con, "staging/measure_cells")
    for t in _TEMP_STAGING:
        con.execute(f"INSERT INTO temp.{t} SELECT * FROM build.snap_{t}")
        con.execute(f"DROP TABLE build.snap_{t}")
    _profile_core(con, top, model)
    con.close()


def _profile_core(con, top: int, model: bool = False) -> None:
    """Run warehouse/sql/core as the load does (after its staging steps), timing each statement;
    with ``model``, then the model (its settings applied first, Python steps timed whole) and the
    contract check."""
    from etl import load as etl_load

    _profile_folder(con, "core", top)
    if not model:
        return
    from warehouse import model_settings

    c, w = _cpu(), time.perf_counter()
    model_settings.apply(con)
    print(f"settings  wall {time.perf_counter() - w:6.2f}  CPU {_cpu() - c:6.2f}")
    _profile_folder(con, "model", top)  # and model/pupils after it (folder:pupils)
    c, w = _cpu(), time.perf_counter()
    etl_load._check_contract(con, include_model=True)
    print(f"contract  wall {time.perf_counter() - w:6.2f}  CPU {_cpu() - c:6.2f}")
    c, w = _cpu(), time.perf_counter()
    con.execute("CHECKPOINT")
    print(f"checkpoint wall {time.perf_counter() - w:5.2f}  CPU {_cpu() - c:6.2f}")


def _profile_folder(con, folder: str, top: int) -> None:
    import importlib

    from warehouse.sql_files import FOLDER_STEP, PYTHON_STEP, build_order, load_sql

    rows, later = [], []
    c0, w0 = _cpu(), time.perf_counter()
    # every step in turn, each statement timed alone: the steps order.txt runs beside others
    # ("&" lines) run in their place here, so the step's wall is their sum, not the load's
    for name in [s.name for s in build_order(folder) if not isinstance(s, str)]:
        if name.startswith(FOLDER_STEP):  # a subfolder: profiled on its own after this one
            later.append(name.removeprefix(FOLDER_STEP))
            continue
        if name.startswith(PYTHON_STEP):
            c, w = _cpu(), time.perf_counter()
            importlib.import_module(name.removeprefix(PYTHON_STEP)).build(con)
            rows.append((_cpu() - c, time.perf_counter() - w, name, "(Python step)"))
            continue
        # DuckDB's own parser splits the file (a literal may hold a semicolon)
        for n, parsed in enumerate(con.extract_statements(load_sql(name))):
            stmt = parsed.query
            body = "\n".join(ln for ln in stmt.splitlines() if not ln.strip().startswith("--"))
            if not body.strip():
                continue
            c, w = _cpu(), time.perf_counter()
            con.execute(stmt)
            head = re.sub(r"\s+", " ", body.strip())[:60]
            rows.append((_cpu() - c, time.perf_counter() - w, f"{name}#{n + 1}", head))
    print(f"{folder:9} wall {time.perf_counter() - w0:6.2f}  CPU {_cpu() - c0:6.2f}")
    for c, w, name, head in sorted(rows, key=lambda r: -r[0])[:top]:
        print(f"  {c:6.2f} {w:7.2f}  {name:36} {head}")
    for sub in later:
        _profile_folder(con, sub, top)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", type=Path)
    p.add_argument("workdir", type=Path, nargs="?")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--core", action="store_true", help="then run warehouse/sql/core, per statement")
    p.add_argument(
        "--model",
        action="store_true",
        help="then core, the model (per statement), the contract and the checkpoint",
    )
    p.add_argument(
        "--keep-staged",
        type=Path,
        metavar="FILE",
        help="save the staged state (what core starts from) to FILE for --from-staged",
    )
    p.add_argument(
        "--from-staged",
        action="store_true",
        help="SOURCE is a FILE kept by --keep-staged: skip discover and stage, profile core "
        "(with --model, the model too) on a copy of it",
    )
    args = p.parse_args(argv)
    if args.from_staged:
        with tempfile.TemporaryDirectory(prefix="stage-profile-") as tmp:
            work = args.workdir or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            replay(args.source, work, args.top, args.model)
        return 0
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if (args.workdir / "profile.duckdb").exists():
            (args.workdir / "profile.duckdb").unlink()
        profile(args.source, args.workdir, args.top, args.core, args.model, args.keep_staged)
        return 0
    with tempfile.TemporaryDirectory(prefix="stage-profile-") as tmp:
        profile(args.source, Path(tmp), args.top, args.core, args.model, args.keep_staged)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
