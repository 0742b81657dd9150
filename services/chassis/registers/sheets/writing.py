"""Writing a register's exports: an .xlsx workbook, or UTF-8 CSV with a byte-order mark (so
Excel shows the Thai), Thai headers, the read-only columns last; rows streamed, so memory
stays flat however many records there are. No cell is ever written as a formula."""
from __future__ import annotations

import codecs
import csv
import io
from typing import Iterable, Iterator

from .cells import guard_formula


def _row(spec, record: dict) -> list:
    cells = spec.to_cells(record)
    return [cells.get(c.field) for c in spec.export_columns]


def write_xlsx(spec, records: Iterable[dict]) -> bytes:
    """An export workbook: one sheet (openpyxl write-only)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.data_sheet_title)
    sheet.freeze_panes = "B2"
    bold = Font(bold=True)

    def header(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    def text(value):
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):  # a value, never a formula
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    sheet.append([header(c.th) for c in spec.export_columns])
    for record in records:
        sheet.append([text(v) for v in _row(spec, record)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def iter_csv(spec, records: Iterable[dict], rows_per_chunk: int = 500) -> Iterator[bytes]:
    """An export as UTF-8 CSV with a BOM, in chunks for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.th for c in spec.export_columns])
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    buffer.seek(0), buffer.truncate()
    for count, record in enumerate(records, start=1):
        writer.writerow(["" if v is None else guard_formula(v) for v in _row(spec, record)])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0), buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
