"""What a load did, for people: the closing report printed to stdout, stored in the build
(`load_files`, `load_info`) and appended as one JSON line to `load_reports.jsonl` beside the
warehouse (the administrator's loads page reads it, decision 21)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORTS_NAME = "load_reports.jsonl"


class LoadRefused(Exception):
    """The load stopped on purpose; the message names the file and the problem. The previous
    warehouse keeps serving."""


class UnreadableFile(ValueError):
    """A file is not what its name says (binary, a web page, another delimiter, a damaged workbook).
    The message leaves out the file's name (the loader prefixes it) and says what to do."""


@dataclass
class FileLine:
    """One file the load looked at (one row of `load_files`)."""

    file_name: str
    kind: str | None
    action: str  # loaded or skipped
    note: str = ""
    time_period: int | None = None
    file_status: str | None = None
    manifest_order: int | None = None
    encoding: str | None = None
    n_rows: int | None = None
    n_columns: int | None = None
    rows_rejected: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    seconds: float | None = None  # time the reader took


@dataclass
class LoadReport:
    run_id: str
    source_dir: str
    warehouse: str
    build: str
    started_at: str
    finished_at: str | None = None
    duration_s: float | None = None
    ok: bool = False
    error: str | None = None
    files: list[FileLine] = field(default_factory=list)
    staged: dict[str, int] = field(default_factory=dict)  # staging table -> rows written by readers
    tables: dict[str, int] = field(default_factory=dict)  # core/model table -> rows in the build
    rejects: dict[str, int] = field(default_factory=dict)  # file -> rows in `rejects`
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, sort_keys=True)

    def append_to(self, warehouse: Path) -> Path:
        """Append this report as one JSON line beside the warehouse pointer."""
        path = Path(warehouse).parent / REPORTS_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(self.to_json() + "\n")
        return path

    def text(self) -> str:
        """The closing report as plain text."""
        loaded = [f for f in self.files if f.action == "loaded"]
        skipped = [f for f in self.files if f.action != "loaded"]
        state = "OK" if self.ok else "FAILED (previous warehouse unchanged)"
        lines = [
            f"Load {self.run_id}: {state}",
            f"  source    {self.source_dir}",
            f"  warehouse {self.warehouse} -> {self.build}",
            f"  time      {self.duration_s or 0:.1f} s ({self.started_at} to {self.finished_at})",
        ]
        if self.error:
            lines.append(f"  problem   {self.error}")
        lines.append(f"Files: {len(loaded)} loaded, {len(skipped)} skipped")
        for f in loaded:
            year = f" {f.time_period}" if f.time_period else ""
            status = f" {f.file_status}" if f.file_status else ""
            lines.append(
                f"  loaded  {f.file_name} [{f.kind}{year}{status}] {f.n_rows or 0} rows read, "
                f"{f.rows_rejected} rejected, {f.seconds or 0:.1f} s{(' - ' + f.note) if f.note else ''}"
            )
        for f in skipped:
            lines.append(f"  skipped {f.file_name} [{f.kind or 'unrecognised'}]: {f.note}")
        if self.staged:
            lines.append("Rows staged per table:")
            lines += [f"  {t:<32} {n:>10,}" for t, n in sorted(self.staged.items())]
        if self.tables:
            lines.append("Rows in the warehouse:")
            lines += [f"  {t:<32} {n:>10,}" for t, n in self.tables.items()]
        if self.rejects:
            lines.append(
                "Rows rejected per file (see the rejects table for line, column and reason):"
            )
            lines += [f"  {t:<60} {n:>8,}" for t, n in sorted(self.rejects.items())]
        if self.timings:
            lines.append(
                "Time per step: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
            )
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def recent_reports(warehouse: Path, n: int = 20) -> list[dict]:
    """The newest ``n`` load reports (newest first), for the administrator's loads page."""
    path = Path(warehouse).parent / REPORTS_NAME
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line:
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a killed process: skip it
    return out[::-1][:n]
