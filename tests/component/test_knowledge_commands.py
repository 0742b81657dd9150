"""The knowledge register's commands through its nameko service in this process, on SQLite and
PostgreSQL: the workflow and who may take each step, revisions, hostile content refused naming
its field with nothing written, attachments checked on their bytes, the people it names
checked, and the Thai search matching the same items on both databases."""
from __future__ import annotations

import base64
import time

import eventlet
import pytest

from services.chassis.errors import CommandRejected, Forbidden
from services.chassis.permissions import User
from services.knowledge import service as knowledge_module
from tests.keys import ADMIN, STAFF_P50
from tests.knowledge import MAX_BYTES, campaign_payload, item_payload, knowledge_service

STAFF_P10 = User("bangkok", "center_staff", "P10")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


@pytest.fixture
def knowledge(database_url, tmp_path):
    service = knowledge_service(database_url, tmp_path / "files")
    yield service
    service.close()


def _codes(error) -> set[tuple[str, str]]:
    return {(p["field"], p["code"]) for p in error.value.problems}


def _upload(name: str, data: bytes) -> dict:
    return {"name": name, "content": base64.b64encode(data).decode()}


def test_an_item_goes_from_draft_to_published_and_archived_each_step_by_whom_may(knowledge):
    staff, admin = knowledge.as_(STAFF_P50), knowledge.admin
    item = staff.draft(item_payload(center=None))
    assert (item["status"], item["center"], item["revision"], item["year"]) == ("draft", "P50", 1, 2024)
    item = staff.submit(item["id"], item["version"], note="พร้อมตรวจ")
    with pytest.raises(Forbidden):
        staff.publish(item["id"], item["version"])
    with pytest.raises(CommandRejected) as error:
        admin.return_item(item["id"], item["version"])
    assert _codes(error) == {("note", "required")}
    item = admin.return_item(item["id"], item["version"], note="เพิ่มแหล่งที่มา")
    assert (item["status"], item["note"]) == ("draft", "เพิ่มแหล่งที่มา")
    item = staff.submit(item["id"], item["version"])
    item = admin.publish(item["id"], item["version"])
    assert (item["status"], item["published_by"]) == ("published", ADMIN.name)
    with pytest.raises(CommandRejected) as error:
        admin.publish(item["id"], item["version"])
    assert _codes(error) == {("_schema", "step_needs_in_review")}
    item = admin.archive(item["id"], item["version"], reason="ล้าสมัย")
    assert item["status"] == "archived"
    item = admin.restore(item["id"], item["version"])
    assert item["status"] == "published"
    history = knowledge.admin.history(item["id"])
    assert [e["type"] for e in history] == ["ItemDrafted", "ItemSubmitted", "ItemReturned", "ItemSubmitted",
                                             "ItemPublished", "ItemArchived", "ItemRestored"]
    assert [e["actor"]["user"] for e in history][:3] == [STAFF_P50.name, STAFF_P50.name, ADMIN.name]


def test_an_edit_after_publication_is_a_new_revision_and_the_earlier_stays_readable(knowledge):
    admin = knowledge.admin
    item = admin.draft(item_payload())
    submitted = admin.submit(item["id"], item["version"])
    for batch, code in (([{"id": item["id"], "version": 2}, {"id": item["id"], "version": 2}], "duplicate_in_batch"),
                        ([{"id": item["id"]}], "invalid")):
        with pytest.raises(CommandRejected) as error:
            admin.publish_batch(batch)
        assert [p["code"] for p in error.value.problems] == [code]
    item = admin.publish(item["id"], submitted["version"])
    edited = admin.revise(item["id"], {"body": item["body"] + "\n\nย่อหน้าใหม่"}, item["version"])
    assert (edited["revision"], edited["status"]) == (2, "published")
    revisions = admin.revisions(item["id"])
    assert [r["revision"] for r in revisions] == [1, 1, 2]
    assert revisions[0]["fields"]["body"] == item["body"] and revisions[-1]["fields"]["body"] == edited["body"]
    assert admin.revise(item["id"], {"title": edited["title"]}, edited["version"]) == edited  # nothing changed
    in_review = admin.submit(admin.draft(item_payload(2))["id"], 1)
    with pytest.raises(CommandRejected) as error:
        admin.revise(in_review["id"], {"title": "แก้ระหว่างตรวจ"}, in_review["version"])
    assert _codes(error) == {("_schema", "not_editable")}


def test_another_center_may_not_write_a_centers_item_and_nothing_is_written(knowledge):
    item = knowledge.as_(STAFF_P50).draft(item_payload())
    head = knowledge.admin.head()["seq"]
    with pytest.raises(CommandRejected) as error:
        knowledge.as_(STAFF_P10).revise(item["id"], {"title": "ของศูนย์อื่น"}, item["version"])
    assert error.value.problems == [{"field": "center", "code": "item_other_center", "row": None,
                                     "params": {"center": "P50"}}]
    with pytest.raises(CommandRejected) as error:
        knowledge.as_(STAFF_P10).draft(item_payload(center="P50"))
    assert _codes(error) == {("center", "item_other_center")}
    assert knowledge.admin.head()["seq"] == head


@pytest.mark.parametrize("changes,expected", [
    ({"title": "<script>alert(1)</script>"}, {("title", "markup_not_allowed")}),
    ({"body": "ข้อความ <img src=x onerror=alert(1)>"}, {("body", "html_not_allowed")}),
    ({"body": "[คลิก](javascript:alert(1))"}, {("body", "unsafe_link")}),
    ({"body": "![รูป](data:image/svg+xml;base64,PHN2Zz4=)"}, {("body", "unsafe_link")}),
    ({"tags": ["ดี", "<svg onload=alert(1)>"]}, {("tags.1", "markup_not_allowed")}),
    ({"sources": [{"title": "x", "url": "javascript:alert(1)"}]}, {("sources.0.url", "unsafe_link")}),
    ({"sources": [{"url": "data:text/html,<script>alert(1)</script>"}]}, {("sources.0.url", "unsafe_link")}),
    ({"summary": "สรุป <iframe src=//evil>"}, {("summary", "markup_not_allowed")}),
])
def test_hostile_content_is_refused_naming_its_field_and_nothing_is_written(knowledge, changes, expected):
    admin = knowledge.admin
    with pytest.raises(CommandRejected) as error:
        admin.draft(item_payload(**changes))
    assert _codes(error) == expected
    assert admin.head()["seq"] == 0
    item = admin.draft(item_payload())
    with pytest.raises(CommandRejected) as error:
        admin.revise(item["id"], changes, item["version"])
    assert _codes(error) == expected
    assert admin.get(item["id"]) == item


def test_files_are_checked_on_their_bytes_and_kept_by_their_hash(knowledge):
    staff = knowledge.as_(STAFF_P50)
    item = staff.draft(item_payload())
    item = staff.attach(item["id"], _upload("รายงาน ปี 2567.pdf", PDF), item["version"])
    (attachment,) = item["attachments"]
    assert (attachment["type"], attachment["size"], attachment["name"]) == ("application/pdf", len(PDF),
                                                                              "รายงาน ปี 2567.pdf")
    assert base64.b64decode(staff.attachment(item["id"], attachment["sha256"])["content"]) == PDF
    head = staff.head()["seq"]
    refusals = [(_upload("โปรแกรม.pdf", ELF), "file_not_what_named"), (_upload("run.exe", ELF), "file_type_refused"),
                (_upload("ใหญ่.pdf", PDF + b"0" * MAX_BYTES), "attachment_too_large"),
                (_upload("ว่าง.pdf", b""), "file_empty"), ({"name": "x.pdf", "content": "ไม่ใช่ base64"}, "file_not_base64"),
                (_upload("ซ้ำ.pdf", PDF), "attachment_exists")]
    for upload, code in refusals:
        with pytest.raises(CommandRejected) as error:
            staff.attach(item["id"], upload, item["version"])
        assert _codes(error) == {("file", code)}, code
    assert staff.head()["seq"] == head
    assert sorted(p.name for p in knowledge.files.root.rglob("*") if p.is_file()) == [attachment["sha256"]]
    item = staff.detach(item["id"], attachment["sha256"], item["version"])
    assert item["attachments"] == []
    assert knowledge.admin.verify_chain()["files"] == {"checked": 1, "changed": [], "missing": []}


def test_the_people_an_item_or_campaign_names_must_be_in_the_people_register(knowledge):
    known, stranger = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    knowledge.people.ids.add(known)
    staff = knowledge.as_(STAFF_P50)
    assert staff.draft(item_payload(people=[known]))["people"] == [known]
    campaign = staff.register_campaign(campaign_payload(workers=[known]))
    with pytest.raises(CommandRejected) as error:
        staff.amend_campaign(campaign["id"], {"workers": [known, stranger]}, campaign["version"])
    assert error.value.problems == [{"field": "workers.1", "code": "unknown_person", "row": None,
                                     "params": {"id": stranger}}]
    with pytest.raises(CommandRejected) as error:
        staff.draft_batch([item_payload(1), item_payload(2, people=[stranger])])
    assert error.value.problems[0]["row"] == 2 and _codes(error) == {("people.0", "unknown_person")}
    assert staff.get_campaign(campaign["id"])["workers"] == [known]


def test_a_campaigns_status_and_results_are_recorded_over_time(knowledge):
    staff = knowledge.as_(STAFF_P50)
    campaign = staff.register_campaign(campaign_payload(status="planned", starts_on="2599-01-01"))
    assert campaign["starts_on"] == "2056-01-01"  # a B.E. date, kept as C.E.
    campaign = staff.set_campaign_status(campaign["id"], "active", campaign["version"])
    campaign = staff.record_result(campaign["id"], {"on": "2026-02-01", "reach": 1200, "participants": 40},
                                   campaign["version"])
    campaign = staff.record_result(campaign["id"], {"on": "2026-03-01", "reach": 5400, "outcome": "เทศบาลออกข้อบัญญัติ",
                                                    "outcome_count": 1}, campaign["version"])
    assert [r["reach"] for r in campaign["results"]] == [1200, 5400] and campaign["reach"] == 5400
    with pytest.raises(CommandRejected) as error:
        staff.record_result(campaign["id"], {"on": "2026-03-02"}, campaign["version"])
    assert _codes(error) == {("_schema", "result_empty")}
    with pytest.raises(CommandRejected) as error:
        staff.amend_campaign(campaign["id"], {"ends_on": "2020-01-01"}, campaign["version"])
    assert _codes(error) == {("ends_on", "ends_before_start")}
    with pytest.raises(CommandRejected) as error:
        staff.register_campaign(campaign_payload(channels=[{"channel": "facebook", "url": "javascript:alert(1)"}]))
    assert _codes(error) == {("channels.0.url", "unsafe_link")}
    campaign = staff.archive_campaign(campaign["id"], campaign["version"], reason="ลงซ้ำ")
    assert campaign["archived"] is True
    with pytest.raises(CommandRejected):
        staff.set_campaign_status(campaign["id"], "concluded", campaign["version"])


def test_search_finds_thai_words_ranks_titles_first_and_keeps_the_public_to_published(knowledge):
    admin = knowledge.admin
    body_only = admin.draft(item_payload(1, title="การจัดการน้ำในหมู่บ้าน", tags=["น้ำ"],
                                         body="## ความเป็นมา\n\nชาวบ้านตั้งกลุ่มธนาคารขยะเพื่อออมเงิน"))
    in_title = admin.draft(item_payload(2, title="ธนาคารขยะบ้านหนองบัว", tags=["ขยะ"]))
    other = admin.draft(item_payload(3, title="ป่าชุมชนดอยสุเทพ", tags=["ป่า"], body="การอนุรักษ์ป่าต้นน้ำ",
                                     category="other"))
    found = admin.list({"q": "ธนาคารขยะ"})
    assert [i["id"] for i in found["items"]] == [in_title["id"], body_only["id"]] and found["total"] == 2
    assert found["words"] == ["ธนาคาร", "ขยะ"]
    assert admin.list({"q": "ป่าต้นน้ำ"})["total"] == 1
    assert [i["id"] for i in admin.list({"q": "ขยะ", "category": "healthy_community"})["items"]] == \
        [in_title["id"], body_only["id"]]
    assert admin.list({"tag": "ป่า"})["items"][0]["id"] == other["id"]
    with pytest.raises(CommandRejected) as error:
        admin.list({"q": "ขยะ"}, page="สอง")
    assert _codes(error) == {("page", "not_integer")}
    assert admin.list({"year": "๒๕๖๗"})["total"] == 3  # a B.E. year in Thai digits is the C.E. year's items
    otop = admin.draft(item_payload(5, tags=["OTOP"]))
    assert [i["id"] for i in admin.list({"tag": "otop"})["items"]] == [otop["id"]]  # either case, both databases
    assert knowledge.service.public_list(None, {"q": "ขยะ"})["total"] == 0  # nothing published yet
    admin.publish(in_title["id"], admin.submit(in_title["id"], 1)["version"])
    public = knowledge.service.public_list(None, {"q": "ขยะ"})
    assert [i["id"] for i in public["items"]] == [in_title["id"]]
    dried = admin.draft(item_payload(4, title="กล้วยตากบางกระทุ่ม", tags=[]))
    assert [i["id"] for i in admin.list({"q": "กล้วย"})["items"]] == [dried["id"]]  # the first part of a compound
    renamed = admin.revise(body_only["id"], {"body": "เรื่องอื่นทั้งหมด"}, body_only["version"])
    assert renamed["id"] not in {i["id"] for i in admin.list({"q": "ธนาคารขยะ"})["items"]}


class _Silent:
    """The people register as the knowledge service sees it when its queue outlives it: no answer."""

    def public_names(self, assertion, person_ids):
        eventlet.sleep(30)


def test_a_command_naming_people_is_refused_when_the_people_register_does_not_answer(database_url, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.setattr(knowledge_module, "PEOPLE_TIMEOUT", 0.2)
    knowledge = knowledge_service(database_url, tmp_path / "files", people=_Silent())
    staff = knowledge.as_(STAFF_P50)
    started = time.perf_counter()
    with pytest.raises(CommandRejected) as error:
        staff.register_campaign(campaign_payload(workers=["11111111-1111-4111-8111-111111111111"]))
    assert _codes(error) == {("people", "people_unavailable")} and time.perf_counter() - started < 5
    assert staff.head()["seq"] == 0
    assert staff.register_campaign(campaign_payload())["workers"] == []  # naming nobody, nobody is asked
    knowledge.close()
