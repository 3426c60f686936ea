"""Real test workbooks, built with openpyxl in the layouts Ofsted and councils use (never committed as
binaries): the official statistics data sheet "State-funded schools inspections and outcomes as at
DATE" (title rows above the header, a web-link column of Excel HYPERLINK formulas, real Excel dates,
whole-number grades, a notes row below the data, a cover sheet beside it) and a DfE CSV re-saved
from Excel (percentages as numbers formatted 0%)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import openpyxl

OFFICIAL_HEADER = [
    "Web link",
    "URN",
    "LAESTAB",
    "School name",
    "Ofsted phase",
    "Type of education",
    "Local authority",
    "Inspection number",
    "Inspection type",
    "Inspection date",
    "Publication date",
    "Overall effectiveness",
    "Category of concern",
    "Quality of education",
    "Behaviour and attitudes",
    "Personal development",
    "Effectiveness of leadership and management",
]
TITLE = "State-funded schools inspections and outcomes as at 31 August 2025"
TITLE_ROWS = 4  # title, subtitle, source, blank: the header is on sheet row 5


@dataclass(frozen=True)
class OfstedRow:
    urn: int
    laestab: int
    name: str
    phase: str
    inspection_number: str
    inspection_date: dt.date
    publication_date: dt.date
    overall: int
    category: str | None


def hampshire_schools(gias_csv: Path, n: int | None = None) -> list[tuple[int, int, str, str]]:
    """(urn, laestab, name, phase) of the open schools in the real Hampshire GIAS extract."""
    with open(gias_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    h = rows[0]
    col = {name: h.index(name) for name in h}
    out = []
    for r in rows[1:]:
        if r[col["EstablishmentStatus (name)"]] != "Open":
            continue
        la, estab = r[col["LA (code)"]], r[col["EstablishmentNumber"]]
        laestab = int(la) * 10000 + int(estab) if estab.isdigit() else int(la) * 10000
        out.append(
            (int(r[0]), laestab, r[col["EstablishmentName"]], r[col["PhaseOfEducation (name)"]])
        )
    return out[:n] if n else out


def official_rows(schools, seed: int = 15) -> list[OfstedRow]:
    """Realistic grades (most Good, a few Requires improvement and Inadequate) and dates."""
    rnd = random.Random(seed)
    out = []
    for k, (urn, laestab, name, phase) in enumerate(schools):
        overall = rnd.choices([1, 2, 3, 4], weights=[15, 70, 11, 4])[0]
        category = rnd.choice(["SM", "SWK"]) if overall == 4 else None
        day = dt.date(2016, 9, 1) + dt.timedelta(days=rnd.randrange(0, 2900))
        out.append(
            OfstedRow(
                urn,
                laestab,
                name,
                "Primary" if "rimary" in phase or "Middle" in phase else phase,
                str(10000000 + k) if day.year >= 2016 else f"ITS{400000 + k}",
                day,
                day + dt.timedelta(days=rnd.randrange(14, 40)),
                overall,
                category,
            )
        )
    return out


def write_official_statistics(path: Path, rows: list[OfstedRow], with_notes: bool = True) -> Path:
    """The official statistics workbook: a Cover sheet, then the data sheet with title rows, a
    HYPERLINK formula column, real dates and whole-number grades, and a notes row below."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover.append([TITLE])
    cover.append(["Official statistics. Source: Ofsted."])
    cover.append(["Contents", "Data: one row per school"])
    ws = wb.create_sheet("Data")
    ws.append([TITLE])
    ws.append(["England, state-funded schools"])
    ws.append(["Source: Ofsted inspection outcomes"])
    ws.append([])
    ws.append(OFFICIAL_HEADER)
    for r in rows:
        link = f"http://www.ofsted.gov.uk/inspection-reports/find-inspection-report/provider/ELS/{r.urn}"
        ws.append(
            [
                f'=HYPERLINK("{link}","{link}")',
                r.urn,
                r.laestab,
                r.name,
                r.phase,
                "Community school",
                "Hampshire",
                r.inspection_number,
                "Section 5",
                r.inspection_date,
                r.publication_date,
                r.overall,
                r.category,
                r.overall,
                min(r.overall, 3),
                r.overall,
                r.overall,
            ]
        )
        for c in (10, 11):
            ws.cell(ws.max_row, c).number_format = "dd/mm/yyyy"
    if with_notes:
        ws.append([])
        ws.append(["Notes: 9 means not applicable. Data as at 31 August 2025."])
    wb.save(path)
    return path


def csv_as_xlsx(src_csv: Path, path: Path, percent_columns: tuple[str, ...] = ()) -> Path:
    """A DfE CSV as Excel saves it after opening: numbers become numbers, ``72%`` becomes 0.72
    formatted 0% (in ``percent_columns``), codes such as SUPP stay text."""
    with open(src_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = src_csv.stem[:31]
    header = rows[0]
    ws.append(header)
    pct = {i for i, h in enumerate(header) if h in percent_columns}
    for r in rows[1:]:
        out = []
        for i, v in enumerate(r):
            if i in pct and v.endswith("%"):
                try:
                    out.append(float(v[:-1]) / 100)
                    continue
                except ValueError:
                    pass
            try:
                out.append(int(v) if v.lstrip("-").isdigit() and not v.startswith("0") else v)
            except ValueError:
                out.append(v)
        ws.append(out)
        for i in pct:
            if i < len(out) and isinstance(out[i], float):
                ws.cell(ws.max_row, i + 1).number_format = "0%"
    wb.save(path)
    return path


def _ods_cell(v) -> str:
    from xml.sax.saxutils import escape

    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, dt.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"/>'
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f'<table:table-cell office:value-type="float" office:value="{v}"/>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A minimal OpenDocument spreadsheet (as Ofsted publishes its management information), written
    by hand with zipfile so no ODS library is needed: strings, numbers and real dates."""
    import zipfile

    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            if row
            else "<table:table-row><table:table-cell/></table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def published_header(formats_dir: Path, file: str) -> list[str]:
    """A published Ofsted header from shared/data/formats/ofsted (comment lines skipped)."""
    lines = [
        ln
        for ln in (formats_dir / file).read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    return [ln.split("\t")[1] for ln in lines] if file.endswith(".tsv") else lines
