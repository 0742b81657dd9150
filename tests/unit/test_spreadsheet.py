"""Reading and writing the register's spreadsheets with real files made here: XLSX through
openpyxl, CSV in UTF-8, UTF-8 with a BOM, TIS-620 (cp874) and UTF-16."""
from __future__ import annotations

import codecs
import io
import zipfile

import openpyxl
import pytest

from sanphalang.demo import org_rows
from services.chassis.errors import CommandRejected
from services.chassis.messages import CATALOGUE, message
from services.chassis.validation import load
from services.orgs import domain
from services.contracts.orgs.schemas import OrgRegistration
from services.contracts.orgs.sheet import SHEET

COLUMNS, DATA_SHEET, EXPORT_COLUMNS = SHEET.columns, SHEET.data_sheet_title, SHEET.export_columns
read_rows, template, write_csv, write_xlsx = SHEET.read_rows, SHEET.template, SHEET.write_csv, SHEET.write_xlsx

TH = {c.field: c.th for c in COLUMNS}
EN = {c.field: c.en for c in COLUMNS}
ROW = {"name": "กลุ่มออมทรัพย์บ้านดง", "type": "กลุ่มออมทรัพย์", "province": "50", "district": "5001",
       "subdistrict": "500101", "members": "25", "founded_year": "๒๕๕๙", "source": "เวทีประชาคม"}
EXPECTED = {**ROW, "type": "savings_group", "source": "forum"}


def csv_bytes(header: list[str], rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table(fields: list[str], names=TH) -> tuple[list[str], list[list]]:
    return [names[f] for f in fields], [[ROW.get(f) for f in fields]]


def codes(result) -> list[str]:
    return [p["code"] for p in result.problems]


# -- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "utf-16"])
def test_csv_in_every_accepted_encoding_reads_thai_headers_and_maps_labels(encoding):
    header, rows = table(list(ROW))
    result = read_rows("orgs.csv", csv_bytes(header, rows, encoding, "\t" if encoding == "utf-16" else ","))
    assert result.problems == []
    assert result.rows == [(2, EXPECTED)]


def test_english_headers_in_any_order_case_and_spaces_ignored():
    fields = ["subdistrict", "name", "district", "type", "province", "source"]
    header = ["  SUB DISTRICT ", "name", "District", "TYPE", "province ", "Source"]
    result = read_rows("orgs.csv", csv_bytes(header, [[ROW[f] for f in fields]]))
    assert result.problems == []
    assert result.rows == [(2, {f: EXPECTED[f] for f in fields})]
    assert result.headers["subdistrict"] == "SUB DISTRICT"


def test_field_names_and_english_labels_are_accepted_too():
    header = ["name", "type", "province", "district", "subdistrict", "village_no", "areas", "source"]
    row = ["กลุ่ม ก", "Savings group", "50", "5001", "500101", "๓", "health, เศรษฐกิจฐานราก,Agriculture", "ldidb"]
    result = read_rows("orgs.csv", csv_bytes(header, [row], delimiter=";"))
    assert result.problems == []
    (_, payload), = result.rows
    assert payload["type"] == "savings_group" and payload["source"] == "ldidb" and payload["village_no"] == "๓"
    assert payload["areas"] == ["health", "economy", "agriculture"]


def test_unknown_labels_pass_through_for_the_service_to_report():
    header, rows = table(["name", "type", "province", "district", "subdistrict"])
    rows[0][1] = "ชมรมฟุตบอล"
    (_, payload), = read_rows("orgs.csv", csv_bytes(header, rows)).rows
    assert payload["type"] == "ชมรมฟุตบอล"
    with pytest.raises(CommandRejected) as error:
        load(OrgRegistration(), payload)
    assert [(p["field"], p["code"]) for p in error.value.problems] == [("type", "not_one_of")]


def test_place_names_and_thai_digits_become_codes():
    header = [TH[f] for f in ("name", "type", "province", "district", "subdistrict")]
    rows = [["ก", "อื่นๆ", "จังหวัดเชียงใหม่", "อำเภอเมืองเชียงใหม่", "ตำบลศรีภูมิ"],
            ["ข", "other", "Bangkok", "เขตพระนคร", "พระบรมมหาราชวัง"],
            ["ค", "other", "๕๐", "๕๐๐๑", "๕๐๐๑๐๑"]]
    result = read_rows("orgs.csv", csv_bytes(header, rows))
    places = [(p["province"], p["district"], p["subdistrict"]) for _, p in result.rows]
    assert places == [("50", "5001", "500101"), ("10", "1001", "100101"), ("50", "5001", "500101")]


def test_blank_cells_are_omitted_and_whitespace_rows_skipped_keeping_row_numbers():
    header = [TH[f] for f in ("name", "name_en", "type", "province", "district", "subdistrict")]
    content = csv_bytes(header, [["ก", "  ", "other", "50", "5001", "500101"], ["", " ", "", "", "", ""],
                                 [" ", "", "", "", "", ""], ["ข", "", "other", "50", "5001", "500101"]])
    result = read_rows("orgs.csv", content)
    assert [n for n, _ in result.rows] == [2, 5]
    assert "name_en" not in result.rows[0][1]


def test_cp874_needs_thai_letters_else_the_expected_encodings_are_named():
    result = read_rows("orgs.csv", "name,type\ncafé,other\n".encode("latin-1"))
    assert codes(result) == ["file_encoding"]
    text = message("file_encoding")
    assert "UTF-8" in text["en"] and "TIS-620" in text["th"]


@pytest.mark.parametrize("content", [b"name,type\n\xfd\xdb\xfe,x\n", codecs.BOM_UTF16_LE + b"n\x00a\x00m"])
def test_undecodable_bytes_are_an_encoding_problem(content):
    assert codes(read_rows("orgs.csv", content)) == ["file_encoding"]


# -- XLSX -----------------------------------------------------------------------------------


def test_xlsx_numbers_arrive_as_ints_and_codes_as_text():
    header = [TH[f] for f in ("name", "type", "province", "district", "subdistrict", "members", "founded_year")]
    content = xlsx_bytes({DATA_SHEET: [header, ["ก", "กลุ่มสตรี", 50, 5001, 500101, 25.0, 2559]]})
    (row, payload), = read_rows("orgs.xlsx", content).rows
    assert row == 2
    assert payload == {"name": "ก", "type": "women_group", "province": "50", "district": "5001",
                       "subdistrict": "500101", "members": 25, "founded_year": 2559}
    assert type(payload["members"]) is int


def test_xlsx_picks_the_template_sheet_by_default_else_the_first_or_the_one_named():
    header, rows = table(["name", "type", "province", "district", "subdistrict"])
    content = xlsx_bytes({"notes": [["x"]], DATA_SHEET: [header, *rows], "อื่น": [header, ["อีก", *rows[0][1:]]]})
    assert read_rows("a.xlsx", content).sheet == DATA_SHEET
    chosen = read_rows("a.xlsx", content, sheet="อื่น")
    assert chosen.sheet == "อื่น" and chosen.rows[0][1]["name"] == "อีก"
    first = read_rows("a.xlsx", xlsx_bytes({"Sheet A": [header, *rows], "Sheet B": [["y"]]}))
    assert first.sheet == "Sheet A" and len(first.rows) == 1


def test_a_missing_sheet_names_the_sheets_there_are():
    result = read_rows("a.xlsx", xlsx_bytes({"หนึ่ง": [["x"]], "two": [["y"]]}), sheet="สาม")
    assert codes(result) == ["sheet_not_found"]
    assert result.problems[0]["params"] == {"sheet": "สาม", "sheets": "หนึ่ง, two"}
    assert "หนึ่ง, two" in message("sheet_not_found", **result.problems[0]["params"])["th"]


def test_xlsx_rows_keep_their_sheet_row_numbers_past_empty_rows():
    header, rows = table(["name", "type", "province", "district", "subdistrict"])
    content = xlsx_bytes({DATA_SHEET: [[], header, [], [None, "  "], *rows]})
    assert [n for n, _ in read_rows("a.xlsx", content).rows] == [5]


# -- file-level problems --------------------------------------------------------------------


@pytest.mark.parametrize("name, content, code", [
    ("orgs.csv", b"", "empty_file"),
    ("orgs.csv", codecs.BOM_UTF8 + b"\r\n  \r\n", "empty_file"),
    ("orgs.xlsx", b"", "empty_file"),
    ("orgs.xlsx", b"this is not a workbook", "not_a_spreadsheet"),
    ("orgs.csv", b"\x00\x01\x02binary\x00", "not_a_spreadsheet"),
    ("orgs.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls_not_supported"),
])
def test_file_level_problems(name, content, code):
    result = read_rows(name, content)
    assert codes(result) == [code] and result.rows == []
    assert result.problems[0]["field"] == "_file"


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert codes(read_rows("orgs.xlsx", buffer.getvalue())) == ["not_a_spreadsheet"]


def test_a_workbook_whose_sheet_is_empty_is_an_empty_file():
    assert codes(read_rows("orgs.xlsx", xlsx_bytes({DATA_SHEET: []}))) == ["empty_file"]


def test_headers_without_rows():
    header, _ = table(["name", "type", "province", "district", "subdistrict"])
    result = read_rows("orgs.csv", csv_bytes(header, []))
    assert codes(result) == ["no_rows"] and result.problems[0]["row"] == 1


def test_unknown_missing_and_repeated_columns_are_named():
    header = [TH["name"], "สีประจำกลุ่ม", TH["type"], "Type", TH["province"]]
    result = read_rows("orgs.csv", csv_bytes(header, [["ก", "แดง", "other", "other", "50"]]))
    found = {(p["code"], p["params"].get("column")) for p in result.problems}
    assert found == {("unknown_column", "สีประจำกลุ่ม"), ("duplicate_column", "Type"),
                     ("missing_column", TH["district"]), ("missing_column", TH["subdistrict"])}
    missing = next(p for p in result.problems if p["code"] == "missing_column")
    assert missing["params"]["column_en"] == EN[missing_field(missing)]
    for problem in result.problems:
        text = message(problem["code"], **problem["params"])
        assert "{" not in text["th"] + text["en"] and problem["code"] in CATALOGUE


def missing_field(problem) -> str:
    return next(f for f, th in TH.items() if th == problem["params"]["column"])


def test_data_under_a_blank_header_is_an_unknown_column_named_by_letter():
    header, rows = table(["name", "type", "province", "district", "subdistrict"])
    result = read_rows("orgs.csv", csv_bytes(header + [""], [rows[0] + ["ข้อมูลหลงมา"]]))
    assert [(p["code"], p["params"]) for p in result.problems] == [("unknown_column", {"column": "F"})]


# -- the template ---------------------------------------------------------------------------


def test_template_has_thai_headers_a_guide_code_lists_and_dropdowns():
    book = openpyxl.load_workbook(io.BytesIO(template()))
    assert book.sheetnames[0] == DATA_SHEET and len(book.sheetnames) == 6
    data = book[DATA_SHEET]
    assert [c.value for c in data[1]] == [c.th for c in COLUMNS]
    assert data.cell(row=2, column=1).value == CATALOGUE["example_name"][0]
    validated = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    assert set(validated) == {"C2", "M2"}  # type and source
    assert all(f.startswith("'") for f in validated.values())
    guide = book[book.sheetnames[1]]
    assert any(row[0] == TH["name"] and row[1] == EN["name"] for row in guide.iter_rows(values_only=True))
    provinces = book[book.sheetnames[-1]]
    assert provinces.max_row == 78 and provinces["A2"].value and provinces["C2"].value.isascii()


def test_the_untouched_template_has_no_rows_and_its_example_row_is_skipped_when_left_in():
    assert codes(read_rows("template.xlsx", template())) == ["no_rows"]
    book = openpyxl.load_workbook(io.BytesIO(template()))
    book[DATA_SHEET].append(["กลุ่มจริง", None, "สหกรณ์", 50, 5001, 500101])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_rows("filled.xlsx", buffer.getvalue())
    assert result.problems == [] and [n for n, _ in result.rows] == [3]


# -- service-side validation of a big file --------------------------------------------------


def problems_of(result) -> list[dict]:
    schema, found = OrgRegistration(), []
    for row, payload in result.rows:
        try:
            domain.locate(load(schema, payload, row=row), row)
        except CommandRejected as error:
            found += error.problems
    return found


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_5000_rows_with_one_broken_row_report_exactly_that_row(kind):
    records = [{**r, "founded_year": r["founded_year"] - 543} for r in org_rows(5000, seed=7)]  # as the API shows
    records[3210]["members"] = "หลายคน"
    content = write_xlsx(records) if kind == "xlsx" else write_csv(records)
    result = read_rows(f"big.{kind}", content)
    assert result.problems == [] and len(result.rows) == 5000
    problems = problems_of(result)
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(3212, "members", "not_integer")]


# -- writing and reading back ---------------------------------------------------------------


ORG = {
    "id": "0190e0e0-0000-7000-8000-000000000001", "version": 3, "name": "=HYPERLINK(\"x\")กลุ่ม",
    "name_en": "Nong Bua Savings", "type": "environment_group", "province": "10", "district": "1001",
    "subdistrict": "100101", "village_no": 4, "address": "+66 81 234 5678", "founded_year": 2016,
    "founded_year_be": 2559, "members": 120, "areas": ["health", "environment"], "contact_person": None,
    "source": "ldidb", "center": "BKK1", "status": "archived", "strength": {"level": "strong"},
    "verified": {"on": "2025-01-02", "by": "x"}, "merged_into": None,
    "created_at": "2025-01-01T00:00:00.000000Z", "updated_at": "2025-02-01T00:00:00.000000Z",
}
EDITABLE = ("name", "name_en", "type", "province", "district", "subdistrict", "village_no", "address",
            "founded_year", "members", "areas", "source")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_then_import_round_trips_the_editable_fields(kind):
    second = {**ORG, "name": "กลุ่มที่สอง", "name_en": None, "areas": [], "village_no": None, "address": None}
    content = write_xlsx([ORG, second]) if kind == "xlsx" else write_csv([ORG, second])
    result = read_rows(f"export.{kind}", content)
    assert result.problems == []
    assert set(result.headers) == {c.field for c in EXPORT_COLUMNS}
    schema = OrgRegistration()
    for (_, payload), original in zip(result.rows, [ORG, second]):
        loaded = schema.load(payload)
        assert {k: loaded[k] for k in EDITABLE} == {k: original[k] or ([] if k == "areas" else None)
                                                     for k in EDITABLE}


def test_csv_export_has_a_bom_thai_headers_and_guards_formulas():
    content = write_csv([ORG])
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:3] == [TH["name"], TH["name_en"], TH["type"]]
    assert "'=HYPERLINK" in text and "'+66 81" in text
    assert "กลุ่มอนุรักษ์" in text and "เข้มแข็ง" in text and "2559" in text


def test_xlsx_export_writes_text_never_formulas():
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([ORG]))).active
    assert sheet.title == DATA_SHEET
    assert [c.value for c in sheet[1]] == [c.th for c in EXPORT_COLUMNS]
    assert sheet["A2"].value == ORG["name"] and sheet["A2"].data_type == "s"


def test_an_empty_export_is_just_the_headers():
    assert read_rows("e.csv", write_csv([])).problems[0]["code"] == "no_rows"
    assert openpyxl.load_workbook(io.BytesIO(write_xlsx([]))).active.max_row == 1


def test_title_rows_above_the_headers_are_looked_past():
    header, rows = table(["name", "type", "province", "district", "subdistrict"])
    content = xlsx_bytes({DATA_SHEET: [["ทะเบียนองค์กรชุมชน ตำบลศรีภูมิ"], ["ปรับปรุง ๑ มี.ค. ๒๕๖๘"], header, *rows]})
    result = read_rows("titled.xlsx", content)
    assert result.problems == [] and [n for n, _ in result.rows] == [4]


def test_without_recognisable_headers_the_first_row_is_reported_and_later_rows_kept():
    result = read_rows("odd.csv", csv_bytes(["ก", "ข"], [["1", "2"]] * 12))
    assert {p["code"] for p in result.problems} == {"unknown_column", "missing_column"}
    assert result.problems[0]["row"] == 1 and result.rows == []
