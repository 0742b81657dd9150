"""The import pages rendered by Flask's test client, with the real job store and import jobs
over the orgs service's own RPCs in this process, on SQLite files (no broker): upload, the job page, the row-by-row
report, the confirmation of a clean dry run."""
from __future__ import annotations

import re
from io import BytesIO

import eventlet
import pytest

from gateway import imports
from services.chassis import permissions
from gateway.app import create_app
from services.orgs.service import OrgsService
from tests.inprocess import InProcess, Pool
from tests.keys import ADMIN, asker, signed

STAFF = permissions.User("importer", permissions.CENTER_STAFF, "P50")
OTHER = permissions.User("someone", permissions.CENTER_STAFF, "P50")
HEADER = "ชื่อองค์กร,ประเภท,จังหวัด,อำเภอ/เขต,ตำบล/แขวง,จำนวนสมาชิก\n"


class Orgs(InProcess):
    def search(self, q):
        """How many organizations the register's list finds for `q`."""
        return signed(self, ADMIN).list({"q": q}, 1, 10)["total"]


@pytest.fixture
def client(store, tmp_path, monkeypatch):
    import gateway.api as api
    import gateway.web as web
    import gateway.web.imports as pages

    pool = Pool(orgs=Orgs(OrgsService, log=store, asking=asker("orgs")))
    app = create_app(pool=pool)
    app.extensions["import_jobs"] = imports.JobStore(f"sqlite:///{tmp_path / 'gateway.sqlite'}")
    app.extensions["import_rpc"] = pool
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    user = {"now": STAFF}
    for module in (web, pages, api):  # the pages, and whom the gateway signs the calls for
        monkeypatch.setattr(module, "current_user", lambda: user["now"])
    client = app.test_client()
    client.sign_in = lambda who: user.update(now=who)
    client.orgs = pool.services.orgs
    return client


def send(client, body: str, **form):
    data = {"file": (BytesIO(body.encode("utf-8")), "orgs.csv"), **form}
    return client.post("/orgs/import", data=data, content_type="multipart/form-data")


def finished(client, response) -> str:
    """The job page once the job has ended (it carries a Refresh header until then)."""
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    for _ in range(200):
        page = client.get(response.headers["Location"] + "?lang=th")
        if "Refresh" not in page.headers:
            return page.get_data(as_text=True)
        eventlet.sleep(0.05)
    raise AssertionError("the job did not end")


def test_the_form_has_labels_the_template_link_and_refuses_the_public(client):
    page = client.get("/orgs/import").get_data(as_text=True)
    assert 'for="file"' in page and 'enctype="multipart/form-data"' in page
    assert "/api/v1/orgs/template.xlsx" in page and 'name="csrf_token"' in page
    assert "นำเข้าเฉพาะแถวที่ถูกต้อง" in page
    assert send(client, "").status_code == 303  # an empty file is a job that fails
    missing = client.post("/orgs/import", data={"mode": "import"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and 'id="file-problem"' in missing.get_data(as_text=True)
    client.sign_in(permissions.ANONYMOUS)
    refused = client.get("/orgs/import")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]  # sign in first
    client.sign_in(permissions.User("a", permissions.AUDITOR))
    assert client.get("/orgs/import").status_code == 403


def test_a_bad_row_is_reported_with_its_row_and_thai_message_and_nothing_is_imported(client):
    body = HEADER + "กลุ่มหนึ่ง,savings_group,50,5001,500101,20\nกลุ่มสอง,savings_group,50,5001,500101,ยี่สิบ\n"
    page = finished(client, send(client, body, mode="import"))
    problems = re.search(r'<table class="records problems-table".*?</table>', page, re.S).group(0)
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>จำนวนสมาชิก</td>\s*<td[^>]*>ต้องเป็นจำนวนเต็ม", problems)
    assert "ยังไม่ได้บันทึกข้อมูลใดๆ" in page and "/confirm" not in page and "/errors.csv" in page
    assert client.orgs.search("กลุ่มหนึ่ง") == 0


def test_a_clean_dry_run_is_confirmed_once_and_only_by_whoever_ran_it(client):
    body = HEADER + "กลุ่มยืนยัน <b>ตัวหนา</b>,savings_group,50,5001,500101,20\n"
    page = finished(client, send(client, body, mode="dry_run"))
    assert "ทดลองตรวจสอบเท่านั้น" in page and re.search(r'id="count-created">1<', page)
    assert client.orgs.search("กลุ่มยืนยัน") == 0
    confirm = re.search(r'<form method="post" action="([^"]+/confirm)"', page).group(1)
    client.sign_in(OTHER)
    assert client.post(confirm).status_code == 404
    client.sign_in(STAFF)
    done = finished(client, client.post(confirm))
    assert "บันทึกข้อมูลแล้ว" in done and re.search(r'id="count-created">1<', done)
    assert client.orgs.search("กลุ่มยืนยัน") == 1
    again = client.post(confirm)
    assert again.status_code == 303 and again.headers["Location"].endswith("/orgs/import")


def test_good_rows_only_imports_the_good_ones(client):
    body = HEADER + "กลุ่มดี,savings_group,50,5001,500101,20\nกลุ่มเสีย,no_such_type,50,5001,500101,20\n"
    page = finished(client, send(client, body, mode="import", accept_valid="1"))
    assert re.search(r'id="count-created">1<', page) and re.search(r'id="count-rejected">1<', page)
    assert client.orgs.search("กลุ่มดี") == 1 and client.orgs.search("กลุ่มเสีย") == 0


def test_a_dry_run_with_a_bad_row_shows_what_the_good_rows_would_do_and_its_every_problem(client, monkeypatch):
    body = (HEADER + "ชมรมผู้สูงอายุบ้านดอน,ชมรมผู้สูงอายุ,50,5001,500101,20\n"  # a variant of the type
            "กลุ่มอนุรักษ์ดอยสุเทพ,กลุ่มอนุรักษ์สิ่งแวดล้อมป่าต้นน้ำ,50,5001,509999,ยี่สิบ\n")  # three problems
    response = send(client, body, mode="dry_run")
    page = finished(client, response)
    assert "ถ้านำเข้าแถวที่ผ่านการตรวจสอบ" in page and re.search(r"จะเพิ่มใหม่</th><td[^>]*>1<", page)
    assert re.search(r'id="count-rejected">1<', page) and "จนกว่าจะแก้ไขแถวที่ไม่ผ่าน" in page
    assert "/confirm" not in page and client.orgs.search("บ้านดอน") == 0
    problems = re.search(r'<table class="records problems-table".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>", problems)
    assert [(row, column) for row, column, _ in rows] == [("3", "ประเภท"), ("3", "จำนวนสมาชิก"), ("3", "ตำบล/แขวง")]
    assert "กลุ่มอนุรักษ์ทรัพยากรธรรมชาติและสิ่งแวดล้อม (environment_group)" in rows[0][2]
    assert "ป่าต้นน้ำ" not in problems  # the cell as typed is not echoed
    import gateway.api.spreadsheets as api_jobs

    monkeypatch.setattr(api_jobs, "current_user", lambda: STAFF)  # the API's own look at who asks
    job = client.get("/api/v1/orgs/imports/" + response.headers["Location"].rsplit("/", 1)[1]).get_json()
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [line["en"] for line in job["summary"]][::2] == [
        "if the rows that pass were imported: created 1, updated 0, unchanged 0; rejected 1",
        "Imported whole, the file would write nothing until the rejected rows are fixed, "
        "or only the good rows are imported"]
    english = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "If the rows that pass were imported" in english and "Would be created" in english


def test_a_clean_import_keeps_its_plain_counts(client):
    page = finished(client, send(client, HEADER + "กลุ่มนับ,savings_group,50,5001,500101,20\n", mode="import"))
    assert re.search(r"เพิ่มใหม่</th><td[^>]*>1<", page) and "จะเพิ่มใหม่" not in page
