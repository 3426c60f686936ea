"""The bad-input harness: reads cases.yml, assembles each case's source folder (the good base folder
with the case's files laid over it), loads it with the real loader into a warehouse that already
serves the base build, and checks what cases.yml promises. tests/etl/test_bad_inputs.py runs it.

Kept apart from the test so its rules can be read in one place and reused (for example to try one
case by hand: ``.venv/bin/python -m tests.etl.bad_inputs.harness CASE_ID``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.load import LoadSettings, load
from etl.report import LoadRefused, LoadReport
from warehouse.connection import open_read_only, resolve_build

HERE = Path(__file__).resolve().parent
BASE = HERE / "base"
CASES = HERE / "cases"
MANIFEST = HERE / "cases.yml"

EXPECTS = ("loaded", "refused")
MANIFEST_FILE = "manifest.csv"  # a case about the load's manifest: no rows of its own
KEYS = {
    "id",
    "file",
    "broken",
    "expect",
    "manifest",
    "remove",
    "message",
    "rows",
    "rejects",
    "lost",
    "staged",
    "note",
    "checks",
    "max_reject_share",
}
SETTINGS = LoadSettings(progress=False)


class CaseError(AssertionError):
    """cases.yml is wrong (not the loader): the message names the case and the field."""


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # the broken file's path in the load folder (the name messages must give)
    broken: str
    expect: str
    manifest: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    message: tuple[str, ...] = ()
    rows: int | None = None
    rejects: tuple[dict, ...] | None = None
    lost: dict[str, int] = field(default_factory=dict)
    staged: dict[str, int] | None = None
    note: tuple[str, ...] = ()
    checks: tuple[dict, ...] = ()
    max_reject_share: float | None = None

    @property
    def folder(self) -> Path:
        return CASES / self.id


def read_cases(path: Path = MANIFEST, cases_dir: Path = CASES) -> list[Case]:
    """Every case of ``path``, validated: unknown fields, unknown outcomes, missing folders and
    folders no case lists are errors that name the case (a typo must not silently skip a check)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise CaseError(f"{path.name}: expected a list of cases")
    out, seen = [], set()
    for i, entry in enumerate(raw, start=1):
        where = (
            f"{path.name} case {i} ({entry.get('id', '?') if isinstance(entry, dict) else entry!r})"
        )
        if not isinstance(entry, dict):
            raise CaseError(f"{where}: not a mapping")
        unknown = set(entry) - KEYS
        if unknown:
            raise CaseError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for req in ("id", "file", "broken", "expect"):
            if not entry.get(req):
                raise CaseError(f"{where}: field {req!r} is required")
        if entry["expect"] not in EXPECTS:
            raise CaseError(
                f"{where}: expect must be one of {', '.join(EXPECTS)}, not {entry['expect']!r}"
            )
        if entry["id"] in seen:
            raise CaseError(f"{where}: id used twice")
        seen.add(entry["id"])
        folder = cases_dir / entry["id"]
        if not folder.is_dir() and not entry.get("manifest") and not entry.get("remove"):
            raise CaseError(f"{where}: no folder {folder} holding the case's files")
        if entry["expect"] == "loaded" and entry.get("rejects") is None:
            raise CaseError(
                f"{where}: a loaded case must list its rejects (an empty list for none)"
            )
        out.append(
            Case(
                id=entry["id"],
                file=entry["file"],
                broken=entry["broken"],
                expect=entry["expect"],
                manifest=tuple(entry.get("manifest") or ()),
                remove=tuple(entry.get("remove") or ()),
                message=tuple(entry.get("message") or ()),
                rows=entry.get("rows"),
                rejects=tuple(entry["rejects"]) if entry.get("rejects") is not None else None,
                lost=dict(entry.get("lost") or {}),
                staged=entry.get("staged"),
                note=tuple(entry.get("note") or ()),
                checks=tuple(entry.get("checks") or ()),
                max_reject_share=entry.get("max_reject_share"),
            )
        )
    if cases_dir.is_dir():
        orphans = sorted(p.name for p in cases_dir.iterdir() if p.is_dir() and p.name not in seen)
        if orphans:
            raise CaseError(f"{path.name}: folders with no case: {', '.join(orphans)}")
    return out


# --- the served base build ------------------------------------------------------------------------


@dataclass
class Base:
    build: Path  # the build every case's warehouse points at before its load
    checksum: str
    staged: dict[tuple[str, str], int]  # (staging table, source file) -> rows
    report: LoadReport


def build_base(workdir: Path) -> Base:
    """Load the good base folder once; every case starts from this build."""
    w = workdir / "base_warehouse" / "warehouse.duckdb"
    report = load(BASE, w, SETTINGS)
    build = resolve_build(w)
    staged = staged_counts(report)
    _check_report_matches_build("[base]", staged, build)
    return Base(build, sha256(build), staged, report)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def query(build: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = open_read_only(build)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def staged_counts(report: LoadReport) -> dict[tuple[str, str], int]:
    """Rows per (staging table, source file) as the load report gives them: each reader's count of
    the rows its inserts wrote (a workbook's sheets count as the workbook). The report, not the
    build, because stg_measures is a temporary table of the load: its rows reach the build as
    school_measures, la_measures, national_measures and stg_aggregate_measures, never as staged."""
    out: dict[tuple[str, str], int] = {}
    for f in report.files:
        if f.action != "loaded":
            continue
        name = f.file_name.split("[", 1)[0]
        for t, n in f.tables.items():
            if t.startswith("stg_"):
                out[(t, name)] = out.get((t, name), 0) + n
    return out


def build_counts(build: Path) -> dict[tuple[str, str], int]:
    """Rows per (staging table, source file) of the staging tables the build keeps."""
    tables = [
        r[0]
        for r in query(
            build,
            "SELECT table_name FROM duckdb_columns() WHERE starts_with(table_name, 'stg_') "
            "AND column_name = 'source_file' AND NOT internal",
        )
    ]
    out: dict[tuple[str, str], int] = {}
    for t in tables:
        for f, n in query(
            build,
            f"SELECT split_part(source_file, '[', 1), count(*) FROM \"{t}\" GROUP BY 1",
        ):
            out[(t, f)] = out.get((t, f), 0) + n
    return out


# Staging tables whose rows the build keeps only in part, by design: stg_boundaries keeps the loaded
# schools' districts (etl/load.py _trim_boundaries, said in the report's notes);
# stg_aggregate_measures is the LA and national rows of stg_measures, not a reader's table.
PARTLY_KEPT = {"stg_boundaries", "stg_aggregate_measures"}


def _check_report_matches_build(tag: str, staged: dict, build: Path) -> None:
    """The report's per-file counts are what the build holds, for every staging table it keeps
    (so a count the harness trusts for stg_measures comes from the same bookkeeping that is proved
    right here for the others)."""
    kept = build_counts(build)
    tables = {t for t, _ in kept} - PARTLY_KEPT
    for (t, f), n in kept.items():
        if t in tables:
            assert staged.get((t, f), 0) == n, (
                f"{tag}: {t} holds {n} rows of {f}, the load report says {staged.get((t, f), 0)}"
            )
    for (t, f), n in staged.items():
        if t in tables:
            assert kept.get((t, f), 0) == n, (
                f"{tag}: the load report says {n} rows of {f} in {t}, the build holds "
                f"{kept.get((t, f), 0)}"
            )


# --- one case -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    seconds: float
    error: str | None = None  # the refusal message
    report: LoadReport | None = None
    warehouse: Path | None = None


def assemble(case: Case, dst: Path) -> Path:
    """The base folder, minus ``remove``, with the case's files laid over it and its manifest rows added."""
    shutil.copytree(BASE, dst)
    for rel in case.remove:
        (dst / rel).unlink()
    if case.folder.is_dir():
        shutil.copytree(case.folder, dst, dirs_exist_ok=True)
    if case.manifest:
        with open(dst / "manifest.csv", "a", encoding="utf-8") as fh:
            fh.write("".join(row + "\n" for row in case.manifest))
    return dst


def run_case(case: Case, base: Base, workdir: Path) -> Outcome:
    src = assemble(case, workdir / "source")
    w = workdir / "warehouse" / "warehouse.duckdb"
    w.parent.mkdir(parents=True)
    os.symlink(base.build, w)  # already serving the good build
    settings = SETTINGS
    if case.max_reject_share is not None:
        settings = LoadSettings(progress=False, max_reject_share=case.max_reject_share)
    t = time.perf_counter()
    try:
        report = load(src, w, settings)
    except LoadRefused as exc:
        return Outcome(case, time.perf_counter() - t, error=str(exc), warehouse=w)
    return Outcome(case, time.perf_counter() - t, report=report, warehouse=w)


def check(out: Outcome, base: Base) -> None:
    """Every promise of the case; AssertionError with the case id and what differs."""
    case = out.case
    tag = f"[{case.id}] {case.broken}"
    if case.expect == "refused":
        assert out.error is not None, f"{tag}: expected a refusal, but the load succeeded"
        for part in (case.file, *case.message):
            assert part in out.error, f"{tag}: refusal message lacks {part!r}:\n{out.error}"
        assert "Traceback" not in out.error, f"{tag}: message is a traceback:\n{out.error}"
        # the previous warehouse still serves the previous data, unchanged
        assert os.readlink(out.warehouse) == str(base.build), f"{tag}: pointer moved"
        assert sha256(base.build) == base.checksum, f"{tag}: the served build changed"
        left = list((out.warehouse.parent / "builds").glob("*.duckdb"))
        assert not left, f"{tag}: half-built files left behind: {left}"
        return
    assert out.error is None, f"{tag}: expected a load, but it was refused:\n{out.error}"
    report = out.report
    build = resolve_build(out.warehouse)
    assert build != base.build, f"{tag}: the new build is not serving"
    lines = [f for f in report.files if f.file_name == case.file]
    expected_action = "skipped" if case.file == MANIFEST_FILE else "loaded"
    assert lines and lines[0].action == expected_action, f"{tag}: {case.file}: {lines}"
    line = lines[0]
    if case.rows is not None:
        assert line.n_rows == case.rows, f"{tag}: {line.n_rows} rows read, expected {case.rows}"
    _check_rejects(tag, case, build)
    _check_nothing_else_lost(tag, case, base, build, report)
    notes = " | ".join([line.note, *report.notes])
    for part in case.note:
        assert part in notes, f"{tag}: report notes lack {part!r}: {notes}"
    for c in case.checks:
        got = [list(r) for r in query(build, c["sql"])]
        assert got == c["expect"], f"{tag}: {c['sql']}\n got {got}\n expected {c['expect']}"


def _check_rejects(tag: str, case: Case, build: Path) -> None:
    got = query(
        build,
        "SELECT line, column_name, value, reason FROM rejects WHERE file_name = ? "
        "OR starts_with(file_name, ? || '[') ORDER BY line NULLS FIRST, column_name",
        [case.file, case.file],
    )
    want = list(case.rejects or ())
    shown = "\n  ".join(map(str, got))
    assert len(got) == len(want), f"{tag}: {len(got)} rejects, expected {len(want)}:\n  {shown}"
    for w in want:
        hit = [
            r
            for r in got
            if ("line" not in w or r[0] == w["line"])
            and ("column" not in w or r[1] == w["column"])
            and ("value" not in w or r[2] == w["value"])
            and (w.get("reason", "") in (r[3] or ""))
        ]
        assert hit, f"{tag}: no reject like {w}; rejects were:\n  {shown}"
        assert all(r[3] for r in got), f"{tag}: a reject without a reason"


def _check_nothing_else_lost(tag: str, case: Case, base: Base, build: Path, report) -> None:
    now = staged_counts(report)
    _check_report_matches_build(tag, now, build)
    file = case.file.split("[", 1)[0]  # staged rows of a workbook's sheets count as the workbook
    for (table, f), n in base.staged.items():
        if f == file:
            continue
        assert now.get((table, f), 0) == n, (
            f"{tag}: {table} holds {now.get((table, f), 0)} rows of {f}, the base build {n}"
        )
    mine = {t: n for (t, f), n in now.items() if f == file}
    if case.staged is not None:
        assert {t: n for t, n in mine.items() if n} == {
            t: n for t, n in case.staged.items() if n
        }, f"{tag}: staged {mine}, expected {case.staged}"
        return
    was = {t: n for (t, f), n in base.staged.items() if f == file}
    if case.file == MANIFEST_FILE:
        return
    assert was, f"{tag}: {case.file} is not a base file: give `staged` counts for a new file"
    for t, n in was.items():
        expect = n - case.lost.get(t, 0)
        assert mine.get(t, 0) == expect, (
            f"{tag}: {t} holds {mine.get(t, 0)} rows of {case.file}, expected {expect} "
            f"(base {n} minus lost {case.lost.get(t, 0)})"
        )


def main(argv: list[str]) -> int:
    """Run some cases by hand and print what happened (no assertions stop the run)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = build_base(Path(tmp))
        for case in read_cases():
            if argv and case.id not in argv:
                continue
            out = run_case(case, base, Path(tmp) / case.id)
            try:
                check(out, base)
                verdict = "ok"
            except AssertionError as exc:
                verdict = f"FAIL {exc}"
            print(f"== {case.id} ({out.seconds:.2f}s): {verdict}")
            if out.error:
                print("   refused:", out.error.replace("\n", "\n   "))
            elif out.report:
                b = resolve_build(out.warehouse)
                f = [x for x in out.report.files if x.file_name == case.file]
                print("   loaded:", f[0] if f else None)
                print("   notes:", out.report.notes)
                for r in query(
                    b,
                    "SELECT * FROM rejects WHERE split_part(file_name, '[', 1) = ? LIMIT 8",
                    [case.file],
                ):
                    print("   reject:", tuple(str(x)[:120] if x else x for x in r))
                mine = {t: n for (t, ff), n in staged_counts(out.report).items() if ff == case.file}
                was = {t: n for (t, ff), n in base.staged.items() if ff == case.file}
                print("   staged:", mine, "base:", was)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
