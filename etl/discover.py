"""Walks a source folder and decides, for every file: its encoding, header, reader, year and status.

The result is a list of files to load (each a SourceFile with its reader) and a list of files
skipped with a reason (metadata, documentation, unrecognised). A file that cannot be loaded safely
(unreadable, empty, listed in the manifest but of no known format, or needing a year it cannot get)
refuses the whole load with a message naming the file; every such file is listed at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from etl.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    missing_year_message,
    read_manifest,
    resolve_time_period,
)
from etl.readers import sheet_source
from etl.readers.base import SourceFile
from etl.readers.csv_source import read_header, sniff_encoding, to_utf8
from etl.readers.hints import unrecognised_hint
from etl.report import LoadRefused, UnreadableFile

BINARY_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".geojson", ".gpkg"}
WORKBOOK_SUFFIXES = sheet_source.WORKBOOK_SUFFIXES
GEOMETRY_SUFFIXES = {".geojson", ".gpkg", ".shp"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
# Documentation that travels with downloads (decision 4): recognised by name, skipped, never loaded.
_DOC_NAME = re.compile(
    r"(^readme|^licen[cs]e|^provenance|\.(md|pdf|docx?|html?|rtf|json|yml|yaml|zip|odt)$)", re.I
)
# DfE field lists and abbreviation workbooks beside the data (decision 4).
_META_NAME = re.compile(
    r"(_meta(_[a-z]+)?\.(csv|xlsx)$|^abbreviations\.xlsx$|meta_methodology\.csv$)", re.I
)
_STATUS_IN_NAME = re.compile(r"(final|revised|provisional)", re.I)

ReaderFor = Callable[[tuple[str, ...]], Any]


@dataclass
class Found:
    """A file to load and the reader that will stage it."""

    src: SourceFile
    reader: ModuleType | Any
    year_from: str  # manifest, name, content, none
    notes: list[str] = field(default_factory=list)  # e.g. which sheet of a workbook was read

    @property
    def kind(self) -> str:
        return getattr(self.reader, "KIND", "unknown")


@dataclass
class Skipped:
    name: str
    kind: str  # metadata, documentation, manifest, unrecognised, ignored sheet
    reason: str
    encoding: str | None = None
    n_columns: int | None = None


@dataclass
class Discovery:
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest: Manifest | None = None


def default_reader_for() -> ReaderFor:
    """The readers' registry (etl/readers/registry.py), which recognises a file by its header."""
    from etl.readers import registry

    return registry.reader_for


def _geometry_reader(path: Path) -> Any:
    try:
        from etl.readers import boundaries
    except ImportError:
        return None
    recognise_path = getattr(boundaries, "recognise_path", None)
    if recognise_path is None:
        return None
    hit = recognise_path(path)
    if hit is True:
        return boundaries
    return hit or None


def xlsx_sheet_names(path: Path) -> tuple[str, ...]:
    """A workbook's 'header' is its sheet names (the intelligence reader recognises those)."""
    return sheet_source.sheet_names(path)


def status_from_name(name: str) -> str | None:
    m = {s.lower() for s in _STATUS_IN_NAME.findall(Path(name).name)}
    return m.pop() if len(m) == 1 else None


def discover(source_dir: Path, workdir: Path, reader_for: ReaderFor | None = None) -> Discovery:
    """Every file under ``source_dir`` sorted by name; UTF-8 copies of cp1252 files go to ``workdir``.

    Raises LoadRefused naming every file that stops the load.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise LoadRefused(f"{source_dir}: no such folder")
    reader_for = reader_for or default_reader_for()
    try:
        manifest = read_manifest(source_dir)
    except ManifestError as exc:
        raise LoadRefused(str(exc)) from None
    out = Discovery(manifest=manifest)
    problems: list[str] = []
    paths = sorted(p for p in source_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    for i, path in enumerate(paths):
        name = path.relative_to(source_dir).as_posix()
        try:
            items = _one(path, name, source_dir, workdir / f"{i:05d}", manifest, reader_for)
        except LoadRefused as exc:
            problems.append(str(exc))
            continue
        for item in items if isinstance(items, list) else [items]:
            (out.found if isinstance(item, Found) else out.skipped).append(item)
    unused = manifest.unused([p.relative_to(source_dir).as_posix() for p in paths])
    out.notes += [f"manifest.csv line {e.line} ({e.pattern}) matches no file" for e in unused]
    if problems:
        raise LoadRefused(
            "The load was refused; nothing changed:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return out


_NOT_LOADED_HELP = "To load it, keep the published column names (docs/loading-messages.md)."


def _workbook_tables(
    path: Path, name: str, book: sheet_source.Workbook, manifest: Manifest
) -> list[Found | Skipped]:
    """One Found per recognised sheet (named ``book.xlsx[Sheet]``), one Skipped per other sheet."""
    out: list[Found | Skipped] = []
    time_period0, status0, order, how0 = resolve_time_period(name, manifest)
    status0 = status0 or status_from_name(name)
    for t in book.tables:
        src = SourceFile(
            path=path,
            name=f"{name}[{t.sheet}]",
            text_path=t.text_path,
            encoding=path.suffix.lower().lstrip("."),
            header=t.header,
            time_period=time_period0,
            file_status=status0,
            manifest_order=order,
        )
        out.append(_with_year(src, t.reader, how0, list(t.notes), manifest_name=name))
    for ign in book.ignored:
        out.append(
            Skipped(f"{name}[{ign.sheet}]", "ignored sheet", f"sheet not read: {ign.reason}")
        )
    return out


def _unrecognised_workbook(
    name: str, book: sheet_source.Workbook, listed: bool, sheets: tuple[str, ...]
) -> Skipped:
    hint = unrecognised_hint(book.best_header) if book.best_header else ""
    shown = ", ".join(sheets[:8]) + (", ..." if len(sheets) > 8 else "")
    detail = " ".join(f"Sheet {i.sheet!r}: {i.reason}." for i in book.ignored[:6])
    if listed:
        raise LoadRefused(
            f"{name}: listed in manifest.csv but no sheet has the header of a known table "
            f"(looked at the first {sheet_source.HEADER_SCAN_ROWS} rows of each sheet). "
            + (hint + " " if hint else "")
            + f"Sheets: {shown}. {detail}"
        )
    return Skipped(
        name,
        "unrecognised",
        "no sheet has the header of a known table; not loaded. "
        + (hint or f"Sheets: {shown}.")
        + " "
        + _NOT_LOADED_HELP,
        "binary",
        len(sheets),
    )


def _with_year(
    src: SourceFile, reader: Any, how: str, notes: list[str], manifest_name: str | None = None
) -> Found:
    """The year from the content when neither the manifest nor the name gave one; refuses the load
    when the reader needs a year it cannot get (naming the manifest row to add: for a workbook
    sheet, the workbook's file name)."""
    name, kind = src.name, getattr(reader, "KIND", None)
    if src.time_period is None:
        infer = getattr(reader, "infer_time_period", None)
        if infer is not None:
            try:
                inferred = infer(src)
            except Exception as exc:
                raise LoadRefused(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from None
            if inferred is not None:
                src = replace(src, time_period=int(inferred))
                how = "content"
    if src.time_period is None and getattr(reader, "NEEDS_TIME_PERIOD", False):
        raise LoadRefused(
            missing_year_message(manifest_name or name, kind, src.file_status or "final")
        )
    return Found(src, reader, how if src.time_period is not None else "none", notes)


def _one(
    path: Path,
    name: str,
    source_dir: Path,
    workdir: Path,
    manifest: Manifest,
    reader_for: ReaderFor,
) -> Found | Skipped | list[Found | Skipped]:
    suffix = path.suffix.lower()
    if name == MANIFEST_NAME:
        return Skipped(name, "manifest", "the manifest (years and statuses of the files)")
    if _DOC_NAME.search(path.name) and suffix not in GEOMETRY_SUFFIXES:
        return Skipped(name, "documentation", "documentation, not data")
    listed = manifest.lookup(name) is not None
    try:
        size = path.stat().st_size
        if size == 0:
            raise LoadRefused(
                f"{name}: the file is empty (0 bytes); replace it or remove it from the folder"
            )
        encoding = "binary" if suffix in BINARY_SUFFIXES else sniff_encoding(path)
        if suffix in GEOMETRY_SUFFIXES:
            header: tuple[str, ...] = ()
            delimiter = ","
            reader = _geometry_reader(path)
        elif suffix in WORKBOOK_SUFFIXES:
            header = xlsx_sheet_names(path)  # raises UnreadableFile for a damaged or renamed file
            delimiter = ","
            reader = reader_for(header)
            if getattr(reader, "KIND", None) != "intelligence":
                # a published table saved as a workbook: every sheet with a recognised header
                book = sheet_source.read_workbook(path, reader_for, workdir)
                if book.tables:
                    return _workbook_tables(path, name, book, manifest)
                if getattr(reader, "KIND", None) != "metadata" and not _META_NAME.search(path.name):
                    return _unrecognised_workbook(name, book, listed, header)
        elif suffix in TEXT_SUFFIXES or encoding != "binary":
            header, delimiter = read_header(path, encoding)
            if not any(header):
                raise LoadRefused(f"{name}: the first line is empty, so it has no header row")
            reader = reader_for(header)
        else:
            reader = None
            header, delimiter = (), ","
    except LoadRefused:
        raise
    except UnreadableFile as exc:
        raise LoadRefused(f"{name}: {exc}") from None
    except Exception as exc:  # unreadable: permissions, a corrupt workbook, a broken zip
        raise LoadRefused(f"{name}: cannot be read ({type(exc).__name__}: {exc})") from None

    kind = getattr(reader, "KIND", None)
    if reader is None:
        if _META_NAME.search(path.name):
            return Skipped(
                name, "metadata", "DfE field list or abbreviations, not data", encoding, len(header)
            )
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        hint = unrecognised_hint(header)
        if listed:
            raise LoadRefused(
                f"{name}: listed in manifest.csv but its header matches no known format. "
                + (hint or "A key column such as URN may be missing or renamed.")
                + f" Header starts: {shown}"
            )
        return Skipped(
            name,
            "unrecognised",
            "no reader recognises its header; not loaded. "
            + (hint or f"It resembles no known format (header starts: {shown}).")
            + " "
            + _NOT_LOADED_HELP,
            encoding,
            len(header),
        )
    if kind == "metadata":
        return Skipped(
            name, "metadata", "DfE field list or abbreviations, not data", encoding, len(header)
        )

    time_period, status, order, how = resolve_time_period(name, manifest)
    status = status or status_from_name(name)
    text_path = to_utf8(path, encoding, workdir)
    src = SourceFile(
        path=path,
        name=name,
        text_path=text_path,
        encoding=encoding,
        header=header,
        delimiter=delimiter,
        time_period=time_period,
        file_status=status,
        manifest_order=order,
    )
    return _with_year(src, reader, how, [])
