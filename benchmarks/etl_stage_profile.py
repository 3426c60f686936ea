"""Where the load's DISCOVER and STAGE steps spend their CPU: per reader and per SQL statement.

    python benchmarks/etl_stage_profile.py SOURCE_DIR [WORKDIR] [--top N] [--core | --model]

Runs discover and stages every file into a fresh build under WORKDIR (default: a temporary folder;
never point it at data/), with the load's memory limit, timing every statement the readers send to
DuckDB (CPU seconds of the whole process, DuckDB's threads included; wall seconds beside). Statements
are grouped by reader and by their first characters, with temporary table names blanked. Run it for
main and for a branch back to back (``cd /work/main && python /path/to/this SOURCE``): on a shared
machine compare the CPU columns. Nothing asserts on time.
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


def profile(source: Path, work: Path, top: int, core: bool = False, model: bool = False) -> None:
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
        etl_load._finish_batch(batch, waiting, report)
        k = per_kind[current[0]]
        k[0] += 1
        k[1] += time.perf_counter() - w
        k[2] += _cpu() - c

    for f in found.found:
        current[0] = f.kind
        c, w = _cpu(), time.perf_counter()
        line, res = etl_load._stage_one(timed, f, report, settings)
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
    if core or model:
        _profile_core(con, report, top, model)
    con.close()


def _profile_core(con, report, top: int, model: bool = False) -> None:
    """Run warehouse/sql/core as the load does (after its staging steps), timing each statement;
    with ``model``, then the model (its settings applied first, Python steps timed whole) and the
    contract check."""
    from etl import load as etl_load

    etl_load._trim_boundaries(con, report)
    etl_load._write_load_files(con, report)
    _profile_folder(con, "core", top)
    if not model:
        return
    from warehouse import model_settings

    c, w = _cpu(), time.perf_counter()
    model_settings.apply(con)
    print(f"settings  wall {time.perf_counter() - w:6.2f}  CPU {_cpu() - c:6.2f}")
    _profile_folder(con, "model", top)
    _profile_folder(con, "model/pupils", top)
    c, w = _cpu(), time.perf_counter()
    etl_load._check_contract(con, include_model=True)
    print(f"contract  wall {time.perf_counter() - w:6.2f}  CPU {_cpu() - c:6.2f}")
    c, w = _cpu(), time.perf_counter()
    con.execute("CHECKPOINT")
    print(f"checkpoint wall {time.perf_counter() - w:5.2f}  CPU {_cpu() - c:6.2f}")


def _profile_folder(con, folder: str, top: int) -> None:
    import importlib

    from warehouse.sql_files import PYTHON_STEP, build_order, load_sql

    rows = []
    c0, w0 = _cpu(), time.perf_counter()
    # every step in turn, each statement timed alone: the steps order.txt runs beside others
    # ("&" lines) run in their place here, so the step's wall is their sum, not the load's
    for name in [s.name for s in build_order(folder) if not isinstance(s, str)]:
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
    args = p.parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if (args.workdir / "profile.duckdb").exists():
            (args.workdir / "profile.duckdb").unlink()
        profile(args.source, args.workdir, args.top, args.core, args.model)
        return 0
    with tempfile.TemporaryDirectory(prefix="stage-profile-") as tmp:
        profile(args.source, Path(tmp), args.top, args.core, args.model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
