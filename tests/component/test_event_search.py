"""The auditors' event search (`EventStore.search`) on real SQLite files and real PostgreSQL
databases: each filter alone and together, newest first, paging, the total, and actors whose
names look like LIKE wildcards or JSON."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from services.chassis import tables
from services.chassis.database import make_engine
from services.chassis.store import EventStore, Pending


def actor(user: str, center: str | None = "P50", role: str = "center_staff") -> dict:
    return {"user": user, "role": role, "center": center, "request": f"req-{user}"}


@pytest.fixture
def store(database_url) -> EventStore:
    store = EventStore(make_engine(database_url), "orgs")
    store.create_schema()
    yield store
    store.engine.dispose()


def registered(stream: str) -> Pending:
    return Pending(stream=stream, version=1, type="OrgRegistered", data={"name": f"กลุ่ม {stream}"})


def amended(stream: str, version: int) -> Pending:
    return Pending(stream=stream, version=version, type="OrgAmended", data={"name": f"กลุ่ม {stream} v{version}"})


def set_at(store: EventStore, seq: int, at: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(tables.events).where(tables.events.c.seq == seq).values(at=at))


def seqs(result: dict) -> list[int]:
    return [e["seq"] for e in result["items"]]


@pytest.fixture
def log(store) -> EventStore:
    """seq 1-3 by somchai (P50), 4 by auditor-ish admin without center, 5-6 by "a_b" (P10),
    7 by "ab%" whose name holds a quote; days spread over March 2025."""
    store.append([registered("org-a"), registered("org-b")], actor("somchai"))
    store.append([amended("org-a", 2)], actor("somchai"))
    store.append([registered("org-c")], actor("admin1", center=None, role="admin"))
    store.append([registered("org-d"), amended("org-d", 2)], actor("a_b", center="P10"))
    store.append([amended("org-b", 2)], actor('ab%"x', center="P10"))
    for seq in range(1, 8):
        set_at(store, seq, f"2025-03-{seq:02d}T03:00:00.000000Z")
    return store


def test_without_filters_every_event_newest_first_with_the_total(log):
    result = log.search({}, 1, 50)
    assert seqs(result) == [7, 6, 5, 4, 3, 2, 1]
    assert (result["total"], result["page"], result["per_page"]) == (7, 1, 50)
    assert "total_capped" not in result
    first = result["items"][-1]
    assert first["actor"] == actor("somchai") and first["data"] == {"name": "กลุ่ม org-a"}


def test_by_user_is_exact_not_a_prefix_nor_a_wildcard(log):
    assert seqs(log.search({"user": "somchai"})) == [3, 2, 1]
    assert seqs(log.search({"user": "somcha"})) == []
    assert seqs(log.search({"user": "a_b"})) == [6, 5]  # "_" is not "any character"
    assert seqs(log.search({"user": "axb"})) == []
    assert seqs(log.search({"user": 'ab%"x'})) == [7]  # a quote and a percent sign, literally
    assert seqs(log.search({"user": "ab%"})) == []


def test_by_center_of_the_actor(log):
    assert seqs(log.search({"center": "P10"})) == [7, 6, 5]
    assert seqs(log.search({"center": "P5"})) == []
    assert seqs(log.search({"center": "P50"})) == [3, 2, 1]


def test_by_type_stream_and_dates_together(log):
    assert seqs(log.search({"type": "OrgAmended"})) == [7, 6, 3]
    assert seqs(log.search({"stream": "org-d"})) == [6, 5]
    assert seqs(log.search({"from": "2025-03-03", "to": "2025-03-05T23:59:59.999999Z"})) == [5, 4, 3]
    assert seqs(log.search({"to": "2025-03-02T03:00:00.000000Z"})) == [2, 1]  # inclusive
    both = {"user": "somchai", "type": "OrgAmended", "from": "2025-03-01"}
    assert seqs(log.search(both)) == [3]
    assert log.search({"user": "somchai", "center": "P10"})["total"] == 0


def test_pages_through_the_matches(log):
    pages = [log.search({}, page, 3) for page in (1, 2, 3, 4)]
    assert [seqs(p) for p in pages] == [[7, 6, 5], [4, 3, 2], [1], []]
    assert {p["total"] for p in pages} == {7}
    assert log.search({}, 0, -3)["per_page"] == 1  # clamped, not an error
    assert log.search({}, 1, 10_000)["per_page"] == 200


def test_the_total_is_capped_past_ten_thousand(store, monkeypatch):
    import services.chassis.store as store_module

    monkeypatch.setattr(store_module, "SEARCH_COUNT_CAP", 4)
    store.append([registered(f"org-{n}") for n in range(6)], actor("somchai"))
    result = store.search({"user": "somchai"}, 1, 2)
    assert (result["total"], result["total_capped"], seqs(result)) == (5, True, [6, 5])
