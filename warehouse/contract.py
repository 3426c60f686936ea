"""The public data contract (warehouse/contract.yml, plus warehouse/contract_model.yml for the model
tables): run its checks against a build, and write docs/data-contract.md from it.

    python -m warehouse.contract --markdown          rewrite docs/data-contract.md
    python -m warehouse.contract --check BUILD.duckdb  run the checks on a build, list failures
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from warehouse.connection import STORAGE_VERSION
from warehouse.connection import quote_ident as _q

HERE = Path(__file__).parent
CONTRACT_FILES = (HERE / "contract.yml", HERE / "contract_model.yml")
MODEL_ORDER = HERE / "sql" / "model" / "order.txt"
DOC_PATH = HERE.parent / "docs" / "data-contract.md"


@dataclass(frozen=True)
class Table:
    name: str
    spec: dict
    model: bool  # declared in contract_model.yml: checked only when the model is built


# libyaml's safe loader when PyYAML was built with it (the same documents, ~8x less CPU: 0.13 s of
# every load's contract check went to parsing the two files in Python)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _load(path: Path, mtime: float) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}


def load_contract() -> tuple[dict, list[Table]]:
    """(conventions, tables) from every contract file present, core first."""
    conventions: dict = {}
    tables: list[Table] = []
    for i, path in enumerate(CONTRACT_FILES):
        if not path.exists():
            continue
        doc = _load(path, path.stat().st_mtime)
        conventions.update(doc.get("conventions") or {})
        for name, spec in (doc.get("tables") or {}).items():
            tables.append(Table(name, spec or {}, model=i > 0))
    return conventions, tables


def _lit(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def check(con: duckdb.DuckDBPyConnection, include_model: bool | None = None) -> list[str]:
    """Every failed check as one plain-English line (empty list: the build meets the contract).

    Model tables are checked when ``include_model`` (default: when warehouse/sql/model/order.txt exists).
    """
    if include_model is None:
        include_model = MODEL_ORDER.exists()
    _, tables = load_contract()
    # A cursor of its own (so a caller's pending result survives), on the caller's current database.
    db, schema = con.execute("SELECT current_database(), current_schema()").fetchone()
    cur = con.cursor()
    cur.execute(f"USE {_q(db)}.{_q(schema)}")
    have = {
        r[0]: r[1]
        for r in cur.execute(
            "SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "UNION ALL SELECT view_name, 'view' FROM duckdb_views() "
            "WHERE database_name = ? AND schema_name = ? AND NOT internal",
            [db, schema, db, schema],
        ).fetchall()
    }
    cur.close()

    def check_one(t: Table) -> list[str]:
        own = con.cursor()
        try:
            own.execute(f"USE {_q(db)}.{_q(schema)}")
            return _check_table(own, t, have)
        finally:
            own.close()

    # Two tables at a time, each on a cursor of its own: a table's scan with a distinct count runs
    # on one thread, so the largest two (school_measures, group_gaps) overlap. Lines in table order.
    wanted = [t for t in tables if include_model or not t.model]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="contract") as pool:
        return [line for lines in pool.map(check_one, wanted) for line in lines]


def _check_table(cur, t: Table, have: dict) -> list[str]:
    if t.name not in have:
        return [f"{t.name}: table missing"]
    cols_spec: dict = t.spec.get("columns") or {}
    actual = {r[0]: r[1] for r in cur.execute(f"DESCRIBE {_q(t.name)}").fetchall()}
    out = []
    missing = [c for c in cols_spec if c not in actual]
    extra = [c for c in actual if c not in cols_spec]
    if missing:
        out.append(f"{t.name}: columns missing: {', '.join(missing)}")
    if extra:
        out.append(f"{t.name}: columns not in the contract: {', '.join(extra)}")
    conds: list[tuple[str, str, str]] = []  # (column, what, SQL condition of a failing row)
    for col, spec in cols_spec.items():
        if col not in actual:
            continue
        spec = spec or {}
        want = spec.get("type")
        if want and not _same_type(str(want), actual[col]):
            out.append(f"{t.name}.{col}: type {actual[col]}, contract says {want}")
        if spec.get("not_null"):
            conds.append((col, "is NULL", f"{_q(col)} IS NULL"))
        if spec.get("accepted_values") is not None:
            vals = ", ".join(_lit(v) for v in spec["accepted_values"])
            conds.append(
                (
                    col,
                    NOT_ACCEPTED,
                    f"{_q(col)} IS NOT NULL AND {_q(col)} NOT IN ({vals})",
                )
            )
        rng = spec.get("range") or {}
        if "min" in rng:
            conds.append((col, f"is below {rng['min']}", f"{_q(col)} < {_lit(rng['min'])}"))
        if "max" in rng:
            conds.append((col, f"is above {rng['max']}", f"{_q(col)} > {_lit(rng['max'])}"))
    # One scan of the table counts every failing row of every column check, the unique key and every
    # table check; only a check that fails is looked at again (for a sample value or the duplicated
    # keys). At national size a scan per kind of check cost seconds on each large table.
    unique = t.spec.get("unique")
    unique = unique if unique and all(c in actual for c in unique) else None
    checks = t.spec.get("checks") or []
    # Accepted values are checked on each column's distinct values first (one cheap query: DuckDB
    # plans a long NOT IN list as a join over every row, ~0.9 s on the national school_measures);
    # only a column holding a value not accepted is counted row by row in the scan.
    passed = _accepted_columns(cur, t, {c for c, what, _ in conds if what == NOT_ACCEPTED})
    scanned = [
        i for i, (c, what, _) in enumerate(conds) if not (what == NOT_ACCEPTED and c in passed)
    ]
    aggs = [f"count_if({conds[i][2]})" for i in scanned]
    if unique:
        # Equal keys have equal hashes, so as many distinct hashes as rows means no key is repeated;
        # fewer (a duplicate, or two keys sharing a hash) runs the exact check below.
        keys = ", ".join(_q(c) for c in unique)
        aggs += ["count(*)", f"count(DISTINCT hash({keys}))"]
    check_aggs = [f"count_if(coalesce(({c['fails_when']}), FALSE))" for c in checks]
    counts = None  # the checks' failing rows; None: one of them cannot run, so each runs alone
    got: tuple = ()
    if aggs or check_aggs:
        try:
            got = cur.execute(f"SELECT {', '.join(aggs + check_aggs)} FROM {_q(t.name)}").fetchone()
            counts = got[len(aggs) :]
        except duckdb.Error:
            if not check_aggs:
                raise
            if aggs:
                got = cur.execute(f"SELECT {', '.join(aggs)} FROM {_q(t.name)}").fetchone()
    # every column check's failing rows (0 for a column whose distinct values all passed), then
    # the unique key's two counts
    got = (*_spread(got[: len(scanned)], scanned, len(conds)), *got[len(scanned) :])
    failing = [(i, c) for i, c in enumerate(conds) if got[i]]
    if failing:
        # A sample row's value, and the source file and line it came from where the table keeps them,
        # so a refusal names the file to look at.
        where = [c for c in ("source_file", "source_line") if c in actual]
        fields = ", ".join(f"{_q(c)}: CAST({_q(c)} AS VARCHAR)" for c in where)
        samples = cur.execute(
            "SELECT "
            + ", ".join(
                f"any_value({{'v': CAST({_q(col)} AS VARCHAR){', ' + fields if fields else ''}}}) "
                f"FILTER (WHERE {cond})"
                for _, (col, _, cond) in failing
            )
            + f" FROM {_q(t.name)}"
        ).fetchone()
        for (i, (col, what, _)), sample in zip(failing, samples, strict=True):
            origin = " line ".join(str(sample[c]) for c in where if sample.get(c) is not None)
            out.append(
                f"{t.name}.{col} {what} in {got[i]} rows (e.g. {sample['v']!r}"
                + (f", from {origin}" if origin else "")
                + ")"
            )
    if unique and got[len(conds)] != got[len(conds) + 1]:
        n, sample = cur.execute(
            # the key is written as text only for the duplicated ones (not for every row)
            f"SELECT count(*), min(CAST(ROW({keys}) AS VARCHAR)) FROM (SELECT {keys} "
            f"FROM {_q(t.name)} GROUP BY {keys} HAVING count(*) > 1)"
        ).fetchone()
        if n:
            out.append(f"{t.name}: {n} duplicate keys on ({', '.join(unique)}), e.g. {sample}")
    for i, chk in enumerate(checks):
        if counts is not None:
            n = counts[i]
        else:
            try:
                n = cur.execute(
                    f"SELECT count(*) FROM {_q(t.name)} WHERE {chk['fails_when']}"
                ).fetchone()[0]
            except duckdb.Error as exc:
                out.append(f"{t.name}: check '{chk['name']}' could not run: {exc}")
                continue
        if n:
            out.append(f"{t.name}: check '{chk['name']}' fails in {n} rows ({chk['fails_when']})")
    return out


NOT_ACCEPTED = "has a value not accepted"


def _accepted_columns(cur, t: Table, columns: set[str]) -> set[str]:
    """The columns among ``columns`` whose every distinct non-null value is one of their accepted
    values, compared as Python values where both sides are text or both whole numbers (any other
    column is left to the row-by-row check in SQL, whose comparison rules it keeps)."""
    if not columns:
        return set()
    names = sorted(columns)
    lists = cur.execute(
        "SELECT " + ", ".join(f"list(DISTINCT {_q(c)})" for c in names) + f" FROM {_q(t.name)}"
    ).fetchone()
    passed = set()
    for col, present in zip(names, lists, strict=True):
        accepted = t.spec["columns"][col]["accepted_values"]
        values = [v for v in (present or []) if v is not None]
        for kind in (str, int):
            if all(type(v) is kind for v in [*values, *accepted]):
                if set(values) <= set(accepted):
                    passed.add(col)
                break
    return passed


def _spread(counts: tuple, positions: list[int], n: int) -> list[int]:
    """``counts`` of the checks at ``positions`` among ``n`` checks, 0 at the others."""
    out = [0] * n
    for i, c in zip(positions, counts, strict=True):
        out[i] = c
    return out


_ALIASES = {
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "FLOAT8": "DOUBLE",
    "STRING": "VARCHAR",
    "TEXT": "VARCHAR",
    "BOOL": "BOOLEAN",
}


def _same_type(want: str, got: str) -> bool:
    w = _ALIASES.get(want.upper(), want.upper())
    return w == got.upper() or (w == "VARCHAR[]" and got.upper() == "VARCHAR[]")


def _md_cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown() -> str:
    """docs/data-contract.md, generated: never edit that file by hand."""
    conventions, tables = load_contract()
    lines = [
        "# Data contract",
        "",
        "<!-- Generated from warehouse/contract.yml (and contract_model.yml) by "
        "`python -m warehouse.contract --markdown`. Do not edit by hand: a test checks it is current. -->",
        "",
        "Every warehouse build holds the tables below, with these columns and meanings, and passes the",
        "checks listed before a load switches to it (`etl/load.py` runs `warehouse/contract.py`).",
        "Other tools may rely on everything stated here.",
        "",
        "## Files and versions",
        "",
        "- **Where the warehouse is.** `python -m etl load SOURCE_DIR --warehouse PATH` writes a new file",
        "  `<dir of PATH>/builds/<run_id>.duckdb` and then makes **PATH a symbolic link to the current build**",
        "  (swapped atomically with a rename). Open PATH (or the file it points to) **read-only**; a reload",
        "  never changes a build that exists, so an open connection keeps seeing a consistent snapshot, and",
        "  opening PATH again after a reload gives the new data. The newest 3 successful builds are kept",
        "  (older ones are removed after a grace period). Each load's report is appended to",
        "  `<dir of PATH>/load_reports.jsonl`.",
        f"- **Storage version.** Builds are written with DuckDB storage version `{STORAGE_VERSION}`",
        "  (`STORAGE_VERSION` in `warehouse/connection.py`), so any DuckDB 1.0 or later (CLI, DBeaver, R,",
        "  Python clients still on 1.x) can open them, not only the DuckDB 2.0 the ETL runs on.",
        "- **Types** are DuckDB types. Dates are `DATE`; percentages are numbers 0-100.",
        "",
        "## Conventions",
        "",
    ]
    for k, v in conventions.items():
        lines.append(f"- **{k}**: {_md_cell(v)}")
    lines += ["", "## Tables", ""]
    lines += [f"- [`{t.name}`](#{t.name}){' (model)' if t.model else ''}" for t in tables]
    if not any(t.model for t in tables):
        lines += [
            "",
            "Model tables (achievement, bands, support category, ...) are declared in "
            "`warehouse/contract_model.yml` once the model is built.",
        ]
    for t in tables:
        s = t.spec
        lines += ["", f"### {t.name}", ""]
        if s.get("description"):
            lines += [_md_cell(s["description"]), ""]
        if s.get("grain"):
            lines.append(f"- Grain: {_md_cell(s['grain'])}")
        if s.get("unique"):
            lines.append(f"- Unique key: `({', '.join(s['unique'])})`")
        for chk in s.get("checks") or []:
            lines.append(
                f"- Check: {_md_cell(chk['name'])} (no row may match `{_md_cell(chk['fails_when'])}`)"
            )
        lines += ["", "| column | type | description | checks |", "|---|---|---|---|"]
        for col, cs in (s.get("columns") or {}).items():
            cs = cs or {}
            checks = []
            if cs.get("not_null"):
                checks.append("not null")
            if cs.get("accepted_values") is not None:
                checks.append("one of: " + ", ".join(f"`{v}`" for v in cs["accepted_values"]))
            rng = cs.get("range") or {}
            if rng:
                checks.append(f"range {rng.get('min', '')}..{rng.get('max', '')}")
            lines.append(
                f"| `{col}` | {cs.get('type', '')} | {_md_cell(cs.get('description', ''))} | {_md_cell('; '.join(checks))} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m warehouse.contract", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--markdown", action="store_true", help=f"write {DOC_PATH.relative_to(HERE.parent)}"
    )
    parser.add_argument(
        "--check", type=Path, metavar="BUILD", help="run the checks on a build (read-only)"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        DOC_PATH.write_text(markdown(), encoding="utf-8")
        print(f"wrote {DOC_PATH}")
    if args.check:
        from warehouse.connection import open_read_only

        con = open_read_only(args.check.resolve())
        failures = check(con)
        con.close()
        for f in failures:
            print(f)
        print(f"{len(failures)} contract failures")
        return 1 if failures else 0
    if not (args.markdown or args.check):
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
