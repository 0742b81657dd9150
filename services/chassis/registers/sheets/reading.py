"""Reading a register's spreadsheet: a .csv (UTF-8, UTF-8 with BOM, TIS-620/Windows-874,
UTF-16) or .xlsx file, its headers (Thai, English or field names, in any order, below a few
title rows), then its rows as API payloads with their spreadsheet row numbers."""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Callable, Iterator

from services.chassis.errors import FILE

_THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
_HEADER_NOISE = re.compile(r"[\s_.\-*:()/]+")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TITLE_ROWS = 10  # title lines above the headers that are looked past


@dataclass
class ReadResult:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (spreadsheet row, payload)
    problems: list[dict] = field(default_factory=list)  # file-level: nothing should be imported
    headers: dict[str, str] = field(default_factory=dict)  # field -> its header as written in the file
    sheet: str | None = None
    known: dict[str, str] = field(default_factory=dict)  # field -> its Thai header, for a column the file lacks


class _FileProblem(Exception):
    def __init__(self, code: str, row: int | None = None, **params):
        super().__init__(code)
        self.problem = problem(FILE, code, row, **params)


def problem(field_: str, code: str, row: int | None = None, **params) -> dict:
    return {"field": field_, "row": row, "code": code, "params": params}


# (position of the first row in ReadResult.rows, from 1; those rows) of each piece read
OnRows = Callable[[int, list], None]


def read_rows(spec, filename: str, content: bytes, sheet: str | None = None, on_rows: OnRows | None = None,
              chunk: int = 2000) -> ReadResult:
    """The payloads of a file, keyed by API field names, with their spreadsheet row numbers.
    With `on_rows`, each `chunk` rows are handed over as soon as they are read (while the
    headers hold no problem), so a caller can have them checked while the rest is read."""
    result = ReadResult(known={c.field: c.th for c in spec.export_columns})
    try:
        table, result.sheet = _table(filename, content, sheet, spec.data_sheet_title)
        _read_table(spec, table, result, on_rows, chunk)
    except _FileProblem as error:
        result.problems.append(error.problem)
    return result


# -- the file: which kind, which sheet, which text ------------------------------------------


def _table(filename: str, content: bytes, sheet: str | None,
           data_sheet: str) -> tuple[Iterator[tuple[int, tuple]], str | None]:
    if not content.strip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00"):
        raise _FileProblem("empty_file")
    name = filename.lower()
    if content.startswith(_ZIP):
        return _xlsx_table(content, sheet, data_sheet)
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


def _xlsx_table(content: bytes, wanted: str | None, data_sheet: str) -> tuple[Iterator[tuple[int, tuple]], str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook, or a damaged one: openpyxl raises many kinds
        raise _FileProblem("not_a_spreadsheet") from None
    names = book.sheetnames
    if not names:
        raise _FileProblem("empty_file")
    chosen = _pick_sheet(names, wanted, data_sheet)
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


def _pick_sheet(names: list[str], wanted: str | None, data_sheet: str) -> str | None:
    by_key = {_header_key(n): n for n in names}
    if wanted:
        return wanted if wanted in names else by_key.get(_header_key(wanted))
    return by_key.get(_header_key(data_sheet), names[0])


# -- the table: headers, then rows -----------------------------------------------------------


def _header_key(text) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFC", str(text)).casefold())


@cache
def _known_headers(spec) -> dict[str, str]:
    """Every way a column may be headed (Thai, English, the field's name) -> its field."""
    return {_header_key(name): c.field for c in spec.export_columns for name in (c.th, c.en, c.field)}


@cache
def _imported(spec) -> frozenset[str]:
    return frozenset(c.field for c in spec.columns)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_table(spec, table: Iterator[tuple[int, tuple]], result: ReadResult, on_rows: OnRows | None = None,
                chunk: int = 2000) -> None:
    header_row, header, lines = _find_header(table, _known_headers(spec))
    fields_ = _headers(spec, header, header_row, result)
    if result.problems:
        on_rows = None  # the file is refused whatever its rows hold
    imported, from_cells, example = _imported(spec), spec.cells.from_cells, _Example.of(spec)
    handed = 0
    stray: dict[int, int] = {}  # columns without a header that hold data -> the first such row
    for number, cells in lines:
        payload = {}
        for index, value in enumerate(cells):
            name = fields_[index] if index < len(fields_) else ""
            if name in imported and not _blank(value):
                payload[name] = value
            elif name == "" and not _blank(value):
                stray.setdefault(index, number)
        if payload:
            payload = from_cells(payload)
            if not example.matches(payload):
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


def _find_header(lines: Iterator[tuple[int, tuple]], known: dict[str, str]) -> tuple[int, tuple, Iterator[tuple[int, tuple]]]:
    """The first non-blank row naming at least two known columns, looking past a few title
    rows above it; failing that, the first non-blank row (whose headers are then reported).
    Returns it and the rows after it."""
    seen = []
    for number, cells in lines:
        if all(_blank(c) for c in cells):
            continue
        seen.append((number, cells))
        if sum(_header_key(c) in known for c in cells if not _blank(c)) >= 2:
            return number, cells, lines
        if len(seen) == TITLE_ROWS:
            break
    if not seen:
        raise _FileProblem("empty_file")
    (number, cells), rest = seen[0], seen[1:]
    return number, cells, itertools.chain(rest, lines)


def _headers(spec, cells: tuple, row: int, result: ReadResult) -> list[str | None]:
    """The field of each column: None for an unknown or repeated header (a problem already),
    "" for a blank header."""
    known = _known_headers(spec)
    fields_: list[str | None] = []
    for cell in cells:
        if _blank(cell):
            fields_.append("")
            continue
        written = str(cell).strip()
        name = known.get(_header_key(written))
        if name is None:
            result.problems.append(problem(FILE, "unknown_column", row, column=written))
        elif name in result.headers:
            result.problems.append(problem(FILE, "duplicate_column", row, column=written))
            name = None
        else:
            result.headers[name] = written
        fields_.append(name)
    for column in spec.columns:
        if column.required and column.field not in result.headers:
            result.problems.append(problem(FILE, "missing_column", row, column=column.th, column_en=column.en))
    return fields_


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _comparable(payload: dict) -> dict:
    return {k: str(v) for k, v in payload.items()}


class _Example:
    """The template's example row, left in a file: skipped rather than registered. Its first
    column is compared first: most rows differ there."""

    def __init__(self, example: dict, first: str):
        self.row, self.first = _comparable(example), first

    @staticmethod
    @cache
    def of(spec) -> "_Example":
        return _Example(spec.example(), spec.columns[0].field)

    def matches(self, payload: dict) -> bool:
        return (len(payload) == len(self.row) and str(payload.get(self.first)) == self.row.get(self.first)
                and _comparable(payload) == self.row)
