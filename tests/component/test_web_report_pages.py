"""The indicators and audit pages rendered by Flask's test client over the orgs and reporting
services' own RPCs in this process, on SQLite files (no broker)."""
from __future__ import annotations

import pytest

from services.chassis import permissions
from gateway.app import create_app
from services.chassis.database import make_engine
from services.chassis.subscriber import CatchUpSubscriber
from services.orgs import handlers
from services.orgs.service import OrgsService
from services.reporting import projections
from services.reporting.service import ReportingService
from tests import keys
from tests.inprocess import InProcess, Pool
from tests.keys import asker, signing
from tests.knowledge import knowledge_service
from tests.people import people_service

AUDITOR = permissions.User("audit", permissions.AUDITOR)
STAFF = permissions.User("somchai", permissions.CENTER_STAFF, "P50")
CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}
CHIANG_RAI = {"province": "57", "district": "5701", "subdistrict": "570101"}


class Reporting(InProcess):
    """reporting as RPC shows it, caught up with the orgs log before it answers, as its
    subscriber would be by then."""

    def __getattr__(self, name: str):
        self.service.subscriber.catch_up("orgs", self.service._fetch)
        return super().__getattr__(name)


@pytest.fixture
def client(store, tmp_path, monkeypatch):
    import gateway.api as api
    import gateway.web as web

    engine = make_engine(f"sqlite:///{tmp_path / 'reporting.sqlite'}")
    subscriber = CatchUpSubscriber(engine, projections.apply, clear=projections.clear)
    subscriber.create_schema()
    projections.create_schema(engine)
    orgs = InProcess(OrgsService, log=store, asking=asker("orgs"))
    people = people_service(f"sqlite:///{tmp_path / 'people.sqlite'}", f"sqlite:///{tmp_path / 'keys.sqlite'}").service
    knowledge = knowledge_service(f"sqlite:///{tmp_path / 'knowledge.sqlite'}", tmp_path / "files").service
    reporting = Reporting(ReportingService, subscriber=subscriber, orgs=orgs, people=people, knowledge=knowledge,
                          asking=asker("reporting"), signing=signing())
    app = create_app(pool=Pool(orgs=orgs, people=people, knowledge=knowledge, reporting=reporting))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    user = {"now": permissions.ANONYMOUS}
    for module in (web, api):  # the pages, and whom the gateway signs the calls for
        monkeypatch.setattr(module, "current_user", lambda: user["now"])
    client = app.test_client()
    client.sign_in = lambda who: user.update(now=who)
    return client


def register(store, name, user="somsri", center="P50", location=CHIANG_MAI):
    payload = {"name": name, "type": "savings_group", **location, "founded_year": "2559", "members": 25}
    return handlers.register(store, keys.actor(permissions.User(user, permissions.CENTER_STAFF, center)), payload)


def test_the_indicators_page_is_public_and_shows_value_target_and_share(client, store):
    for n in range(3):
        register(store, f"กลุ่ม <b>{n}</b>")
    page = client.get("/indicators").get_data(as_text=True)
    assert "ตัวชี้วัดของเครือข่าย" in page and "ประเทศไทย" in page
    assert "ข้อมูลองค์กรชุมชน" in page and "200,000" in page  # the indicator's Thai name, its target
    assert ">3<" in page and "0.0%" in page  # 3 of 200,000
    assert 'for="scope"' in page and 'for="as_of"' in page
    provinces = client.get("/indicators?scope=province&lang=en").get_data(as_text=True)
    assert "Chiang Mai" in provinces and "Indicators per Province" in provinces
    bad = client.get("/indicators?as_of=not-a-date").get_data(as_text=True)
    assert 'id="as_of-problem"' in bad


def test_the_audit_page_needs_the_audit_permission(client):
    refused = client.get("/audit")
    assert refused.status_code == 302 and "/sign-in" in refused.headers["Location"]  # sign in first
    client.sign_in(STAFF)
    assert client.get("/audit").status_code == 403


def test_the_audit_page_verifies_the_chain_and_finds_a_users_events(client, store):
    first = register(store, "กลุ่ม <script>alert(1)</script>", user="somsri")
    register(store, "กลุ่มของคนอื่น", user="malee", center="P57", location=CHIANG_RAI)
    client.sign_in(AUDITOR)
    page = client.get("/audit?user=somsri").get_data(as_text=True)
    assert "ถูกต้องครบถ้วน" in page  # a small log is verified at once
    assert "พบ 1 เหตุการณ์" in page and f'/orgs/{first["id"]}/history' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "กลุ่มของคนอื่น" not in page
    by_center = client.get("/audit?center=P57&lang=en").get_data(as_text=True)
    assert "1 events" in by_center and "กลุ่มของคนอื่น" in by_center
    nothing = client.get("/audit?from=2500-01-01&to=2500-01-02&lang=th").get_data(as_text=True)
    assert "พบ 0 เหตุการณ์" in nothing  # B.E. 2500 = 1957


def test_the_audit_page_offers_and_filters_by_event_type(client, store):
    org = register(store, "กลุ่มที่แก้ไข")
    handlers.amend(store, keys.actor(permissions.User("somsri", permissions.CENTER_STAFF, "P50")), org["id"],
                   {"members": 30}, 1)
    client.sign_in(AUDITOR)
    page = client.get("/audit").get_data(as_text=True)
    assert '<option value="OrgAmended">แก้ไขข้อมูล</option>' in page  # each type by its Thai name
    amended = client.get("/audit?type=OrgAmended&lang=en").get_data(as_text=True)
    assert "1 events" in amended and 'id="type-problem"' not in amended
    assert 'id="type-problem"' in client.get("/audit?type=NoSuchEvent").get_data(as_text=True)


ADMIN = permissions.User("admin1", permissions.ADMIN)


def test_central_admins_set_a_centers_target_and_everyone_sees_its_kind(client, store):
    client.sign_in(STAFF)
    page = client.get("/targets?indicator=community_orgs").get_data(as_text=True)
    assert 'name="target"' not in page  # staff see the targets, no form
    assert "ค่าเริ่มต้น (สัดส่วนตำบล)" in page and "200,000" in page
    assert client.post("/targets?indicator=community_orgs", data={"center": "P50", "target": "5000"}).status_code == 403
    client.sign_in(ADMIN)
    bad = client.post("/targets?indicator=community_orgs", data={"center": "P999", "target": "ห้าพัน", "key": "k0"})
    assert bad.status_code == 422 and 'id="target-problem"' in bad.get_data(as_text=True)
    unknown = client.post("/targets?indicator=community_orgs", data={"center": "P999", "target": "10", "key": "k1"})
    assert unknown.status_code == 422 and "ไม่พบรหัสศูนย์ประสานงานนี้" in unknown.get_data(as_text=True)
    saved = client.post("/targets?indicator=community_orgs", data={"center": "P50", "target": "5000", "key": "k2"})
    assert saved.status_code == 302
    page = client.get("/targets?indicator=community_orgs&lang=en").get_data(as_text=True)
    row = page[page.index(">P50<"):][:600]
    assert "5,000" in row and "Set by an admin" in row and "admin1" in row
    register(store, "กลุ่มหนึ่ง")
    (place,) = client.get("/api/v1/indicators?scope=center&code=P50").get_json()["places"]
    orgs = next(i for i in place["indicators"] if i["key"] == "community_orgs")
    assert (orgs["value"], orgs["target"], orgs["target_kind"], orgs["share"]) == (1, 5000, "set", 0.0)


def test_the_targets_api_lists_sets_and_refuses_naming_the_field(client):
    listing = client.get("/api/v1/indicators/targets").get_json()
    assert listing["national"]["volunteers"] == 500_000 and sum(listing["defaults"]["volunteers"].values()) == 500_000
    client.sign_in(permissions.ANONYMOUS)  # found by the OpenAPI fuzzing as the public: it was a 503
    assert client.put("/api/v1/indicators/targets", json={"indicator": "volunteers", "center": "P50",
                                                           "target": 9}).status_code == 401
    client.sign_in(STAFF)
    assert client.put("/api/v1/indicators/targets", json={"indicator": "volunteers", "center": "P50",
                                                           "target": 9}).status_code == 403
    client.sign_in(ADMIN)
    refused = client.put("/api/v1/indicators/targets", json={"indicator": "volunteers", "center": "P50", "target": 0})
    assert refused.status_code == 422 and "target" in refused.get_data(as_text=True)
    body = {"indicator": "volunteers", "center": "TH", "target": 600_000}
    first = client.put("/api/v1/indicators/targets", json=body, headers={"Idempotency-Key": "t-1"})
    again = client.put("/api/v1/indicators/targets", json=body, headers={"Idempotency-Key": "t-1"})
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
    assert client.get("/api/v1/indicators/targets").get_json()["national"]["volunteers"] == 600_000


def test_the_breakdowns_series_and_activity_api(client, store):
    register(store, "กลุ่มหนึ่ง")
    register(store, "กลุ่มสอง", center="P57", location=CHIANG_RAI)
    (nation,) = client.get("/api/v1/indicators/breakdowns").get_json()["places"]
    assert nation["breakdowns"]["community_orgs"]["type"] == {"savings_group": 2}
    assert nation["breakdowns"]["community_orgs"]["verification"] == {"never": 2}
    series = client.get("/api/v1/indicators/series?scope=province&code=57").get_json()
    assert series["indicators"]["community_orgs"][-1] == 1 and series["name_en"] == "Chiang Rai"
    activity = client.get("/api/v1/indicators/activity").get_json()
    assert activity["totals"] == {"orgs.registered": 2}
    assert {row["code"] for row in activity["centers"]} == {"P50", "P57"}
    bad = client.get("/api/v1/indicators/activity?month=2026-13")
    assert bad.status_code == 422 and "month" in bad.get_data(as_text=True)
