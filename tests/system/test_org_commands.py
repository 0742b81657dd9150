"""The register's commands through the gateway: relocate, assess, verify, archive and restore,
merge and unmerge; each shows in the record, its history and the indicators."""
from __future__ import annotations


from .api import admin, nation_value, org, place_value, register, wait_for


def _post(system, org_id, command, body, version):
    return admin.post(f"{system.url}/api/v1/orgs/{org_id}/{command}", json=body,
                         headers={"If-Match": f'"{version}"'}, timeout=30)


def _caught_up(system):
    with system.rpc() as rpc:
        return rpc.reporting.positions()["orgs"] == rpc.orgs.head()["seq"]


def test_relocating_moves_the_org_between_centers(system):
    created = register(system.url, org("กลุ่มย้ายที่")).json()
    wait_for(lambda: _caught_up(system))
    before_p50, before_bkk1 = place_value(system.url, "center", "P50"), place_value(system.url, "center", "BKK1")
    moved = _post(system, created["id"], "relocate",
                  {"province": "10", "district": "1026", "subdistrict": "102601", "village_no": 2}, 1)
    assert moved.status_code == 200, moved.text
    assert moved.json()["center"] == "BKK1" and moved.headers["ETag"] == '"2"'
    wait_for(lambda: _caught_up(system))
    assert place_value(system.url, "center", "P50") == before_p50 - 1
    assert place_value(system.url, "center", "BKK1") == before_bkk1 + 1


def test_amending_a_location_field_relocates_and_refuses_an_inconsistent_one(system):
    created = register(system.url, org("กลุ่มแก้ที่อยู่")).json()
    bad = admin.patch(f"{system.url}/api/v1/orgs/{created['id']}", json={"district": "1026"},
                         headers={"If-Match": '"1"'}, timeout=30)
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "district"
    good = admin.patch(f"{system.url}/api/v1/orgs/{created['id']}", json={"members": 9, "subdistrict": "500102"},
                          headers={"If-Match": '"1"'}, timeout=30)
    assert good.status_code == 200, good.text
    assert good.json()["version"] == 3 and good.json()["subdistrict"] == "500102" and good.json()["members"] == 9
    history = admin.get(f"{system.url}/api/v1/orgs/{created['id']}/history", timeout=30).json()
    assert [e["type"] for e in history] == ["OrgRegistered", "OrgAmended", "OrgRelocated"]


def test_strength_assessment_and_verification_are_recorded_with_who_and_when(system):
    created = register(system.url, org("กลุ่มประเมิน")).json()
    assessed = _post(system, created["id"], "assess",
                     {"level": "strong", "criteria": ["own_fund", "regular_meetings"], "assessed_on": "๒๕๖๘-๐๓-๑๕"}, 1)
    assert assessed.status_code == 200, assessed.text
    assert assessed.json()["strength"] == {"level": "strong", "criteria": ["own_fund", "regular_meetings"],
                                           "assessed_on": "2025-03-15", "assessor": "admin"}
    verified = _post(system, created["id"], "verify", {}, 2)
    assert verified.status_code == 200 and verified.json()["verified"]["by"] == "admin"  # the signed-in user
    strong = admin.get(f"{system.url}/api/v1/orgs", params={"strength": "strong", "q": "กลุ่มประเมิน"}, timeout=30).json()
    assert [o["id"] for o in strong["items"]] == [created["id"]]
    future = _post(system, created["id"], "assess", {"level": "strong", "assessed_on": "2999-01-01"}, 3)
    assert future.status_code == 422 and future.json()["error"]["fields"][0]["code"] == "date_in_future"


def test_archive_and_restore_move_the_indicator_down_and_up(system):
    created = register(system.url, org("กลุ่มเก็บแล้วคืน")).json()
    wait_for(lambda: _caught_up(system))
    start = nation_value(system.url)
    assert _post(system, created["id"], "archive", {"reason": "หยุดกิจกรรม"}, 1).status_code == 200
    wait_for(lambda: nation_value(system.url) == start - 1)
    restored = _post(system, created["id"], "restore", {"reason": "กลับมาดำเนินการ"}, 2)
    assert restored.status_code == 200 and restored.json()["status"] == "active"
    wait_for(lambda: nation_value(system.url) == start)
    again = _post(system, created["id"], "restore", {}, 3)
    assert again.status_code == 422 and again.json()["error"]["fields"][0]["code"] == "not_archived"


def test_a_merge_keeps_both_histories_and_can_be_undone(system):
    survivor = register(system.url, org("กลุ่มออมทรัพย์บ้านหนองบัว")).json()
    duplicate = register(system.url, org("กลุ่ม ออมทรัพย์ บ้านหนองบัว")).json()
    wait_for(lambda: _caught_up(system))
    start = nation_value(system.url)
    stale = _post(system, survivor["id"], "merge", {"duplicate": duplicate["id"], "duplicate_version": 7}, 1)
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 1
    merged = _post(system, survivor["id"], "merge", {"duplicate": duplicate["id"], "duplicate_version": 1}, 1)
    assert merged.status_code == 200, merged.text
    gone = admin.get(f"{system.url}/api/v1/orgs/{duplicate['id']}", timeout=30).json()
    assert gone["status"] == "merged" and gone["merged_into"] == survivor["id"]
    wait_for(lambda: nation_value(system.url) == start - 1)
    history = admin.get(f"{system.url}/api/v1/orgs/{survivor['id']}/history", timeout=30).json()
    assert {e["stream"] for e in history} == {f"org-{survivor['id']}", f"org-{duplicate['id']}"}
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)
    edit = admin.patch(f"{system.url}/api/v1/orgs/{duplicate['id']}", json={"members": 1},
                          headers={"If-Match": '"2"'}, timeout=30)
    assert edit.status_code == 422 and edit.json()["error"]["fields"][0]["code"] == "merged"
    undone = _post(system, duplicate["id"], "unmerge", {}, 2)
    assert undone.status_code == 200 and undone.json()["status"] == "active" and undone.json()["merged_into"] is None
    wait_for(lambda: nation_value(system.url) == start)
    with system.rpc() as rpc:
        assert rpc.orgs.get(survivor["id"])["version"] == 3  # registered, absorbed, released


def test_duplicate_candidates_list_similar_names_in_one_subdistrict(system):
    a = register(system.url, org("ชมรมผู้สูงอายุบ้านดอนแก้ว", type="elderly_group", subdistrict="500103")).json()
    b = register(system.url, org("ผู้สูงอายุ บ้านดอนแก้ว", type="elderly_group", subdistrict="500103")).json()
    register(system.url, org("ชมรมผู้สูงอายุบ้านดอนแก้ว", type="elderly_group", subdistrict="500104"))
    found = admin.get(f"{system.url}/api/v1/orgs/duplicates", params={"subdistrict": "500103"}, timeout=30).json()
    groups = [{o["id"] for o in g["orgs"]} for g in found["groups"]]
    assert {a["id"], b["id"]} in groups
