"""The indicator projection on SQLite and PostgreSQL: "as of" sums, and where each
organization counts."""
from __future__ import annotations

import itertools


from services import reference
from services.chassis.database import make_engine
from services.reporting import projections, queries

SEQ = itertools.count(1)


def event(org: str, type_: str, at: str, version: int = 1, **data) -> dict:
    return {"source": "orgs", "seq": next(SEQ), "stream": f"org-{org}", "version": version,
            "type": type_, "at": at, "data": data}


def registered(org: str, at: str, province: str = "50", center: str | None = None, type_: str = "savings_group") -> dict:
    return event(org, "OrgRegistered", at, province=province, center=center or f"P{province}", type=type_)


def project(engine, *events: dict) -> None:
    with engine.begin() as conn:
        projections.apply(conn, "orgs", list(events))


def value(engine, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> int:
    places = {p["code"]: p for p in queries.indicator_values(engine, scope, code, as_of)["places"]}
    place = places[code or "TH"]
    return next(i["value"] for i in place["indicators"] if i["key"] == "community_orgs")


def regional_counts(engine) -> dict[str, int]:
    result = queries.indicator_values(engine, "region")
    return {p["code"]: next(i["value"] for i in p["indicators"] if i["key"] == "community_orgs")
            for p in result["places"]}


def test_as_of_sums_only_the_days_up_to_the_date(engine):
    project(engine, registered("a", "2026-01-01T03:00:00.000000Z"), registered("b", "2026-01-01T18:30:00.000000Z"))
    project(engine, event("a", "OrgArchived", "2026-01-03T02:00:00.000000Z", version=2, reason=None))
    assert value(engine, as_of="2025-12-31") == 0
    assert value(engine, as_of="2026-01-01") == 1
    assert value(engine, as_of="2026-01-02") == 2
    assert value(engine, as_of="2026-01-03") == 1
    assert value(engine) == 1
    assert value(engine, "center", "P50", as_of="2026-01-02") == 2


def test_region_counts_follow_reference_region_of(engine):
    places = [("50", None), ("51", None), ("10", "BKK1"), ("10", "BKK4"), ("84", None), ("30", None), ("20", None)]
    project(engine, *(registered(f"o{i}", "2026-01-05T01:00:00.000000Z", p, c) for i, (p, c) in enumerate(places)))
    expected = dict.fromkeys(reference.REGIONS, 0)  # every region is listed, with or without data
    for province, _ in places:
        expected[reference.region_of(province)] = expected.get(reference.region_of(province), 0) + 1
    assert regional_counts(engine) == expected
    assert expected == {"north": 2, "bangkok": 2, "south": 1, "northeast": 1, "east": 1, "central": 0, "west": 0}
    assert value(engine, "province", "10") == 2
    assert value(engine, "center", "BKK4") == 1
    assert value(engine) == len(places)


def test_relocation_moves_every_scope_and_archive_removes_it(engine):
    project(engine, registered("a", "2026-01-05T01:00:00.000000Z"), registered("b", "2026-01-05T01:00:00.000000Z"))
    project(engine, event("a", "OrgAmended", "2026-01-06T01:00:00.000000Z", version=2,
                          province="10", district="1026", subdistrict=None, center="BKK1"))
    assert regional_counts(engine) == {**dict.fromkeys(reference.REGIONS, 0), "north": 1, "bangkok": 1}
    assert (value(engine, "center", "P50"), value(engine, "center", "BKK1"), value(engine)) == (1, 1, 2)
    assert value(engine, "center", "P50", as_of="2026-01-05") == 2  # history keeps the old place

    project(engine, event("a", "OrgArchived", "2026-01-07T01:00:00.000000Z", version=3, reason=None),
            event("a", "OrgAmended", "2026-01-07T02:00:00.000000Z", version=4, name="ไม่นับ"))
    assert regional_counts(engine) == {**dict.fromkeys(reference.REGIONS, 0), "north": 1}
    with engine.connect() as conn:
        places = {org: (s["center"], s["province"], s["active"])
                  for org, s in projections.snapshot(conn)["records"]["org"].items()}
    assert places == {"a": ("BKK1", "10", False), "b": ("P50", "50", True)}


def test_events_of_one_org_in_one_batch_give_the_same_result_as_one_by_one(engine):
    history = [
        registered("a", "2026-01-05T01:00:00.000000Z"),
        event("a", "OrgAmended", "2026-01-05T02:00:00.000000Z", version=2, province="10", district="1001",
              subdistrict=None, center="BKK1"),
        event("a", "OrgArchived", "2026-01-06T02:00:00.000000Z", version=3, reason=None),
        event("a", "OrgAmended", "2026-01-07T02:00:00.000000Z", version=4, province="84", district=None,
              subdistrict=None, center="P84"),
    ]
    project(engine, *history)
    one_by_one = make_engine("sqlite://")
    projections.create_schema(one_by_one)
    for item in history:
        project(one_by_one, item)
    with engine.connect() as a, one_by_one.connect() as b:
        assert projections.snapshot(a) == projections.snapshot(b)
        state = projections.snapshot(a)["records"]["org"]["a"]
        assert (state["center"], state["province"], state["active"]) == ("P84", "84", False)
    assert value(engine) == 0 and value(engine, as_of="2026-01-05") == 1
