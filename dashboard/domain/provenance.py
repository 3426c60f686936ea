"""'Data as at' and 'Source' from the files the figures come from (decision 25), not the load date.

The data's own date is the period of its figures (the academic year) and the date its file was
published or extracted where the file says so: a GIAS extract names its date (``20220420_gias.csv``,
``edubasealldata20251101.csv``), Ofsted's statistics their 'as at' date. DfE performance-table,
census and absence downloads carry no date, so they are described by year and status ("final
tables"), and the line says the publication date is not stated in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.components.format import fmt_year, is_missing

# kind -> what the source is, in words (the publisher's name for it)
SOURCES: dict[str, str] = {
    "ks2": "DfE key stage 2 performance tables",
    "ks4": "DfE key stage 4 performance tables",
    "census": "DfE school census (schools, pupils and their characteristics)",
    "absence": "DfE pupil absence statistics",
    "gias": "Get Information about Schools (GIAS)",
    "spine": "DfE performance tables school information",
    "ofsted": "Ofsted inspection outcomes",
    "boundaries": "ONS boundaries",
    "neighbours": "statistical neighbours",
    "intelligence": "the council's own records (confidential)",
    "pupils": "the council's pupil file",
    "estimates": "DfE national estimates",
}
# Figures people see come from these; the others are context (boundaries) or confidential.
PUBLISHED = ("ks2", "ks4", "census", "absence", "gias", "spine", "ofsted")
CONFIDENTIAL = ("intelligence", "pupils")

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_AS_AT = re.compile(r"as[-_ ]at[-_ ](\d{1,2})[-_ ]([A-Za-z]+)[-_ ](\d{4})", re.IGNORECASE)
_YMD = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def fmt_date(d: date) -> str:
    """date(2022, 4, 20) -> '20 April 2022'."""
    return f"{d.day} {d.strftime('%B')} {d.year}"


def file_date(file_name: str) -> date | None:
    """The publication/extract date a file's name states, or None."""
    name = str(file_name).rsplit("/", 1)[-1]
    m = _AS_AT.search(name)
    if m:
        month = _MONTHS.get(m.group(2).lower())
        if month:
            try:
                return date(int(m.group(3)), month, int(m.group(1)))
            except ValueError:
                return None
    m = _YMD.search(name)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class SourceFile:
    file_name: str
    kind: str
    time_period: int | None
    status: str | None
    dated: date | None

    @property
    def describe(self) -> str:
        """'DfE key stage 2 performance tables 2018/19 (final): ks2/2018_850_ks2final.csv'."""
        what = SOURCES.get(self.kind, self.kind)
        bits = []
        if self.time_period is not None:
            bits.append(fmt_year(self.time_period))
        if self.status:
            bits.append(f"({self.status})")
        if self.dated is not None:
            bits.append(
                ("as at " if self.kind == "ofsted" else "extract of ") + fmt_date(self.dated)
            )
        return f"{what} {' '.join(bits)}: {self.file_name}".replace("  ", " ")


@dataclass(frozen=True)
class Provenance:
    files: tuple[SourceFile, ...]

    @property
    def period(self) -> str:
        """The years of the figures: '2016/17 to 2018/19' (performance, census and absence)."""
        years = sorted(
            {
                f.time_period
                for f in self.files
                if f.time_period is not None and f.kind in ("ks2", "ks4", "census", "absence")
            }
        )
        if not years:
            return "no published figures loaded"
        if len(years) == 1:
            return fmt_year(years[0])
        return f"{fmt_year(years[0])} to {fmt_year(years[-1])}"

    def _by_kind(self) -> dict[str, list[SourceFile]]:
        out: dict[str, list[SourceFile]] = {}
        for f in self.files:
            out.setdefault(f.kind, []).append(f)
        return out

    @property
    def as_at(self) -> str:
        """'Figures for 2016/17 to 2018/19 (latest: KS2 final 2018/19, ...); GIAS extract of 20 April
        2022; Ofsted as at 31 December 2017. DfE files state no publication date.'"""
        parts = [f"figures for {self.period}"]
        kinds = self._by_kind()
        latest = []
        for kind, short in (
            ("ks2", "KS2"),
            ("ks4", "KS4"),
            ("census", "census"),
            ("absence", "absence"),
        ):
            fs = [f for f in kinds.get(kind, []) if f.time_period is not None]
            if fs:
                top = max(fs, key=lambda f: f.time_period)
                status = f" {top.status}" if top.status else ""
                latest.append(f"{short}{status} {fmt_year(top.time_period)}")
        if latest:
            parts[0] += f" (latest: {', '.join(latest)})"
        for kind, words in (("gias", "GIAS extract of"), ("ofsted", "Ofsted outcomes as at")):
            dated = sorted({f.dated for f in kinds.get(kind, []) if f.dated is not None})
            if dated:
                parts.append(f"{words} {fmt_date(dated[-1])}")
        text = "; ".join(parts)
        text = text[0].upper() + text[1:] + "."
        if any(k in kinds for k in ("ks2", "ks4", "census", "absence")):
            text += " The DfE files state no publication date."
        return text

    @property
    def source(self) -> str:
        """'DfE key stage 2 performance tables; DfE school census; ...' (publishers, no file names)."""
        seen = [SOURCES.get(k, k) for k in self._by_kind()]
        return "; ".join(seen) if seen else "no source files recorded"

    @property
    def file_lines(self) -> list[str]:
        """One line per source file, for an export's sources sheet or last page."""
        return [f.describe for f in self.files]

    def frame(self) -> pd.DataFrame:
        """The source files as a table (for CSV/Excel): file, source, year, status, date."""
        return pd.DataFrame(
            {
                "File": [f.file_name for f in self.files],
                "Source": [SOURCES.get(f.kind, f.kind) for f in self.files],
                "Year": [fmt_year(f.time_period) if f.time_period else "" for f in self.files],
                "Status": [f.status or "" for f in self.files],
                "Published or extracted": [
                    fmt_date(f.dated) if f.dated else "not stated in the file" for f in self.files
                ],
            }
        )


def build(files: pd.DataFrame, kinds: Iterable[str] = PUBLISHED) -> Provenance:
    """Provenance of the loaded files of the given kinds (default: the published sources)."""
    keep = set(kinds)
    out = []
    for r in files.itertuples(index=False):
        if r.kind not in keep:
            continue
        tp = None if is_missing(r.time_period) else int(r.time_period)
        status = None if is_missing(r.file_status) else str(r.file_status)
        out.append(SourceFile(str(r.file_name), str(r.kind), tp, status, file_date(r.file_name)))
    return Provenance(tuple(out))
