"""The spreadsheet importers fed hostile files (issue 16): random bytes, CSV in every encoding a
center's computer may write (UTF-8 with and without a BOM, UTF-16, TIS-620/Windows-874,
Latin-1) and some it should not, cut short, with many columns, huge cells, Thai, control and
zero-width characters and formula-like cells; XLSX workbooks with formulas and huge cells,
then cut short or with a part of the zip damaged.

Each file goes through the kit's pipeline (what `sanphalang import` and the gateway's import
jobs run: read while the service checks, then all rows or none) against the orgs and people
services in this process on SQLite. It is always one of two things: imported, or refused with
problems that each name a row or the file by a catalogue code, read in Thai and English; a
refused file writes nothing (no event, no idempotency key, nothing left staged). Never an
exception. Then a few such files through the CLI's own `import_command`, checking what it prints.

hypothesis, derandomized (the same cases every run)."""
from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from sanphalang.demo import org_rows
from sanphalang.spreadsheets import import_command
from services.chassis import tables
from services.chassis.errors import FILE
from services.chassis.messages import CATALOGUE
from services.chassis.registers.pipeline import FileImport, import_digest, problem_line, summary
from services.contracts.orgs.sheet import SHEET as ORG_SHEET
from services.contracts.people.sheet import SHEET as PEOPLE_SHEET
from services.orgs import readmodel as org_readmodel
from services.orgs.service import OrgsService
from services.people import readmodel as people_readmodel
from tests.component.conftest import orgs_store
from tests.hostile import Counted, json_values, tried
from tests.inprocess import InProcess
from tests.keys import ADMIN, asker, signed
from tests.people import people_service

CASES = settings(derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp874", "tis-620", "latin-1", "cp1252",
             "shift_jis")
COUNTS = {kind: Counted() for kind in ("bytes", "csv", "xlsx", "refused", "imported")}


class Register:
    """A register in this process (signed for an admin, as the CLI asks) and its sheet."""

    def __init__(self, sheet, service, store, stage):
        self.sheet, self.service, self.store, self.stage = sheet, service, store, stage
        self.files = FileImport(sheet)

    def written(self) -> tuple:
        with self.store.engine.connect() as conn:
            count = lambda table: conn.execute(select(func.count()).select_from(table)).scalar()  # noqa: E731
            return self.store.head()["seq"], count(tables.commands), count(self.stage)

    def imports(self, name: str, content: bytes) -> None:
        """Import the file; whatever the outcome, it is whole and said in Thai and English."""
        before = self.written()
        read, checked = self.files.read_checked(self.service, name, content)
        digest = import_digest(content, read.sheet, False, before[0])
        report = self.files.import_rows(self.service, read, digest, checked=checked)
        lines = [f"{line['th']} / {line['en']}" for line in summary(report.counts(), bool(report.problems), False, False)]
        lines += [problem_line(problem) for problem in report.problems]
        assert lines and all(" / " in line for line in lines)
        for problem in report.problems:
            assert problem["code"] in CATALOGUE, problem
            assert problem["field"] == FILE or isinstance(problem["row"], int), problem
        if report.problems:
            COUNTS["refused"].count()
            assert self.written() == before, "a refused file wrote something"
        else:
            COUNTS["imported"].count()
            assert self.written()[2] == 0, "an imported file left rows staged"


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-imports")
    store = orgs_store(f"sqlite:///{tmp / 'orgs.sqlite'}")
    orgs = signed(InProcess(OrgsService, log=store, asking=asker("orgs")), ADMIN)
    people = people_service(f"sqlite:///{tmp / 'people.sqlite'}", f"sqlite:///{tmp / 'keys.sqlite'}")
    yield {"orgs": Register(ORG_SHEET, orgs, store, org_readmodel.STAGE.table),
           "people": Register(PEOPLE_SHEET, people.as_(ADMIN), people.store, people_readmodel.STAGE.table)}
    store.engine.dispose()
    people.close()


# -- what a hostile file is made of -------------------------------------------------------------

names = st.sampled_from(["data.csv", "data.xlsx", "data.xls", "data.txt", "ข้อมูล.CSV", "", "a.xlsm"])
csv_names = st.sampled_from(["data.csv"] * 6 + ["ข้อมูล.CSV", "data.txt", "", "data.xlsx", "data.xls"])
cells = json_values().map(lambda value: "" if value is None else str(value)[:200_000])  # past csv's field limit


@st.composite
def tables_of(draw, register: Register) -> list[list]:
    """Rows of cells under a header: the template's example row (named anew each time) with
    cells replaced by hostile ones, under the sheet's own headers (Thai, English or field
    names) or a hostile header (columns left out, twice, unknown, hundreds more)."""
    columns = list(register.sheet.columns)
    header = [draw(st.sampled_from([c.th, c.en, c.field])) for c in columns]
    how = draw(st.sampled_from(["cells", "cells", "header", "many_columns", "no_header"]))
    if how == "header":
        header = [h for h in header if draw(st.integers(0, 5))]
        header += draw(st.lists(st.sampled_from(header or ["x"]) | st.text(max_size=12), max_size=3))
    elif how == "many_columns":
        header += [f"extra {n}" for n in range(draw(st.sampled_from([40, 300])))]
    rows = [] if how == "no_header" else [header]
    example, first = register.sheet.example_cells(), columns[0].field
    for n in range(draw(st.integers(1, 4))):
        real = {**example, first: f"{example[first]} {draw(st.integers(1, 10 ** 6))}"}  # not the template's row
        row = [str(real.get(c.field, "")) for c in columns][:len(header)]
        for _ in range(draw(st.integers(0, 2))):
            at = draw(st.integers(0, len(header) + 2))
            row += [""] * (at + 1 - len(row))
            row[at] = draw(cells)
        rows.append(row)
    return rows


@st.composite
def csv_files(draw, register: Register) -> tuple[str, bytes]:
    text = io.StringIO()
    csv.writer(text, delimiter=draw(st.sampled_from([",", ";", "\t"]))).writerows(draw(tables_of(register)))
    content = text.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    how = draw(st.sampled_from(["whole", "whole", "bom", "cut"]))
    if how == "bom":
        content = draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])) + content
    elif how == "cut":
        content = content[:draw(st.integers(0, len(content)))]
    return draw(csv_names), content


@st.composite
def xlsx_files(draw, register: Register) -> tuple[str, bytes]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = draw(st.sampled_from([register.sheet.data_sheet_title, "Sheet1", "ข้อมูล"]))
    for row in draw(tables_of(register)):
        sheet.append([_xlsx_cell(cell) for cell in row])
    if draw(st.booleans()):
        book.create_sheet("อื่น").append(["=1+1", "x" * 32_000])
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    how = draw(st.sampled_from(["whole", "whole", "cut", "flip", "part"]))
    if how == "cut":
        content = content[:draw(st.integers(4, len(content) - 1))]
    elif how == "flip":
        content = bytearray(content)
        for at in draw(st.lists(st.integers(4, len(content) - 1), min_size=1, max_size=6)):
            content[at] ^= 0xFF
        content = bytes(content)
    elif how == "part":
        content = _damaged_part(content, draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                                              "xl/sharedStrings.xml", "[Content_Types].xml"])),
                                draw(st.binary(max_size=200)))
    return draw(st.sampled_from(["data.xlsx", "data.csv", "ข้อมูล.xlsx"])), content


def _xlsx_cell(cell: str):
    """A cell as openpyxl writes it: text starting with "=" becomes a formula; no control
    character survives XML, so those are left out of workbooks (CSV files keep them)."""
    return "".join(ch for ch in cell if ch >= " " or ch in "\t\n")[:32_767]


def _damaged_part(content: bytes, part: str, garbage: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as damaged:
        for item in source.infolist():
            damaged.writestr(item, garbage if item.filename == part else source.read(item))
    return out.getvalue()


raw_files = st.tuples(names, st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.sampled_from([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", codecs.BOM_UTF16_LE, codecs.BOM_UTF8,
                               b"\x00\x00"]), st.binary(max_size=2000)).map(lambda parts: parts[0] + parts[1]),
))


# each kind of file: how it is made, and how many of them a register is fed
FILES = {"bytes": (lambda register: raw_files, 200), "csv": (csv_files, 300), "xlsx": (xlsx_files, 100)}


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("register_name", ["orgs", "people"])
def test_a_hostile_file_is_imported_or_refused_whole(registers, register_name, kind):
    register, (files, cases) = registers[register_name], FILES[kind]

    @given(file=files(register))
    @settings(CASES, max_examples=cases)
    def run(file):
        COUNTS[kind].count()
        register.imports(*file)

    run()


def _csv(rows, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding, errors="replace")


ORG_HEADER = [c.th for c in ORG_SHEET.columns]
ORG_ROW = [str(org_rows(1, seed=99)[0].get(c.field) or "") for c in ORG_SHEET.columns]


@pytest.mark.parametrize("name, content", [
    ("utf16.csv", _csv([ORG_HEADER, ORG_ROW], "utf-16")),
    ("latin1.csv", _csv([ORG_HEADER, ORG_ROW], "latin-1")),
    ("tis620.csv", _csv([ORG_HEADER, [*ORG_ROW[:-1], "=HYPERLINK(\"http://example.com\")"]], "cp874")),
    ("cut.xlsx", ORG_SHEET.write_xlsx([])[:200]),
    ("noise.csv", bytes(range(256)) * 4),
], ids=["utf-16", "latin-1", "tis-620-formula", "xlsx-cut", "noise"])
def test_the_cli_says_what_became_of_a_hostile_file_in_thai_and_english(registers, tmp_path, name, content):
    register = registers["orgs"]
    path = tmp_path / name
    path.write_bytes(content)
    before, out = register.written(), io.StringIO()
    with contextlib.redirect_stdout(out):
        done = import_command(ORG_SHEET, register.service, path, dry_run=False, accept_valid=False, sheet_name=None)
    lines = out.getvalue().splitlines()
    assert lines and all(" / " in line for line in lines), lines
    if not done:
        assert register.written() == before


def test_the_counts():
    tried("importers", **{f"{kind} files" if kind in ("bytes", "csv", "xlsx") else kind: counted.cases
                          for kind, counted in COUNTS.items()})
