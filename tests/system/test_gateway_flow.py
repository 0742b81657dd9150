"""One edit flows from the gateway to a current indicator, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading


from .api import admin, org, nation_value, place_value, register, wait_for


def test_a_registered_org_shows_in_the_indicators_within_a_second(system):
    before = nation_value(system.url)
    created = register(system.url)
    assert created.status_code == 201, created.text
    _, waited = wait_for(lambda: nation_value(system.url) == before + 1, timeout=5)
    assert waited <= 1.0, f"indicator caught up after {waited:.3f} s"
    assert created.json()["center"] == "P50"
    assert place_value(system.url, "center", "P50") >= 1


def test_the_record_reads_back_with_its_version_as_etag_and_its_history(system):
    created = register(system.url, org("วิสาหกิจชุมชนทอผ้า", type="community_enterprise", founded_year="2015")).json()
    response = admin.get(f"{system.url}/api/v1/orgs/{created['id']}", timeout=10)
    assert response.headers["ETag"] == '"1"'
    assert response.json()["founded_year"] == 2015 and response.json()["founded_year_be"] == 2558
    amended = admin.patch(f"{system.url}/api/v1/orgs/{created['id']}", json={"members": "๔๐"},
                             headers={"If-Match": '"1"'}, timeout=10)
    assert amended.status_code == 200, amended.text
    assert amended.headers["ETag"] == '"2"' and amended.json()["members"] == 40
    history = admin.get(f"{system.url}/api/v1/orgs/{created['id']}/history", timeout=10).json()
    assert [e["type"] for e in history] == ["OrgRegistered", "OrgAmended"]
    assert history[1]["data"] == {"members": 40}
    assert history[1]["prev"] != history[1]["hash"] and history[1]["seq"] > history[0]["seq"]


def test_two_concurrent_amendments_of_one_version_one_wins_one_conflicts(system):
    created = register(system.url).json()
    results = []
    barrier = threading.Barrier(2)

    def amend(members):
        barrier.wait()
        results.append(admin.patch(
            f"{system.url}/api/v1/orgs/{created['id']}", json={"members": members},
            headers={"If-Match": '"1"'}, timeout=30))

    threads = [threading.Thread(target=amend, args=(n,)) for n in (101, 202)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409).json()["error"]
    winner = next(r for r in results if r.status_code == 200).json()
    assert loser["code"] == "conflict" and loser["current_version"] == 2
    assert loser["message"]["th"] and loser["message"]["en"]
    final = admin.get(f"{system.url}/api/v1/orgs/{created['id']}", timeout=10).json()
    assert final["version"] == 2 and final["members"] == winner["members"]


def test_an_edit_without_if_match_is_refused(system):
    created = register(system.url).json()
    response = admin.patch(f"{system.url}/api/v1/orgs/{created['id']}", json={"members": 1}, timeout=10)
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"


def test_archiving_takes_the_org_out_of_the_indicator(system):
    created = register(system.url).json()
    wait_for(lambda: nation_value(system.url) > 0)
    before_value = None

    def settled():
        nonlocal before_value
        with system.rpc() as rpc:
            caught_up = rpc.reporting.positions()["orgs"] == rpc.orgs.head()["seq"]
        before_value = nation_value(system.url)
        return caught_up

    wait_for(settled)
    archived = admin.post(f"{system.url}/api/v1/orgs/{created['id']}/archive", json={"reason": "ยุบกลุ่ม"},
                             headers={"If-Match": '"1"'}, timeout=10)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    wait_for(lambda: nation_value(system.url) == before_value - 1)
    again = admin.patch(f"{system.url}/api/v1/orgs/{created['id']}", json={"members": 3},
                           headers={"If-Match": '"2"'}, timeout=10)
    assert again.status_code == 409 and again.json()["error"]["code"] == "archived"


def test_health_reports_every_service(system):
    report = admin.get(f"{system.url}/health", timeout=10).json()
    assert report["ok"] is True
    assert set(report["services"]) == {"gateway", "orgs", "people", "knowledge", "reporting"}
    assert all(s["ok"] for s in report["services"].values())


def test_the_openapi_description_names_the_routes(system):
    spec = admin.get(f"{system.url}/api/v1/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/orgs", "/api/v1/orgs/{org_id}", "/api/v1/orgs/{org_id}/history", "/api/v1/indicators",
                 "/api/v1/people", "/api/v1/people/{person_id}"):
        assert path in spec["paths"], path
    assert "If-Match" in str(spec["paths"]["/api/v1/orgs/{org_id}"]["patch"])


def test_a_registration_without_idempotency_key_is_still_recorded_under_a_key_of_its_own(system):
    """nameko redelivers an RPC whose service died before acknowledging it; the key the gateway
    gives every write is what lets the second run append nothing."""
    from sqlalchemy import select

    from services.chassis import tables
    from services.chassis.database import make_engine

    engine = make_engine(system.database_urls["orgs"])
    try:
        def keys():
            with engine.connect() as conn:
                return {row.key for row in conn.execute(select(tables.commands.c.key))}

        before = keys()
        first, second = register(system.url, org("กลุ่มไม่มีคีย์หนึ่ง")), register(system.url, org("กลุ่มไม่มีคีย์สอง"))
        assert first.status_code == second.status_code == 201
        new = keys() - before
        # a key is the assertion's request, kept within the acting user's own keys
        assert len(new) == 2 and all(key.startswith("5:admin|request:") for key in new), new
    finally:
        engine.dispose()
