"""The ``fetch`` command's glue: arguments to settings, report to stdout, errors to stderr."""

from __future__ import annotations

import sys
from datetime import date

from etl.fetch.http import FetchError
from etl.fetch.run import FetchSettings, fetch
from etl.manifest import parse_time_period

# Published KS2/KS4 tables: none for 2019/20 and 2020/21 (decision 14).
NO_TABLES = {201920, 202021}


def default_years(today: date | None = None, n: int = 3) -> list[int]:
    """The last ``n`` academic years with published tables: a year's tables appear in the
    December after it ends, so 2025/26 is fetched from December 2026."""
    today = today or date.today()
    last_start = today.year - 1 if today.month == 12 else today.year - 2
    years, start = [], last_start
    while len(years) < n:
        tp = start * 100 + (start + 1) % 100
        if tp not in NO_TABLES:
            years.append(tp)
        start -= 1
    return sorted(years)


def run_fetch(args) -> int:
    try:
        years = (
            [parse_time_period(y) for y in args.years]
            if args.years
            else default_years(date.fromisoformat(args.as_of) if args.as_of else None)
        )
    except ValueError as exc:
        print(f"fetch: {exc}", file=sys.stderr)
        return 2
    settings = FetchSettings(
        la=args.la,
        years=years,
        neighbours=args.neighbours,
        national=not args.no_national,
        national_years=(
            [parse_time_period(y) for y in args.national_years] if args.national_years else None
        ),
        as_of=args.as_of,
        lock=args.sources,
    )
    if args.catalogue is not None:
        settings.catalogue = args.catalogue
    try:
        report = fetch(args.dest, settings)
    except FetchError as exc:
        print(f"Fetch failed; {args.dest} is unchanged.\n{exc}", file=sys.stderr)
        return 1
    print(f"Fetched {report['files']} files into {args.dest} (manifest.csv written).")
    for line in report["changes"]:
        print(f"  changed: {line}")
    print(f"Next: python -m etl load {args.dest}")
    return 0
