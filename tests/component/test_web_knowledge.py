"""The knowledge register's staff pages, rendered by Flask's test client over the knowledge,
people and orgs services' own RPCs in this process, on SQLite files (no broker): an item from
draft to review, publication, a new revision and archive; who may do what (another center's
staff, staff and reviewers); hostile content refused naming its field; files checked on their
bytes and served with safe headers; campaigns, their results and status; Thai and English."""
from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pytest

from services.orgs import handlers as org_handlers
from tests import keys

from .knowledge_pages import (  # noqa: F401  (fixtures)
    ADMIN, AUDITOR, ELF, OTHER_STAFF, PDF, PUBLIC, STAFF, app, big_pdf, campaign, client, docx, drafted, events,
    knowledge, orgs_db, people, person, published, services, sign_in, who,
)


def field_problem(html: str, name: str) -> str:
    found = re.search(rf'<p class="problem" id="{name}-problem">([^<]*)</p>', html)
    return found.group(1) if found else ""


def page(client, url: str, **kw) -> str:
    answer = client.get(url, **kw)
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.get_data(as_text=True)


def form(**values) -> dict:
    """The item form as a writer fills it in: a B.E. year, tags and sources as text."""
    base = {"title": "การจัดการน้ำชุมชนบ้านแม่กำปอง", "summary": "ชุมชนดูแลฝายและระบบประปาภูเขาเอง",
            "body": "## ความเป็นมา\n\nชุมชนร่วมกันสร้าง **ฝายชะลอน้ำ**\n\n- ประปาภูเขา\n- กองทุนน้ำ",
            "category": "healthy_community", "kind": "case_study", "tags": "น้ำ, ฝาย", "language": "th",
            "year": "2566", "province": "50", "district": "5001", "subdistrict": "", "orgs": "", "people": "",
            "sources": "รายงานของชุมชน | https://example.org/report", "key": "kform-1"}
    return {**base, **values}


def item_of(answer) -> str:
    assert answer.status_code == 302, answer.get_data(as_text=True)[-3000:]
    return answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def step(client, item_id: str, name: str, version: int, **values):
    return client.post(f"/knowledge/{item_id}/{name}", data={"version": str(version), **values})


def attach(client, item_id: str, version: int, name: str, content: bytes):
    import io

    return client.post(f"/knowledge/{item_id}/attach", content_type="multipart/form-data",
                       data={"version": str(version), "file": (io.BytesIO(content), name)})


def edit_values(item: dict, **changes) -> dict:
    return {**form(), "title": item["title"], "summary": item["summary"], "body": item["body"],
            "category": item["category"], "kind": item["kind"], "tags": ", ".join(item["tags"]),
            "year": str(item["year"] + 543) if item["year"] else "", "province": item["province"] or "",
            "district": item["district"] or "", "subdistrict": item["subdistrict"] or "", "sources": "",
            "version": str(item["version"]), "key": str(uuid.uuid4()), **changes}


# -- the list ------------------------------------------------------------------------------------

def test_the_list_finds_items_by_words_and_by_filters_in_thai_and_english(client, knowledge):
    first = drafted(knowledge, n=101, title="ป่าชุมชนบ้านทุ่งยาวกับการจัดการไฟป่า", kind="lesson_learned",
                    tags=["ไฟป่า"], year=2565)
    other = drafted(knowledge, n=102, category="grassroots_economy", kind="manual")
    shown = page(client, "/knowledge?q=ไฟป่า")
    assert '<html lang="th">' in shown and 'content="width=device-width' in shown
    assert first["title"] in shown and other["title"] not in shown and "บทเรียน" in shown and "ฉบับร่าง" in shown
    assert first["title"] in page(client, "/knowledge?tag=ไฟป่า&year=2565")  # the year as B.E.
    assert first["title"] in page(client, "/knowledge?year=2022")
    by_kind = page(client, "/knowledge?kind=manual&category=grassroots_economy&center=P50&status=draft")
    assert other["title"] in by_kind and first["title"] not in by_kind
    bad = client.get("/knowledge?kind=gossip&year=3000").get_data(as_text=True)
    assert field_problem(bad, "kind") and field_problem(bad, "year") and "พบ 0 เรื่อง" in bad
    english = page(client, "/knowledge?kind=manual&lang=en")
    assert "Knowledge and case studies" in english and "Manual" in english and "Draft" in english


def test_the_public_is_sent_to_sign_in_and_the_navigation_follows_the_role(client, sign_in, knowledge):
    item = drafted(knowledge, n=103)
    sign_in(PUBLIC)
    for url in ("/knowledge", f"/knowledge/{item['id']}", f"/knowledge/{item['id']}/history", "/knowledge/new",
                "/campaigns", "/campaigns/new"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"], url
    sign_in(STAFF)
    navigation = page(client, "/orgs")
    assert 'href="/knowledge">คลังความรู้</a>' in navigation and 'href="/campaigns">ประเด็นรณรงค์</a>' in navigation
    sign_in(AUDITOR)
    audited = page(client, f"/knowledge/{item['id']}")
    assert f"/knowledge/{item['id']}/edit" not in audited and f"/knowledge/{item['id']}/submit" not in audited
    assert 'name="file"' not in audited


# -- the workflow ---------------------------------------------------------------------------------

def test_draft_submit_publish_revise_and_archive_through_the_pages(client, sign_in, knowledge):
    item_id = item_of(client.post("/knowledge/new", data=form()))
    drafted_ = events(knowledge, f"item-{item_id}")[0]
    assert drafted_["type"] == "ItemDrafted" and drafted_["data"]["center"] == "P50"
    assert drafted_["data"]["year"] == 2023 and drafted_["data"]["tags"] == ["น้ำ", "ฝาย"]
    assert drafted_["data"]["sources"] == [{"title": "รายงานของชุมชน", "url": "https://example.org/report"}]
    assert client.post("/knowledge/new", data=form()).status_code == 302  # the same form twice drafts once
    assert page(client, "/knowledge?q=แม่กำปอง").count(f"/knowledge/{item_id}\"") == 1
    shown = page(client, f"/knowledge/{item_id}")
    assert "<h2>ความเป็นมา</h2>" in shown and "<strong>ฝายชะลอน้ำ</strong>" in shown  # the service's safe HTML
    assert 'href="https://example.org/report" rel="noopener noreferrer nofollow"' in shown
    assert "ส่งตรวจ" in shown and "/publish" not in shown and f"/learn/{item_id}" not in shown

    assert step(client, item_id, "submit", 1, note="พร้อมตรวจแล้ว").status_code == 302
    in_review = page(client, f"/knowledge/{item_id}")
    assert "รอตรวจ" in in_review and f"/knowledge/{item_id}/edit" not in in_review  # waits for its reviewer
    waiting = client.get(f"/knowledge/{item_id}/edit")
    assert waiting.status_code == 409 and "เรื่องที่รอตรวจหรือจัดเก็บแล้วแก้ไขไม่ได้" in waiting.get_data(as_text=True)
    sign_in(ADMIN)
    refused = step(client, item_id, "return", 2)
    assert refused.status_code == 422 and field_problem(refused.get_data(as_text=True), "note-return")
    assert step(client, item_id, "publish", 2).status_code == 302
    shown = page(client, f"/knowledge/{item_id}")
    assert "เผยแพร่แล้ว" in shown and f'href="/learn/{item_id}"' in shown and "admin1" in shown

    sign_in(STAFF)
    current = knowledge.as_(STAFF).get(item_id)
    assert "การแก้ไขจะเป็นฉบับปรับปรุงใหม่" in page(client, f"/knowledge/{item_id}/edit")
    revised = client.post(f"/knowledge/{item_id}/edit", data=edit_values(
        current, title="การจัดการน้ำชุมชนบ้านแม่กำปอง (ฉบับปรับปรุง)", sources=""))
    assert revised.status_code == 302, revised.get_data(as_text=True)[-2000:]
    change = events(knowledge, f"item-{item_id}")[-1]
    assert change["type"] == "ItemRevised" and change["data"]["revision"] == 2
    assert set(change["data"]) == {"title", "sources", "revision"}  # only what changed
    history = page(client, f"/knowledge/{item_id}/history")
    assert "ฉบับปรับปรุงที่ 2" in history and "ฉบับปรับปรุงที่ 1" in history
    assert "<del>การจัดการน้ำชุมชนบ้านแม่กำปอง</del>" in history
    assert "<ins>การจัดการน้ำชุมชนบ้านแม่กำปอง (ฉบับปรับปรุง)</ins>" in history
    assert "พร้อมตรวจแล้ว" in history and "somsri" in history and "admin1" in history

    sign_in(ADMIN)
    assert step(client, item_id, "archive", 4, note="ข้อมูลเก่าแล้ว").status_code == 302
    archived = page(client, f"/knowledge/{item_id}")
    assert "จัดเก็บแล้ว" in archived and "ข้อมูลเก่าแล้ว" in archived and "นำกลับมาเผยแพร่" in archived
    assert [e["type"] for e in events(knowledge, f"item-{item_id}")][-3:] == [
        "ItemPublished", "ItemRevised", "ItemArchived"]


def test_a_stale_form_shows_what_changed_and_writes_nothing(client, knowledge):
    item = drafted(knowledge, n=104)
    knowledge.as_(STAFF).revise(item["id"], {"summary": "ผู้อื่นแก้ก่อน"}, 1)
    stale = client.post(f"/knowledge/{item['id']}/edit", data=edit_values(item, title="ชื่อใหม่ของฉัน"))
    shown = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "มีผู้อื่นแก้ไขข้อมูลนี้ก่อนคุณ" in shown and "ผู้อื่นแก้ก่อน" in shown
    assert step(client, item["id"], "submit", 1).status_code == 409
    assert len(events(knowledge, f"item-{item['id']}")) == 2


# -- who may do what ------------------------------------------------------------------------------

def test_another_centers_staff_cannot_edit_and_are_told_why_in_thai_and_english(client, sign_in, knowledge):
    item = drafted(knowledge, n=105)
    sign_in(OTHER_STAFF)
    refused = client.get(f"/knowledge/{item['id']}/edit")
    assert refused.status_code == 403 and "เรื่องนี้เป็นของศูนย์อื่น" in refused.get_data(as_text=True)
    posted = client.post(f"/knowledge/{item['id']}/edit", data=edit_values(item, title="แก้โดยศูนย์อื่น"))
    shown = posted.get_data(as_text=True)
    assert posted.status_code == 422 and "เรื่องนี้เป็นของศูนย์อื่น (P50)" in shown
    english = client.post(f"/knowledge/{item['id']}/edit?lang=en", data=edit_values(item, title="แก้โดยศูนย์อื่น"))
    assert "This item belongs to another center (P50)" in english.get_data(as_text=True)
    assert step(client, item["id"], "submit", 1).status_code == 422
    assert attach(client, item["id"], 1, "report.pdf", PDF).status_code == 422
    assert len(events(knowledge, f"item-{item['id']}")) == 1  # nothing written


def test_staff_may_not_review(client, knowledge):
    item = drafted(knowledge, n=106)
    item = knowledge.as_(STAFF).submit(item["id"], 1)
    for name in ("publish", "return", "archive", "restore"):
        refused = step(client, item["id"], name, item["version"], note="ลองดู")
        assert refused.status_code == 403 and "คุณไม่มีสิทธิ์ทำรายการนี้" in refused.get_data(as_text=True), name
    assert "/publish" not in page(client, f"/knowledge/{item['id']}")
    assert len(events(knowledge, f"item-{item['id']}")) == 2


# -- hostile content ------------------------------------------------------------------------------

def test_markup_raw_html_and_unsafe_links_are_refused_naming_their_field(client, knowledge):
    before = knowledge.as_(STAFF).list({}, 1, 1)["total"]
    hostile = form(title="<script>alert('x')</script>", body="สวัสดี <img src=x onerror=alert(1)>",
                   sources="ลิงก์ | javascript:alert(1)\nรูป | data:text/html;base64,PHNjcmlwdD4=", key="kform-x")
    answer = client.post("/knowledge/new", data=hostile)
    shown = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "ห้ามมีแท็ก HTML" in field_problem(shown, "title")
    assert "ห้ามใส่ HTML ในเนื้อหา" in field_problem(shown, "body")
    sources = field_problem(shown, "sources")
    assert "บรรทัดที่ 1" in sources and "บรรทัดที่ 2" in sources and "javascript:" in sources
    assert "<script>alert" not in shown and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in shown  # kept, escaped
    english = client.post("/knowledge/new?lang=en", data=hostile).get_data(as_text=True)
    assert field_problem(english, "body").startswith("No HTML in the body")
    markdown_link = client.post("/knowledge/new?lang=th", data=form(body="[คลิก](javascript:alert(1))", key="kform-y"))
    assert "ลิงก์ต้องขึ้นต้นด้วย http" in field_problem(markdown_link.get_data(as_text=True), "body")
    assert knowledge.as_(STAFF).list({}, 1, 1)["total"] == before


# -- files ----------------------------------------------------------------------------------------

def test_a_pdf_is_attached_and_served_with_safe_headers_a_disguised_program_and_a_big_file_refused(
        client, knowledge):
    item = drafted(knowledge, n=107)
    assert attach(client, item["id"], 1, "รายงานผล 2567.pdf", PDF).status_code == 302
    shown = page(client, f"/knowledge/{item['id']}")
    sha = knowledge.as_(STAFF).get(item["id"])["attachments"][0]["sha256"]
    assert "รายงานผล 2567.pdf" in shown and f"/knowledge/{item['id']}/files/{sha}" in shown and "PDF" in shown
    download = client.get(f"/knowledge/{item['id']}/files/{sha}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == \
        f"inline; filename=\"2567.pdf\"; filename*=UTF-8''{quote('รายงานผล 2567.pdf', safe='')}"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox"

    program = attach(client, item["id"], 2, "report.pdf", ELF)
    assert program.status_code == 422
    assert "เนื้อไฟล์ไม่ตรงกับชนิดตามชื่อไฟล์" in field_problem(program.get_data(as_text=True), "file")
    too_big = attach(client, item["id"], 2, "big.pdf", big_pdf())
    assert too_big.status_code == 422 and "ไฟล์ใหญ่เกินไป" in field_problem(too_big.get_data(as_text=True), "file")
    script = attach(client, item["id"], 2, "page.html", b"<script>alert(1)</script>")
    assert script.status_code == 422 and "รับเฉพาะไฟล์ PDF" in field_problem(script.get_data(as_text=True), "file")

    assert attach(client, item["id"], 2, "แผนงาน.docx", docx()).status_code == 302
    word = knowledge.as_(STAFF).get(item["id"])["attachments"][1]
    download = client.get(f"/knowledge/{item['id']}/files/{word['sha256']}")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=")
    assert download.headers["Content-Type"] == word["type"]
    assert client.get(f"/knowledge/{item['id']}/files/{'0' * 64}").status_code == 404
    assert client.get(f"/knowledge/{item['id']}/files/nothex").status_code == 404

    removed = client.post(f"/knowledge/{item['id']}/detach", data={"version": "3", "sha256": sha})
    assert removed.status_code == 302
    assert [a["name"] for a in knowledge.as_(STAFF).get(item["id"])["attachments"]] == ["แผนงาน.docx"]
    history = page(client, f"/knowledge/{item['id']}/history")
    assert "นำไฟล์แนบออก" in history and "รายงานผล 2567.pdf" in history


# -- related records ------------------------------------------------------------------------------

def test_related_organizations_and_people_are_shown_by_their_registers_names(client, knowledge, people, orgs_db):
    org = org_handlers.register(orgs_db, keys.actor(STAFF), {
        "name": "วิสาหกิจชุมชนบ้านแม่กำปอง", "type": "community_enterprise", "province": "50", "district": "5001",
        "subdistrict": "500101"})
    someone = person(people)
    unknown = "0190a2b4-0000-7000-8000-000000000009"
    refused = client.post("/knowledge/new", data=form(people=f"{someone['id']}\n{unknown}", key="kform-p"))
    assert refused.status_code == 422 and unknown in field_problem(refused.get_data(as_text=True), "people")
    item_id = item_of(client.post("/knowledge/new", data=form(orgs=org["id"], people=someone["id"], key="kform-q")))
    shown = page(client, f"/knowledge/{item_id}")
    assert f'>{org["name"]}</a>' in shown and f'>{someone["given_name"]}' in shown
    data = events(knowledge, f"item-{item_id}")[0]["data"]
    assert data["orgs"] == [org["id"]] and data["people"] == [someone["id"]]
    assert org["name"] not in str(data) and someone["given_name"] not in str(data)  # ids only, never names


# -- campaigns ------------------------------------------------------------------------------------

def campaign_form(**values) -> dict:
    base = {"title": "รณรงค์ลดหมอกควันเชียงใหม่", "problem": "ค่าฝุ่นสูงทุกต้นปี", "goal": "ลดการเผาในที่โล่ง",
            "category": "healthy_community", "tags": "ฝุ่น, หมอกควัน", "province": "50", "status": "active",
            "starts_on": "2569-01-15", "ends_on": "", "workers": "", "channel_0": "facebook",
            "channel_url_0": "https://www.facebook.com/example", "channel_name_0": "เพจลดหมอกควัน",
            "channel_1": "offline", "key": "cform-1"}
    return {**base, **values}


def test_a_campaign_is_registered_results_recorded_its_status_changed_and_archived(client, sign_in, knowledge):
    answer = client.post("/campaigns/new", data=campaign_form())
    campaign_id = item_of(answer)
    registered = events(knowledge, f"campaign-{campaign_id}")[0]["data"]
    assert registered["starts_on"] == "2026-01-15" and registered["center"] == "P50"
    assert [c["channel"] for c in registered["channels"]] == ["facebook", "offline"]
    shown = page(client, f"/campaigns/{campaign_id}")
    assert "กำลังรณรงค์" in shown and "เพจลดหมอกควัน" in shown and "15 ม.ค. 2569" in shown

    empty = client.post(f"/campaigns/{campaign_id}/result", data={"version": "1"})
    assert empty.status_code == 422 and "บันทึกผลอย่างน้อยหนึ่งอย่าง" in empty.get_data(as_text=True)
    recorded = client.post(f"/campaigns/{campaign_id}/result", data={
        "version": "1", "result_on": "2569-02-01", "result_reach": "๑๒,๕๐๐", "result_participants": "340",
        "result_outcome": "อบต. ออกประกาศห้ามเผา", "result_channel": "facebook"})
    assert recorded.status_code == 302, recorded.get_data(as_text=True)[-2000:]
    shown = page(client, f"/campaigns/{campaign_id}")
    assert "12,500" in shown and "อบต. ออกประกาศห้ามเผา" in shown and "1 ก.พ. 2569" in shown

    concluded = client.post(f"/campaigns/{campaign_id}/status", data={"version": "2", "status": "concluded"})
    assert concluded.status_code == 302
    assert "สิ้นสุดแล้ว" in page(client, f"/campaigns/{campaign_id}")
    listed = page(client, "/campaigns?status=concluded&channel=facebook&year=2569")
    assert "รณรงค์ลดหมอกควันเชียงใหม่" in listed
    assert "รณรงค์ลดหมอกควันเชียงใหม่" not in page(client, "/campaigns?status=planned")

    sign_in(OTHER_STAFF)
    refused = client.post(f"/campaigns/{campaign_id}/status", data={"version": "3", "status": "active"})
    assert refused.status_code == 422 and "ประเด็นรณรงค์นี้เป็นของศูนย์อื่น" in refused.get_data(as_text=True)
    sign_in(STAFF)
    assert client.post(f"/campaigns/{campaign_id}/archive", data={"version": "3", "reason": "ซ้ำ"}).status_code == 302
    history = page(client, f"/campaigns/{campaign_id}/history")
    assert "บันทึกผลการรณรงค์" in history and "จัดเก็บประเด็นรณรงค์" in history and "ซ้ำ" in history
    assert "<del>กำลังรณรงค์</del>" in history and "<ins>สิ้นสุดแล้ว</ins>" in history


def test_a_campaign_is_amended_through_its_form_with_workers_by_name(client, knowledge, people):
    worker = person(people)
    registered = campaign(knowledge, n=201)
    edit = page(client, f"/campaigns/{registered['id']}/edit")
    assert 'value="2569-01-15"' in edit and 'name="version" value="1"' in edit
    values = {**campaign_form(title=registered["title"], problem=registered["problem"], goal=registered["goal"],
                              category="", tags="", channel_1="offline", workers=worker["id"]),
              "version": "1", "key": "cform-2"}
    values.pop("status")
    answer = client.post(f"/campaigns/{registered['id']}/edit", data=values)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    amended = events(knowledge, f"campaign-{registered['id']}")[-1]
    assert amended["type"] == "CampaignAmended" and set(amended["data"]) == {"channels", "workers"}
    assert f">{worker['given_name']}" in page(client, f"/campaigns/{registered['id']}")
    bad = client.post(f"/campaigns/{registered['id']}/edit", data={
        **values, "version": "2", "channel_url_0": "javascript:alert(1)"})
    assert bad.status_code == 422
    assert "ลิงก์ต้องขึ้นต้นด้วย http" in field_problem(bad.get_data(as_text=True), "channel_url_0")
    backwards = client.post(f"/campaigns/{registered['id']}/edit", data={**values, "version": "2",
                                                                          "ends_on": "2568-01-01"})
    assert "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม" in field_problem(backwards.get_data(as_text=True), "ends_on")
    assert len(events(knowledge, f"campaign-{registered['id']}")) == 2


def test_the_audit_page_links_events_to_the_item_and_campaign_histories(app):
    from gateway.web import HISTORY_PAGES

    with app.test_request_context():
        some = "0190a2b4-0000-7000-8000-000000000010"
        assert HISTORY_PAGES["knowledge"](f"item-{some}") == f"/knowledge/{some}/history"
        assert HISTORY_PAGES["knowledge"](f"campaign-{some}") == f"/campaigns/{some}/history"


@pytest.mark.parametrize("url", ["/knowledge", "/knowledge/new", "/campaigns", "/campaigns/new"])
def test_pages_switch_to_english(client, url):
    assert '<html lang="en">' in page(client, f"{url}?lang=en")
