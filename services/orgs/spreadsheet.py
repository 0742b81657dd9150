"""Spreadsheets of the organization register: the columns; reading a .csv or .xlsx file into
API payloads; writing the template and exports. Cell values <-> API values: `spreadsheet_values`.

Framework-free: openpyxl and the standard library. Every header and message comes from the
catalogue; file-level problems are {field: "_file", row, code, params} like any other."""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, NamedTuple

from services.chassis.messages import CATALOGUE

from . import spreadsheet_values as values


class Column(NamedTuple):
    field: str
    th: str  # the header written in templates and exports
    en: str
    description: str  # Thai, shown in the template's guide
    required: bool = False


def _column(name: str, required: bool = False) -> Column:
    th, en = CATALOGUE[f"col_{name}"]
    return Column(name, th, en, CATALOGUE.get(f"help_{name}", ("", ""))[0], required)


REQUIRED = ("name", "type", "province", "district", "subdistrict")
COLUMNS: tuple[Column, ...] = tuple(_column(name, name in REQUIRED) for name in (
    "name", "name_en", "type", "province", "district", "subdistrict", "village_no", "address",
    "founded_year", "members", "areas", "contact_person", "source",
))
# Read-only columns an export adds; an import recognises and ignores them (round trips work).
EXPORT_ONLY: tuple[Column, ...] = tuple(_column(name) for name in (
    "province_name", "district_name", "subdistrict_name", "id", "version", "center", "status",
    "strength_level", "verified_on", "created_at", "updated_at",
))
EXPORT_COLUMNS = COLUMNS + EXPORT_ONLY
DATA_SHEET = CATALOGUE["sheet_orgs"][0]
FILE = "_file"  # the field of file-level problems

_IMPORTED = {c.field for c in COLUMNS}
_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
_HEADER_NOISE = re.compile(r"[\s_.\-*:()/]+")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class ReadResult:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (spreadsheet row, payload)
    problems: list[dict] = field(default_factory=list)  # file-level: nothing should be imported
    headers: dict[str, str] = field(default_factory=dict)  # field -> its header as written in the file
    sheet: str | None = None


class _FileProblem(Exception):
    def __init__(self, code: str, row: int | None = None, **params):
        super().__init__(code)
        self.problem = problem(FILE, code, row, **params)


def problem(field_: str, code: str, row: int | None = None, **params) -> dict:
    return {"field": field_, "row": row, "code": code, "params": params}


# (position of the first row in ReadResult.rows, from 1; those rows) of each piece read
OnRows = Callable[[int, list], None]


def read_rows(filename: str, content: bytes, sheet: str | None = None, on_rows: OnRows | None = None,
              chunk: int = 2000) -> ReadResult:
    """The payloads of a .csv (UTF-8, UTF-8 with BOM, TIS-620/Windows-874, UTF-16) or .xlsx
    file, keyed by API field names, with their spreadsheet row numbers. With `on_rows`, each
    `chunk` rows are handed over as soon as they are read (while the headers hold no problem),
    so a caller can have them checked while the rest is read."""
    result = ReadResult()
    try:
        table, result.sheet = _table(filename, content, sheet)
        _read_table(table, result, on_rows, chunk)
    except _FileProblem as error:
        result.problems.append(error.problem)
    return result


# -- the file: which kind, which sheet, which text ------------------------------------------


def _table(filename: str, content: bytes, sheet: str | None) -> tuple[Iterator[tuple[int, tuple]], str | None]:
    if not content.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise _FileProblem("empty_file")
    name = filename.lower()
    if content.startswith(_ZIP):
        return _xlsx_table(content, sheet)
    if content.startswith(_OLE) or name.endswith(".xls"):
        raise _FileProblem("xls_not_supported")
    if name.endswith((".xlsx", ".xlsm", ".xltx", ".xltm")):
        raise _FileProblem("not_a_spreadsheet")
    return _csv_table(_decode(content)), None


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise _FileProblem("file_encoding") from None
    if b"\x00" in content[:4096]:
        raise _FileProblem("not_a_spreadsheet")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # TIS-620 is a subset of Windows-874
        text = content.decode("cp874")
    except UnicodeDecodeError:
        raise _FileProblem("file_encoding") from None
    if not _THAI_LETTER.search(text):
        raise _FileProblem("file_encoding")
    return text


def _csv_table(text: str) -> Iterator[tuple[int, tuple]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            yield number, tuple(cells)
    except csv.Error:
        raise _FileProblem("not_a_spreadsheet") from None


def _xlsx_table(content: bytes, wanted: str | None) -> tuple[Iterator[tuple[int, tuple]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, or a damaged one: openpyxl raises many kinds
        raise _FileProblem("not_a_spreadsheet") from None
    names = book.sheetnames
    if not names:
        raise _FileProblem("empty_file")
    chosen = _pick_sheet(names, wanted)
    if chosen is None:
        book.close()
        raise _FileProblem("sheet_not_found", sheet=wanted, sheets=", ".join(names))
    worksheet = book[chosen]
    if hasattr(worksheet, "reset_dimensions"):  # trust the cells, not a writer's stated size
        worksheet.reset_dimensions()

    def rows():
        try:
            yield from enumerate(worksheet.iter_rows(values_only=True), start=1)
        except Exception:
            raise _FileProblem("not_a_spreadsheet") from None
        finally:
            book.close()

    return rows(), chosen


def _pick_sheet(names: list[str], wanted: str | None) -> str | None:
    by_key = {_header_key(n): n for n in names}
    if wanted:
        return wanted if wanted in names else by_key.get(_header_key(wanted))
    return by_key.get(_header_key(DATA_SHEET), names[0])


# -- the table: headers, then rows -----------------------------------------------------------


def _header_key(text) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFC", str(text)).casefold())


_HEADERS = {_header_key(name): c.field for c in EXPORT_COLUMNS for name in (c.th, c.en, c.field)}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


TITLE_ROWS = 10  # title lines above the headers that are looked past


def _read_table(table: Iterator[tuple[int, tuple]], result: ReadResult, on_rows: OnRows | None = None,
                chunk: int = 2000) -> None:
    header_row, header, lines = _find_header(table)
    fields_ = _headers(header, header_row, result)
    if result.problems:
        on_rows = None  # the file is refused whatever its rows hold
    handed = 0
    stray: dict[int, int] = {}  # columns without a header that hold data -> the first such row
    for number, cells in lines:
        payload = {}
        for index, value in enumerate(cells):
            name = fields_[index] if index < len(fields_) else ""
            if name in _IMPORTED and not _blank(value):
                payload[name] = value
            elif name == "" and not _blank(value):
                stray.setdefault(index, number)
        if payload:
            payload = values.from_cells(payload)
            if not _is_example(payload):
                result.rows.append((number, payload))
                if on_rows is not None and len(result.rows) - handed == chunk:
                    on_rows(handed + 1, result.rows[handed:])
                    handed += chunk
    if on_rows is not None and len(result.rows) > handed:
        on_rows(handed + 1, result.rows[handed:])
    for index in sorted(stray):
        result.problems.append(problem(FILE, "unknown_column", stray[index], column=_letter(index)))
    if not result.rows and not result.problems:
        result.problems.append(problem(FILE, "no_rows", header_row))


def _find_header(lines: Iterator[tuple[int, tuple]]) -> tuple[int, tuple, Iterator[tuple[int, tuple]]]:
    """The first non-blank row naming at least two known columns, looking past a few title
    rows above it; failing that, the first non-blank row (whose headers are then reported).
    Returns it and the rows after it."""
    seen = []
    for number, cells in lines:
        if all(_blank(c) for c in cells):
            continue
        seen.append((number, cells))
        if sum(_header_key(c) in _HEADERS for c in cells if not _blank(c)) >= 2:
            return number, cells, lines
        if len(seen) == TITLE_ROWS:
            break
    if not seen:
        raise _FileProblem("empty_file")
    (number, cells), rest = seen[0], seen[1:]
    return number, cells, itertools.chain(rest, lines)


def _headers(cells: tuple, row: int, result: ReadResult) -> list[str | None]:
    """The field of each column: None for an unknown or repeated header (a problem already),
    "" for a blank header."""
    fields_: list[str | None] = []
    for cell in cells:
        if _blank(cell):
            fields_.append("")
            continue
        written = str(cell).strip()
        name = _HEADERS.get(_header_key(written))
        if name is None:
            result.problems.append(problem(FILE, "unknown_column", row, column=written))
        elif name in result.headers:
            result.problems.append(problem(FILE, "duplicate_column", row, column=written))
            name = None
        else:
            result.headers[name] = written
        fields_.append(name)
    for column in COLUMNS:
        if column.required and column.field not in result.headers:
            result.problems.append(problem(FILE, "missing_column", row, column=column.th, column_en=column.en))
    return fields_


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _comparable(payload: dict) -> dict:
    return {k: str(v) for k, v in payload.items()}


_EXAMPLE = _comparable(values.example())


def _is_example(payload: dict) -> bool:
    """The template's example row, left in: skipped rather than registered."""
    return (len(payload) == len(_EXAMPLE) and str(payload.get("name")) == _EXAMPLE.get("name")
            and _comparable(payload) == _EXAMPLE)


# -- writing ------------------------------------------------------------------------------------


def _export_row(org: dict) -> list:
    cells = values.to_cells(org)
    return [cells.get(c.field) for c in EXPORT_COLUMNS]


def write_xlsx(records: Iterable[dict]) -> bytes:
    """An export workbook: one sheet, Thai headers, the read-only columns last. Streams rows
    (openpyxl write-only), so memory stays flat however many organizations there are."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
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

    sheet.append([header(c.th) for c in EXPORT_COLUMNS])
    for org in records:
        sheet.append([text(v) for v in _export_row(org)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def iter_csv(records: Iterable[dict], rows_per_chunk: int = 500) -> Iterator[bytes]:
    """An export as UTF-8 CSV with a BOM (so Excel shows the Thai), in chunks for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.th for c in EXPORT_COLUMNS])
    yield codecs.BOM_UTF8 + buffer.getvalue().encode()
    buffer.seek(0), buffer.truncate()
    for count, org in enumerate(records, start=1):
        writer.writerow(["" if v is None else values.guard_formula(v) for v in _export_row(org)])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0), buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def write_csv(records: Iterable[dict]) -> bytes:
    return b"".join(iter_csv(records))


def template() -> bytes:
    """The import template: the data sheet (Thai headers, the example row, dropdowns for type
    and source), a guide to every column, and the code lists."""
    from . import spreadsheet_template

    return spreadsheet_template.build()
