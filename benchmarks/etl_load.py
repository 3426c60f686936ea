"""Benchmark of the ETL load: how long a load takes, rows per second and peak memory, compared in
the same run with DuckDB's own raw read of the same CSV files (the floor: every cell as text).

    python benchmarks/etl_load.py                     default county (400 schools) + national size
    python benchmarks/etl_load.py --skip-national     default county only
    python benchmarks/etl_load.py --national-schools 22000 --keep /tmp/bench

Scenarios:
  county    the default bundle: generate(n_schools=400, national_schools=3000), then load it.
  national  a national-size set: about 22,000 schools x every generated year (national_schools
            ~22,000) around a county of 600 schools (the size of the largest English LAs), then
            load it. benchmarks/pages.py --scale national serves the same build (--keep DIR).
Each measurement runs in a fresh child process so its peak memory (getrusage ru_maxrss, which
includes DuckDB's native memory) is its own. Python's own peak (tracemalloc, which sees Python
objects only) is measured only with --python-peak: tracing every allocation slowed the county
load's Python-heavy steps by a tenth to a half (discover 0.5 -> 1.4 s) and adds its own memory,
so its runs are not the ones to quote for time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# --compare-with DIR: a child loads with the code of another checkout (the "before" of a change)
CODE = Path(os.environ.get("SID_BENCH_CODE") or ROOT)
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (DuckDB's too): on a shared machine wall time
    counts the waits for a core, this does not."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child_generate(out: Path, n_schools: int, national: int, seed: int) -> dict:
    from etl.generate import generate

    t = time.perf_counter()
    generate(out, n_schools=n_schools, national_schools=national, seed=seed)
    files = [p for p in out.rglob("*") if p.is_file()]
    return {
        "seconds": time.perf_counter() - t,
        "files": len(files),
        "mb": sum(p.stat().st_size for p in files) / 1e6,
    }


def _trace(on: bool) -> None:
    if on:
        tracemalloc.start()


def _python_peak_mb() -> float | None:
    return tracemalloc.get_traced_memory()[1] / 1e6 if tracemalloc.is_tracing() else None


def child_load(
    source: Path, warehouse: Path, model: bool, max_reject_share: float, trace: bool
) -> dict:
    from etl.load import LoadSettings, load

    _trace(trace)
    t = time.perf_counter()
    settings = LoadSettings(
        progress=False, model=model, build_grace_s=0, max_reject_share=max_reject_share
    )
    c = _cpu_s()
    report = load(source, warehouse, settings)
    seconds = time.perf_counter() - t
    cpu = _cpu_s() - c
    rows = sum(f.n_rows or 0 for f in report.files if f.action == "loaded")
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "rows": rows,
        "rows_per_s": rows / seconds,
        "peak_rss_mb": _peak_mb(),
        "python_peak_mb": _python_peak_mb(),
        "timings": report.timings,
        "school_measures": report.tables.get("school_measures", 0),
        "schools": report.tables.get("schools", 0),
        "build_mb": Path(report.build).stat().st_size / 1e6,
    }


def child_raw(source: Path, trace: bool) -> dict:
    """DuckDB alone: read_csv(all_varchar, null_padding) of every CSV, counting rows (the floor)."""
    import duckdb

    from etl.readers.csv_source import sniff_encoding, to_utf8

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    _trace(trace)
    t = time.perf_counter()
    c = _cpu_s()
    rows = 0
    tmp = tempfile.mkdtemp(prefix="raw-")
    for p in sorted(source.rglob("*.csv")):
        if p.name == "manifest.csv" or p.name.endswith("_meta.csv"):
            continue
        # DuckDB reads no Windows-1252 offline: transcode first, as the ETL does (timed too)
        text = to_utf8(p, sniff_encoding(p), Path(tmp) / str(rows))
        rows += con.execute(
            "SELECT count(*) FROM read_csv(?, all_varchar = true, null_padding = true, strict_mode = false, header = true)",
            [str(text)],
        ).fetchone()[0]
    seconds = time.perf_counter() - t
    cpu = _cpu_s() - c
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "rows": rows,
        "rows_per_s": rows / seconds,
        "peak_rss_mb": _peak_mb(),
        "python_peak_mb": _python_peak_mb(),
    }


def _run_child(*args: str, code: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop("SID_BENCH_CODE", None)
    if code is not None:
        env["SID_BENCH_CODE"] = str(code)
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=code or ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark step {args[0]} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def scenario(
    name: str,
    work: Path,
    n_schools: int,
    national: int,
    seed: int,
    model: bool,
    share: float,
    compare_with: Path | None = None,
    trace: bool = False,
) -> dict:
    src, wh = work / name / "source", work / name / "warehouse.duckdb"
    if (src / "manifest.csv").exists():  # --keep: reuse the generated folder
        gen = {"seconds": 0.0, "files": sum(1 for p in src.rglob("*") if p.is_file()), "mb": 0.0}
    else:
        gen = _run_child("generate", str(src), str(n_schools), str(national), str(seed))
    flag = "1" if trace else "0"
    raw = _run_child("raw", str(src), flag)
    before = None
    if compare_with is not None:
        before = _run_child(
            "load",
            str(src),
            str(work / name / "warehouse-before.duckdb"),
            "1" if model else "0",
            str(share),
            flag,
            code=compare_with,
        )
        before["code"] = str(compare_with)
    etl = _run_child("load", str(src), str(wh), "1" if model else "0", str(share), flag)
    return {
        "before": before,
        "name": name,
        "n_schools": n_schools,
        "national": national,
        "generate": gen,
        "raw": raw,
        "load": etl,
    }


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def print_table(results: list[dict]) -> None:
    head = f"{'scenario':<10} {'what':<22} {'seconds':>8} {'CPU s':>7} {'rows':>11} {'rows/s':>10} {'peak RSS MB':>12} {'py peak MB':>11}"
    print(head)
    print("-" * len(head))
    for r in results:
        label = f"{r['name']}"
        g = r["generate"]
        print(
            f"{label:<10} {'generate (source)':<22} {g['seconds']:8.1f} {'':>7} {'':>11} {'':>10} {'':>12} {'':>11}  {g['files']} files, {g['mb']:.0f} MB"
        )
        rows = [("raw", "DuckDB read_csv only"), ("load", "etl load (full)")]
        if r.get("before"):
            rows.insert(1, ("before", "etl load (before)"))
        for key, what in rows:
            m = r[key]
            cpu = m.get("cpu_s")
            print(
                f"{'':<10} {what:<22} {m['seconds']:8.1f} {cpu if cpu is not None else float('nan'):7.1f} "
                f"{m['rows']:>11,} {m['rows_per_s']:>10,.0f} "
                f"{m['peak_rss_mb']:>12,.0f} {_mb(m.get('python_peak_mb')):>11}"
            )
        raw = r["raw"]
        for key in [k for k, _ in rows if k != "raw"]:
            ld = r[key]
            steps = ", ".join(f"{k} {v:.1f}" for k, v in ld["timings"].items())
            ratio = ld["seconds"] / raw["seconds"] if raw["seconds"] else float("nan")
            cpu_ratio = (
                ld["cpu_s"] / raw["cpu_s"] if ld.get("cpu_s") and raw.get("cpu_s") else float("nan")
            )
            print(f"{'':<10} {key} steps (s): {steps}")
            print(
                f"{'':<10} {key}: load / raw read = {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU "
                f"(target <= 2x; peak <= 1,024 MB); schools {ld['schools']:,}, school_measures "
                f"{ld['school_measures']:,}, build {ld['build_mb']:.0f} MB"
            )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, *rest = argv[1:]
        if kind == "generate":
            res = child_generate(Path(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]))
        elif kind == "raw":
            res = child_raw(Path(rest[0]), rest[1] == "1")
        else:
            res = child_load(
                Path(rest[0]), Path(rest[1]), rest[2] == "1", float(rest[3]), rest[4] == "1"
            )
        print(json.dumps(res))
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--skip-national", action="store_true", help="only the default county")
    p.add_argument("--skip-county", action="store_true", help="only the national size")
    p.add_argument("--county-schools", type=int, default=400)
    p.add_argument(
        "--county-national", type=int, default=3000, help="national schools in the default bundle"
    )
    p.add_argument("--national-schools", type=int, default=22000)
    p.add_argument(
        "--national-county-schools",
        type=int,
        default=600,
        help="the home county's schools in the national set (pages are measured on it)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--no-model", action="store_true", help="load the core tables only")
    p.add_argument("--max-reject-share", type=float, default=0.05, help="as python -m etl load")
    p.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temp folder)"
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument(
        "--python-peak",
        action="store_true",
        help="also measure Python's own peak (tracemalloc; slows the load: do not quote its times)",
    )
    p.add_argument(
        "--compare-with",
        type=Path,
        help="another checkout (e.g. /work/main): also load with its code, in the same run",
    )
    args = p.parse_args(argv)
    tmp = None
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="etl-bench-")
        work = Path(tmp.name)
    results = []
    try:
        if not args.skip_county:
            results.append(
                scenario(
                    "county",
                    work,
                    args.county_schools,
                    args.county_national,
                    args.seed,
                    not args.no_model,
                    args.max_reject_share,
                    args.compare_with,
                    args.python_peak,
                )
            )
        if not args.skip_national:
            results.append(
                scenario(
                    "national",
                    work,
                    args.national_county_schools,
                    args.national_schools,
                    args.seed,
                    not args.no_model,
                    args.max_reject_share,
                    args.compare_with,
                    args.python_peak,
                )
            )
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"ETL load benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
