"""The service's side of an import (the kit's `Importer`), on SQLite and PostgreSQL: every
problem of a row at once (its cells and its place), in both modes; a dry run with rejected rows
counting what the good rows would do; a Korat center's file whose types and areas are written
as common variants, read and imported as their codes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.chassis.errors import CommandRejected
from services.chassis.registers.pipeline import FileImport, problem_line
from services.contracts.orgs.sheet import SHEET
from services.orgs import readmodel
from tests.keys import ADMIN, STAFF_P50, signed

KORAT = {"province": "30", "district": "3001"}
ROWS = [
    {"name": "กลุ่มออมทรัพย์บ้านโพธิ์", "type": "savings_group", **KORAT, "subdistrict": "300101"},
    {"name": "ชมรมผู้สูงอายุบ้านโพธิ์", "type": "elderly_group", **KORAT, "subdistrict": "300101", "members": 40},
    {"name": "กลุ่มเยาวชนโพธิ์กลาง", "type": "youth_group", **KORAT, "subdistrict": "300102"},
]
# a row with a wrong type, a wrong member count and a subdistrict that does not exist
BAD = {"name": "กลุ่มอนุรักษ์ลำตะคอง", "type": "club", **KORAT, "subdistrict": "309999", "members": "มาก"}
EVERY_PROBLEM = [("type", "not_one_of"), ("members", "not_integer"), ("subdistrict", "unknown_subdistrict")]


@pytest.fixture
def store(backend_store):
    return backend_store


@pytest.fixture
def admin(orgs):
    return signed(orgs, ADMIN)


def _found(problems: list[dict]) -> list[tuple]:
    return [(p["row"], p["field"], p["code"]) for p in problems]


def _count(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(readmodel.organizations)).scalar()


def test_a_row_reports_its_cells_and_its_place_at_once_in_every_mode(admin, store):
    rows = [ROWS[0], BAD, ROWS[2]]
    expected = [(11, field, code) for field, code in EVERY_PROBLEM]
    assert _found(admin.check_rows(rows, 10, "stage-1")["rejected"]) == expected
    with pytest.raises(CommandRejected) as error:  # all or nothing
        admin.import_rows(rows, key="all-or-nothing", first_row=10)
    assert _found(error.value.problems) == expected and store.head()["seq"] == 0
    accepted = admin.import_rows(rows, key="good-rows-only", first_row=10, accept_valid=True)
    assert _found(accepted["rejected"]) == expected and accepted["created"] == 2 and _count(store) == 2


def test_a_place_field_the_schema_refused_is_not_refused_twice(admin):
    row = {**BAD, "province": 30, "district": "3099"}  # a number for the province; no such district
    found = _found(admin.check_rows([row], 1)["rejected"])
    assert sorted(found) == [(1, "district", "unknown_district"), (1, "members", "not_integer"),
                             (1, "province", "invalid"), (1, "subdistrict", "unknown_subdistrict"),
                             (1, "type", "not_one_of")]  # and no unknown_province beside "invalid"


def test_a_row_of_another_center_with_a_bad_cell_names_both(orgs):
    staff = signed(orgs, STAFF_P50)  # a Chiang Mai center's staff, a Korat row
    found = _found(staff.check_rows([{**ROWS[0], "type": "club"}], 1)["rejected"])
    assert found == [(1, "type", "not_one_of"), (1, "province", "other_center")]


def test_a_dry_run_with_rejected_rows_counts_what_the_good_rows_would_do(admin, store):
    admin.import_rows(ROWS, key="first")
    head = store.head()
    again = [ROWS[0], {**ROWS[1], "members": 45}, ROWS[2], {**ROWS[0], "name": "กลุ่มสตรีบ้านโพธิ์"}, BAD]
    for accept_valid in (False, True):
        plan = admin.import_rows(again, key=f"dry-{accept_valid}", dry_run=True, accept_valid=accept_valid)
        assert (plan["created"], plan["updated"], plan["unchanged"]) == (1, 1, 2)
        assert _found(plan["rejected"]) == [(5, field, code) for field, code in EVERY_PROBLEM]
    assert store.head() == head and _count(store) == 3  # nothing written
    assert store.recorded("dry-False") is None  # nor any key kept


def test_a_korat_file_with_variants_and_typos_is_read_checked_and_imported(admin, store):
    header = ["ชื่อองค์กร", "ประเภท", "จังหวัด", "อำเภอ/เขต", "ตำบล/แขวง", "ด้านการทำงาน"]
    lines = [
        ["ชมรมผู้สูงอายุบ้านหนองจะบก", "ชมรมผู้สูงอายุ", "นครราชสีมา", "เมืองนครราชสีมา", "หนองจะบก", "สุขภาพ"],
        ["กลุ่มอนุรักษ์ลำตะคอง", "กลุ่มอนุรักษ์สิ่งแวดล้อม", "30", "3001", "300101", '"สิ่งแวดล้อม, การเกษตร"'],
        ["กลุ่มผู้สูงวัยบ้านใหม่", "กลุ่มผู้สูงอายุุ", "30", "3001", "309999", ""],  # a typo, and no such place
    ]
    content = "\n".join(",".join(line) for line in [header, *lines]).encode("utf-8")
    files = FileImport(SHEET)
    read = SHEET.read_rows("korat.csv", content)
    report = files.import_rows(admin, read, "korat", accept_valid=True)
    assert report.counts() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [problem_line(p) for p in report.problems] == [
        "row 4, column ประเภท: ค่าไม่อยู่ในรายการที่กำหนด ค่าที่ใกล้เคียงที่สุด: กลุ่มผู้สูงอายุ (elderly_group) / "
        "Not one of the allowed values; the closest: Elderly group (elderly_group)",
        "row 4, column ตำบล/แขวง: ไม่พบรหัสตำบล/แขวงนี้ / Unknown subdistrict code",
    ]
    listed = {org["name"]: org for org in admin.list({"province": "30"}, 1, 10)["items"]}
    assert (listed["ชมรมผู้สูงอายุบ้านหนองจะบก"]["type"], listed["ชมรมผู้สูงอายุบ้านหนองจะบก"]["areas"]) == (
        "elderly_group", ["health"])
    assert (listed["กลุ่มอนุรักษ์ลำตะคอง"]["type"], listed["กลุ่มอนุรักษ์ลำตะคอง"]["areas"]) == (
        "environment_group", ["environment", "agriculture"])
