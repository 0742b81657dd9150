"""The people register's pages, rendered by Flask's test client over the people and orgs
services' own RPCs in this process, on SQLite files (no broker): what each role sees of a
person (masked where the service masks, break-the-glass for auditors, recorded), the forms and
actions, duplicates, the rights pages (everything held, erasure, requests) and the record of
processing, in Thai and English."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from services.orgs import handlers as org_handlers
from tests import keys

from .people_pages import (  # noqa: F401  (fixtures)
    ADMIN, AUDITOR, CHIANG_MAI, CONSENT, OTHER_STAFF, PUBLIC, STAFF, app, client, events, full_reads, orgs_db,
    people, person_row, register, services, sign_in, who,
)


def field_problem(html: str, name: str) -> str:
    found = re.search(rf'<p class="problem" id="{name}-problem">([^<]*)</p>', html)
    return found.group(1) if found else ""


def form(**values) -> dict:
    """The registration form as a person fills it in: Thai digits, a B.E. year, consent."""
    base = {"given_name": "สมศรี", "family_name": "ทดสอบหน้าเว็บ", "name_en": "Somsri Thodsob", "phone": "๐๘๑-๒๓๔-๕๖๗๘",
            "email": "", "line_id": "", "address": "", "birth_year": "๒๕๒๐", "notes": "", "years_experience": "๕",
            **CHIANG_MAI, "skills": ["health", "facilitation"], "languages": ["th", "northern"], "roles": ["volunteer"],
            "legal_basis": "consent", "consent_purposes": ["network_register", "contact"],
            "consent_notice_version": "2568-1", "consent_given_on": "2568-06-01", "consent_channel": "paper",
            "key": "form-1"}
    return {**base, **values}


def page(client, url: str, **kw) -> str:
    answer = client.get(url, **kw)
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.get_data(as_text=True)


# -- the list ------------------------------------------------------------------------------------

def test_the_list_finds_people_by_part_of_a_thai_or_english_name_and_by_filters(client, people):
    first = register(people, name_en="Wanida Testlist", skills=["law"], roles=[{"role": "facilitator"}])
    other = register(people, skills=["agriculture"], roles=[{"role": "leader"}])
    people.as_(STAFF).record_training(other["id"], {"name": "อบรมนักจัดกระบวนการรุ่นที่ 7", "on": "2025-03-01"}, 1)
    shown = page(client, f"/people?q={first['given_name'][1:4]}")
    assert '<html lang="th">' in shown and 'content="width=device-width' in shown
    assert first["given_name"] in shown and "วิทยากรกระบวนการ" in shown  # the role's Thai label
    assert first["given_name"] in page(client, "/people?q=testlist")  # the English name
    by_role = page(client, "/people?role=leader&province=50")
    assert other["given_name"] in by_role and first["given_name"] not in by_role
    assert other["given_name"] in page(client, "/people?training=จัดกระบวนการรุ่นที่")
    assert first["given_name"] in page(client, "/people?skill=law") and "กฎหมาย" in page(client, "/people?skill=law")
    bad = client.get("/people?role=astronaut").get_data(as_text=True)
    assert field_problem(bad, "role") and "พบ 0 คน" in bad
    english = page(client, "/people?role=leader&lang=en")
    assert "The network&#39;s people" in english and "Community leader" in english


def test_the_public_is_sent_to_sign_in_and_the_navigation_follows_the_role(client, sign_in, people):
    person = register(people)
    sign_in(PUBLIC)
    for url in ("/people", f"/people/{person['id']}", f"/people/{person['id']}/history", "/people/duplicates",
                "/people/requests", f"/people/{person['id']}/everything", "/people/new"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"], url
    assert client.get("/api/v1/people").status_code == 401
    assert 'href="/people"' not in page(client, "/privacy/processing")  # the record of processing is public
    sign_in(STAFF)
    navigation = page(client, "/people")
    assert 'href="/people"' in navigation and 'href="/people/requests"' in navigation
    sign_in(AUDITOR)
    assert 'href="/people/requests"' not in page(client, "/people")


# -- registering and correcting -------------------------------------------------------------------

def test_register_through_the_form_with_consent_thai_digits_and_a_buddhist_year(client, people):
    answer = client.post("/people/new", data=form())
    assert answer.status_code == 302, field_problem(answer.get_data(as_text=True), "_schema")
    person_id = answer.headers["Location"].rsplit("/", 1)[1]
    registered = events(people, person_id)[0]
    assert registered["type"] == "PersonRegistered" and registered["actor"]["user"] == "somsri"
    shown = page(client, f"/people/{person_id}")
    assert "บันทึกแล้ว" in shown and "สมศรี" in shown and "081 234 5678" in shown and "พ.ศ. 2520" in shown
    assert "ให้ความยินยอมแล้ว" in shown and "พลเมืองจิตอาสา" in shown and "การติดต่อเพื่อกิจกรรมของเครือข่าย" in shown
    assert client.post("/people/new", data=form()).status_code == 302  # the same form twice registers once
    assert page(client, "/people?q=ทดสอบหน้าเว็บ").count(f"/people/{person_id}") == 1


def test_problems_are_shown_at_their_fields_keeping_every_input(client):
    bad_id = client.post("/people/new", data=form(national_id="1-1111-11111-11-2", given_name="<b>พิมพ์ไว้</b>",
                                                  key="form-2"))
    shown = bad_id.get_data(as_text=True)
    assert bad_id.status_code == 422 and "เลขตรวจสอบ" in field_problem(shown, "national_id")
    assert 'value="&lt;b&gt;พิมพ์ไว้&lt;/b&gt;"' in shown and "1-1111-11111-11-2" in shown
    no_consent = client.post("/people/new", data=form(consent_purposes=[], consent_notice_version="",
                                                      consent_given_on="", consent_channel="", key="form-3"))
    assert "ต้องบันทึกความยินยอม" in no_consent.get_data(as_text=True)
    verbal = client.post("/people/new?lang=en", data=form(consent_channel="verbal", key="form-4"))
    assert field_problem(verbal.get_data(as_text=True), "consent_witness") == "Verbal consent needs a witness"
    other_place = client.post("/people/new", data=form(province="10", district="1001", subdistrict="100101"))
    assert other_place.status_code == 403


def test_a_correction_sends_only_the_changed_fields_and_the_history_shows_the_diff(client, people):
    person = register(people, phone="081-111-2233", national_id=None)
    edit = page(client, f"/people/{person['id']}/edit")
    assert 'name="version" value="1"' in edit and 'value="081 111 2233"' in edit
    values = {**{k: v for k, v in form().items() if not k.startswith("consent") and k not in ("roles", "legal_basis")},
              "given_name": person["given_name"], "family_name": person["family_name"], "name_en": "",
              "phone": "081 111 2233", "email": person.get("email") or "", "address": person.get("address") or "",
              "birth_year": str(person["birth_year"] + 543), "years_experience": str(person["years_experience"]),
              "skills": person["skills"], "languages": person["languages"], "version": "1", "key": "edit-1",
              "line_id": "", "notes": ""}
    values["phone"] = "๐๘๙-๙๙๙-๘๘๗๗"
    answer = client.post(f"/people/{person['id']}/edit", data=values)
    assert answer.status_code == 302, answer.get_data(as_text=True)[-2000:]
    amended = events(people, person["id"])[-1]
    assert amended["type"] == "PersonAmended" and set(amended["data"]) == {"phone"}
    history = page(client, f"/people/{person['id']}/history")
    assert "<del>081 111 2233</del>" in history and "<ins>089 999 8877</ins>" in history
    stale = client.post(f"/people/{person['id']}/edit", data={**values, "phone": "0812223344", "key": "edit-2"})
    assert stale.status_code == 409 and "มีผู้อื่นแก้ไขข้อมูลนี้ก่อนคุณ" in stale.get_data(as_text=True)


# -- who sees what --------------------------------------------------------------------------------

def test_another_centers_staff_see_contacts_masked_and_nothing_private(client, sign_in, people):
    person = register(people, phone="081-234-9876", address="12 หมู่ 4 บ้านทดสอบ")
    sign_in(OTHER_STAFF)
    shown = page(client, f"/people/{person['id']}")
    assert person["given_name"] in shown  # names: the network works with them
    assert "••••••••9876" in shown and "ปิดบังบางส่วน" in shown
    assert "081 234 9876" not in shown and "บ้านทดสอบ" not in shown
    assert f"/people/{person['id']}/edit" not in shown and "บันทึกการอบรม" not in shown
    assert full_reads(people, person["id"]) == []  # a masked view is not a full read


def test_an_auditor_sees_names_masked_until_a_reason_is_stated_and_the_read_is_recorded(client, sign_in, people):
    person = register(people)
    sign_in(AUDITOR)
    shown = page(client, f"/people/{person['id']}")
    assert person["given_name"] not in shown and person["given_name"][0] + "•••" in shown
    assert 'name="reason"' in shown
    blank = client.post(f"/people/{person['id']}", data={"reason": "  "})
    assert blank.status_code == 422 and person["given_name"] not in blank.get_data(as_text=True)
    opened = client.post(f"/people/{person['id']}", data={"reason": "ตรวจเรื่องร้องเรียนที่ 12/2568"})
    text = opened.get_data(as_text=True)
    assert opened.status_code == 200 and person["given_name"] in text and "ตรวจเรื่องร้องเรียนที่ 12/2568" in text
    reads = full_reads(people, person["id"])
    assert [(r["user"], r["what"], r["reason"]) for r in reads] == [("audit1", "record", "ตรวจเรื่องร้องเรียนที่ 12/2568")]
    history = client.post(f"/people/{person['id']}/history", data={"reason": "ตรวจประวัติ"}).get_data(as_text=True)
    assert person["given_name"] in history
    assert "history" in {r["what"] for r in full_reads(people, person["id"])}
    assert "แก้ไข" not in re.findall(r'class="button[^"]*"[^>]*>([^<]*)<', text)  # auditors never write


# -- actions --------------------------------------------------------------------------------------

def act(client, person_id: str, action: str, version: int, **values):
    return client.post(f"/people/{person_id}/{action}", data={"version": str(version), "key": f"{action}-{version}",
                                                              **values})


def test_roles_trainings_consents_and_restriction_through_the_record_page(client, people):
    person = register(people, roles=[])
    pid = person["id"]
    assert act(client, pid, "start_role", 1, role="facilitator", started_on="2568-01-15").status_code == 302
    assert act(client, pid, "training", 2, training_name="อบรมวิทยากรกระบวนการ", training_on="๒๕๖๘-๐๒-๐๑",
               training_organizer="ศูนย์ฯ", training_certificate="C-123").status_code == 302
    assert act(client, pid, "end_role", 3, end_role="facilitator").status_code == 302
    assert act(client, pid, "consent", 4, consent_purposes=["capability"], consent_notice_version="2568-2",
               consent_given_on="2568-07-01", consent_channel="online").status_code == 302
    assert act(client, pid, "withdraw", 5, withdraw_consent="1").status_code == 302
    assert act(client, pid, "withdraw", 6, withdraw_consent="2").status_code == 302  # none left: restricted
    assert act(client, pid, "restrict", 8, ground="objection").status_code == 302  # restricted already: nothing
    kinds = [e["type"] for e in events(people, pid)]
    assert kinds == ["PersonRegistered", "RoleStarted", "TrainingRecorded", "RoleEnded", "ConsentRecorded",
                     "ConsentWithdrawn", "ConsentWithdrawn", "ProcessingRestricted"]
    started = events(people, pid)[1]["data"]
    assert (started["started_on"], started["center"]) == ("2025-01-15", "P50")
    shown = page(client, f"/people/{pid}")
    assert "อบรมวิทยากรกระบวนการ" in shown and "C-123" in shown and "1 ก.พ. 2568" in shown
    assert "ถอนความยินยอม" in shown and "เจ้าของข้อมูลขอให้ระงับ" not in shown
    assert "ถูกระงับการใช้ (ถอนความยินยอม)" in shown
    lifted = act(client, pid, "lift", 8)  # a withdrawal of consent is lifted by a new consent only
    assert lifted.status_code == 422 and "ต้องบันทึกความยินยอมใหม่" in lifted.get_data(as_text=True)
    assert f'href="/people/{pid}"' not in page(client, f"/people?q={person['given_name']}")  # not listed


def test_a_bad_date_is_answered_at_its_input_and_a_stale_form_shows_what_changed(client, people):
    person = register(people)
    bad = act(client, person["id"], "training", 1, training_name="อบรม", training_on="2568-13-40")
    assert bad.status_code == 422 and "วันที่ไม่ถูกต้อง" in field_problem(bad.get_data(as_text=True), "training_on")
    assert len(events(people, person["id"])) == 1
    people.as_(STAFF).amend(person["id"], {"years_experience": 63}, 1)
    stale = act(client, person["id"], "training", 1, training_name="อบรม", training_on="2568-01-10")
    shown = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "มีผู้อื่นแก้ไขข้อมูลนี้ก่อนคุณ" in shown and "<td data-label" in shown
    assert len(events(people, person["id"])) == 2


def test_organizations_are_shown_by_the_name_the_orgs_register_gives_them(client, people, orgs_db):
    org = org_handlers.register(orgs_db, keys.actor(STAFF), {
        "name": "กลุ่มออมทรัพย์บ้านเชื่อมบุคคล", "type": "savings_group", **CHIANG_MAI})
    person = register(people)
    found = page(client, f"/people/{person['id']}?org_q=เชื่อมบุคคล")
    assert "กลุ่มออมทรัพย์บ้านเชื่อมบุคคล" in found and f'name="org" value="{org["id"]}"' in found
    assert act(client, person["id"], "link", 1, org=org["id"], role_in_org="chair").status_code == 302
    unknown = "0190a2b4-0000-7000-8000-000000000001"
    people.as_(STAFF).link_org(person["id"], {"org": unknown}, 2)
    shown = page(client, f"/people/{person['id']}")
    assert ">กลุ่มออมทรัพย์บ้านเชื่อมบุคคล</a>" in shown and "ประธาน" in shown
    assert unknown in shown and "ไม่พบในทะเบียนองค์กร" in shown
    assert "name" not in events(people, person["id"])[1]["data"]  # the link holds the id only, never the name
    assert act(client, person["id"], "unlink", 3, org=org["id"]).status_code == 302


def test_another_centers_staff_and_auditors_are_refused_and_nothing_is_written(client, sign_in, people):
    person = register(people)
    for user in (OTHER_STAFF, AUDITOR):
        sign_in(user)
        refused = act(client, person["id"], "training", 1, training_name="อบรม", training_on="2568-01-10")
        assert refused.status_code == 403, user
        assert client.get(f"/people/{person['id']}/edit").status_code == 403
    assert len(events(people, person["id"])) == 1


# -- duplicates -----------------------------------------------------------------------------------

def test_people_with_one_phone_are_grouped_with_why_merged_and_the_merge_undone(client, sign_in, people):
    phone = "086-555-0101"
    first, second = register(people, phone=phone), register(people, phone=phone)
    shown = page(client, "/people/duplicates?province=50")
    assert "โทรศัพท์เดียวกัน" in shown and first["given_name"] in shown and second["given_name"] in shown
    sign_in(AUDITOR)  # names masked, as everywhere an auditor has stated no reason
    masked = page(client, "/people/duplicates?province=50")
    assert "โทรศัพท์เดียวกัน" in masked and first["given_name"] not in masked and 'name="survivor"' not in masked
    sign_in(STAFF)
    answer = client.post("/people/duplicates/merge", data={
        "survivor": first["id"], "merge": [second["id"]], "group": [first["id"], second["id"]], "key": "merge-1",
        f"version-{first['id']}": "1", f"version-{second['id']}": "1"})
    assert answer.status_code == 302
    assert [e["type"] for e in events(people, second["id"])][-1] == "PersonMerged"
    merged = page(client, f"/people/{second['id']}")
    assert "บุคคลนี้ถูกรวมเข้ากับ" in merged and first["given_name"] in merged
    assert act(client, second["id"], "unmerge", 2).status_code == 302
    assert [e["type"] for e in events(people, second["id"])][-1] == "PersonUnmerged"
    nothing = client.post("/people/duplicates/merge", data={"survivor": first["id"], "group": [first["id"]]})
    assert nothing.status_code == 422 and "เลือกรายการที่จะเก็บไว้" in nothing.get_data(as_text=True)


# -- rights ---------------------------------------------------------------------------------------

def test_everything_held_as_a_page_and_as_the_same_json(client, sign_in, people):
    person = register(people, name_en="Everything Tester")
    shown = page(client, f"/people/{person['id']}/everything")
    assert person["given_name"] in shown and "ผู้ที่เปิดดูข้อมูลเต็ม" in shown and "ลงทะเบียนบุคคล" in shown
    download = client.get(f"/people/{person['id']}/everything.json")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert person["given_name"] not in download.headers["Content-Disposition"]
    held = json.loads(download.get_data(as_text=True))
    assert held["person"]["given_name"] == person["given_name"] and held["person"]["masked"] is False
    assert {"history", "consents", "requests", "reads"} <= set(held)
    assert "access" in {r["what"] for r in full_reads(people, person["id"])}
    for user in (OTHER_STAFF, AUDITOR):
        sign_in(user)
        assert client.get(f"/people/{person['id']}/everything").status_code == 403
        assert client.get(f"/people/{person['id']}/everything.json").status_code == 403


def test_only_an_admin_erases_after_a_page_that_says_what_it_does(client, sign_in, people):
    person = register(people)
    for user in (STAFF, AUDITOR):
        sign_in(user)
        assert client.get(f"/people/{person['id']}/erase").status_code == 403
        assert client.post(f"/people/{person['id']}/erase", data={"confirm": "yes"}).status_code == 403
        assert "/erase" not in page(client, f"/people/{person['id']}")
    sign_in(ADMIN)
    explained = page(client, f"/people/{person['id']}/erase")
    assert "อ่านไม่ได้อีกตลอดไป" in explained and "ย้อนกลับไม่ได้" in explained
    unconfirmed = client.post(f"/people/{person['id']}/erase", data={"key": "erase-1"})
    assert unconfirmed.status_code == 422 and events(people, person["id"])[-1]["type"] == "PersonRegistered"
    done = client.post(f"/people/{person['id']}/erase", data={"confirm": "yes", "key": "erase-2"})
    assert done.status_code == 302
    assert events(people, person["id"])[-1]["type"] == "PersonErased"
    assert client.get(f"/people/{person['id']}").status_code == 404
    assert f'href="/people/{person["id"]}"' not in page(client, f"/people?q={person['given_name']}")
    history = page(client, f"/people/{person['id']}/history")
    assert person["given_name"] not in history and "อ่านไม่ได้" in history


def test_requests_are_received_listed_by_due_date_overdue_highlighted_and_handled(client, sign_in, people):
    person = register(people)
    form_page = page(client, f"/people/requests/new?person={person['id']}")
    assert person["given_name"] in form_page and "30 วัน" in form_page
    late = (date.today() - timedelta(days=40)).isoformat()
    answer = client.post("/people/requests/new", data={"person": person["id"], "right": "access", "channel": "email",
                                                       "received_on": late, "key": "req-1"})
    assert answer.status_code == 302
    client.post("/people/requests/new", data={"person": person["id"], "right": "correction", "channel": "phone",
                                              "key": "req-2"})
    listed = page(client, "/people/requests")
    assert listed.index("ขอเข้าถึงและขอรับสำเนา") < listed.index("ขอให้แก้ไขให้ถูกต้อง")  # by due date
    assert listed.count('class="overdue"') == 1 and "เกินกำหนด" in listed and person["given_name"] in listed
    asked = people.as_(STAFF).requests({}, 1, 50)["items"]
    overdue = next(r for r in asked if r["overdue"])
    refused = client.post(f"/people/requests/{overdue['id']}/handle", data={"outcome": "refused", "version": "1"})
    assert refused.status_code == 422 and "การปฏิเสธต้องระบุเหตุผล" in refused.get_data(as_text=True)
    handled = client.post(f"/people/requests/{overdue['id']}/handle", data={
        "outcome": "refused", "ground": "identity_not_verified", "version": "1", "key": "handle-1"})
    assert handled.status_code == 302
    assert "ยืนยันตัวตนผู้ขอไม่ได้" in page(client, "/people/requests?status=refused")
    sign_in(OTHER_STAFF)
    assert person["given_name"] not in page(client, "/people/requests")
    sign_in(AUDITOR)
    assert client.get("/people/requests").status_code == 403


def test_the_record_of_processing_is_generated_from_the_catalogue_in_thai_and_english(client, sign_in):
    from services.contracts.people import catalogue

    sign_in(PUBLIC)
    thai = page(client, "/privacy/processing")
    english = page(client, "/privacy/processing?lang=en")
    assert "บันทึกรายการกิจกรรมการประมวลผลข้อมูลส่วนบุคคล (มาตรา 39)" in thai
    assert "Record of processing activities (PDPA s.39)" in english
    for group in catalogue.GROUPS:
        assert f'id="group-{group.key}"' in thai and all(f"<code>{name}</code>" in thai for name in group.fields)
    for measure in catalogue.MEASURES:
        assert f'id="measure-{measure}"' in english
    assert "AES-256-GCM" in thai and "Encrypted field by field" not in thai and "HMAC" in english
    assert "ความยินยอม (มาตรา 19)" in thai and "Erasure (s.33)" in english


@pytest.mark.parametrize("url", ["/people", "/people/new", "/people/duplicates", "/people/requests",
                                 "/privacy/processing"])
def test_pages_switch_to_english(client, url):
    assert '<html lang="en">' in page(client, f"{url}?lang=en")
