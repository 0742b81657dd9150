"""Indicators 1, 4, 5 and 6 from the people register's events, on SQLite and PostgreSQL:
one count per role at the role's center, as of any day, through role changes, restriction,
merge and undo, and erasure (which leaves the count from its day; the days before keep theirs)."""
from __future__ import annotations

import itertools


from services.reporting import projections, queries

SEQ = itertools.count(1)
DAY = "2026-0{}-01T03:00:00.000000Z".format


def event(person: str, type_: str, month: int, version: int, **data) -> dict:
    return {"source": "people", "seq": next(SEQ), "stream": f"person-{person}", "version": version,
            "type": type_, "at": DAY(month), "data": data}


def role(name: str, province: str = "50", center: str = "P50") -> dict:
    return {"role": name, "province": province, "district": None, "subdistrict": None, "center": center,
            "started_on": "2026-01-01"}


def registered(person: str, *roles: dict, month: int = 1) -> dict:
    return event(person, "PersonRegistered", month, 1, given_name="pd1.x", province="50", center="P50",
                 legal_basis="consent", consent=None, roles=list(roles))


def project(engine, *events) -> None:
    with engine.begin() as conn:
        projections.apply(conn, "people", list(events))


def value(engine, key: str, scope: str = "nation", code: str | None = None, as_of: str | None = None) -> int:
    places = {p["code"]: p for p in queries.indicator_values(engine, scope, code, as_of)["places"]}
    return next(i["value"] for i in places[code or "TH"]["indicators"] if i["key"] == key)


def test_each_role_counts_at_its_own_center_and_ends_with_the_role(engine):
    project(engine, registered("a", role("volunteer"), role("facilitator")),
            registered("b", role("leader", "11", "P11")))
    project(engine, event("a", "RoleEnded", 2, 2, role="facilitator", ended_on="2026-02-01"),
            event("b", "RoleStarted", 3, 2, **role("online_worker", "50", "P50")))
    assert (value(engine, "volunteers"), value(engine, "facilitators"), value(engine, "community_leaders"),
            value(engine, "online_workers")) == (1, 0, 1, 1)
    assert value(engine, "facilitators", as_of="2026-01-15") == 1
    assert value(engine, "community_leaders", "center", "P11") == 1
    assert value(engine, "online_workers", "center", "P50") == 1


def test_restriction_merge_and_erasure_take_a_person_out_from_their_day(engine):
    project(engine, registered("c", role("volunteer")), registered("d", role("volunteer")),
            registered("e", role("volunteer")))
    project(engine, event("c", "ProcessingRestricted", 2, 2, ground="objection", request=None),
            event("d", "PersonMerged", 2, 2, into="e", previous_status="active"))
    assert value(engine, "volunteers", as_of="2026-01-31") == 3 and value(engine, "volunteers") == 1
    project(engine, event("c", "RestrictionLifted", 3, 3, request=None),
            event("d", "PersonUnmerged", 3, 3, **{"from": "e", "status": "active"}))
    assert value(engine, "volunteers") == 3
    project(engine, event("e", "PersonErased", 4, 2, request=None, on="2026-04-01"),
            event("c", "ProcessingRestricted", 5, 4, ground="consent_withdrawn", request=None),
            event("c", "PersonErased", 6, 5, request=None, on="2026-06-01"))
    assert value(engine, "volunteers", as_of="2026-03-31") == 3
    assert value(engine, "volunteers", as_of="2026-04-30") == 2 and value(engine, "volunteers") == 1
    with engine.connect() as conn:
        erased = projections.snapshot(conn)["records"]["person"]["e"]
    assert erased["status"] == "erased" and erased["roles"] == {} and erased["skills"] == []


def test_a_role_of_a_person_not_counted_waits_until_they_count_again(engine):
    project(engine, registered("f"), event("f", "ProcessingRestricted", 1, 2, ground="restriction", request=None),
            event("f", "RoleStarted", 2, 3, **role("leader")))
    assert value(engine, "community_leaders") == 0
    project(engine, event("f", "RestrictionLifted", 3, 4, request=None))
    assert value(engine, "community_leaders") == 1
    project(engine, event("f", "RoleEnded", 4, 5, role="leader", ended_on="2026-04-01"))
    assert value(engine, "community_leaders") == 0 and value(engine, "community_leaders", as_of="2026-03-02") == 1
