"""The catch-up subscriber feeding the reporting projection from a real orgs log, on both
backends: whatever the broker does to the batches, the projection ends equal to a replay."""
from __future__ import annotations

import json

import copy
import random
from contextlib import contextmanager

import pytest

from services.chassis.database import make_engine
from services.chassis.relay import Relay, batch_message
from services.chassis.store import EventStore
from services.chassis.subscriber import CatchUpSubscriber, ChainBroken
from services.orgs import handlers, readmodel
from services.orgs.search import SEARCH
from services.reporting import audit, projections, queries
from tests import keys
from tests.support import pg_database

ADMIN = keys.ADMIN  # the records lie in several centers
CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}
SURAT_THANI = {"province": "84", "district": "8401", "subdistrict": "840101"}
DIN_DAENG = {"province": "10", "district": "1026", "subdistrict": "102601"}  # centre BKK1


@contextmanager
def database(backend: str, tmp_path, name: str):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / name}.sqlite"
    else:
        with pg_database(f"sp_{name}") as url:
            yield url


@contextmanager
def engine_at(url: str):
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def source(database_url) -> EventStore:
    with engine_at(database_url) as engine:
        store = EventStore(engine, "orgs")
        store.create_schema()
        readmodel.create_schema(engine)
        yield store


def subscriber_at(engine, page: int) -> CatchUpSubscriber:
    subscriber = CatchUpSubscriber(engine, projections.apply, page=page, clear=projections.clear)
    subscriber.create_schema()
    projections.create_schema(engine)
    return subscriber


@pytest.fixture
def reporting(backend, tmp_path) -> CatchUpSubscriber:
    with database(backend, tmp_path, "reporting") as url, engine_at(url) as engine:
        yield subscriber_at(engine, page=13)


@pytest.fixture
def replica(backend, tmp_path) -> CatchUpSubscriber:
    """Catches up in pages big enough for COPY on PostgreSQL."""
    with database(backend, tmp_path, "replica") as url, engine_at(url) as engine:
        yield subscriber_at(engine, page=1000)


class Feed:
    """The source as the subscriber reaches it over RPC, counting the gap fills."""

    def __init__(self, store: EventStore):
        self.store = store
        self.calls: list[tuple[int, int]] = []

    def __call__(self, source: str, after: int, limit: int) -> list[dict]:
        assert source == "orgs"
        self.calls.append((after, limit))
        return self.store.events_since(after, limit)


# -- the source's side ----------------------------------------------------------------------


def org(n: int, location: dict) -> dict:
    return {"name": f"กลุ่มออมทรัพย์ที่ {n}", "type": "savings_group", **location, "members": n}


def register_many(store: EventStore, chiang_mai: int, surat_thani: int) -> list[str]:
    payloads = [org(n, CHIANG_MAI) for n in range(chiang_mai)]
    payloads += [org(n, SURAT_THANI) for n in range(surat_thani)]
    return handlers.register_batch(store, keys.actor(ADMIN, "import-1"), payloads)["ids"]


def active(store: EventStore, **filters) -> int:
    return SEARCH.query(store.engine, {"status": "active", **filters}, 1, 1)["total"]


def published(store: EventStore, batch_size: int) -> list[dict]:
    batches: list[dict] = []
    Relay(store, lambda body: batches.append(json.loads(body)), batch_size=batch_size).pump()
    return batches


# -- the broker's misbehaviour -------------------------------------------------------------


def chaotic(batches: list[dict], store: EventStore, seed: int) -> list[dict]:
    """Every batch twice, one dropped altogether, extra batches overlapping their neighbours,
    all in a shuffled order (the last batch always arrives, so no timer is needed)."""
    rng = random.Random(seed)
    dropped = batches[len(batches) // 2]
    kept = [b for b in batches if b is not dropped]
    overlapping = [
        batch_message("orgs", store.events_since(b["first"] + 2, len(b["events"]) + 4))
        for b in kept[::3]
    ]
    deliveries = [*kept, *kept, *overlapping]
    rng.shuffle(deliveries)
    return deliveries


def deliver(subscriber: CatchUpSubscriber, deliveries: list[dict], feed: Feed) -> int:
    return sum(subscriber.on_batch(copy.deepcopy(batch), feed) for batch in deliveries)


# -- the reporting side -------------------------------------------------------------------


def community_orgs(subscriber: CatchUpSubscriber, scope: str = "nation", code: str | None = None) -> int:
    (place,) = queries.indicator_values(subscriber.engine, scope, code)["places"]
    return next(i["value"] for i in place["indicators"] if i["key"] == "community_orgs")


def counts(subscriber: CatchUpSubscriber) -> dict[str, int]:
    places = [("nation", None), ("center", "P50"), ("center", "P84"), ("center", "BKK1"),
              ("province", "50"), ("province", "10"), ("region", "north"), ("region", "bangkok"),
              ("region", "south")]
    return {f"{scope}:{code or 'TH'}": community_orgs(subscriber, scope, code) for scope, code in places}


def snapshot(subscriber: CatchUpSubscriber) -> dict:
    with subscriber.engine.connect() as conn:
        return projections.snapshot(conn)


# -- tests --------------------------------------------------------------------------------


def test_chaotic_delivery_ends_equal_to_a_fresh_replay(source, reporting, replica):
    feed = Feed(source)

    # Phase 1: an import of 70 (COPY on PostgreSQL) and a few single registrations.
    ids = register_many(source, chiang_mai=62, surat_thani=8)
    singles = [handlers.register(source, keys.actor(ADMIN, f"reg-{n}"), org(100 + n, CHIANG_MAI))["id"] for n in range(5)]
    first = published(source, batch_size=9)
    applied = deliver(reporting, chaotic(first, source, seed=1), feed)
    assert applied == source.head()["seq"] == 75  # each event applied exactly once
    assert feed.calls, "the dropped batch must have been fetched from the source"
    assert reporting.position("orgs") == 75
    before = counts(reporting)
    assert before == {"nation:TH": 75, "center:P50": 67, "center:P84": 8, "center:BKK1": 0,
                      "province:50": 67, "province:10": 0, "region:north": 67, "region:bangkok": 0,
                      "region:south": 8}

    # Phase 2: archives, edits that do not move anything, and a relocation to Bangkok.
    for org_id in ids[:3] + ids[-1:]:
        handlers.archive(source, keys.actor(ADMIN, f"archive-{org_id}"), org_id, 1, "ยุบกลุ่ม")
    handlers.amend(source, keys.actor(ADMIN, "amend-1"), singles[0], {"name": "ชื่อใหม่", "members": 7}, 1)
    handlers.amend(source, keys.actor(ADMIN, "amend-2"), singles[1], DIN_DAENG, 1)
    handlers.amend(source, keys.actor(ADMIN, "amend-3"), singles[1], {"members": 9}, 2)
    second = published(source, batch_size=2)
    feed.calls.clear()
    applied = deliver(reporting, chaotic(second, source, seed=2), feed)
    head = source.head()
    assert applied == head["seq"] - 75 == 7
    assert reporting.position("orgs") == head["seq"]

    after = counts(reporting)
    assert after["nation:TH"] == active(source) == 71
    assert after["center:P50"] == active(source, center="P50") == before["center:P50"] - 4
    assert after["center:P84"] == active(source, center="P84") == before["center:P84"] - 1
    assert after["center:BKK1"] == active(source, center="BKK1") == 1
    assert (after["province:10"], after["region:bangkok"]) == (1, 1)
    assert after["region:north"] == before["region:north"] - 4

    # Equal to a fresh replay: audit.compare (in memory) and a second database of this backend.
    comparison = audit.compare(reporting, ["orgs"], Feed(source))
    assert (comparison["equal"], comparison["positions"]) == (True, {"orgs": head["seq"]}), comparison
    assert replica.catch_up("orgs", Feed(source)) == head["seq"]
    assert snapshot(replica) == snapshot(reporting)
    state = snapshot(reporting)["records"]["org"][singles[1]]
    assert (state["center"], state["province"], state["active"]) == ("BKK1", "10", True)

    # And replaying the live projection in place gives the same again.
    live = snapshot(reporting)
    assert reporting.replay(["orgs"], Feed(source)) == {"applied": {"orgs": head["seq"]}, "events": head["seq"]}
    assert snapshot(reporting) == live


def test_late_duplicates_and_an_empty_feed_change_nothing(source, reporting):
    register_many(source, chiang_mai=10, surat_thani=2)
    batches = published(source, batch_size=5)
    feed = Feed(source)
    assert deliver(reporting, batches, feed) == 12 and feed.calls == []
    state = snapshot(reporting)
    assert deliver(reporting, batches[::-1] * 2, feed) == 0
    assert reporting.catch_up("orgs", feed) == 0
    assert (snapshot(reporting), reporting.position("orgs")) == (state, 12)


@pytest.mark.parametrize("broken_at", [0, 2])
def test_a_batch_that_does_not_link_raises_and_changes_nothing(source, reporting, broken_at):
    register_many(source, chiang_mai=6, surat_thani=0)
    deliver(reporting, published(source, batch_size=6), Feed(source))
    handlers.register_batch(source, keys.actor(ADMIN, "batch-2"), [org(50 + n, SURAT_THANI) for n in range(5)])
    state, position = snapshot(reporting), reporting.position("orgs")

    events = source.events_since(position, 5)
    events[broken_at]["prev"] = "f" * 64
    feed = Feed(source)
    with pytest.raises(ChainBroken):
        reporting.on_batch(batch_message("orgs", events), feed)
    assert (snapshot(reporting), reporting.position("orgs")) == (state, position)
    assert feed.calls == []  # the batch was next in line: no gap to fill

    assert reporting.on_batch(batch_message("orgs", source.events_since(position, 5)), feed) == 5
    assert community_orgs(reporting, "center", "P84") == 5


def test_a_batch_from_another_log_does_not_link(source, reporting, backend, tmp_path):
    """Same seqs, other chain: e.g. a source database restored from the wrong backup."""
    register_many(source, chiang_mai=3, surat_thani=0)
    deliver(reporting, published(source, batch_size=3), Feed(source))
    with engine_at(f"sqlite:///{tmp_path / 'impostor'}.sqlite") as engine:
        impostor = EventStore(engine, "orgs")
        impostor.create_schema()
        readmodel.create_schema(engine)
        register_many(impostor, chiang_mai=5, surat_thani=0)
        foreign = impostor.events_since(3, 2)
    state = snapshot(reporting)
    with pytest.raises(ChainBroken):
        reporting.on_batch(batch_message("orgs", foreign), Feed(source))
    assert (snapshot(reporting), reporting.position("orgs")) == (state, 3)


def test_the_periodic_check_fetches_only_what_was_already_there_a_look_ago(source, reporting):
    assert not reporting.stalled("orgs", 0)
    register_many(source, chiang_mai=6, surat_thani=0)
    assert not reporting.stalled("orgs", 6)  # all six appended since the last look: the broker's to bring
    batches = published(source, batch_size=3)
    assert reporting.stalled("orgs", 6)  # they were there a look ago and have not arrived
    deliver(reporting, batches[:1], Feed(source))
    assert not reporting.stalled("orgs", 6)  # batches are arriving
    assert reporting.stalled("orgs", 6)  # ...and then stopped, with 4-6 known a look ago
    deliver(reporting, batches[1:], Feed(source))
    assert not reporting.stalled("orgs", 6) and not reporting.stalled("orgs", 6)  # caught up


def test_a_replay_in_steps_applies_each_event_once_whatever_arrives_between_the_steps(source, reporting):
    """`sanphalang replay` drives the replay in steps (reset, then advance N events at a time)
    while the live batches keep arriving: each event is still applied exactly once."""
    register_many(source, chiang_mai=40, surat_thani=10)
    batches = published(source, batch_size=7)
    feed = Feed(source)
    deliver(reporting, batches, feed)
    live, head = snapshot(reporting), source.head()["seq"]

    reporting.reset()
    assert reporting.position("orgs") == 0 and community_orgs(reporting) == 0
    assert reporting.advance({"orgs": head}, feed, 13) == {"orgs": 13}
    assert reporting.position("orgs") == 13
    # batches delivered meanwhile: one already replayed changes nothing, a later one fills its own gap
    assert deliver(reporting, batches[:1], feed) == 0
    assert deliver(reporting, batches[3:4], feed) == batches[3]["last"] - 13
    steps = []
    while reporting.position("orgs") < head:
        steps.append(reporting.advance({"orgs": head}, feed, 10)["orgs"])
    assert all(0 < n <= 10 for n in steps) and batches[3]["last"] + sum(steps) == head == 50
    assert snapshot(reporting) == live and community_orgs(reporting) == 50
    assert reporting.advance({"orgs": head}, feed, 10) == {"orgs": 0}


def test_sources_replayed_at_once_give_what_one_after_the_other_gives(source, reporting, replica, tmp_path):
    """On PostgreSQL a replay applies its sources at once (each in its own transaction): the
    projection is the same as when each source is applied in turn (SQLite's way)."""
    from services.chassis.envelope import Pending
    from services.contracts.people import events as people_events

    register_many(source, chiang_mai=30, surat_thani=12)
    with engine_at(f"sqlite:///{tmp_path / 'people'}.sqlite") as engine:
        people = EventStore(engine, "people")
        people.create_schema()
        for n in range(25):
            place = CHIANG_MAI if n % 3 else SURAT_THANI
            center = f"P{place['province']}"
            role = {"role": "leader" if n % 4 else "volunteer", "center": center, "province": place["province"]}
            people.append([Pending(stream=people_events.stream_of(f"p{n}"), version=1, type=people_events.REGISTERED,
                                   data={"center": center, "province": place["province"], "roles": [role],
                                         "skills": ["health"] if n % 2 else []})], keys.actor(ADMIN).record())
        stores = {"orgs": source, "people": people}

        def fetch(name: str, after: int, limit: int) -> list[dict]:
            return stores[name].events_since(after, limit)

        assert reporting.replay(["orgs", "people"], fetch) == {"applied": {"orgs": 42, "people": 25}, "events": 67}
        for name in ("orgs", "people"):
            replica.catch_up(name, fetch)
        assert snapshot(reporting) == snapshot(replica)
        assert reporting.advance({"orgs": 42, "people": 25}, fetch, 10) == {"orgs": 0, "people": 0}
        reporting.reset()
        assert reporting.advance({"orgs": 42, "people": 25}, fetch, 10) == {"orgs": 10, "people": 10}
        while reporting.position("orgs") < 42 or reporting.position("people") < 25:
            reporting.advance({"orgs": 42, "people": 25}, fetch, 10)
        assert snapshot(reporting) == snapshot(replica)
