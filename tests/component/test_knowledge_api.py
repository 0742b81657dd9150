"""/api/v1/knowledge and /api/v1/campaigns over the knowledge, people and orgs services in
this process (SQLite files, no broker): ETags and If-Match, Idempotency-Key, the review
workflow and who may take each step, errors as the other registers' APIs give them (Thai and
English, naming the field), files posted as multipart and served with safe headers, and the
OpenAPI description of every new path."""
from __future__ import annotations

import io
from urllib.parse import quote

from tests.knowledge import campaign_payload, item_payload

from .knowledge_pages import (  # noqa: F401  (fixtures)
    ADMIN, AUDITOR, ELF, OTHER_STAFF, PDF, PUBLIC, STAFF, app, big_pdf, client, docx, events, knowledge, orgs_db,
    people, services, sign_in, who,
)

API = "/api/v1/knowledge"
CAMPAIGNS = "/api/v1/campaigns"


def error(answer) -> dict:
    return answer.get_json()["error"]


def fields_of(answer) -> dict:
    return {f["field"]: f for f in error(answer)["fields"]}


def created(client, n: int = 1, **changes) -> dict:
    answer = client.post(API, json=item_payload(n, **changes))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def command(client, item_id: str, name: str, version: int, **body):
    return client.post(f"{API}/{item_id}/{name}", json=body, headers={"If-Match": f'"{version}"'})


def upload(client, item_id: str, version: int, name: str, content: bytes):
    return client.post(f"{API}/{item_id}/attachments", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers={"If-Match": f'"{version}"'})


def test_draft_answers_201_with_location_and_etag_and_a_key_makes_it_once(client, knowledge):
    payload = item_payload(301, year="๒๕๖๗", tags="ขยะ, ออมทรัพย์")
    first = client.post(API, json=payload, headers={"Idempotency-Key": "api-draft-1"})
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    item = first.get_json()
    assert first.headers["Location"].endswith(f"{API}/{item['id']}")
    assert item["status"] == "draft" and item["year"] == 2024 and item["tags"] == ["ขยะ", "ออมทรัพย์"]
    assert item["body_html"].startswith("<h2>ความเป็นมา</h2>")
    again = client.post(API, json=payload, headers={"Idempotency-Key": "api-draft-1"})
    assert again.status_code == 201 and again.get_json()["id"] == item["id"]
    assert len(events(knowledge, f"item-{item['id']}")) == 1
    assert client.get(f"{API}/{item['id']}").headers["ETag"] == '"1"'
    found = client.get(API, query_string={"q": "ป่าแดด ตอนที่ 301", "status": "draft", "year": 2024}).get_json()
    assert item["id"] in [i["id"] for i in found["items"]]
    assert client.get(API, query_string={"kind": "gossip"}).status_code == 422


def test_the_review_workflow_and_who_may_take_each_step(client, sign_in, knowledge):
    item = created(client, 302)
    url = f"{API}/{item['id']}"
    assert client.post(f"{url}/submit", json={}).status_code == 428  # If-Match is required
    submitted = command(client, item["id"], "submit", 1, note="พร้อมตรวจ")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "in_review"
    assert submitted.headers["ETag"] == '"2"'
    refused = command(client, item["id"], "publish", 2)
    assert refused.status_code == 403 and error(refused)["code"] == "forbidden"
    sign_in(ADMIN)
    no_note = command(client, item["id"], "return", 2)
    assert no_note.status_code == 422 and "note" in fields_of(no_note)
    published = command(client, item["id"], "publish", 2)
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    wrong = command(client, item["id"], "publish", 3)
    assert wrong.status_code == 422 and fields_of(wrong)["_schema"]["message"]["th"]  # published already

    sign_in(STAFF)
    assert client.patch(url, json={"title": "ฉบับใหม่"}).status_code == 428
    revised = client.patch(url, json={"title": "ฉบับใหม่"}, headers={"If-Match": '"3"'})
    assert revised.status_code == 200 and revised.get_json()["revision"] == 2 and revised.headers["ETag"] == '"4"'
    stale = client.patch(url, json={"title": "ช้าไป"}, headers={"If-Match": '"3"'})
    assert stale.status_code == 409 and error(stale)["current_version"] == 4 and stale.headers["ETag"] == '"4"'
    read_only = client.patch(url, json={"status": "published"}, headers={"If-Match": '"4"'})
    assert read_only.status_code == 422 and fields_of(read_only)["status"]["code"] == "read_only"
    revisions = client.get(f"{url}/revisions").get_json()
    assert [r["revision"] for r in revisions] == [1, 1, 2] and revisions[-1]["fields"]["title"] == "ฉบับใหม่"
    history = client.get(f"{url}/history").get_json()
    assert [e["type"] for e in history] == ["ItemDrafted", "ItemSubmitted", "ItemPublished", "ItemRevised"]

    sign_in(ADMIN)
    archived = command(client, item["id"], "archive", 4, reason="ล้าสมัย")
    assert archived.status_code == 200 and archived.get_json()["status"] == "archived"
    assert command(client, item["id"], "restore", 5).get_json()["status"] == "published"


def test_another_centers_staff_are_refused_naming_the_field_and_nothing_is_written(client, sign_in, knowledge):
    item = created(client, 303)
    sign_in(OTHER_STAFF)
    refused = client.patch(f"{API}/{item['id']}", json={"title": "ของศูนย์อื่น"}, headers={"If-Match": '"1"'})
    assert refused.status_code == 422
    center = fields_of(refused)["center"]
    assert center["code"] == "item_other_center"
    assert center["message"]["th"].startswith("เรื่องนี้เป็นของศูนย์อื่น (P50)")
    assert center["message"]["en"].startswith("This item belongs to another center (P50)")
    elsewhere = client.post(API, json=item_payload(304, center="P50"))
    assert elsewhere.status_code == 422 and fields_of(elsewhere)["center"]["code"] == "item_other_center"
    assert command(client, item["id"], "submit", 1).status_code == 422
    assert upload(client, item["id"], 1, "a.pdf", PDF).status_code == 422
    assert len(events(knowledge, f"item-{item['id']}")) == 1
    sign_in(AUDITOR)
    assert client.post(API, json=item_payload(305)).status_code == 403
    sign_in(PUBLIC)
    assert client.get(API).status_code == 401


def test_hostile_content_is_refused_naming_each_field_in_thai_and_english(client, knowledge):
    before = knowledge.as_(STAFF).list({}, 1, 1)["total"]
    hostile = item_payload(306, title="<script>alert(1)</script>", body="ดู <a href='x' onclick='y'>นี่</a>",
                           sources=[{"title": "a", "url": "javascript:alert(1)"},
                                    {"url": "data:text/html;base64,PHNjcmlwdD4="}],
                           tags=["<b>แท็ก</b>"])
    refused = client.post(API, json=hostile)
    assert refused.status_code == 422 and error(refused)["code"] == "validation_failed"
    found = fields_of(refused)
    assert found["title"]["code"] == "markup_not_allowed" and found["body"]["code"] == "html_not_allowed"
    assert found["sources.0.url"]["code"] == "unsafe_link" and found["sources.1.url"]["code"] == "unsafe_link"
    assert found["tags.0"]["code"] == "markup_not_allowed"
    assert found["body"]["message"]["th"].startswith("ห้ามใส่ HTML") and found["body"]["message"]["en"]
    image = client.post(API, json=item_payload(307, body="![x](javascript:alert(1))"))
    assert fields_of(image)["body"]["code"] == "unsafe_link"
    assert knowledge.as_(STAFF).list({}, 1, 1)["total"] == before


def test_files_are_posted_as_multipart_checked_on_their_bytes_and_served_safely(client, knowledge):
    item = created(client, 308)
    added = upload(client, item["id"], 1, "ผลการดำเนินงาน.pdf", PDF)
    assert added.status_code == 201 and added.headers["ETag"] == '"2"'
    attachment = added.get_json()["attachments"][0]
    assert attachment["type"] == "application/pdf" and attachment["size"] == len(PDF)
    assert added.headers["Location"].endswith(f"{API}/{item['id']}/attachments/{attachment['sha256']}")
    served = client.get(f"{API}/{item['id']}/attachments/{attachment['sha256']}")
    assert served.status_code == 200 and served.data == PDF and served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"] == \
        f"inline; filename=\"file.pdf\"; filename*=UTF-8''{quote('ผลการดำเนินงาน.pdf', safe='')}"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "sandbox"

    disguised = upload(client, item["id"], 2, "report.pdf", ELF)
    assert disguised.status_code == 422 and fields_of(disguised)["file"]["code"] == "file_not_what_named"
    too_big = upload(client, item["id"], 2, "big.pdf", big_pdf())
    assert too_big.status_code == 422 and fields_of(too_big)["file"]["code"] == "attachment_too_large"
    assert client.post(f"{API}/{item['id']}/attachments", data={}, content_type="multipart/form-data",
                       headers={"If-Match": '"2"'}).status_code == 422
    word = upload(client, item["id"], 2, "plan.docx", docx()).get_json()["attachments"][1]
    served = client.get(f"{API}/{item['id']}/attachments/{word['sha256']}")
    assert served.headers["Content-Disposition"] == "attachment; filename=\"plan.docx\"; filename*=UTF-8''plan.docx"
    assert client.get(f"{API}/{item['id']}/attachments/{'f' * 64}").status_code == 404

    removed = client.delete(f"{API}/{item['id']}/attachments/{attachment['sha256']}", headers={"If-Match": '"3"'})
    assert removed.status_code == 200 and [a["name"] for a in removed.get_json()["attachments"]] == ["plan.docx"]
    assert [e["type"] for e in events(knowledge, f"item-{item['id']}")][-1] == "AttachmentRemoved"


def test_campaigns_are_registered_amended_and_given_results_and_a_status(client, sign_in, knowledge):
    answer = client.post(CAMPAIGNS, json=campaign_payload(401, tags=["ฝุ่น"]), headers={"Idempotency-Key": "c-401"})
    assert answer.status_code == 201 and answer.headers["ETag"] == '"1"'
    campaign = answer.get_json()
    url = f"{CAMPAIGNS}/{campaign['id']}"
    assert answer.headers["Location"].endswith(url) and campaign["status"] == "active"
    amended = client.patch(url, json={"goal": "ลดจุดความร้อนลงสองในสาม"}, headers={"If-Match": '"1"'})
    assert amended.status_code == 200 and amended.get_json()["goal"] == "ลดจุดความร้อนลงสองในสาม"
    result = client.post(f"{url}/results", json={"on": "2026-02-01", "reach": 12500, "outcome": "อบต. ประกาศห้ามเผา"},
                         headers={"If-Match": '"2"'})
    assert result.status_code == 201 and result.get_json()["reach"] == 12500
    empty = client.post(f"{url}/results", json={}, headers={"If-Match": '"3"'})
    assert empty.status_code == 422 and fields_of(empty)["_schema"]["code"] == "result_empty"
    status = client.post(f"{url}/status", json={"status": "concluded"}, headers={"If-Match": '"3"'})
    assert status.status_code == 200 and status.get_json()["status"] == "concluded"
    listed = client.get(CAMPAIGNS, query_string={"status": "concluded", "channel": "facebook", "province": "50"})
    assert campaign["id"] in [c["id"] for c in listed.get_json()["items"]]

    sign_in(OTHER_STAFF)
    refused = client.post(f"{url}/status", json={"status": "active"}, headers={"If-Match": '"4"'})
    assert refused.status_code == 422 and fields_of(refused)["center"]["code"] == "campaign_other_center"
    sign_in(STAFF)
    archived = client.post(f"{url}/archive", json={"reason": "ซ้ำกับอีกประเด็น"}, headers={"If-Match": '"4"'})
    assert archived.status_code == 200 and archived.get_json()["archived"] is True
    hidden = client.get(CAMPAIGNS, query_string={"archived": "false", "province": "50"}).get_json()
    assert campaign["id"] not in [c["id"] for c in hidden["items"]]
    assert client.post(f"{url}/restore", json={}, headers={"If-Match": '"5"'}).get_json()["archived"] is False
    history = client.get(f"{url}/history").get_json()
    assert [e["type"] for e in history] == ["CampaignRegistered", "CampaignAmended", "CampaignResultRecorded",
                                            "CampaignStatusChanged", "CampaignArchived", "CampaignRestored"]


def test_the_openapi_description_lists_the_new_paths_with_the_contract_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    for path in ("/api/v1/knowledge", "/api/v1/knowledge/{item_id}", "/api/v1/knowledge/{item_id}/submit",
                 "/api/v1/knowledge/{item_id}/publish", "/api/v1/knowledge/{item_id}/return",
                 "/api/v1/knowledge/{item_id}/archive", "/api/v1/knowledge/{item_id}/restore",
                 "/api/v1/knowledge/{item_id}/history", "/api/v1/knowledge/{item_id}/revisions",
                 "/api/v1/knowledge/{item_id}/attachments", "/api/v1/knowledge/{item_id}/attachments/{sha256}",
                 "/api/v1/campaigns", "/api/v1/campaigns/{campaign_id}", "/api/v1/campaigns/{campaign_id}/status",
                 "/api/v1/campaigns/{campaign_id}/results", "/api/v1/campaigns/{campaign_id}/archive",
                 "/api/v1/campaigns/{campaign_id}/restore", "/api/v1/campaigns/{campaign_id}/history"):
        assert path in paths, path
    assert set(paths["/api/v1/knowledge/{item_id}"]) >= {"get", "patch"}
    assert set(paths["/api/v1/knowledge/{item_id}/attachments/{sha256}"]) >= {"get", "delete"}
    schemas = spec["components"]["schemas"]
    assert {"Item", "ItemDraft", "ItemChanges", "Campaign", "CampaignRegistration", "CampaignResult"} <= set(schemas)
    assert schemas["ItemDraft"]["properties"]["category"]["enum"] == [
        "healthy_community", "grassroots_economy", "social_innovation", "other"]
    upload_body = paths["/api/v1/knowledge/{item_id}/attachments"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    download = paths["/api/v1/knowledge/{item_id}/attachments/{sha256}"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in download and "text/html" not in download
    patch = paths["/api/v1/knowledge/{item_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
