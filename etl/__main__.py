"""Command line of the ETL: ``python -m etl load SOURCE_DIR --warehouse PATH``.

PATH is what the dashboard and other tools open: a symbolic link to the current build in
``<dir of PATH>/builds/``. Exit code 0 when the new build is serving, non-zero (with a message
naming the file and the problem on stderr) when the previous warehouse was kept.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.governor_copy import make_governor_copy
from etl.load import LoadSettings, run_cli
from warehouse.connection import default_warehouse_path


def main(argv: list[str] | None = None) -> int:
    defaults = LoadSettings()
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "load", help="load a source folder into a new warehouse build and switch to it"
    )
    p.add_argument(
        "source_dir", type=Path, help="folder of published files (and optional manifest.csv)"
    )
    p.add_argument(
        "--warehouse",
        type=Path,
        default=default_warehouse_path(),
        help="the warehouse pointer the app opens (default: $SID_WAREHOUSE or data/warehouse.duckdb)",
    )
    p.add_argument(
        "--max-reject-share",
        type=float,
        default=defaults.max_reject_share,
        help="refuse the load when a file has more than this share of rows rejected (default %(default)s)",
    )
    p.add_argument(
        "--keep-builds",
        type=int,
        default=defaults.keep_builds,
        help="builds of successful loads to keep in builds/ (default %(default)s)",
    )
    p.add_argument(
        "--build-grace-seconds",
        type=float,
        default=defaults.build_grace_s,
        help="never delete a build younger than this, so open dashboard sessions finish (default %(default)s)",
    )
    p.add_argument(
        "--memory-limit",
        default=defaults.memory_limit,
        help="DuckDB's memory for the load; beyond it work spills to disk beside the builds "
        "(default %(default)s)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    g = sub.add_parser(
        "governor-copy",
        help="copy the current warehouse without any soft intelligence, for a governor deployment",
    )
    g.add_argument(
        "--warehouse", type=Path, default=default_warehouse_path(), help="the full warehouse"
    )
    g.add_argument(
        "--to", type=Path, required=True, help="the governor deployment's warehouse pointer"
    )
    f = sub.add_parser(
        "fetch",
        help="download the published files for one LA into a folder, with manifest.csv (docs/fetch.md)",
    )
    f.add_argument("dest", type=Path, help="folder to fetch into (then: python -m etl load DEST)")
    f.add_argument("--la", required=True, help="the council's three-digit LA code, e.g. 850")
    f.add_argument(
        "--years",
        nargs="+",
        default=None,
        help="academic years, e.g. 201718 2018/19 (default: the last three with published tables)",
    )
    f.add_argument(
        "--neighbours",
        action="store_true",
        help="also the statistical neighbours listed in DEST/statistical_neighbours.csv",
    )
    f.add_argument(
        "--no-national", action="store_true", help="skip the England files (national percentiles)"
    )
    f.add_argument(
        "--national-years",
        nargs="+",
        default=None,
        help="years of the England files (default: --years)",
    )
    f.add_argument("--as-of", help="fetch what was published on this date (YYYY-MM-DD)")
    f.add_argument(
        "--sources", type=Path, help="a sources.lock.json: fetch exactly those files again"
    )
    f.add_argument(
        "--catalogue",
        type=Path,
        default=None,
        help="another sources.toml (a council's mirror, say); default etl/fetch/sources.toml",
    )
    args = parser.parse_args(argv)
    if args.command == "fetch":
        from etl.fetch.cli import run_fetch

        return run_fetch(args)
    if args.command == "governor-copy":
        build = make_governor_copy(args.warehouse, args.to)
        print(f"{args.to} now points at {build} (no soft intelligence)")
        return 0
    settings = LoadSettings(
        max_reject_share=args.max_reject_share,
        keep_builds=args.keep_builds,
        build_grace_s=args.build_grace_seconds,
        progress=not args.no_progress,
        memory_limit=args.memory_limit,
    )
    return run_cli(args.source_dir, args.warehouse, settings)


if __name__ == "__main__":
    sys.exit(main())
