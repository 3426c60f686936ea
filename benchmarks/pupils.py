"""Benchmark of pupil-level data (issue 9): a county's pupils (about 100,000 a year for five years),
written by the generator, loaded by the real ETL and aggregated by the pupil model. Prints seconds,
rows per second and peak memory; asserts nothing.

    python benchmarks/pupils.py                   ~100,000 pupils a year x 5 years
    python benchmarks/pupils.py --schools 600     a smaller county
    python benchmarks/pupils.py --keep /tmp/pb    keep the files and the warehouse

Steps, each in a fresh child process so its peak memory (getrusage ru_maxrss, DuckDB's native memory
included) is its own:
  generate   county.build + etl/generate/pupils.write for every school of the county (academies too,
             to reach the size of a large council's pupil data) -> five yearly pupil files + estimates
  load       python -m etl load of that folder (readers, staging, core, school model, pupil model,
             contract checks, swap), timed per step by the loader's own report
  aggregate  the pupil model alone (warehouse/sql/model/pupils) again on the loaded build
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds of this process (all threads): on a shared machine wall time also counts waiting."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_generate(out: Path, schools: int, seed: int) -> dict:
    from etl.generate import county, pupils

    t = time.perf_counter()
    c = county.build(schools, 300, seed)
    pupils.write(c, out, maintained_only=False)
    files = sorted((out / "pupils").glob("*_pupils.csv"))
    rows = sum(sum(1 for _ in open(f, encoding="utf-8")) - 1 for f in files)
    return {"seconds": time.perf_counter() - t, "pupil_rows": rows, "files": len(files)}


def child_load(source: Path, warehouse: Path) -> dict:
    from etl.load import LoadSettings, load

    t = time.perf_counter()
    report = load(source, warehouse, LoadSettings(progress=False))
    return {
        "seconds": time.perf_counter() - t,
        "timings": report.timings,
        "staged": report.staged,
        "tables": {k: v for k, v in report.tables.items() if k.startswith("pupil")},
    }


def child_aggregate(warehouse: Path) -> dict:
    from warehouse.connection import open_in_memory, resolve_build
    from warehouse.sql_files import run_folder

    con = open_in_memory()
    con.execute("ATTACH ? AS w (READ_ONLY)", [str(resolve_build(warehouse))])
    # copy the inputs of the pupil model into memory, then time the model alone
    for t in (
        "stg_pupils",
        "stg_pupil_estimates",
        "load_files",
        "rejects",
        "schools",
        "home_la",
        "school_measures",
        "national_reference",
    ):
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM w.{t}")
    con.execute("DETACH w")
    t = time.perf_counter()
    run_folder(con, "model/pupils")
    seconds = time.perf_counter() - t
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in (
            "pupil_results",
            "pupil_progress",
            "pupil_group_aggregates",
            "pupil_reconciliation",
        )
    }
    con.close()
    return {"seconds": seconds, "tables": counts}


def _child(step: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--schools", type=int, default=2000, help="county schools (2000: ~100k pupils/year)"
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", type=Path, help="folder to keep the files and warehouse in")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        step, *rest = a.child
        if step == "generate":
            res = child_generate(Path(rest[0]), int(rest[1]), int(rest[2]))
        elif step == "load":
            res = child_load(Path(rest[0]), Path(rest[1]))
        else:
            res = child_aggregate(Path(rest[0]))
        res["peak_mb"] = _peak_mb()
        res["cpu_s"] = _cpu_s()
        print(json.dumps(res))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-pupils-") as tmp:
        base = a.keep or Path(tmp)
        source, warehouse = base / "source", base / "warehouse.duckdb"
        gen = _child("generate", str(source), str(a.schools), str(a.seed))
        rows = gen["pupil_rows"]
        print(
            f"pupils: {rows:,} rows in {gen['files']} yearly files ({rows / gen['files']:,.0f} a year)"
        )
        print(
            f"generate   {gen['seconds']:7.1f} s  {rows / gen['seconds']:>10,.0f} rows/s  peak {gen['peak_mb']:,.0f} MB  cpu {gen['cpu_s']:.1f} s"
        )
        ld = _child("load", str(source), str(warehouse))
        stage = ld["timings"].get("stage", 0.0)
        model = ld["timings"].get("model", 0.0)
        print(
            f"load       {ld['seconds']:7.1f} s  {rows / ld['seconds']:>10,.0f} rows/s  peak {ld['peak_mb']:,.0f} MB  cpu {ld['cpu_s']:.1f} s"
        )
        print(
            f"  of which stage {stage:.1f} s ({rows / max(stage, 1e-9):,.0f} rows/s), model {model:.1f} s, "
            f"contract {ld['timings'].get('contract', 0.0):.1f} s"
        )
        print(f"  tables: {ld['tables']}")
        ag = _child("aggregate", str(warehouse))
        print(
            f"aggregate  {ag['seconds']:7.1f} s  {rows / ag['seconds']:>10,.0f} rows/s  peak {ag['peak_mb']:,.0f} MB  cpu {ag['cpu_s']:.1f} s"
            " (pupil model alone, in memory)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
