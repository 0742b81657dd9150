"""The people register's spreadsheets in the gateway, over the people service in this process
(tests/component/people_pages.py): the import page linked from the people list, a workbook
uploaded through the page and through the API as import jobs (a row of another center refused,
the rest imported), and the API's export as another center's staff sees it (masked)."""
from __future__ import annotations

import io
import re

import eventlet
import openpyxl
import pytest

from gateway import imports
from services.contracts.people.sheet import SHEET
from tests.people import people_workbook

from .people_pages import (  # noqa: F401  (fixtures)
    OTHER_STAFF, STAFF, app, client, orgs_db, people, person_row, services, sign_in, who,
)
from .test_people_spreadsheets import cells_of

BANGKOK = {"province": "10", "district": "1001", "subdistrict": "100101"}  # center P10's
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def jobs(app, who, tmp_path_factory):
    """The app's import jobs: a job store of its own, run over the in-process services, for
    whoever is signed in (the job modules look them up by names of their own)."""
    import gateway.api.spreadsheets as api_jobs
    import gateway.web.imports as pages

    app.extensions["import_jobs"] = imports.JobStore(f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'gateway.sqlite'}")
    app.extensions["import_rpc"] = app.extensions["rpc"]  # the services in this process
    with pytest.MonkeyPatch.context() as patch:
        for module in (api_jobs, pages):
            patch.setattr(module, "current_user", who)
        yield app


def a_workbook(*rows: dict) -> bytes:
    return people_workbook([cells_of(row) for row in rows])


def finished(client, location: str) -> dict:
    """The job, through the API, once it has ended."""
    for _ in range(200):
        job = client.get(location).get_json()
        if job["status"] not in imports.RUNNING:
            return job
        eventlet.sleep(0.05)
    raise AssertionError("the job did not end")


def test_the_people_list_links_the_import_page_and_its_template(jobs, client):
    assert "/people/import" in client.get("/people").get_data(as_text=True)
    page = client.get("/people/import").get_data(as_text=True)
    assert "นำเข้าข้อมูลบุคคลจากไฟล์" in page and "/api/v1/people/template.xlsx" in page
    assert 'action="/people/import"' in page
    template = client.get("/api/v1/people/template.xlsx")
    assert template.status_code == 200 and template.content_type == XLSX
    book = openpyxl.load_workbook(io.BytesIO(template.data), read_only=True)
    assert [c.value for c in next(book[SHEET.data_sheet_title].iter_rows(max_row=1))][0] == SHEET.columns[0].th


def test_a_workbook_through_the_page_imports_its_centers_rows_and_refuses_another_centers(jobs, client, people):
    rows = [person_row(), person_row(), person_row(**BANGKOK)]
    upload = {"file": (io.BytesIO(a_workbook(*rows)), "people.xlsx"), "mode": "import", "accept_valid": "1"}
    response = client.post("/people/import", data=upload, content_type="multipart/form-data")
    assert response.status_code == 303
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    job = finished(client, f"/api/v1/people/imports/{job_id}")
    assert job["status"] == "done" and job["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    (refused,) = job["problems"]
    assert refused["row"] == 4 and refused["code"] == SHEET.other_center
    assert client.get(f"/api/v1/orgs/imports/{job_id}").status_code == 404  # a people job, not the orgs'
    page = client.get(response.headers["Location"] + "?lang=th").get_data(as_text=True)
    assert re.search(r'id="count-created">2<', page) and 'href="/people/import"' in page
    shown = str(job) + page
    for row in rows:  # nothing personal in the report
        assert row["given_name"] not in shown and (not row.get("phone") or row["phone"] not in shown)
    names = {p["name"] for p in people.as_(STAFF).list({"q": rows[0]["given_name"]}, 1, 10)["items"]}
    assert any(rows[0]["given_name"] in name for name in names)


def test_the_api_imports_a_workbook_and_exports_it_masked_to_another_center(jobs, client, sign_in):
    rows = [person_row(), person_row()]
    upload = {"file": (io.BytesIO(a_workbook(*rows)), "people.xlsx")}
    response = client.post("/api/v1/people/imports", data=upload, content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    job = finished(client, response.headers["Location"])
    assert job["status"] == "done" and job["counts"]["created"] == 2 and job["problems"] == []
    phones = [row["phone"].replace("-", "")[1:] for row in rows if row.get("phone")]
    assert phones, "some of the people have a phone"
    own = client.get("/api/v1/people/export.csv?center=P50").get_data(as_text=True)
    assert all(digits in own for digits in phones)  # their own center's staff: in full
    sign_in(OTHER_STAFF)
    assert client.get(response.headers["Location"]).status_code == 404  # not their job
    export = client.get("/api/v1/people/export.xlsx?center=P50")
    assert export.status_code == 200 and export.content_type == XLSX
    book = openpyxl.load_workbook(io.BytesIO(export.data), read_only=True)
    body = "\n".join(str(row) for row in book.active.iter_rows(values_only=True))
    assert rows[0]["given_name"] in body
    for digits in phones:
        assert digits not in body and digits[-4:] in body  # another center's staff: the last four digits
    for row in rows:
        assert not row.get("national_id") or row["national_id"] not in body
