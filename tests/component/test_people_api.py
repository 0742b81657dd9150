"""/api/v1/people over the people and orgs services in this process (SQLite files, no broker):
ETags and If-Match, Idempotency-Key, errors as the organization API gives them (Thai and
English, field and row), masking by role, break the glass, erasure by admins only, requests."""
from __future__ import annotations

from datetime import date, timedelta

from .people_pages import (  # noqa: F401  (fixtures)
    ADMIN, AUDITOR, CHIANG_MAI, CONSENT, OTHER_STAFF, PUBLIC, STAFF, app, client, events, full_reads, orgs_db,
    people, person_row, register, services, sign_in, who,
)

API = "/api/v1/people"


def registration(**changes) -> dict:
    row = person_row(**changes)
    row["birth_year"] = str(row["birth_year"])  # as a spreadsheet or a form sends it: text, B.E.
    return row


def created(client, **changes) -> dict:
    answer = client.post(API, json=registration(**changes))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def error(answer) -> dict:
    return answer.get_json()["error"]


def test_register_answers_201_with_location_and_etag_and_a_key_makes_it_once(client, people):
    payload = registration(phone="๐๘๑-๗๗๗-๖๖๕๕")
    first = client.post(API, json=payload, headers={"Idempotency-Key": "api-register-1"})
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    person = first.get_json()
    assert first.headers["Location"].endswith(f"{API}/{person['id']}")
    assert person["phone"] == "+66817776655" and person["masked"] is False and person["center"] == "P50"
    again = client.post(API, json=payload, headers={"Idempotency-Key": "api-register-1"})
    assert again.status_code == 201 and again.get_json()["id"] == person["id"]
    assert len(events(people, person["id"])) == 1
    assert client.get(f"{API}/{person['id']}").headers["ETag"] == '"1"'


def test_errors_name_the_field_in_thai_and_english_and_carry_no_personal_value(client):
    bad = client.post(API, json=registration(national_id="1111111111112", email="ไม่ใช่อีเมล"))
    body = error(bad)
    assert bad.status_code == 422 and body["code"] == "validation_failed"
    fields = {f["field"]: f for f in body["fields"]}
    assert fields["national_id"]["code"] == "national_id_check_digit"
    assert fields["national_id"]["message"]["en"].startswith("This national ID is not valid")
    assert fields["email"]["message"]["th"] == "อีเมลไม่ถูกต้อง"
    assert "1111111111112" not in bad.get_data(as_text=True) and "ไม่ใช่อีเมล" not in bad.get_data(as_text=True)
    no_basis = error(client.post(API, json={k: v for k, v in registration().items() if k not in ("consent",)}))
    assert [f["field"] for f in no_basis["fields"]] == ["consent"]
    assert error(client.post(API, data="{", content_type="application/json"))["code"] == "invalid_json"
    elsewhere = client.post(API, json=registration(province="10", district="1001", subdistrict="100101"))
    assert elsewhere.status_code == 403 and error(elsewhere)["code"] == "forbidden"


def test_list_filters_and_a_correction_with_if_match(client, people):
    person = created(client, name_en="Api Listperson", roles=[{"role": "online_worker"}], skills=["media"])
    found = client.get(API, query_string={"q": "listperson", "role": "online_worker", "skill": "media"}).get_json()
    assert [p["id"] for p in found["items"]] == [person["id"]] and found["total"] == 1
    assert "phone" not in found["items"][0]  # a list never carries a contact
    assert client.get(API, query_string={"role": "astronaut"}).status_code == 422
    url = f"{API}/{person['id']}"
    assert client.patch(url, json={"years_experience": 61}).status_code == 428
    patched = client.patch(url, json={"years_experience": 61}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.headers["ETag"] == '"2"' and patched.get_json()["years_experience"] == 61
    stale = client.patch(url, json={"years_experience": 62}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409 and error(stale)["current_version"] == 2 and stale.headers["ETag"] == '"2"'
    read_only = client.patch(url, json={"center": "P10"}, headers={"If-Match": '"2"'})
    assert read_only.status_code == 422 and error(read_only)["fields"][0]["code"] == "read_only"


def test_every_command_on_a_person(client, people, orgs_db):
    from services.orgs import handlers as org_handlers
    from tests import keys

    person, other = created(client, roles=[]), created(client)
    org = org_handlers.register(orgs_db, keys.actor(STAFF), {"name": "กลุ่มทดสอบ API", "type": "savings_group",
                                                             **CHIANG_MAI})
    url = f"{API}/{person['id']}"
    steps = [
        ("roles", {"role": "leader", "started_on": "2568-01-01"}),
        ("roles/end", {"role": "leader"}),
        ("trainings", {"name": "อบรมผู้นำ", "on": "2025-02-02", "organizer": "ศูนย์ฯ"}),
        ("orgs", {"org": org["id"], "role_in_org": "committee"}),
        ("orgs/unlink", {"org": org["id"]}),
        ("consents", {**CONSENT, "purposes": ["capability"]}),
        ("withdrawals", {"consent": "2"}),
        ("restrict", {"ground": "objection"}),
        ("lift", {}),
        ("merge", {"duplicate": other["id"], "duplicate_version": 1}),
    ]
    version = 1
    for path, body in steps:
        answer = client.post(f"{url}/{path}", json=body, headers={"If-Match": f'"{version}"'})
        assert answer.status_code == 200, (path, answer.get_json())
        version = int(answer.headers["ETag"].strip('"'))
    assert client.post(f"{url}/trainings", json={"name": "x", "on": "2025-01-01"}).status_code == 428
    unmerged = client.post(f"{API}/{other['id']}/unmerge", headers={"If-Match": '"2"'})
    assert unmerged.status_code == 200 and unmerged.get_json()["status"] == "active"
    kinds = [e["type"] for e in events(people, person["id"])]
    assert kinds == ["PersonRegistered", "RoleStarted", "RoleEnded", "TrainingRecorded", "OrgLinked", "OrgUnlinked",
                     "ConsentRecorded", "ConsentWithdrawn", "ProcessingRestricted", "RestrictionLifted",
                     "PersonAbsorbed", "PersonReleased"]
    history = client.get(f"{url}/history").get_json()
    assert [e["type"] for e in history if e["stream"] == f"person-{person['id']}"] == kinds
    assert {e["stream"] for e in history} == {f"person-{person['id']}", f"person-{other['id']}"}  # and the duplicate's
    assert client.get(f"{API}/duplicates").status_code == 200


def test_masking_by_role_and_break_the_glass(client, sign_in, people):
    person = register(people, phone="081-999-1212")
    url = f"{API}/{person['id']}"
    sign_in(OTHER_STAFF)
    seen = client.get(url).get_json()
    assert seen["masked"] is True and seen["phone"] == "••••••••1212" and seen["given_name"] == person["given_name"]
    assert seen["address"] is None
    sign_in(AUDITOR)
    masked = client.get(url).get_json()
    assert masked["given_name"] != person["given_name"] and masked["masked"] is True
    listed = client.get(API, query_string={"q": person["given_name"]}).get_json()["items"]
    assert all(p["name"] != f"{person['given_name']} {person['family_name']}" for p in listed)
    full = client.get(url, query_string={"reason": "audit 7/2568"}).get_json()
    assert full["given_name"] == person["given_name"] and full["phone"] == "+66819991212"
    history = client.get(f"{url}/history", query_string={"reason": "audit 7/2568"}).get_json()
    assert history[0]["data"]["given_name"] == person["given_name"]
    assert {(r["what"], r["reason"]) for r in full_reads(people, person["id"])} == {
        ("record", "audit 7/2568"), ("history", "audit 7/2568")}
    for write in (lambda: client.post(f"{url}/trainings", json={"name": "x", "on": "2025-01-01"},
                                      headers={"If-Match": '"1"'}),
                  lambda: client.post(API, json=registration())):
        assert write().status_code == 403
    sign_in(PUBLIC)
    for read in (API, url, f"{url}/history", f"{API}/duplicates", f"{API}/requests"):
        assert client.get(read).status_code == 401 and error(client.get(read))["code"] == "sign_in_required"


def test_everything_requests_and_erasure(client, sign_in, people):
    person = register(people)
    url = f"{API}/{person['id']}"
    held = client.get(f"{url}/everything").get_json()
    assert held["person"]["given_name"] == person["given_name"] and held["history"][0]["type"] == "PersonRegistered"
    late = (date.today() - timedelta(days=35)).isoformat()
    asked = client.post(f"{API}/requests", json={"person": person["id"], "right": "erasure", "channel": "paper",
                                                 "received_on": late})
    assert asked.status_code == 201 and asked.headers["ETag"] == '"1"'
    request_id = asked.get_json()["id"]
    listed = client.get(f"{API}/requests").get_json()["items"]
    assert next(r for r in listed if r["id"] == request_id)["overdue"] is True
    sign_in(OTHER_STAFF)
    assert client.get(f"{url}/everything").status_code == 403
    assert request_id not in {r["id"] for r in client.get(f"{API}/requests").get_json()["items"]}
    sign_in(STAFF)
    refused = client.post(f"{API}/erasures", json={"people": [person["id"]]})
    assert refused.status_code == 403 and events(people, person["id"])[-1]["type"] == "PersonRegistered"
    sign_in(ADMIN)
    erased = client.post(f"{API}/erasures", json={"people": [person["id"]], "request": request_id})
    assert erased.status_code == 200 and erased.get_json() == {"erased": 1}
    assert client.get(url).status_code == 404
    done = client.post(f"{API}/requests/{request_id}/outcome", json={"outcome": "done"}, headers={"If-Match": '"1"'})
    assert done.status_code == 200 and done.get_json()["status"] == "done" and done.headers["ETag"] == '"2"'
    history = client.get(f"{url}/history").get_json()
    assert history[-1]["type"] == "PersonErased" and history[0]["unreadable"] is True
    assert history[0]["data"]["given_name"] is None
    again = client.post(API, json={**registration(), "id": person["id"]})
    assert again.status_code == 422 and error(again)["fields"][0]["code"] == "person_erased"
