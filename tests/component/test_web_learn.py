"""The public learning portal (/learn and /api/v1/learn) through Flask's test client, nobody
signed in, over the knowledge service and the people register in this process (SQLite files,
no broker): only published items and running or concluded campaigns show; a Thai search and
its filters; a file's download headers; people named only with their consent to be named
publicly, else shown as a role at a center; a body changed behind the service's back still
renders no script."""
from __future__ import annotations

import base64
import io
import re
import struct
import uuid
import zlib

import openpyxl
import pytest
from sqlalchemy import text as sql

from services import reference
from tests.inprocess import Pool
from tests.keys import ADMIN
from tests.knowledge import campaign_payload, item_payload, knowledge_service
from tests.people import people_service

from .people_pages import CONSENT, person_row

BANANA = "การแปรรูปกล้วยตากเพื่อรายได้ชุมชน"


def png() -> bytes:
    """A 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def xlsx() -> bytes:
    book, out = openpyxl.Workbook(), io.BytesIO()
    book.active["A1"] = "ผลผลิต"
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> dict:
    return {"name": name, "content": base64.b64encode(data).decode("ascii")}


SOURCE = {"title": "รายงานของศูนย์", "url": "https://example.org/r"}


class Records:
    """What the module's tests look at, made once through the services' own commands."""

    def __init__(self, knowledge, people):
        self.knowledge, self.staff = knowledge, knowledge.as_()
        publication = {**CONSENT, "purposes": ["network_register", "publication"]}
        self.named = people.as_(ADMIN).register(person_row(roles=[{"role": "online_worker"}], consent=publication))
        self.unnamed = people.as_(ADMIN).register(person_row(roles=[{"role": "facilitator"}]))
        self.make_items([self.named["id"], self.unnamed["id"]])
        self.make_campaigns([self.named["id"], self.unnamed["id"]])

    def make_items(self, related: list[str]) -> None:
        staff = self.staff
        item = self.publish(item_payload(1, people=related, orgs=[str(uuid.uuid4())], sources=[SOURCE]))
        item = staff.attach(item["id"], upload("ภาพกิจกรรม.png", png()), item["version"], key="i1-png")
        item = staff.attach(item["id"], upload("ผลผลิต รายเดือน.xlsx", xlsx()), item["version"], key="i1-xlsx")
        longer = item_payload(1)["body"] + "\n\nเพิ่มบทเรียนใหม่"
        self.published = staff.revise(item["id"], {"body": longer}, item["version"], key="i1-rev")
        self.banana = self.publish(item_payload(2, title=BANANA, tags=["กล้วย"], category="grassroots_economy",
                                                kind="manual", province="57", district="5701", year=2565))
        draft = staff.draft(item_payload(3, title="ฉบับร่างยังไม่เผยแพร่"), key="i3")
        self.draft = staff.attach(draft["id"], upload("ร่าง.png", png()), draft["version"], key="i3-png")
        drafted = staff.draft(item_payload(4, title="เรื่องรอตรวจ"), key="i4")
        self.in_review = staff.submit(drafted["id"], drafted["version"], key="i4-s")
        archived = self.publish(item_payload(5, title="เรื่องที่จัดเก็บแล้ว"))
        self.archived = self.knowledge.admin.archive(archived["id"], archived["version"], key="i5-a")

    def make_campaigns(self, workers: list[str]) -> None:
        staff = self.staff
        active = staff.register_campaign(campaign_payload(1, workers=workers), key="c1")
        result = {"on": "2026-02-01", "reach": 12500, "outcome": "ชุมชนออกกติกา"}
        self.active = staff.record_result(active["id"], result, active["version"], key="c1-r")
        self.planned = staff.register_campaign(campaign_payload(2, title="รณรงค์ที่ยังวางแผน", status="planned"), key="c2")
        archived = staff.register_campaign(campaign_payload(3, title="รณรงค์ที่จัดเก็บ"), key="c3")
        self.archived_campaign = staff.archive_campaign(archived["id"], archived["version"], key="c3-a")

    def publish(self, payload: dict) -> dict:
        item = self.staff.draft(payload, key=f"draft-{payload['title']}")
        submitted = self.staff.submit(item["id"], item["version"], key=f"{item['id']}-s")
        return self.knowledge.admin.publish(item["id"], submitted["version"], key=f"{item['id']}-p")


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    where = tmp_path_factory.mktemp("learn")
    people = people_service(f"sqlite:///{where / 'people.sqlite'}", f"sqlite:///{where / 'keys.sqlite'}")
    knowledge = knowledge_service(f"sqlite:///{where / 'knowledge.sqlite'}", where / "files", people=people.service)
    yield knowledge, people
    knowledge.close()
    people.close()


@pytest.fixture(scope="module")
def records(services):
    return Records(*services)


@pytest.fixture(scope="module")
def app(services, records):
    from gateway.app import create_app

    knowledge, people = services
    app = create_app(pool=Pool(knowledge=knowledge.service, people=people.service))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    return app


@pytest.fixture
def client(app):
    """A fresh browser of somebody not signed in (no cookies: Thai until they switch)."""
    return app.test_client()


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.get_data(as_text=True)


def full_name(person: dict) -> str:
    return person["given_name"]


# -- what the public sees ------------------------------------------------------------------

def test_the_home_page_shows_published_items_categories_and_running_campaigns(client, records):
    home = page(client, "/learn")
    assert '<html lang="th">' in home and "แหล่งเรียนรู้ของเครือข่าย" in home and 'role="search"' in home
    assert records.published["title"] in home and BANANA in home
    for label in ("ชุมชนสุขภาวะ", "เศรษฐกิจฐานราก", "นวัตกรรมเพื่อสังคมเข้มแข็ง", "อื่นๆ"):
        assert label in home
    assert '/learn/category/grassroots_economy"' in home
    assert records.active["title"] in home and "รณรงค์ที่ยังวางแผน" not in home and "รณรงค์ที่จัดเก็บ" not in home
    for hidden in ("ฉบับร่างยังไม่เผยแพร่", "เรื่องรอตรวจ", "เรื่องที่จัดเก็บแล้ว"):
        assert hidden not in home
    assert 'href="/learn"' in home  # the header's link, for everyone
    english = page(client, "/learn?lang=en")
    assert '<html lang="en">' in english and "The network&#39;s learning portal" in english


@pytest.mark.parametrize("which", ["draft", "in_review", "archived"])
def test_an_item_the_public_may_not_see_is_not_found(client, records, which):
    item_id = getattr(records, which)["id"]
    for url in (f"/learn/{item_id}", f"/learn/{item_id}/revisions", f"/api/v1/learn/items/{item_id}"):
        assert client.get(url).status_code == 404, url
    missing = client.get(f"/learn/{item_id}").get_data(as_text=True)
    assert "ไม่พบหน้านี้" in missing and 'href="/learn"' in missing


def test_unknown_ids_and_codes_are_not_found(client, records):
    for url in (f"/learn/{uuid.uuid4()}", "/learn/not-an-id", "/learn/category/astrology",
                f"/learn/campaigns/{records.planned['id']}", f"/learn/campaigns/{records.archived_campaign['id']}",
                f"/learn/campaigns/{uuid.uuid4()}", f"/api/v1/learn/campaigns/{records.planned['id']}",
                f"/learn/{records.published['id']}/files/{'0' * 64}", f"/learn/{records.published['id']}/files/nothex"):
        assert client.get(url).status_code == 404, url


def test_the_item_page(client, records):
    item = records.published
    shown = page(client, f"/learn/{item['id']}")
    assert f"<h1>{item['title']}</h1>" in shown and "<h2>ความเป็นมา</h2>" in shown  # the body as its HTML
    assert "เพิ่มบทเรียนใหม่" in shown and "ฉบับที่ 2" in shown and "ฉบับที่ 1" in shown
    assert 'href="https://example.org/r" rel="noopener noreferrer nofollow">รายงานของศูนย์</a>' in shown
    assert f'<link rel="canonical" href="http://localhost/learn/{item["id"]}">' in shown
    assert f'<meta property="og:title" content="{item["title"]}">' in shown and 'property="og:description"' in shown
    assert f'value="http://localhost/learn/{item["id"]}"' in shown  # the link to share
    assert f'/learn/{item["id"]}/files/' in shown and "ภาพกิจกรรม.png" in shown and "รูปภาพ PNG" in shown
    assert "องค์กรชุมชน 1 แห่ง" in shown  # organizations counted, not named
    assert "กรณีศึกษา" in shown and "เชียงใหม่" in shown and "พ.ศ. 2567" in shown
    assert "admin1" not in shown and "somsri" not in shown  # no staff account's name


def test_people_are_named_only_with_their_consent_to_publication(client, records):
    named, unnamed = records.named, records.unnamed
    for url in (f"/learn/{records.published['id']}", f"/learn/campaigns/{records.active['id']}"):
        shown = page(client, url)
        assert full_name(named) in shown and "ผู้ปฏิบัติการชุมชนออนไลน์" in shown
        assert full_name(unnamed) not in shown and unnamed["family_name"] not in shown
        assert f"<li>วิทยากรกระบวนการ · {reference.center('P50').name_th}</li>" in shown  # a role at a center
        assert named["id"] not in shown and unnamed["id"] not in shown
    answer = client.get(f"/api/v1/learn/items/{records.published['id']}").get_json()
    first, second = answer["people"]
    assert full_name(named) in first["name"] and (first["roles"], first["center"]) == (["online_worker"], "P50")
    assert second == {"name": None, "roles": ["facilitator"], "center": "P50"}
    assert "orgs" not in answer and answer["orgs_count"] == 1


def test_the_published_revisions_and_what_changed(client, records):
    shown = page(client, f"/learn/{records.published['id']}/revisions")
    assert "ฉบับที่ 2" in shown and "ฉบับที่ 1" in shown and "เผยแพร่ครั้งแรก" in shown
    assert "<ins>เพิ่มบทเรียนใหม่</ins>" in shown


# -- search --------------------------------------------------------------------------------

def test_a_thai_word_finds_published_items_only(client, records):
    found = page(client, "/learn/search?q=แปรรูป")
    assert BANANA in found and records.published["title"] not in found and "พบ 1 เรื่อง" in found
    waste = page(client, "/learn/search?q=ขยะ")
    assert records.published["title"] in waste
    for hidden in ("ฉบับร่างยังไม่เผยแพร่", "เรื่องรอตรวจ", "เรื่องที่จัดเก็บแล้ว"):
        assert hidden not in waste


@pytest.mark.parametrize("query, banana, waste", [
    ("category=grassroots_economy", True, False), ("kind=case_study", False, True), ("province=57", True, False),
    ("year=2567", False, True), ("year=2022", True, False), ("tag=ขยะ", False, True),
])
def test_the_search_filters(client, records, query, banana, waste):
    found = page(client, f"/learn/search?{query}")
    assert (BANANA in found) is banana and (records.published["title"] in found) is waste


def test_a_category_page_and_a_refused_filter(client, records):
    economy = page(client, "/learn/category/grassroots_economy")
    assert "<h1>เศรษฐกิจฐานราก</h1>" in economy and BANANA in economy and records.published["title"] not in economy
    bad = page(client, "/learn/search?kind=poem&year=3000")
    assert 'id="kind-problem"' in bad and 'id="year-problem"' in bad and "พบ 0 เรื่อง" in bad


def test_the_campaigns_pages(client, records):
    listed = page(client, "/learn/campaigns")
    assert records.active["title"] in listed and "รณรงค์ที่ยังวางแผน" not in listed and "รณรงค์ที่จัดเก็บ" not in listed
    shown = page(client, f"/learn/campaigns/{records.active['id']}")
    assert "หมอกควันจากการเผาทุกปี" in shown and "กำลังรณรงค์" in shown and "12,500" in shown and "ชุมชนออกกติกา" in shown
    assert 'href="https://www.facebook.com/example" rel="noopener noreferrer nofollow"' in shown
    assert "กิจกรรมในพื้นที่" in shown and "15 ม.ค. 2569" in shown


# -- files ---------------------------------------------------------------------------------

def _file(item: dict, name: str) -> dict:
    return next(a for a in item["attachments"] if a["name"] == name)


def test_an_image_is_shown_inline_and_a_spreadsheet_downloaded_with_safe_headers(client, records):
    image = _file(records.published, "ภาพกิจกรรม.png")
    answer = client.get(f"/learn/{records.published['id']}/files/{image['sha256']}")
    assert answer.status_code == 200 and answer.data == png()
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Content-Disposition"].startswith("inline; ")
    assert "filename*=UTF-8''%E0%B8%A0%E0%B8%B2%E0%B8%9E" in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["Content-Security-Policy"] == "sandbox"
    sheet = _file(records.published, "ผลผลิต รายเดือน.xlsx")
    answer = client.get(f"/learn/{records.published['id']}/files/{sheet['sha256']}")
    assert answer.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="file.xlsx"; ')
    assert "%20" in answer.headers["Content-Disposition"] and answer.data[:2] == b"PK"
    draft_file = records.draft["attachments"][0]["sha256"]
    assert client.get(f"/learn/{records.draft['id']}/files/{draft_file}").status_code == 404


def test_a_recorded_type_the_register_does_not_take_is_sent_as_bytes_to_save():
    from gateway import portal

    headers = portal.download_headers('evil"\r\n.html', "text/html")
    assert headers["Content-Type"] == "application/octet-stream" and headers["Content-Disposition"].startswith("attachment")
    assert "\r" not in headers["Content-Disposition"] and "\n" not in headers["Content-Disposition"]


# -- the headers of every page, and stored content not taken on trust ----------------------

def test_the_portal_runs_no_inline_script(client, records):
    for url in ("/learn", f"/learn/{records.published['id']}", "/learn/search?q=ขยะ", "/api/v1/learn/items"):
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "object-src 'none'" in policy, url


def test_a_body_changed_behind_the_services_back_is_cleaned_again(client, records, services):
    knowledge = services[0]
    item_id = records.banana["id"]
    hostile = ('<p>ok</p><script>window.__pwned=1</script><img src=x onerror="alert(1)">'
               '<a href="javascript:alert(1)">x</a><svg onload="alert(1)"></svg>')
    sources = '[{"title": "t", "url": "javascript:alert(1)"}]'
    with knowledge.store.engine.begin() as conn:
        conn.execute(sql("UPDATE items SET body_html = :html, sources = :sources WHERE id = :id"),
                     {"html": hostile, "sources": sources, "id": item_id})
    shown = page(client, f"/learn/{item_id}")
    assert "<script>window" not in shown and "onerror" not in shown and "onload" not in shown
    assert not re.search(r'href="\s*javascript:', shown) and "<p>ok</p>" in shown
    answer = client.get(f"/api/v1/learn/items/{item_id}").get_json()
    assert "script" not in answer["body_html"] and answer["sources"] == [{"title": "t", "url": None}]


# -- the API -------------------------------------------------------------------------------

def test_the_public_api_needs_no_sign_in_and_is_described(client, records):
    found = client.get("/api/v1/learn/items?q=แปรรูป")
    assert found.status_code == 200
    body = found.get_json()
    assert body["total"] == 1 and body["items"][0]["title"] == BANANA and "body" not in body["items"][0]
    assert body["items"][0]["url"].endswith(f"/learn/{records.banana['id']}")
    assert client.get("/api/v1/learn/items?category=astrology").status_code == 422
    one = client.get(f"/api/v1/learn/items/{records.published['id']}").get_json()
    assert one["attachments"][0]["url"].startswith("http://localhost/learn/") and "note" not in one
    campaigns = client.get("/api/v1/learn/campaigns").get_json()
    assert [c["title"] for c in campaigns["items"]] == [records.active["title"]]
    campaign = client.get(f"/api/v1/learn/campaigns/{records.active['id']}").get_json()
    assert campaign["results"][0]["reach"] == 12500 and "by" not in campaign["results"][0]
    assert [w["name"] is None for w in campaign["workers"]] == [False, True]
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/learn/items", "/api/v1/learn/items/{item_id}", "/api/v1/learn/campaigns",
                 "/api/v1/learn/campaigns/{campaign_id}"):
        assert path in spec["paths"], path
