"""A dashboard's table as a file: XLSX (openpyxl) or CSV in UTF-8 with a byte-order mark (so
Excel reads the Thai), in the reader's language, the same rows and columns as the page's table;
numbers stay numbers (a percent as 12.5, no "%"), none is an empty cell."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from services.chassis.registers.sheets.cells import guard_formula

from . import text
from .dashboard_tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def cell(kind: str, value):
    """A table's value as a file holds it."""
    if value is None:
        return None
    if kind in ("label", "text"):
        return guard_formula(text.text_of(value))
    return value


def rows(table: Table) -> list[list]:
    """The header, then every row."""
    out = [[text.text_of(c.title) for c in table.columns]]
    for row in table.rows:
        out.append([cell(c.kind, v) for c, v in zip(table.columns, row.cells)])
    return out


def xlsx(table: Table, about: list[tuple[str, str]]) -> bytes:
    """The table on its first sheet (header on row 1), `about` (label, value) on a second."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.id[:31]
    for values in rows(table):
        sheet.append(values)
    for number, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=1, column=number).column_letter
        sheet.column_dimensions[letter].width = 36 if column.kind == "label" else 16
        sheet.cell(row=1, column=number).font = Font(bold=True)
        if column.kind == "percent":
            for (found,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                found.number_format = "0.0"
    sheet.freeze_panes = "B2"
    notes = book.create_sheet(text.t("web_dash_file_about")[:31])
    for label, value in about:
        notes.append([label, guard_formula(value)])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(table: Table) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for values in rows(table):
        writer.writerow(["" if v is None else v for v in values])
    return out.getvalue()
