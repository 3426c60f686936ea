"""Which academic year (and status) each source file holds: decision 1 of shared/decisions.md.

A source folder may hold ``manifest.csv`` with columns ``file,time_period,status``:
  * ``file``: a name or a glob relative to the folder (``ks2/2016_*.csv``);
  * ``time_period``: the DfE six-digit academic year (201819), ``2018/19`` and ``2018-19`` accepted;
  * ``status``: final, revised, provisional, or blank.
The manifest wins. Without a row, the year comes from an unambiguous file name
(``time_period_from_name``), or from the content (a reader's ``infer_time_period``); otherwise the
loader refuses the file with ``missing_year_message``.
"""

from __future__ import annotations

import csv
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST_NAME = "manifest.csv"
STATUSES = ("final", "revised", "provisional")


class ManifestError(ValueError):
    """manifest.csv is malformed; the message names the line."""


@dataclass(frozen=True)
class ManifestEntry:
    pattern: str  # as written in the manifest (a name or glob relative to the folder)
    time_period: int | None
    status: str | None
    order: int  # 1-based position in the manifest (later wins at equal status, decision 2)
    line: int  # line in manifest.csv


@dataclass(frozen=True)
class Manifest:
    entries: tuple[ManifestEntry, ...] = ()
    path: Path | None = None

    def lookup(self, name: str) -> ManifestEntry | None:
        """The entry for ``name`` (path relative to the folder, / separators). An exact name beats a
        glob; among globs the LAST matching row wins (a later, more specific row overrides)."""
        name = _norm(name)
        for e in self.entries:
            if _norm(e.pattern) == name:
                return e
        hit = None
        for e in self.entries:
            if _glob_match(name, _norm(e.pattern)):
                hit = e
        return hit

    def unused(self, names: list[str]) -> list[ManifestEntry]:
        """Manifest rows that match none of ``names`` (worth a line in the load report)."""
        normed = [_norm(n) for n in names]
        return [
            e
            for e in self.entries
            if not any(_norm(e.pattern) == n or _glob_match(n, _norm(e.pattern)) for n in normed)
        ]


def _norm(name: str) -> str:
    return str(PurePosixPath(name.replace("\\", "/").strip())).lstrip("./") if name.strip() else ""


def _glob_match(name: str, pattern: str) -> bool:
    # fnmatch's * crosses "/": good enough and what people expect from "ks2/*.csv" or "*_ks2final.csv"
    return fnmatch.fnmatchcase(name.lower(), pattern.lower()) or (
        "/" not in pattern
        and fnmatch.fnmatchcase(PurePosixPath(name).name.lower(), pattern.lower())
    )


def parse_time_period(text: str) -> int | None:
    """'201819', '2018/19', '2018-19', '2018-2019', '2018/2019' -> 201819. None if blank.
    Raises ValueError when the text is not an academic year (the second year must follow the first)."""
    t = (text or "").strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})\s*[/-]?\s*(\d{2}|\d{4})", t)
    if not m:
        raise ValueError(f"{text!r} is not an academic year (write it as 201819 or 2018/19)")
    start = int(m.group(1))
    end = int(m.group(2))
    end2 = end % 100
    if (start + 1) % 100 != end2 or (len(m.group(2)) == 4 and end != start + 1):
        raise ValueError(
            f"{text!r} is not an academic year: {start}/{m.group(2)} are not consecutive years"
        )
    return start * 100 + end2


def read_manifest(folder: Path) -> Manifest:
    """The folder's manifest.csv, or an empty Manifest when there is none."""
    path = Path(folder) / MANIFEST_NAME
    if not path.exists():
        return Manifest((), None)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return Manifest((), path)
    header = [h.strip().lower() for h in rows[0]]
    for col in ("file", "time_period"):
        if col not in header:
            raise ManifestError(
                f"{path}: the first line must name the columns file,time_period,status (found {','.join(rows[0])})"
            )
    fi, ti = header.index("file"), header.index("time_period")
    si = header.index("status") if "status" in header else None
    entries = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        pattern = cell(fi)
        if not pattern:
            raise ManifestError(f"{path} line {lineno}: the file column is empty")
        try:
            tp = parse_time_period(cell(ti))
        except ValueError as exc:
            raise ManifestError(f"{path} line {lineno} ({pattern}): {exc}") from None
        status = cell(si).lower() or None
        if status is not None and status not in STATUSES:
            raise ManifestError(
                f"{path} line {lineno} ({pattern}): status {status!r} must be one of {', '.join(STATUSES)} or blank"
            )
        entries.append(ManifestEntry(pattern, tp, status, len(entries) + 1, lineno))
    return Manifest(tuple(entries), path)


# Unambiguous year forms at the start of a file name, or standing alone between separators:
#   2018-2019_..., 2018_2019, 201819_..., 2018-19
_NAME_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})[-_](\d{4})(?!\d)"),  # 2018-2019
    re.compile(r"(?<!\d)(\d{4})(\d{2})(?!\d)"),  # 201819
    re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)"),  # 2018-19
)


def time_period_from_name(name: str) -> int | None:
    """The academic year an unambiguous file name states, else None.

    ``2018-2019_ks2.csv``, ``201819_ks2.csv``, ``ks2_2018-19.csv`` -> 201819. A lone year
    (``2016_850_ks2final.csv``, ``815_2019_census.csv``) is ambiguous (DfE and councils use both the
    starting and the ending year), and so is an eight-digit date (``20220420_gias.csv``): None.
    When the name holds two different academic years, None too.
    """
    stem = PurePosixPath(name.replace("\\", "/")).name
    found: set[int] = set()
    for pat in _NAME_PATTERNS:
        for m in pat.finditer(stem):
            start, end = int(m.group(1)), int(m.group(2))
            if not 1990 <= start <= 2099:
                continue
            if len(m.group(2)) == 4 and end != start + 1:
                continue
            if len(m.group(2)) == 2 and (start + 1) % 100 != end:
                continue
            found.add(start * 100 + (start + 1) % 100)
    return found.pop() if len(found) == 1 else None


def missing_year_message(name: str, kind: str | None = None, status_hint: str = "final") -> str:
    """The refusal message: names the file and shows the manifest row to add."""
    what = f" ({kind} file)" if kind else ""
    return (
        f"Cannot tell which academic year {name}{what} holds: its name does not state it unambiguously "
        f"and the manifest has no row for it. Add a row to {MANIFEST_NAME} in the source folder, for example:\n"
        f"    file,time_period,status\n"
        f"    {name},201819,{status_hint}\n"
        f"(time_period is the academic year, 201819 = 2018/19; status is final, revised, provisional or blank)."
    )


def resolve_time_period(
    name: str, manifest: Manifest
) -> tuple[int | None, str | None, int | None, str]:
    """(time_period, status, manifest_order, how) from the manifest, else the name. ``how`` is
    'manifest', 'name' or 'unknown' (then try the reader's infer_time_period, else refuse)."""
    e = manifest.lookup(name)
    if e is not None and e.time_period is not None:
        return e.time_period, e.status, e.order, "manifest"
    status = e.status if e else None
    order = e.order if e else None
    tp = time_period_from_name(name)
    if tp is not None:
        return tp, status, order, "name"
    return None, status, order, "unknown"
