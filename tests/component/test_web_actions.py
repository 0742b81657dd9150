"""The record page's actions (verify, assess, archive, restore, undo a merge) and the duplicates
page, through Flask's test client over the orgs service's own RPC methods on a SQLite file (no
broker): what a person posts, what the record and its history become, what is refused."""
from __future__ import annotations

import re
from datetime import date

import pytest

from services.orgs import handlers
from tests.component.org_pages import ACTOR, AUDITOR, OTHER_STAFF, register


def kinds(store, org_id) -> list[str]:
    return [e["type"] for e in handlers.history(store, org_id)]


def field_problem(html: str, name: str) -> str:
    found = re.search(rf'<p class="problem" id="{name}-problem">([^<]*)</p>', html)
    return found.group(1) if found else ""


def act(client, org, action, **values):
    return client.post(f"/orgs/{org['id']}/{action}", data={"version": str(org["version"]), **values})


def test_the_record_page_offers_the_actions_with_thai_labels(client, store):
    org = register(store)
    page = client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    for action in ("verify", "assess", "archive"):
        assert f'action="/orgs/{org["id"]}/{action}"' in page
    assert f'/orgs/{org["id"]}/restore' not in page
    assert '<option value="strong">เข้มแข็ง</option>' in page and "มีกองทุนของตนเอง" in page
    assert page.count('name="version" value="1"') == 3 and 'name="csrf_token"' in page
    assert '<label for="verified_on">วันที่ตรวจสอบ</label>' in page
    assert "Mark verified" in client.get(f"/orgs/{org['id']}?lang=en").get_data(as_text=True)


def test_verify_with_a_buddhist_era_date_in_thai_digits(client, store):
    org = register(store)
    answer = act(client, org, "verify", verified_on="๒๕๖๘-๐๓-๑๕", key="k-verify")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/orgs/{org['id']}")
    assert handlers.get(store, org["id"])["verified"] == {"on": "2025-03-15", "by": "somchai"}
    assert kinds(store, org["id"]) == ["OrgRegistered", "OrgVerified"]
    assert handlers.history(store, org["id"])[-1]["actor"]["user"] == "somchai"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "บันทึกการตรวจสอบข้อมูลแล้ว" in page and "15 มี.ค. 2568" in page
    # the same form sent again acts once
    assert act(client, org, "verify", verified_on="๒๕๖๘-๐๓-๑๕", key="k-verify").status_code == 302
    assert kinds(store, org["id"]) == ["OrgRegistered", "OrgVerified"]


def test_verify_without_a_date_means_today(client, store):
    org = register(store)
    assert act(client, org, "verify", verified_on="").status_code == 302
    assert handlers.get(store, org["id"])["verified"]["on"] == date.today().isoformat()


def test_assess_strength_with_level_criteria_and_date(client, store):
    org = register(store)
    answer = act(client, org, "assess", level="strong", criteria=["own_fund", "regular_meetings"],
                 assessed_on="2567-12-01")
    assert answer.status_code == 302
    strength = handlers.get(store, org["id"])["strength"]
    assert strength == {"level": "strong", "criteria": ["own_fund", "regular_meetings"],
                        "assessed_on": "2024-12-01", "assessor": "somchai"}
    assert kinds(store, org["id"])[-1] == "OrgStrengthAssessed"
    page = client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    assert "บันทึกผลการประเมินความเข้มแข็งแล้ว" in page
    assert '<option value="strong" selected>' in page  # the next assessment starts from the last
    assert 'value="own_fund" checked' in page
    history = client.get(f"/orgs/{org['id']}/history").get_data(as_text=True)
    assert "ประเมินความเข้มแข็ง" in history and "<ins>เข้มแข็ง</ins>" in history


def test_archive_with_a_reason_then_restore(client, store):
    org = register(store)
    assert act(client, org, "archive", reason="ยุบกลุ่มแล้ว").status_code == 302
    archived = handlers.get(store, org["id"])
    assert archived["status"] == "archived"
    page = client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    assert "จัดเก็บองค์กรแล้ว" in page and f'/orgs/{org["id"]}/restore' in page
    assert f'/orgs/{org["id"]}/verify' not in page and f'/orgs/{org["id"]}/edit' not in page
    assert act(client, archived, "restore", reason="กลับมาดำเนินการ").status_code == 302
    assert handlers.get(store, org["id"])["status"] == "active"
    events = handlers.history(store, org["id"])
    assert [e["type"] for e in events] == ["OrgRegistered", "OrgArchived", "OrgRestored"]
    assert events[1]["data"] == {"reason": "ยุบกลุ่มแล้ว"}
    assert "เหตุผล: กลับมาดำเนินการ" in client.get(f"/orgs/{org['id']}/history").get_data(as_text=True)


def test_a_bad_date_is_answered_at_its_field_in_thai_and_nothing_is_written(client, store):
    org = register(store)
    answer = act(client, org, "verify", verified_on="๒๕๖๘-๑๓-๔๐")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert field_problem(page, "verified_on").startswith("วันที่ไม่ถูกต้อง")
    assert 'value="๒๕๖๘-๑๓-๔๐"' in page and 'aria-invalid="true"' in page
    future = act(client, org, "assess", level="strong", assessed_on="2599-01-01").get_data(as_text=True)
    assert field_problem(future, "assessed_on") == "วันที่ต้องไม่เกินวันนี้"
    no_level = act(client, org, "assess", level="", criteria=["own_fund"]).get_data(as_text=True)
    assert field_problem(no_level, "level") == "ต้องกรอกข้อมูลนี้" and 'value="own_fund" checked' in no_level
    long_reason = act(client, org, "archive", reason="ก" * 501).get_data(as_text=True)
    assert field_problem(long_reason, "reason") == "ยาวเกิน 500 ตัวอักษร"
    english = client.post(f"/orgs/{org['id']}/verify?lang=en", data={"version": "1", "verified_on": "2025-02-30"})
    assert field_problem(english.get_data(as_text=True), "verified_on").startswith("Not a valid date")
    assert kinds(store, org["id"]) == ["OrgRegistered"]


def test_an_action_the_records_state_refuses_says_why_above_the_record(client, store):
    org = register(store)
    archived = handlers.archive(store, ACTOR(), register(store, "กลุ่มที่จัดเก็บ")["id"], 1)
    refused = act(client, archived, "verify")
    assert refused.status_code == 409 and "ข้อมูลนี้ถูกจัดเก็บแล้ว แก้ไขไม่ได้" in refused.get_data(as_text=True)
    for action, said in (("restore", "องค์กรนี้ไม่ได้ถูกจัดเก็บ"), ("unmerge", "องค์กรนี้ไม่ได้ถูกรวมกับองค์กรอื่น")):
        answer = act(client, org, action)
        assert answer.status_code == 422 and f'<div class="problems" role="alert"><p>{said}</p>' in answer.get_data(
            as_text=True), action
    assert kinds(store, org["id"]) == ["OrgRegistered"]
    assert kinds(store, archived["id"]) == ["OrgRegistered", "OrgArchived"]


@pytest.mark.parametrize("who", [AUDITOR, OTHER_STAFF])
def test_an_auditor_or_another_centers_staff_is_refused_and_nothing_is_appended(client, store, signed_in, who):
    org = register(store)
    archived = handlers.archive(store, ACTOR(), register(store, "กลุ่มที่จัดเก็บ")["id"], 1)
    signed_in(who)
    page = client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    assert "/verify" not in page and "/assess" not in page and "/archive" not in page
    for action, values in (("verify", {}), ("assess", {"level": "strong"}), ("archive", {"reason": "x"})):
        assert act(client, org, action, **values).status_code == 403, action
    assert act(client, archived, "restore").status_code == 403
    assert kinds(store, org["id"]) == ["OrgRegistered"]
    assert kinds(store, archived["id"]) == ["OrgRegistered", "OrgArchived"]


def test_a_stale_version_shows_what_changed_and_does_nothing(client, store):
    org = register(store)
    handlers.amend(store, ACTOR(), org["id"], {"name": "ชื่อที่คนอื่นแก้"}, 1)  # someone else saves first
    answer = act(client, org, "verify", verified_on="2568-03-15")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "มีผู้อื่นแก้ไขข้อมูลนี้ก่อนคุณ" in page
    assert "กลุ่มออมทรัพย์บ้านทดสอบ" in page and "ชื่อที่คนอื่นแก้" in page  # as opened, and now
    assert 'name="version" value="2"' in page  # fresh forms on the current version
    assert handlers.get(store, org["id"])["verified"] is None
    assert act(client, {**org, "version": 2}, "verify").status_code == 302


def duplicates(store):
    """Two near-identical names in one subdistrict, one alike name elsewhere, one different name."""
    first = register(store, "กลุ่มออมทรัพย์บ้านหนองบัว", members=30)
    second = register(store, "ชมรมออมทรัพย์ บ้านหนองบัว")
    elsewhere = register(store, "กลุ่มออมทรัพย์บ้านหนองบัว", province="50", district="5001", subdistrict="500102")
    different = register(store, "กลุ่มเยาวชนรักษ์ป่า")
    return first, second, elsewhere, different


def test_the_duplicates_page_lists_a_pair_of_one_subdistrict(client, store):
    first, second, elsewhere, different = duplicates(store)
    page = client.get("/orgs/duplicates").get_data(as_text=True)
    assert "ชมรมออมทรัพย์ บ้านหนองบัว" in page and "กลุ่มออมทรัพย์บ้านหนองบัว" in page
    assert "พบ 1 กลุ่ม" in page and "ศรีภูมิ" in page
    assert elsewhere["id"] not in page and different["id"] not in page
    assert f'name="version-{first["id"]}" value="1"' in page and 'name="survivor"' in page
    assert "พบ 1 กลุ่ม" in client.get("/orgs/duplicates?center=P50").get_data(as_text=True)
    assert "ไม่พบองค์กรที่อาจซ้ำกัน" in client.get("/orgs/duplicates?province=10").get_data(as_text=True)
    bad = client.get("/orgs/duplicates?province=zz").get_data(as_text=True)
    assert field_problem(bad, "province") == "ค่าไม่อยู่ในรายการที่กำหนด"
    assert "/orgs/duplicates" in client.get("/orgs").get_data(as_text=True)


def merge_form(first, second, **values):
    return {"survivor": first["id"], "merge": [second["id"]], "group": [first["id"], second["id"]],
            f"version-{first['id']}": str(first["version"]), f"version-{second['id']}": str(second["version"]),
            "key": "k-merge", **values}


def test_merge_then_undo_the_merge(client, store):
    first, second, *_ = duplicates(store)
    answer = client.post("/orgs/duplicates/merge", data=merge_form(first, second, center="P50"))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/orgs/duplicates?center=P50")
    merged = handlers.get(store, second["id"])
    assert (merged["status"], merged["merged_into"]) == ("merged", first["id"])
    assert kinds(store, first["id"])[-1] == "OrgAbsorbed"
    listed = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "รวม 1 องค์กรเข้ากับ กลุ่มออมทรัพย์บ้านหนองบัว แล้ว" in listed and "ไม่พบองค์กรที่อาจซ้ำกัน" in listed
    record = client.get(f"/orgs/{second['id']}").get_data(as_text=True)
    assert "องค์กรนี้ถูกรวมเข้ากับ" in record and f'href="/orgs/{first["id"]}"' in record
    assert f'action="/orgs/{second["id"]}/unmerge"' in record and "/verify" not in record
    assert act(client, merged, "unmerge").status_code == 302
    assert handlers.get(store, second["id"])["status"] == "active"
    assert kinds(store, second["id"])[-1] == "OrgUnmerged" and kinds(store, first["id"])[-1] == "OrgReleased"
    assert "พบ 1 กลุ่ม" in client.get("/orgs/duplicates").get_data(as_text=True)


def test_a_merge_needs_a_choice_fresh_versions_and_both_centers(client, store, signed_in):
    first, second, *_ = duplicates(store)
    none_chosen = client.post("/orgs/duplicates/merge", data=merge_form(first, second, merge=[]))
    assert none_chosen.status_code == 422 and "เลือกองค์กรที่จะเก็บไว้หนึ่งแห่ง" in none_chosen.get_data(as_text=True)
    handlers.amend(store, ACTOR(), second["id"], {"members": 12}, 1)  # someone else changes the duplicate
    stale = client.post("/orgs/duplicates/merge", data=merge_form(first, second))
    assert stale.status_code == 409 and "มีผู้อื่นแก้ไของค์กรในกลุ่มนี้ก่อนคุณ" in stale.get_data(as_text=True)
    assert f'name="version-{second["id"]}" value="2"' in stale.get_data(as_text=True)
    signed_in(OTHER_STAFF)
    assert 'name="survivor"' not in client.get("/orgs/duplicates").get_data(as_text=True)
    assert client.post("/orgs/duplicates/merge", data=merge_form(first, {**second, "version": 2})).status_code == 403
    signed_in(AUDITOR)
    assert client.post("/orgs/duplicates/merge", data=merge_form(first, {**second, "version": 2})).status_code == 403
    assert handlers.get(store, second["id"])["status"] == "active"
    assert kinds(store, first["id"]) == ["OrgRegistered"]


def test_another_centers_staff_cannot_undo_a_merge(client, store, signed_in):
    first, second, *_ = duplicates(store)
    handlers.merge(store, ACTOR(), first["id"], {"duplicate": second["id"], "duplicate_version": 1}, 1)
    signed_in(OTHER_STAFF)
    assert "/unmerge" not in client.get(f"/orgs/{second['id']}").get_data(as_text=True)
    assert act(client, {**second, "version": 2}, "unmerge").status_code == 403
    assert handlers.get(store, second["id"])["status"] == "merged"


def test_a_script_in_a_name_is_inert_on_the_action_pages(client, store):
    first = register(store, "<script>alert(1)</script>บ้านหนองบัว")
    second = register(store, "<script>alert(1)</script> บ้านหนองบัว")
    pages = [client.get("/orgs/duplicates").get_data(as_text=True)]
    pages.append(act(client, first, "verify", verified_on="bad").get_data(as_text=True))
    handlers.merge(store, ACTOR(), first["id"], {"duplicate": second["id"], "duplicate_version": 1}, 1)
    pages.append(client.get(f"/orgs/{second['id']}").get_data(as_text=True))
    for page in pages:
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
