"""Writes the council's empty intelligence workbook template (``intelligence_template.xlsx``).

Generated from ``etl.readers.intelligence.SHEETS``, the same definition the reader checks against, so
the template, the reader and docs/intelligence-workbook.md cannot drift apart. Drop-down lists give the
allowed values and date columns are formatted as dates, so most mistakes are stopped at typing time.
Run ``python -m etl.templates [PATH]``; the shipped copy sits beside this file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.readers.intelligence import SHEETS, TEMPLATE_TITLE

TEMPLATE_PATH = Path(__file__).with_name("intelligence_template.xlsx")
_ROWS_VALIDATED = 2000
# Fixed document properties, so regenerating changes only the zip entries' timestamps.
_FIXED_TIME = dt.datetime(2026, 1, 1)


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the empty workbook: a README sheet, then one sheet per kind with headers only."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    lines = [
        (TEMPLATE_TITLE, True),
        (
            "CONFIDENTIAL: this workbook holds the council's soft intelligence about schools. Governors never see it.",
            False,
        ),
        (
            "One sheet per kind of record; keep the sheet names and the header row. One row per record.",
            False,
        ),
        (
            "Dates: type them as dates (dd/mm/yyyy) or yyyy-mm-dd. URN: the six-digit school URN from GIAS.",
            False,
        ),
        (
            "Columns with a drop-down list accept only those values. A row with a bad date, URN or value is not loaded;",
            False,
        ),
        (
            "the load report names the sheet, row and column so it can be corrected. Blank rows are ignored.",
            False,
        ),
        ("Full description: docs/intelligence-workbook.md.", False),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        readme.cell(row=i, column=1, value=text).font = Font(bold=bold)
    row = 9
    for c, title in enumerate(
        ("sheet", "column", "required", "allowed values", "meaning"), start=1
    ):
        readme.cell(row=row, column=c, value=title).font = Font(bold=True)
    for sheet in SHEETS:
        row += 1
        readme.cell(row=row, column=1, value=sheet.name).font = Font(bold=True)
        readme.cell(row=row, column=5, value=sheet.purpose)
        for col in sheet.columns:
            row += 1
            readme.cell(row=row, column=2, value=col.name)
            readme.cell(row=row, column=3, value="yes" if col.required else "no")
            allowed = (
                ", ".join(col.allowed)
                if col.allowed
                else {"date": "a date", "urn": "six digits"}.get(col.kind, "free text")
            )
            readme.cell(row=row, column=4, value=allowed)
            readme.cell(row=row, column=5, value=col.help)
    for letter, width in zip("ABCDE", (22, 16, 10, 60, 90), strict=True):
        readme.column_dimensions[letter].width = width
    readme.freeze_panes = "A10"

    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        for c, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=c, value=col.name)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=False)
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = 40 if col.kind == "text" else 20
            rng = f"{letter}2:{letter}{_ROWS_VALIDATED + 1}"
            if col.kind == "date":
                dv = DataValidation(
                    type="date",
                    operator="greaterThan",
                    formula1="DATE(2000,1,1)",
                    allow_blank=not col.required,
                )
                dv.error, dv.errorTitle = "Enter a date (dd/mm/yyyy).", "Not a date"
            elif col.kind == "choice":
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(col.allowed) + '"',
                    allow_blank=not col.required,
                )
                dv.error, dv.errorTitle = (
                    "Choose one of: " + ", ".join(col.allowed),
                    "Not an allowed value",
                )
            elif col.kind == "urn":
                dv = DataValidation(
                    type="whole",
                    operator="between",
                    formula1="100000",
                    formula2="999999",
                    allow_blank=False,
                )
                dv.error, dv.errorTitle = "A URN has six digits.", "Not a URN"
            else:
                continue
            dv.showErrorMessage = True
            dv.add(rng)
            ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "school-improvement-dashboard"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
