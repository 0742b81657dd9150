"""The people register's spreadsheets, with real files made here: the template (Thai headers,
code lists with dropdowns), a filled template read back into registration payloads (a consent
from its five columns, roles by label for the home area, Thai digits, B.E. and C.E. dates), bad
cells named by their row and column, and exports that import back without the national ID."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from services.chassis.messages import CATALOGUE, message
from services.chassis.registers.pipeline import _located, problem_line
from services.chassis.validation import load_what_loads
from services.contracts.people.schemas import PersonRegistration
from services.contracts.people.sheet import SHEET, day_text, to_cells
from services.contracts.people.vocabulary import CONSENT_CHANNELS, LEGAL_BASES, ROLES

TH = {c.field: c.th for c in SHEET.export_columns}
DATA_SHEET = SHEET.data_sheet_title
SCHEMA = PersonRegistration()

# one person a row: the cells as a center types them, by column field
SOMCHAI = {"given_name": "สมชาย", "family_name": "รักถิ่น", "phone": "๐๘๑-๒๓๔-๕๖๗๘", "birth_year": "๒๕๑๘",
           "province": "เชียงใหม่", "district": "เมืองเชียงใหม่", "subdistrict": "ศรีภูมิ",
           "roles": "ผู้นำชุมชน, วิทยากรกระบวนการ", "skills": "เกษตรกรรม, health", "languages": "ไทย",
           "years_experience": "๑๒", "legal_basis": "ความยินยอม (มาตรา 19)",
           "consent_purposes": "ทะเบียนเครือข่ายและการประสานงาน", "consent_notice": "2568-1",
           "consent_on": "๑๕/๓/๒๕๖๘", "consent_channel": "วาจา มีพยาน", "consent_witness": "นางพยาน ดีงาม"}
MALI = {"given_name": "มะลิ", "province": "50", "district": "5001", "subdistrict": "500102",
        "national_id": "0101234567899", "roles": "จิตอาสา", "legal_basis": "legitimate_interest"}


def workbook(rows: list[dict], fields: list[str] | None = None) -> bytes:
    """The template, filled with `rows` below its example row (left in, as people leave it)."""
    book = openpyxl.load_workbook(io.BytesIO(SHEET.template()))
    sheet = book[DATA_SHEET]
    columns = [c.field for c in SHEET.columns]
    for row in rows:
        sheet.append([row.get(name) for name in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(rows: list[dict]):
    result = SHEET.read_rows("people.xlsx", workbook(rows))
    assert result.problems == []
    return result


# -- the template -------------------------------------------------------------------------


def test_the_template_has_thai_headers_a_guide_and_the_code_lists_as_dropdowns():
    book = openpyxl.load_workbook(io.BytesIO(SHEET.template()))
    titles = [CATALOGUE[code][0] for code in ("sheet_people", "sheet_guide", "sheet_roles", "sheet_skills",
                                              "sheet_languages", "sheet_legal_bases", "sheet_consent_purposes",
                                              "sheet_consent_channels", "sheet_provinces")]
    assert book.sheetnames == titles
    data = book[DATA_SHEET]
    assert [c.value for c in data[1]] == [c.th for c in SHEET.columns]
    assert all(not c.th.isascii() for c in SHEET.columns)  # Thai first
    assert data.cell(row=2, column=1).value == CATALOGUE["example_given_name"][0]
    letters = {c.field: openpyxl.utils.get_column_letter(n) for n, c in enumerate(SHEET.columns, start=1)}
    validated = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    dropdowns = ("roles", "skills", "languages", "legal_basis", "consent_purposes", "consent_channel")
    assert set(validated) == {f"{letters[name]}2" for name in dropdowns}
    roles = book[CATALOGUE["sheet_roles"][0]]
    assert [r[1] for r in roles.iter_rows(min_row=2, values_only=True)] == [th for th, _ in ROLES.values()]
    assert validated[f"{letters['roles']}2"] == f"'{roles.title}'!$B$2:$B${len(ROLES) + 1}"
    channels = book[CATALOGUE["sheet_consent_channels"][0]]
    assert [r[0] for r in channels.iter_rows(min_row=2, values_only=True)] == list(CONSENT_CHANNELS)
    bases = book[CATALOGUE["sheet_legal_bases"][0]]
    assert [r[0] for r in bases.iter_rows(min_row=2, values_only=True)] == list(LEGAL_BASES)
    guide = [row for row in book[CATALOGUE["sheet_guide"][0]].iter_rows(values_only=True)]
    assert any(row[0] == TH["consent_on"] and row[3] == CATALOGUE["help_consent_on"][0] for row in guide)


def test_the_untouched_template_has_no_rows_and_its_example_row_is_skipped():
    assert [p["code"] for p in SHEET.read_rows("template.xlsx", SHEET.template()).problems] == ["no_rows"]
    assert [n for n, _ in read([MALI]).rows] == [3]


# -- reading rows -------------------------------------------------------------------------


def test_a_filled_template_reads_into_registrations_the_service_takes():
    result = read([SOMCHAI, MALI])
    (first, somchai), (second, mali) = result.rows
    assert (first, second) == (3, 4)
    assert somchai["consent"] == {"purposes": ["network_register"], "notice_version": "2568-1",
                                  "given_on": "2568-03-15", "channel": "verbal", "witness": "นางพยาน ดีงาม"}
    assert somchai["roles"] == [{"role": "leader"}, {"role": "facilitator"}]  # for the home area
    assert (somchai["province"], somchai["district"], somchai["subdistrict"]) == ("50", "5001", "500101")
    loaded = SCHEMA.load(somchai)
    assert loaded["consent"]["given_on"] == date(2025, 3, 15)  # B.E., Thai digits, day/month/year
    assert (loaded["phone"], loaded["birth_year"], loaded["years_experience"]) == ("+66812345678", 1975, 12)
    assert loaded["skills"] == ["agriculture", "health"] and loaded["legal_basis"] == "consent"
    loaded = SCHEMA.load(mali)
    assert loaded["national_id"] == "0101234567899" and "consent" not in mali  # another legal basis
    assert loaded["roles"][0]["role"] == "volunteer"  # a synonym of the role


@pytest.mark.parametrize("typed, read_as", [
    ("15/03/2568", "2568-03-15"), ("15/3/2025", "2025-03-15"), ("๑๕-๐๓-๒๕๖๘", "2568-03-15"),
    ("2568-03-15", "2568-03-15"), ("15 มี.ค. 2568", "2568-03-15"), ("15 มีนาคม พ.ศ. 2568", "2568-03-15"),
    (datetime(2025, 3, 15), "2025-03-15"), (date(2025, 3, 15), "2025-03-15"), ("เมื่อวาน", "เมื่อวาน"),
])
def test_dates_read_in_be_or_ce_as_thai_people_write_them(typed, read_as):
    assert day_text(typed) == read_as


def test_an_excel_date_cell_and_a_national_id_typed_as_a_number_read_back():
    result = read([{**MALI, "national_id": 101234567899, "legal_basis": "consent", "consent_purposes": "contact",
                    "consent_notice": "v2", "consent_on": datetime(2025, 3, 15), "consent_channel": "online"}])
    (_, payload), = result.rows
    assert payload["national_id"] == "0101234567899"  # the leading zero the spreadsheet dropped
    assert SCHEMA.load(payload)["consent"]["given_on"] == date(2025, 3, 15)


def located(result) -> set[tuple[int, str, str]]:
    """(row, column header, code) of every problem the schema finds in the rows read."""
    found = set()
    for row, payload in result.rows:
        _, problems = load_what_loads(SCHEMA, payload, row=row)
        found |= {(row, _located(problem, result, SHEET)["column"], problem["code"]) for problem in problems}
    return found


def test_bad_cells_are_named_by_their_row_and_column():
    rows = [
        SOMCHAI,
        {**SOMCHAI, "given_name": "สมหญิง", "consent_on": "31/02/2568", "consent_channel": "โทรเลข",
         "consent_purposes": "การตลาด"},
        {**MALI, "legal_basis": "consent"},
        {**MALI, "given_name": "มะลิวัลย์", "roles": "ผู้นำชุมชม", "national_id": "1234567890123"},
        {**SOMCHAI, "given_name": "สมปอง", "consent_witness": None, "phone": "0812"},
    ]
    assert located(read(rows)) == {
        (4, TH["consent_purposes"], "not_one_of"),
        (4, TH["consent_on"], "invalid_date"),
        (4, TH["consent_channel"], "not_one_of"),
        (5, TH["legal_basis"], "consent_required"),
        (6, TH["national_id"], "national_id_check_digit"),
        (6, TH["roles"], "not_one_of_closest"),  # naming the closest role
        (7, TH["phone"], "phone_impossible"),
        (7, TH["consent_witness"], "witness_required"),
    }


def test_a_rejected_rows_message_holds_none_of_the_values_it_was_sent():
    bad = {**SOMCHAI, "given_name": "ทองดีวิเศษ", "family_name": "ศรีสุขเสมอ", "phone": "0899", "email": "thongdee@",
           "national_id": "3100700123456", "consent_witness": "นายพยานลับ", "consent_on": "๓๑/๑๓/๒๕๖๘",
           "birth_year": "๒๖๙๙"}
    result = read([bad])
    (row, payload), = result.rows
    _, problems = load_what_loads(SCHEMA, payload, row=row)
    assert {p["field"] for p in problems} >= {"phone", "email", "national_id", "consent.given_on", "birth_year"}
    text = " ".join(problem_line(_located(p, result, SHEET)) for p in problems)
    text += " ".join(str(p["params"]) for p in problems)
    for value in ("ทองดี", "ศรีสุข", "0899", "thongdee", "3100700123456", "พยานลับ", "๒๖๙๙", "2699", "๓๑/๑๓"):
        assert value not in text, value


# -- exports --------------------------------------------------------------------------------

PERSON = {  # a person as the service shows them to a caller who sees them in full
    "id": "0190e0e0-0000-7000-8000-000000000009", "version": 4, "status": "active", "restricted": None,
    "masked": False, "given_name": "=สมศักดิ์", "family_name": "ใจงาม", "name_en": "Somsak Jaingam",
    "national_id": "•••••••••6789", "phone": "+66812345678", "email": "somsak@example.org", "line_id": "somsak",
    "address": "9 หมู่ 2", "birth_year": 1980, "notes": None, "province": "50", "district": "5001",
    "subdistrict": "500101", "center": "P50", "skills": ["law", "media"], "languages": ["th", "en"],
    "years_experience": 7, "work_areas": ["50", "5002"], "legal_basis": "consent", "consent": "given",
    "roles": [{"role": "facilitator", "center": "P50", "province": "50"}],
    "trainings": [{"training": "1", "name": "หลักสูตรวิทยากรกระบวนการ", "on": "2024-05-01", "certificate": None}],
    "orgs": [], "merged_into": None, "created_at": "2025-01-01T00:00:00.000000Z",
    "updated_at": "2025-02-01T00:00:00.000000Z",
    "consents": [
        {"consent": "1", "purposes": ["contact"], "notice_version": "2567-1", "given_on": "2024-01-02",
         "channel": "paper", "witness": None, "withdrawn_on": "2024-06-01"},
        {"consent": "2", "purposes": ["capability", "network_register"], "notice_version": "2568-1",
         "given_on": "2025-03-15", "channel": "verbal", "witness": "นายพยาน", "withdrawn_on": None},
    ],
}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_imports_back_as_the_same_person_without_the_national_id(kind):
    content = SHEET.write_xlsx([PERSON]) if kind == "xlsx" else SHEET.write_csv([PERSON])
    result = SHEET.read_rows(f"people.{kind}", content)
    assert result.problems == [] and set(result.headers) == {c.field for c in SHEET.export_columns}
    (_, payload), = result.rows
    loaded = SCHEMA.load(payload)
    assert "national_id" not in payload  # written only as its last digits, in a read-only column
    assert {k: loaded[k] for k in ("given_name", "phone", "email", "birth_year", "skills", "languages",
                                   "years_experience", "work_areas", "legal_basis")} == {
        k: PERSON[k] for k in ("given_name", "phone", "email", "birth_year", "skills", "languages",
                               "years_experience", "work_areas", "legal_basis")}
    assert loaded["consent"] == {"purposes": ["capability", "network_register"], "notice_version": "2568-1",
                                 "given_on": date(2025, 3, 15), "channel": "verbal", "witness": "นายพยาน",
                                 "expires_on": None}  # the consent in force, not the withdrawn one
    assert [r["role"] for r in loaded["roles"]] == ["facilitator"]
    cells = to_cells(PERSON)
    assert (cells["national_id_last4"], cells["consent_on"], cells["birth_year"]) == ("•••••••••6789", "15/03/2568", 2523)
    assert cells["trainings"] == "หลักสูตรวิทยากรกระบวนการ (01/05/2567)"
    assert cells["consent_status"] == "ให้ความยินยอมแล้ว"


def test_an_export_writes_masked_values_as_the_service_gave_them():
    masked = {**PERSON, "masked": True, "phone": "••••••••5678", "email": "s•••@example.org", "address": None,
              "consents": [{**PERSON["consents"][1], "witness": "น•••"}]}
    text = SHEET.write_csv([masked]).decode("utf-8-sig")
    assert "••••••••5678" in text and "s•••@example.org" in text and "น•••" in text
    for value in ("812345678", "somsak@", "9 หมู่ 2", "นายพยาน"):
        assert value not in text, value
    assert message(SHEET.exported, count=1, path="p")["en"] == "Exported 1 people to p"
