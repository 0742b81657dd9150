"""Issue 15's projection on SQLite and PostgreSQL: the breakdowns of every register (organizations
by type, strength and verification age; people by skill; campaigns by channel), what changed in
a month, the monthly series, targets as events with their default split, how fresh the
projection is, and a projection of another version rebuilt."""
from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import select

from services.chassis import tables
from services.chassis.envelope import GENESIS, chain_hash
from services.chassis.errors import CommandRejected
from services.chassis.permissions import ADMIN, Actor, User
from services.chassis.subscriber import CatchUpSubscriber
from services.contracts.reporting import INDICATORS
from services.reporting import projections, queries, targets
from services.reporting.projectors.orgs import anniversary

SEQ = itertools.count(1)


def at(day: str) -> str:
    return f"{day}T03:00:00.000000Z"  # 10:00 in Bangkok, the same day


def event(source: str, stream: str, type_: str, day: str, **data) -> dict:
    return {"source": source, "seq": next(SEQ), "stream": stream, "version": 1, "type": type_, "at": at(day),
            "data": data}


def org(org_id: str, type_: str, day: str, **data) -> dict:
    return event("orgs", f"org-{org_id}", type_, day, **data)


def person(person_id: str, type_: str, day: str, **data) -> dict:
    return event("people", f"person-{person_id}", type_, day, **data)


def project(engine, source: str, *events: dict) -> None:
    with engine.begin() as conn:
        projections.apply(conn, source, list(events))


def breakdown(engine, indicator: str, dimension: str, as_of: str, scope: str = "nation", code: str | None = None):
    places = {p["code"]: p for p in queries.breakdown_values(engine, scope, code, as_of)["places"]}
    return places[code or "TH"]["breakdowns"].get(indicator, {}).get(dimension, {})


def register_orgs(engine) -> None:
    project(engine, "orgs",
            org("a", "OrgRegistered", "2026-01-05", type="savings_group", province="50", center="P50"),
            org("b", "OrgRegistered", "2026-01-05", type="welfare_fund", province="50", center="P50"),
            org("c", "OrgRegistered", "2026-02-01", type="savings_group", province="84", center="P84"),
            org("a", "OrgStrengthAssessed", "2026-01-20", level="strong", criteria=[], assessed_on="2026-01-20",
                assessor="x"),
            org("a", "OrgVerified", "2026-01-10", on="2026-01-10", by="somsri"))


def test_organizations_by_type_strength_and_verification_age(engine):
    register_orgs(engine)
    assert breakdown(engine, "community_orgs", "type", "2026-06-01") == {"savings_group": 2, "welfare_fund": 1}
    assert breakdown(engine, "community_orgs", "strength", "2026-06-01") == {"strong": 1, "unassessed": 2}
    assert breakdown(engine, "community_orgs", "strength", "2026-01-15") == {"unassessed": 2}
    assert breakdown(engine, "community_orgs", "verification", "2026-06-01") == {"recent": 1, "never": 2}
    # a year after its verification, the organization is stale, with no event on that day
    assert breakdown(engine, "community_orgs", "verification", "2027-01-09") == {"recent": 1, "never": 2}
    assert breakdown(engine, "community_orgs", "verification", "2027-01-10") == {"stale": 1, "never": 2}
    assert breakdown(engine, "community_orgs", "type", "2026-06-01", "center", "P84") == {"savings_group": 1}


def test_a_new_verification_moves_the_anniversary_and_an_archive_cancels_it(engine):
    register_orgs(engine)
    project(engine, "orgs", org("a", "OrgVerified", "2026-12-01", on="2026-12-01", by="somsri"),
            org("b", "OrgVerified", "2026-03-01", on="2026-03-01", by="somsri"))
    assert breakdown(engine, "community_orgs", "verification", "2027-01-10") == {"recent": 2, "never": 1}
    assert breakdown(engine, "community_orgs", "verification", "2027-12-01") == {"stale": 2, "never": 1}
    project(engine, "orgs", org("b", "OrgArchived", "2026-04-01", reason=None),
            org("c", "OrgRelocated", "2026-04-01", province="50", center="P50", district=None, subdistrict=None))
    assert breakdown(engine, "community_orgs", "verification", "2028-01-01") == {"stale": 1, "never": 1}
    assert breakdown(engine, "community_orgs", "type", "2026-05-01", "center", "P84") == {}
    assert breakdown(engine, "community_orgs", "type", "2026-03-15", "center", "P84") == {"savings_group": 1}
    assert breakdown(engine, "community_orgs", "type", "2026-05-01", "center", "P50") == {"savings_group": 2}


def test_merge_and_unmerge_move_every_breakdown(engine):
    register_orgs(engine)
    project(engine, "orgs", org("a", "OrgMerged", "2026-03-01", into="b", previous_status="active"))
    assert breakdown(engine, "community_orgs", "strength", "2026-03-02") == {"unassessed": 2}
    project(engine, "orgs", org("a", "OrgUnmerged", "2026-04-01", **{"from": "b", "status": "active"}))
    assert breakdown(engine, "community_orgs", "strength", "2026-04-02") == {"strong": 1, "unassessed": 2}
    assert breakdown(engine, "community_orgs", "strength", "2026-03-15") == {"unassessed": 2}


def test_the_leap_day_anniversary():
    assert anniversary("2028-02-29") == "2029-02-28" and anniversary("2026-01-10") == "2027-01-10"


def test_people_by_skill_per_role_and_nothing_kept_after_erasure(engine):
    volunteer = {"role": "volunteer", "center": "P50", "province": "50", "started_on": "2026-01-01"}
    leader = {**volunteer, "role": "leader", "center": "P84", "province": "84"}
    project(engine, "people",
            person("p", "PersonRegistered", "2026-01-05", province="50", center="P50", legal_basis="consent",
                   roles=[volunteer, leader], skills=["health", "agriculture"]),
            person("q", "PersonRegistered", "2026-01-05", province="50", center="P50", legal_basis="consent",
                   roles=[volunteer], skills=[]))
    assert breakdown(engine, "volunteers", "skill", "2026-02-01") == {"health": 1, "agriculture": 1, "none": 1}
    assert breakdown(engine, "community_leaders", "skill", "2026-02-01", "center", "P84") == {
        "health": 1, "agriculture": 1}
    project(engine, "people", person("p", "PersonAmended", "2026-03-01", skills=["facilitation"]))
    assert breakdown(engine, "volunteers", "skill", "2026-03-02") == {"facilitation": 1, "none": 1}
    assert breakdown(engine, "volunteers", "skill", "2026-02-01") == {"health": 1, "agriculture": 1, "none": 1}
    project(engine, "people", person("p", "PersonErased", "2026-04-01", request=None, on="2026-04-01"))
    assert breakdown(engine, "volunteers", "skill", "2026-04-02") == {"none": 1}
    assert breakdown(engine, "community_leaders", "skill", "2026-04-02") == {}
    with engine.connect() as conn:
        kept = projections.snapshot(conn)["records"]["person"]["p"]
    assert kept == {"center": "P50", "province": "50", "status": "erased", "restricted": False, "roles": {},
                    "skills": []}


def test_campaigns_by_channel(engine):
    def campaign(campaign_id, type_, day, **data):
        return event("knowledge", f"campaign-{campaign_id}", type_, day, **data)

    project(engine, "knowledge",
            campaign("x", "CampaignRegistered", "2026-01-05", title="t", problem="p", province="50", status="active",
                     center="P50", channels=[{"channel": "facebook", "url": None}, {"channel": "line", "url": None}]),
            campaign("y", "CampaignRegistered", "2026-01-05", title="t", problem="p", province="84",
                     status="planned", center="P84", channels=[]))
    assert breakdown(engine, "campaign_issues", "channel", "2026-02-01") == {"facebook": 1, "line": 1, "none": 1}
    project(engine, "knowledge", campaign("x", "CampaignAmended", "2026-03-01", channels=[{"channel": "tiktok"}]),
            campaign("y", "CampaignArchived", "2026-03-01", center="P84", status="planned", reason=None))
    assert breakdown(engine, "campaign_issues", "channel", "2026-03-02") == {"tiktok": 1}
    assert breakdown(engine, "campaign_issues", "status", "2026-03-02") == {"active": 1}


def test_what_changed_in_a_month_by_center(engine):
    register_orgs(engine)
    project(engine, "orgs", org("b", "OrgAmended", "2026-02-10", name="x"),
            org("b", "OrgMerged", "2026-02-11", into="a", previous_status="active"))
    project(engine, "people", person("p", "PersonRegistered", "2026-02-03", province="84", center="P84",
                                     legal_basis="consent", roles=[], skills=[]),
            person("p", "PersonErased", "2026-02-20", request=None, on="2026-02-20"))
    january = queries.activity(engine, month="2026-01")
    assert january["totals"] == {"orgs.registered": 2, "orgs.assessed": 1, "orgs.verified": 1}
    february = queries.activity(engine, month="2026-02")
    by_center = {row["code"]: row["counts"] for row in february["centers"]}
    assert by_center == {"P50": {"orgs.amended": 1, "orgs.merged": 1},
                         "P84": {"orgs.registered": 1, "people.registered": 1, "people.erased": 1}}
    north = queries.activity(engine, "province", "84", "2026-02")
    assert [row["code"] for row in north["centers"]] == ["P84"] and north["totals"]["people.erased"] == 1


def test_the_monthly_series_ends_at_the_as_of_day(engine):
    register_orgs(engine)
    project(engine, "orgs", org("b", "OrgArchived", "2026-04-15", reason=None))
    result = queries.series(engine, as_of="2026-05-20")
    assert result["months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert result["indicators"]["community_orgs"] == [2, 3, 3, 2, 2]
    assert result["targets"]["community_orgs"] == 200_000
    center = queries.series(engine, "center", "P84", as_of="2026-02-28")
    assert center["indicators"]["community_orgs"] == [0, 1]
    assert center["targets"]["community_orgs"] == targets.default_split(200_000)["P84"]


ADMIN_ACTOR = Actor(User("admin1", ADMIN), request="r-1", signed_by="gateway-x")


def target_of(engine, indicator: str, scope: str, code: str) -> dict:
    (place,) = queries.indicator_values(engine, scope, code, "2026-06-01")["places"]
    return next(i for i in place["indicators"] if i["key"] == indicator)


def test_default_targets_split_the_national_one_by_subdistricts_exactly():
    for indicator in INDICATORS:
        split = targets.default_split(indicator.target)
        assert len(split) == 82 and sum(split.values()) == indicator.target
    counts = targets.subdistrict_counts()
    assert sum(counts.values()) == 7436
    split = targets.default_split(200_000)
    assert split["P30"] > split["P58"]  # Nakhon Ratchasima has more subdistricts than Mae Hong Son


def test_a_target_set_is_an_event_and_the_places_above_add_up(engine):
    before = target_of(engine, "community_orgs", "center", "P50")
    assert before["target_kind"] == "default" and before["target"] == targets.default_split(200_000)["P50"]
    answer = targets.set_target(engine, ADMIN_ACTOR, "community_orgs", "P50", 5000)
    again = targets.set_target(engine, ADMIN_ACTOR, "community_orgs", "P50", 5000)  # the same request
    assert answer == again and answer["target"] == 5000
    assert target_of(engine, "community_orgs", "center", "P50") | {"value": 0} == {
        **before, "target": 5000, "target_kind": "set", "share": 0.0}
    province = target_of(engine, "community_orgs", "province", "50")
    assert (province["target"], province["target_kind"]) == (5000, "set")  # Chiang Mai has one center
    north = target_of(engine, "community_orgs", "region", "north")
    defaults = targets.default_split(200_000)
    from services import reference
    others = sum(defaults[c.code] for c in reference.centers() if c.region == "north" and c.code != "P50")
    assert (north["target"], north["target_kind"]) == (5000 + others, "default")
    events = targets.log(engine).events_since(0)
    assert [(e["type"], e["data"], e["actor"]["user"]) for e in events] == [
        ("TargetSet", {"indicator": "community_orgs", "center": "P50", "target": 5000}, "admin1")]
    listing = targets.listing(engine)
    assert listing["centers"][0]["set_by"] == "admin1" and listing["national"]["community_orgs"] == 200_000
    targets.set_target(engine, Actor(User("admin1", ADMIN), request="r-2"), "community_orgs", "TH", 250_000)
    assert target_of(engine, "community_orgs", "nation", "TH")["target"] == 250_000
    assert target_of(engine, "community_orgs", "center", "P84")["target"] == targets.default_split(250_000)["P84"]
    assert targets.log(engine).verify()["ok"]


@pytest.mark.parametrize("indicator, center, target, field, code", [
    ("nothing", "P50", 10, "indicator", "not_one_of"),
    ("volunteers", "P999", 10, "center", "unknown_center"),
    ("volunteers", "P50", "10", "target", "not_integer"),
    ("volunteers", "P50", 0, "target", "out_of_range"),
    ("volunteers", "P50", 10_000_001, "target", "out_of_range"),
])
def test_a_bad_target_is_refused_naming_the_field_and_nothing_is_written(engine, indicator, center, target,
                                                                      field, code):
    with pytest.raises(CommandRejected) as refused:
        targets.set_target(engine, ADMIN_ACTOR, indicator, center, target)
    (problem,) = refused.value.to_dict()["fields"]
    assert (problem["field"], problem["code"]) == (field, code)
    assert problem["message"]["th"] and problem["message"]["en"]
    assert targets.log(engine).events_since(0) == []
    assert targets.listing(engine)["centers"] == []


def test_freshness_says_what_was_projected_and_how_late(engine):
    subscriber = CatchUpSubscriber(engine, projections.apply, clear=projections.clear)
    events = [org("f", "OrgRegistered", "2026-01-05", type="savings_group", province="50", center="P50")]
    events[0].update(seq=1, prev=GENESIS, source="orgs", id=str(uuid.uuid4()), schema=1,
                     actor={"user": "admin1", "role": "admin", "center": None, "request": "f", "signed_by": None})
    events[0]["hash"] = chain_hash(GENESIS, events[0])  # the subscriber checks every event's hash
    subscriber.on_batch({"source": "orgs", "first": 1, "last": 1, "events": events}, lambda *a: [])
    fresh = subscriber.freshness()["orgs"]
    assert fresh["seq"] == 1 and fresh["event_at"] == at("2026-01-05") and fresh["measured"] == 1
    assert fresh["lag_ms"] > 0 and fresh["lag_p99_ms"] == fresh["lag_p50_ms"] > 0
    assert queries.indicator_values(engine)["data_at"] == at("2026-01-05")


def test_a_projection_of_another_version_is_cleared_for_the_catch_up(engine):
    register_orgs(engine)
    with engine.begin() as conn:
        conn.execute(tables.checkpoints.insert(), {"source": "orgs", "seq": 5, "hash": "a" * 64})
        conn.execute(projections.projection_version.update().values(version=1))
    projections.create_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(select(tables.checkpoints)).all() == []
        assert projections.snapshot(conn)["records"] == {}
        assert conn.execute(select(projections.projection_version.c.version)).scalar() == projections.VERSION
