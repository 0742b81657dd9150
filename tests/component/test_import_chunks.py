"""The caller's side of an import (the kit's pipeline): chunks, the check before the write,
idempotency keys, the stage between check and write, and problems located in the spreadsheet,
against the orgs service's own RPCs in this process, on a real SQLite register."""
from __future__ import annotations

import jwt
import pytest
from sqlalchemy import func, select

from sanphalang.demo import org_rows
from services.chassis.registers.pipeline import FileImport, ImportReport, import_digest, problem_line, summary
from services.chassis.registers.sheets.reading import ReadResult
from services.contracts.orgs.sheet import SHEET
from services.orgs import readmodel
from services.orgs.service import OrgsService
from tests.component.conftest import orgs_store
from tests.inprocess import InProcess
from tests.keys import ADMIN, asker, signed

FILES = FileImport(SHEET)
import_rows, read_checked, read_rows = FILES.import_rows, FILES.read_checked, SHEET.read_rows
WRITES = ("import_rows", "import_staged")


class Orgs(InProcess):
    """The orgs service as the client calls it (each call signed for an admin, as the CLI
    would), and what the client asked of it. Two of these on one store are two replicas of
    one service."""

    def __init__(self, store):
        super().__init__(OrgsService, log=store, asking=asker("orgs"))
        self.store = store
        self.signed = signed(_Unsigned(self), ADMIN)

    def __getattr__(self, name: str):
        return getattr(self.signed, name)

    @property
    def checks(self) -> list[int]:
        """first_row of each check_rows call"""
        return [args[2] for args, _ in self.called("check_rows")]

    @property
    def calls(self) -> list[dict]:
        """The writing (and dry-run) calls."""
        return [_write(name, args, kwargs) for name, args, kwargs in self.record if name in WRITES]

    def registered(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(readmodel.organizations)).scalar()

    def staged(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(readmodel.STAGE.table)).scalar()


class _Unsigned:
    """The InProcess calls of an `Orgs`, under the signing wrapper."""

    def __init__(self, orgs: Orgs):
        self.orgs = orgs

    def __getattr__(self, name: str):
        return InProcess.__getattr__(self.orgs, name)


def _write(name: str, args: list, kwargs: dict) -> dict:
    request = jwt.decode(args[0], options={"verify_signature": False})["req"]
    if name == "import_rows":
        return {"key": kwargs["key"], "first_row": kwargs["first_row"], "dry_run": kwargs["dry_run"],
                "rows": len(args[1]), "request": request}
    _assertion, stage, first_row, last_row, _expected = args
    return {"key": kwargs["key"], "first_row": first_row, "dry_run": False, "rows": last_row - first_row + 1,
            "request": request}


@pytest.fixture
def orgs(store):
    return Orgs(store)


@pytest.fixture
def lanes(store):
    return [Orgs(store), Orgs(store)]


def read(count: int, bad: dict[int, dict] | None = None, gap_after: int | None = None) -> ReadResult:
    """`count` rows from row 2, `bad` replacing fields of some, a skipped blank row after one."""
    rows, number = [], 2
    for n, payload in enumerate(org_rows(count, seed=11)):
        rows.append((number, {**payload, **(bad or {}).get(n, {})}))
        number += 2 if n == gap_after else 1
    return ReadResult(rows=rows, headers={"members": "สมาชิก (คน)", "name": "ชื่อ"}, sheet=None)


def test_every_chunk_is_checked_before_any_is_written_with_one_key_per_chunk(orgs):
    seen = []
    report = import_rows(orgs, read(4500), "d1", chunk=2000, progress=lambda *a: seen.append(a))
    assert orgs.checks == [1, 2001, 4001]  # every chunk checked by the service first...
    assert [c["dry_run"] for c in orgs.calls] == [False, False, False]  # ...then written, no dry runs
    assert [c["key"] for c in orgs.calls] == ["import-d1-0", "import-d1-1", "import-d1-2"]
    assert [c["first_row"] for c in orgs.calls] == [1, 2001, 4001]
    assert all(c["request"] == c["key"] for c in orgs.calls)
    assert report.counts() == {"created": 4500, "updated": 0, "unchanged": 0, "rejected": 0} and report.written
    assert seen[-1] == ("importing", 4500, 4500) and seen[2] == ("checking", 4500, 4500)
    assert orgs.registered() == 4500 and orgs.staged() == 0  # the writes took every staged row


def test_a_bad_row_in_the_last_chunk_writes_nothing_and_is_located_in_the_sheet(orgs):
    report = import_rows(orgs, read(4500, bad={4300: {"members": "มาก"}}, gap_after=10), "d2", chunk=2000)
    assert orgs.checks == [1, 2001, 4001] and orgs.calls == []  # all checked, nothing written
    assert not report.written and report.rejected == 1
    assert orgs.store.head()["seq"] == 0 and orgs.registered() == 0 and orgs.staged() == 0  # the stage is discarded
    (problem,) = report.problems
    assert (problem["row"], problem["field"], problem["code"], problem["column"]) == (4303, "members", "not_integer",
                                                                                     "สมาชิก (คน)")
    assert problem_line(problem) == "row 4303, column สมาชิก (คน): ต้องเป็นจำนวนเต็ม (เลขไทยหรือเลขอารบิก) / " \
                                    "Must be a whole number (Thai or Arabic digits)"


def test_accept_valid_imports_the_good_rows_and_reports_the_bad(orgs):
    report = import_rows(orgs, read(30, bad={3: {"type": "club"}, 7: {"name": ""}}), "d3",
                         accept_valid=True, chunk=20)
    assert report.counts() == {"created": 28, "updated": 0, "unchanged": 0, "rejected": 2}
    assert sorted(p["row"] for p in report.problems) == [5, 9]
    assert report.written and sum(not c["dry_run"] for c in orgs.calls) == 2
    assert orgs.registered() == 28 and orgs.staged() == 0


def test_the_same_file_again_creates_nothing(orgs):
    import_rows(orgs, read(50), "d4", chunk=20)
    head = orgs.store.head()
    again = import_rows(orgs, read(50), "d5", chunk=20)
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 50, "rejected": 0}
    assert orgs.store.head() == head and orgs.registered() == 50 and not again.written


def test_chunks_go_out_in_parallel_lanes_unless_they_share_an_organization(lanes, tmp_path):
    report = import_rows(lanes, read(100), "d7", chunk=20)
    assert report.created == 100 and all(lane.calls for lane in lanes)  # each lane checked and wrote some
    assert lanes[0].registered() == 100
    rows = read(40)
    shared = ReadResult(rows=rows.rows + [(99, dict(rows.rows[0][1]))], headers=rows.headers, sheet=None)
    other = orgs_store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    serial = [Orgs(other), Orgs(other)]
    report = import_rows(serial, shared, "d8", chunk=20)
    assert serial[1].calls == [] and len(serial[0].calls) == 3
    assert report.counts() == {"created": 40, "updated": 0, "unchanged": 1, "rejected": 0}


def test_a_dry_run_writes_nothing_and_counts_what_would_happen(orgs):
    report = import_rows(orgs, read(50), "d6", dry_run=True, chunk=20)
    assert all(c["dry_run"] for c in orgs.calls) and orgs.store.head()["seq"] == 0
    assert report.created == 50 and not report.written and orgs.staged() == 0


def test_file_problems_call_nothing_and_reject_every_row(orgs):
    result = read_rows("x.xlsx", b"not a workbook")
    report = import_rows(orgs, result, "d7")
    assert orgs.calls == [] and [p["code"] for p in report.problems] == ["not_a_spreadsheet"]
    assert problem_line(report.problems[0]).startswith("ไฟล์นี้ไม่ใช่สเปรดชีต")
    assert ImportReport(total=5, problems=report.problems).rejected == 5


def test_the_digest_follows_the_content_the_options_and_the_register_head():
    base = import_digest(b"abc", None, False, 10)
    assert base == import_digest(b"abc", None, False, 10)
    assert len({base, import_digest(b"abd", None, False, 10), import_digest(b"abc", "s", False, 10),
                import_digest(b"abc", None, True, 10), import_digest(b"abc", None, False, 11)}) == 5


def test_an_error_ends_the_import_as_a_problem_with_its_own_message():
    from nameko.exceptions import RpcTimeout

    from services.chassis.errors import Conflict
    from services.edge.errors import error_problem

    conflict = error_problem(Conflict("org-1", 7))
    assert conflict["code"] == "conflict" and "7" in problem_line(conflict)
    assert error_problem(RpcTimeout())["code"] == "unavailable"
    assert error_problem(ValueError("bug"))["code"] == "internal_error"


def _csv(count: int, bad: dict[int, dict] | None = None) -> bytes:
    """A CSV of `count` rows as a center would upload it (Thai headers), `bad` replacing cells."""
    rows = [{**row, "founded_year": row["founded_year"] - 543, **(bad or {}).get(n, {})}
            for n, row in enumerate(org_rows(count, seed=12))]
    return SHEET.write_csv(rows)


def test_read_checked_checks_every_chunk_as_it_is_read_and_import_asks_no_second_check(lanes):
    read, checked = read_checked(lanes, "orgs.csv", _csv(4500), chunk=2000)
    assert not read.problems and checked.problems == [] and len(read.rows) == 4500
    assert sorted(lanes[0].checks + lanes[1].checks) == [1, 2001, 4001] and all(lane.checks for lane in lanes)
    assert lanes[0].staged() == 4500 and lanes[0].registered() == 0  # held for the write, not yet registered
    report = import_rows(lanes, read, "d9", chunk=2000, checked=checked)
    assert report.created == 4500 and len(lanes[0].checks + lanes[1].checks) == 3
    assert lanes[0].registered() == 4500 and lanes[0].staged() == 0


def test_read_checked_locates_a_bad_row_in_the_sheet_and_then_nothing_is_written(orgs):
    read, checked = read_checked(orgs, "orgs.csv", _csv(2500, bad={2200: {"members": "มาก"}}), chunk=1000)
    (problem,) = checked.problems
    assert (problem["row"], problem["field"], problem["code"]) == (2202, "members", "not_integer")  # header is row 1
    assert problem["column"] == read.headers["members"]
    report = import_rows(orgs, read, "d10", chunk=1000, checked=checked)
    assert orgs.calls == [] and report.rejected == 1 and not report.written
    assert orgs.store.head()["seq"] == 0 and orgs.staged() == 0


def test_a_file_with_bad_headers_is_not_sent_for_checking(orgs):
    read, checked = read_checked(orgs, "orgs.csv", "อะไรก็ได้,ไม่รู้จัก\nก,ข\n".encode(), chunk=10)
    assert read.problems and checked.problems == [] and orgs.checks == []


def test_a_dry_run_with_rejected_rows_counts_what_the_good_rows_would_do_across_chunks(orgs):
    import_rows(orgs, read(10), "d11", chunk=20)
    head = orgs.store.head()
    rows = read(50, bad={3: {"type": "club"}, 5: {"members": 999}, 30: {"members": "มาก"}})
    report = import_rows(orgs, rows, "d12", dry_run=True, chunk=20)
    assert report.counts() == {"created": 39, "updated": 1, "unchanged": 8, "rejected": 2}
    assert [(p["row"], p["field"]) for p in report.problems] == [(5, "type"), (32, "members")]
    assert orgs.store.head() == head and orgs.staged() == 0 and not report.written
    lines = summary(report.counts(), bool(report.problems), True, False)
    assert [line["en"] for line in lines] == [
        "if the rows that pass were imported: created 39, updated 1, unchanged 8; rejected 2",
        "Dry run: nothing was written",
        "Imported whole, the file would write nothing until the rejected rows are fixed, "
        "or only the good rows are imported",
    ]
    assert lines[0]["th"] == "ถ้านำเข้าแถวที่ผ่านการตรวจสอบ: จะเพิ่มใหม่ 39 แก้ไข 1 เหมือนเดิม 8 ไม่ผ่าน 2"
    good_only = import_rows(orgs, rows, "d13", dry_run=True, accept_valid=True, chunk=20)
    assert good_only.counts() == report.counts()
    assert len(summary(good_only.counts(), True, True, True)) == 2  # nothing held back


def test_the_cli_dry_run_prints_what_would_happen_in_thai_and_english(orgs, tmp_path, capsys):
    from sanphalang.spreadsheets import import_command

    path = tmp_path / "korat.csv"
    path.write_bytes(_csv(5, bad={2: {"type": "กลุ่มผู้สูงอายุุ", "subdistrict": "309999"}}))
    ok = import_command(SHEET, orgs, path, dry_run=True, accept_valid=False, sheet_name=None)
    out = capsys.readouterr().out.splitlines()
    assert not ok and orgs.registered() == 0
    assert out[0] == ("ถ้านำเข้าแถวที่ผ่านการตรวจสอบ: จะเพิ่มใหม่ 4 แก้ไข 0 เหมือนเดิม 0 ไม่ผ่าน 1 / "
                      "if the rows that pass were imported: created 4, updated 0, unchanged 0; rejected 1")
    assert out[1:3] == [
        "ทดลองตรวจสอบเท่านั้น ยังไม่ได้บันทึกข้อมูล / Dry run: nothing was written",
        "การนำเข้าทั้งไฟล์จะยังไม่บันทึกข้อมูลใดๆ จนกว่าจะแก้ไขแถวที่ไม่ผ่าน หรือเลือกนำเข้าเฉพาะแถวที่ถูกต้อง / "
        "Imported whole, the file would write nothing until the rejected rows are fixed, "
        "or only the good rows are imported",
    ]
    assert [line.split(":")[0] for line in out[3:]] == ["row 4, column ประเภท", "row 4, column ตำบล/แขวง"]
    assert "Elderly group (elderly_group)" in out[3]
