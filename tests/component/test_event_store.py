"""The event store and the relay on real SQLite files and real PostgreSQL databases: gap-free
`seq`, optimistic concurrency, idempotency, atomic effects, the hash chain, the outbox relay."""
from __future__ import annotations

import json

import subprocess
import sys
import textwrap
import threading

import pytest
from sqlalchemy import select, text

from services.chassis import tables
from services.chassis.database import make_engine
from services.chassis.errors import Conflict
from services.chassis.relay import Relay
from services.chassis.store import EventStore, Pending
from tests.support import ROOT

ACTOR = {"user": "u-1", "role": "center_staff", "center": "P50", "request": "req-1"}
COPY_THRESHOLD = 64  # bulk_insert uses COPY on PostgreSQL from this many rows


@pytest.fixture
def store(database_url) -> EventStore:
    store = EventStore(make_engine(database_url), "orgs")
    store.create_schema()
    yield store
    store.engine.dispose()


def pending(stream: str, version: int = 1, **data) -> Pending:
    return Pending(stream=stream, version=version, type="OrgAmended" if version > 1 else "OrgRegistered",
                   data={"name": f"กลุ่ม {stream} v{version}", **data})


def fill(store: EventStore, count: int, per_append: int = 1) -> None:
    """`count` events on distinct new streams, `per_append` per command."""
    start = store.head()["seq"]
    for first in range(start, start + count, per_append):
        store.append([pending(f"s-{n}") for n in range(first, min(first + per_append, start + count))], ACTOR)


def all_events(store: EventStore) -> list[dict]:
    return store.events_since(0, 1_000_000)


def seqs(events) -> list[int]:
    return [e["seq"] for e in events]


def command_keys(store: EventStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(tables.commands.c.key)).scalars())


def assert_log_intact(store: EventStore, count: int) -> None:
    assert seqs(all_events(store)) == list(range(1, count + 1))
    report = store.verify(page=37)
    assert (report["ok"], report["events"], report["broken_seq"]) == (True, count, None)
    assert report["head"] == store.head()["hash"]


# -- appending ------------------------------------------------------------------------------


def test_seq_is_gap_free_across_appends(store):
    assert store.head() == {"source": "orgs", "seq": 0, "hash": "0" * 64}
    first = store.append([pending("a")], ACTOR)
    second = store.append([pending("b"), pending("a", 2), pending("c")], ACTOR)
    assert seqs(first.events) == [1] and seqs(second.events) == [2, 3, 4]
    assert second.result == {"last_seq": 4} and not second.replayed
    assert_log_intact(store, 4)
    assert store.stream_version("a") == 2 and store.stream_version("nothing") == 0
    assert [e["version"] for e in store.stream("a")] == [1, 2]


def test_stored_events_read_back_exactly_as_appended(store):
    data = {"name": "กลุ่มสตรี \"บ้านใหม่\"", "members": None, "nested": {"ข": [1, {"a": None}]}}
    (appended,) = store.append([Pending("org-x", 1, "OrgRegistered", data, schema=2)], ACTOR).events
    (read,) = all_events(store)
    assert read == appended
    assert (read["data"], read["actor"], read["schema"], read["source"]) == (data, ACTOR, 2, "orgs")


def test_stale_expected_version_is_a_conflict_naming_the_current_version(store):
    store.append([pending("a"), pending("b")], ACTOR)
    store.append([pending("a", 2)], ACTOR)
    head = store.head()
    with pytest.raises(Conflict) as error:
        store.append([pending("new"), pending("a", 2)], ACTOR, key="late-edit")  # someone else made v2
    assert (error.value.stream, error.value.current_version) == ("a", 2)
    assert store.head() == head
    assert store.stream_version("new") == 0
    assert command_keys(store) == []


def test_bulk_append_with_a_stale_version_is_a_conflict_too(store):
    """Same contract when the batch is large enough for COPY on PostgreSQL."""
    store.append([pending("a")], ACTOR)
    head = store.head()
    batch = [pending(f"n-{i}") for i in range(COPY_THRESHOLD + 6)] + [pending("a")]
    with pytest.raises(Conflict) as error:
        store.append(batch, ACTOR)
    assert (error.value.stream, error.value.current_version) == ("a", 1)
    assert store.head() == head


def test_idempotency_key_returns_the_first_result_and_appends_nothing(store):
    first = store.append([pending("a")], ACTOR, key="cmd-1", effects=lambda conn, stored: {"seq": stored[0]["seq"]})
    again = store.append([pending("b")], ACTOR, key="cmd-1")
    assert (first.result, first.replayed) == ({"seq": 1}, False)
    assert (again.result, again.events, again.replayed) == ({"seq": 1}, [], True)
    assert store.recorded("cmd-1") == {"seq": 1} and store.recorded("cmd-2") is None
    assert_log_intact(store, 1)
    assert store.stream_version("b") == 0


def test_failing_effects_leave_no_event_and_no_command_key(store):
    store.append([pending("a")], ACTOR)
    seen = []

    def effects(conn, stored):
        seen.extend(stored)
        conn.execute(tables.commands.insert(), {"key": "side-write", "result": "{}", "at": "x"})
        raise RuntimeError("read model broke")

    with pytest.raises(RuntimeError):
        store.append([pending("b"), pending("c")], ACTOR, key="cmd-1", effects=effects)
    assert seqs(seen) == [2, 3]  # effects ran on the events before failing
    assert_log_intact(store, 1)
    assert command_keys(store) == []
    again = store.append([pending("b")], ACTOR, key="cmd-1")  # the key is free to run for real
    assert (again.replayed, seqs(again.events)) == (False, [2])


def _side_rows(store: EventStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(tables.commands.c.key).where(tables.commands.c.key.like("side-%"))).scalars())


def _write_side_rows(conn, events):
    """A stand-in read model: one row per event, written before the log's lock."""
    for event in events:
        assert "seq" not in event and "hash" not in event  # not numbered yet
        conn.execute(tables.commands.insert(), {"key": f"side-{event['stream']}", "result": "{}", "at": event["at"]})


def test_prepare_writes_commit_with_the_events(store):
    appended = store.append([pending("a"), pending("b")], ACTOR, prepare=_write_side_rows)
    assert sorted(_side_rows(store)) == ["side-a", "side-b"]
    assert [e["stream"] for e in appended.events] == ["a", "b"]
    assert len({e["at"] for e in appended.events}) == 1  # one command, one time
    assert_log_intact(store, 2)


def test_a_conflict_rolls_back_what_prepare_wrote(store):
    store.append([pending("a")], ACTOR)
    with pytest.raises(Conflict):
        store.append([pending("new"), pending("a")], ACTOR, prepare=_write_side_rows)
    assert _side_rows(store) == []
    assert_log_intact(store, 1)


def test_a_repeated_key_rolls_back_what_prepare_wrote(store):
    store.append([pending("a")], ACTOR, key="cmd-1")
    again = store.append([pending("b")], ACTOR, key="cmd-1", prepare=_write_side_rows)
    assert again.replayed and again.events == []
    assert _side_rows(store) == []
    assert_log_intact(store, 1)


_CREATE_SCHEMA = textwrap.dedent("""
    import sys
    from services.chassis.database import make_engine, one_at_a_time
    from services.chassis.store import EventStore
    from services.orgs import readmodel
    engine = make_engine(sys.argv[1])
    with one_at_a_time(engine, "schema"):
        EventStore(engine, "orgs").create_schema()
        readmodel.create_schema(engine)
""")


def test_replicas_starting_together_create_the_schema_in_turn(database_url):
    """Without taking turns, concurrent CREATE TABLEs collide (PostgreSQL's pg_type index)."""
    starting = [subprocess.Popen([sys.executable, "-c", _CREATE_SCHEMA, database_url], cwd=ROOT,
                                 stderr=subprocess.PIPE) for _ in range(8)]
    failures = [p.stderr.read().decode()[-500:] for p in starting if p.wait(timeout=120) != 0]
    assert failures == []
    store = EventStore(make_engine(database_url), "orgs")
    assert store.head()["seq"] == 0 and store.relay_position() == 0  # one cursor row, not four
    store.engine.dispose()


def test_bulk_append_of_a_thousand_events_verifies(store):
    fill(store, 5)
    result = store.append([pending(f"bulk-{i}", members=i) for i in range(1000)], ACTOR)
    assert seqs(result.events) == list(range(6, 1006))
    assert_log_intact(store, 1005)
    events = all_events(store)
    assert [e["data"]["members"] for e in events[5:]] == list(range(1000))
    assert all(e["prev"] == before["hash"] for before, e in zip(events, events[1:]))


def test_verify_finds_a_tampered_event_and_names_its_seq(store):
    fill(store, 40, per_append=8)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE events SET data = :d WHERE seq = 23"), {"d": '{"name":"ปลอม"}'})
    report = store.verify(page=10)
    assert (report["ok"], report["broken_seq"]) == (False, 23)
    assert store.verify(page=1000)["broken_seq"] == 23


def test_verify_finds_a_deleted_event(store):
    fill(store, 12)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = 12"))
        conn.execute(text("DELETE FROM events WHERE seq = 5"))
    assert store.verify()["broken_seq"] == 6


def test_concurrent_appends_from_threads_stay_gap_free_and_chained(store):
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for version in range(1, 26):
                store.append([pending(name, version)], {**ACTOR, "user": name}, key=f"{name}-{version}")
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_log_intact(store, 100)
    for i in range(4):
        assert [e["version"] for e in store.stream(f"w{i}")] == list(range(1, 26))


WRITER = textwrap.dedent("""
    import sys
    from services.chassis.database import make_engine
    from services.chassis.store import EventStore, Pending
    url, name = sys.argv[1:]
    store = EventStore(make_engine(url), "orgs")
    for version in range(1, 26):
        store.append([Pending(name, version, "OrgAmended", {"n": version})],
                     {"user": name, "role": "r", "center": None, "request": f"{name}-{version}"})
""")


def test_concurrent_appends_from_processes_stay_gap_free_and_chained(store, database_url):
    """Real parallel writers, no eventlet: the lock on the source must serialize them."""
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, database_url, f"p{i}"], cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for i in range(4)]
    failures = [w.stderr.read() for w in writers if w.wait(timeout=120) != 0]
    assert failures == []
    assert_log_intact(store, 100)
    assert {e["stream"] for e in all_events(store)} == {"p0", "p1", "p2", "p3"}


# -- reading --------------------------------------------------------------------------------


def test_events_since_pages_through_the_log(store):
    fill(store, 30, per_append=4)
    pages, after = [], 0
    while page := store.events_since(after, 7):
        assert len(page) <= 7
        pages.append(page)
        after = page[-1]["seq"]
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert [e for page in pages for e in page] == all_events(store)
    assert seqs(store.events_since(12, 3)) == [13, 14, 15]
    assert store.events_since(30) == [] and store.events_since(99) == []


def test_stream_until_returns_the_history_up_to_a_moment(store):
    first = store.append([pending("a")], ACTOR).events[0]
    store.append([pending("a", 2)], ACTOR)
    assert [e["version"] for e in store.stream("a", until=first["at"])] == [1]
    assert store.stream("a", until="2000-01-01T00:00:00.000000Z") == []


# -- relay ----------------------------------------------------------------------------------


class Broker:
    """Records confirmed batches; can refuse the n-th publish (no confirm)."""

    def __init__(self, fail_on: set[int] = frozenset()):
        self.fail_on = fail_on
        self.calls = 0
        self.batches: list[dict] = []

    def __call__(self, body: bytes) -> None:
        self.calls += 1
        if self.calls in self.fail_on:
            raise ConnectionError("no confirm")
        self.batches.append(json.loads(body))

    def seqs(self) -> list[int]:
        return [e["seq"] for b in self.batches for e in b["events"]]


def assert_well_formed(batches: list[dict], batch_size: int) -> None:
    for batch in batches:
        assert batch["source"] == "orgs"
        assert 1 <= len(batch["events"]) <= batch_size
        assert seqs(batch["events"]) == list(range(batch["first"], batch["last"] + 1))


def test_relay_publishes_in_seq_order_in_bounded_batches(store):
    fill(store, 30, per_append=6)
    broker = Broker()
    assert Relay(store, broker, batch_size=7).pump() == 30
    assert_well_formed(broker.batches, 7)
    assert [len(b["events"]) for b in broker.batches] == [7, 7, 7, 7, 2]
    assert broker.seqs() == list(range(1, 31))
    assert [e for b in broker.batches for e in b["events"]] == all_events(store)
    assert store.relay_position() == 30
    assert Relay(store, broker, batch_size=7).pump() == 0 and broker.calls == 5
    fill(store, 3)
    assert Relay(store, broker, batch_size=7).pump() == 3
    assert broker.seqs() == list(range(1, 34))


def test_relay_advances_only_after_a_confirm_and_republishes_after_a_failure(store):
    fill(store, 20)
    failing = Broker(fail_on={2})
    with pytest.raises(ConnectionError):
        Relay(store, failing, batch_size=6).pump()
    assert failing.seqs() == list(range(1, 7))
    assert store.relay_position() == 6  # the first batch was confirmed, the second was not

    retry = Broker()
    assert Relay(store, retry, batch_size=6).pump() == 14
    assert retry.seqs() == list(range(7, 21))  # resumes at the unconfirmed batch, skips nothing
    assert_well_formed(retry.batches, 6)
    assert sorted(set(failing.seqs() + retry.seqs())) == list(range(1, 21))


def test_relay_fault_before_publishing_moves_nothing(store):
    fill(store, 5)
    broker = Broker()

    def crash():
        raise SystemError("crashed before publishing")

    with pytest.raises(SystemError):
        Relay(store, broker, batch_size=3).pump(fault=crash)
    assert (store.relay_position(), broker.calls) == (0, 0)
    assert Relay(store, broker, batch_size=3).pump() == 5 and broker.seqs() == [1, 2, 3, 4, 5]


def test_relay_cursor_never_moves_backwards(store):
    fill(store, 4)
    assert store.advance_relay(0, 4) is True
    assert store.advance_relay(0, 2) is False  # a slower relay's stale compare-and-set
    assert store.relay_position() == 4
