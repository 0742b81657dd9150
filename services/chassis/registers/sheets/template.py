"""The import template workbook of a register: the data sheet with Thai headers, an example
row and dropdowns; a guide to each column; the code lists (and the provinces)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from services import reference
from services.chassis.messages import CATALOGUE

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FFFCE4D6")
EXAMPLE_FONT = Font(italic=True, color="FF808080")
DROPDOWN_ROWS = 5000


def _th(code: str) -> str:
    return CATALOGUE[code][0]


def build(spec) -> bytes:
    book = Workbook()
    data = book.active
    data.title = spec.data_sheet_title
    _data_sheet(spec, data)
    _guide(spec, book.create_sheet(_th("sheet_guide")))
    dropdowns = {}
    for listed in spec.lists:
        sheet = _code_list(book, listed.sheet, listed.codes.items())
        if listed.dropdown:
            dropdowns[listed.dropdown] = sheet
    if spec.provinces:
        _code_list(book, "sheet_provinces", ((p.code, (p.name_th, p.name_en)) for p in reference.provinces()))
    for name, (sheet, count) in dropdowns.items():
        letter = get_column_letter(_position(spec, name))
        dropdown = DataValidation(type="list", formula1=f"'{sheet}'!$B$2:$B${count + 1}", allow_blank=True)
        dropdown.add(f"{letter}2:{letter}{DROPDOWN_ROWS}")
        data.add_data_validation(dropdown)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _position(spec, field: str) -> int:
    return next(n for n, c in enumerate(spec.columns, start=1) if c.field == field)


def _data_sheet(spec, sheet) -> None:
    sheet.append([c.th for c in spec.columns])
    for n, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=n)
        cell.font, cell.fill = BOLD, REQUIRED_FILL if column.required else HEADER_FILL
        sheet.column_dimensions[get_column_letter(n)].width = 34 if column.field in spec.wide else 18
    example = spec.example_cells()
    sheet.append([example.get(c.field) for c in spec.columns])
    for cell in sheet[2]:
        cell.font = EXAMPLE_FONT
    sheet.freeze_panes = "B2"


def _guide(spec, sheet) -> None:
    sheet.append([_th(spec.guide_note)])
    sheet["A1"].font = BOLD
    sheet.append([])
    sheet.append([_th(code) for code in ("guide_column", "guide_header_en", "guide_required",
                                         "guide_description", "guide_example")])
    for cell in sheet[3]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    example = spec.example_cells()
    for column in spec.columns:
        sheet.append([column.th, column.en, _th("guide_required") if column.required else None,
                      column.description, example.get(column.field)])
    for letter, width in zip("ABCDE", (22, 18, 10, 70, 40)):
        sheet.column_dimensions[letter].width = width


def _code_list(book, title_code: str, items) -> tuple[str, int]:
    title = _th(title_code)
    sheet = book.create_sheet(title)
    sheet.append([_th("list_code"), _th("list_thai"), _th("list_english")])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    count = 0
    for code, (thai, english) in items:
        sheet.append([code, thai, english])
        count += 1
    for letter, width in zip("ABC", (20, 40, 40)):
        sheet.column_dimensions[letter].width = width
    return title, count
