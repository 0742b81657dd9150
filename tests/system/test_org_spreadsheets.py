"""Spreadsheets through the running system: the template, exports, import jobs over the API
(all or nothing, then the valid rows, then the same file again) and the CLI."""
from __future__ import annotations

import codecs
import io
import uuid

import openpyxl

from services.contracts.orgs.sheet import SHEET

COLUMNS, DATA_SHEET = SHEET.columns, SHEET.data_sheet_title

from .api import admin, org, register, wait_for

TH = {c.field: c.th for c in COLUMNS}
HEADER = [TH[f] for f in ("name", "type", "province", "district", "subdistrict", "village_no", "members", "areas")]
BAD_ROW = 4  # the sheet row with an unknown type


def _head(system) -> int:
    with system.rpc() as rpc:
        return rpc.orgs.head()["seq"]


def _workbook(tag: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    sheet.append(HEADER)
    sheet.append([f"กลุ่มออมทรัพย์นำเข้า{tag} 1", "กลุ่มออมทรัพย์", 50, 5001, 500101, 3, 25, "เศรษฐกิจฐานราก"])
    sheet.append([f"กลุ่มสตรีนำเข้า{tag} 2", "women_group", "50", "5001", "500102", None, 40, None])
    sheet.append([f"ชมรมนำเข้า{tag} 3", "ชมรมฟุตบอล", 50, 5001, 500101, None, None, None])
    sheet.append([f"วิสาหกิจชุมชนนำเข้า{tag} 4", "วิสาหกิจชุมชน", "เชียงใหม่", "เมืองเชียงใหม่", "ศรีภูมิ", 5, 12,
                  "economy, เกษตรกรรม"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(system, content: bytes, name: str = "orgs.xlsx", **form) -> dict:
    response = admin.post(f"{system.url}/api/v1/orgs/imports", files={"file": (name, content)},
                             data={k: str(v).lower() for k, v in form.items()}, timeout=30)
    assert response.status_code == 202, response.text
    location = response.headers["Location"]
    assert response.json()["status"] in ("queued", "checking", "importing", "done", "failed")
    job, _ = wait_for(lambda: _finished(system.url + location if location.startswith("/") else location), timeout=60)
    return job


def _finished(url: str):
    job = admin.get(url, timeout=10).json()
    return job if job["status"] in ("done", "failed") else None


def _named(system, text: str) -> list[dict]:
    return admin.get(f"{system.url}/api/v1/orgs", params={"q": text, "per_page": 100}, timeout=10).json()["items"]


def test_the_template_downloads_with_thai_headers(system):
    response = admin.get(f"{system.url}/api/v1/orgs/template.xlsx", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == DATA_SHEET
    assert [c.value for c in book[DATA_SHEET][1]] == [c.th for c in COLUMNS]


def test_exports_carry_a_registered_org_in_thai(system):
    name = f"กลุ่มส่งออก{uuid.uuid4().hex[:6]}"
    assert register(system.url, org(name, name_en="Export Group")).status_code == 201
    csv_export = admin.get(f"{system.url}/api/v1/orgs/export.csv", params={"q": name}, timeout=60)
    assert csv_export.status_code == 200 and csv_export.headers["Content-Type"].startswith("text/csv")
    assert csv_export.content.startswith(codecs.BOM_UTF8)
    text = csv_export.content.decode("utf-8-sig")
    assert name in text and text.splitlines()[0].startswith(TH["name"])
    xlsx_export = admin.get(f"{system.url}/api/v1/orgs/export.xlsx", params={"province": "50"}, timeout=60)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.content)).active
    assert name in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_openapi_description_names_the_spreadsheet_routes(system):
    spec = admin.get(f"{system.url}/api/v1/openapi.json", timeout=10).json()
    for path in ("/api/v1/orgs/template.xlsx", "/api/v1/orgs/export.xlsx", "/api/v1/orgs/export.csv",
                 "/api/v1/orgs/imports", "/api/v1/orgs/imports/{job_id}", "/api/v1/orgs/imports/{job_id}/errors.csv"):
        assert path in spec["paths"], path
    assert "multipart/form-data" in spec["paths"]["/api/v1/orgs/imports"]["post"]["requestBody"]["content"]


def test_import_all_or_nothing_then_the_valid_rows_then_the_same_file_changes_nothing(system):
    tag = uuid.uuid4().hex[:6]
    content = _workbook(tag)
    before = _head(system)
    refused = _import(system, content)
    assert refused["status"] == "failed" and refused["written"] is False
    assert [(p["row"], p["column"], p["code"]) for p in refused["problems"]] == [(BAD_ROW, TH["type"], "not_one_of")]
    assert refused["problems"][0]["message"]["th"] and refused["problems"][0]["message"]["en"]
    assert _head(system) == before and _named(system, tag) == []

    errors = admin.get(system.url + refused["errors_csv"], timeout=10)
    assert errors.content.startswith(codecs.BOM_UTF8)
    lines = errors.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{BAD_ROW},{TH['type']},")

    accepted = _import(system, content, accept_valid_rows=True)
    assert accepted["status"] == "done" and accepted["written"] is True
    assert accepted["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    assert accepted["progress"] == {"done": 4, "total": 4}
    found = {o["name"]: o for o in _named(system, tag)}
    assert len(found) == 3
    enterprise = found[f"วิสาหกิจชุมชนนำเข้า{tag} 4"]
    assert (enterprise["type"], enterprise["subdistrict"], enterprise["areas"]) == (
        "community_enterprise", "500101", ["economy", "agriculture"])

    head = _head(system)
    again = _import(system, content, accept_valid_rows=True)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 1}
    assert again["written"] is False and _head(system) == head

    # edited in between, the same file is applied again (its earlier keys do not answer for it)
    first = found[f"กลุ่มออมทรัพย์นำเข้า{tag} 1"]
    edited = admin.patch(f"{system.url}/api/v1/orgs/{first['id']}", json={"members": 99},
                            headers={"If-Match": f'"{first["version"]}"'}, timeout=10)
    assert edited.status_code == 200, edited.text
    restored = _import(system, content, accept_valid_rows=True)
    assert restored["counts"] == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 1}
    assert admin.get(f"{system.url}/api/v1/orgs/{first['id']}", timeout=10).json()["members"] == 25


def test_a_dry_run_counts_and_writes_nothing(system):
    tag = uuid.uuid4().hex[:6]
    before = _head(system)
    job = _import(system, _workbook(tag), dry_run=True, accept_valid_rows=True)
    assert job["status"] == "done" and job["dry_run"] is True and job["written"] is False
    assert job["counts"]["created"] == 3 and _head(system) == before
    # all or nothing: the bad row fails the dry run, which still says what the good rows would do
    whole = _import(system, _workbook(tag), dry_run=True)
    assert whole["status"] == "failed" and whole["written"] is False and _head(system) == before
    assert whole["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    assert whole["summary"][0] == {
        "th": "ถ้านำเข้าแถวที่ผ่านการตรวจสอบ: จะเพิ่มใหม่ 3 แก้ไข 0 เหมือนเดิม 0 ไม่ผ่าน 1",
        "en": "if the rows that pass were imported: created 3, updated 0, unchanged 0; rejected 1"}
    assert len(whole["summary"]) == 3 and whole["summary"][2]["en"].startswith("Imported whole")


def test_file_problems_fail_the_job_and_unknown_jobs_are_404(system):
    job = _import(system, b"not a workbook", name="broken.xlsx")
    assert job["status"] == "failed" and job["problems"][0]["code"] == "not_a_spreadsheet"
    assert job["problems"][0]["message"]["en"].startswith("This file is not a spreadsheet")
    missing = admin.get(f"{system.url}/api/v1/orgs/imports/{uuid.uuid4()}", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    no_file = admin.post(f"{system.url}/api/v1/orgs/imports", data={"dry_run": "true"}, timeout=10)
    assert no_file.status_code == 422 and no_file.json()["error"]["fields"][0]["field"] == "file"


def test_a_jobs_result_survives_a_gateway_restart(system):
    job = _import(system, b"", name="empty.csv")
    assert job["problems"][0]["code"] == "empty_file"
    system.kill("gateway")
    system.start("gateway")
    system.wait_healthy()
    again = admin.get(f"{system.url}/api/v1/orgs/imports/{job['id']}", timeout=10).json()
    assert again["status"] == "failed" and again["problems"] == job["problems"]


def test_the_cli_imports_reports_problems_and_exports(system, tmp_path):
    tag = uuid.uuid4().hex[:6]
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(_workbook(tag))
    before = _head(system)
    refused = system.cli("import", "orgs", str(path))
    assert refused.returncode == 1, refused.stderr
    assert f"row {BAD_ROW}, column {TH['type']}: ค่าไม่อยู่ในรายการที่กำหนด / Not one of the allowed values" in refused.stdout
    assert _head(system) == before
    dry = system.cli("import", "orgs", str(path), "--dry-run")
    assert dry.returncode == 1 and _head(system) == before
    assert "if the rows that pass were imported: created 3, updated 0, unchanged 0; rejected 1" in dry.stdout
    assert "จะเพิ่มใหม่ 3" in dry.stdout

    imported = system.cli("import", "orgs", str(path), "--accept-valid-rows")
    assert imported.returncode == 1  # a row was still rejected
    assert "created 3, updated 0, unchanged 0, rejected 1" in imported.stdout
    assert len(_named(system, tag)) == 3

    good = tmp_path / "good.csv"
    good.write_bytes(",".join(HEADER[:5]).encode("cp874") + b"\r\n" +
                     f"กลุ่มซีเอสวี{tag},other,50,5001,500101\r\n".encode("cp874"))
    assert system.cli("import", "orgs", str(good)).returncode == 0
    rerun = system.cli("import", "orgs", str(good))
    assert rerun.returncode == 0 and "created 0, updated 0, unchanged 1, rejected 0" in rerun.stdout

    exported = tmp_path / "out.csv"
    result = system.cli("export", "orgs", str(exported), "--q", tag)
    assert result.returncode == 0, result.stderr
    assert exported.read_bytes().startswith(codecs.BOM_UTF8)
    assert exported.read_text(encoding="utf-8-sig").count(tag) == 4


def test_the_cli_registers_demo_organizations(system):
    from sanphalang import demo

    before, seed = _head(system), uuid.uuid4().int % 10_000
    result = system.cli("demo", "--orgs", "30", "--seed", str(seed))
    assert result.returncode == 0, result.stderr
    assert "Registered 30 demo organizations" in result.stdout
    # all 30 are in the sample: what is drawn for them depends on the seed, not on their ids
    planned = demo.assessments([str(n) for n in range(30)], seed)
    assessed_or_confirmed = sum(bool(assessment) + bool(verified) for _, assessment, verified in planned)
    assert assessed_or_confirmed > 0 and _head(system) == before + 30 + assessed_or_confirmed


def test_the_cli_import_without_the_service_says_so_in_thai_and_english(tmp_path):
    """No orgs service on the broker: a clear message and a non-zero exit, not a traceback."""
    from tests.support import System, rabbit_vhost

    path = tmp_path / "orgs.xlsx"
    path.write_bytes(_workbook(uuid.uuid4().hex[:6]))
    with rabbit_vhost() as amqp:
        nobody = System(tmp_path / "system", amqp, {}, SANPHALANG_RPC_TIMEOUT="3")
        result = nobody.cli("import", "orgs", str(path), timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "บริการไม่พร้อมใช้งานชั่วคราว / The service is temporarily unavailable" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
