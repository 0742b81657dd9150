"""The event decoder fuzzed (issue 16, hostile input): relayed batches of a real orgs log,
corrupted every way a broker, a bad disk or a hostile publisher could (bits flipped, bodies cut
short, keys gone or added, values of another type, seqs out of line, a hash or a link that does
not follow) and handed to the catch-up subscriber as reporting's consumer does. Each one either
fails to decode (orjson's ValueError, before the subscriber sees it) or is refused whole with a
BadEnvelope naming what is wrong; nothing of it is projected, the checkpoint does not move, and
the consumer goes on: the real batch applies afterwards and the projection equals a replay.

hypothesis, derandomized (the same cases every run), on SQLite."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from services.chassis import wire
from services.chassis.database import make_engine
from services.chassis.envelope import BadEnvelope, EnvelopeSchema, checked_batch
from services.chassis.relay import batch_body, batch_message
from services.chassis.store import EventStore
from services.chassis.subscriber import CatchUpSubscriber
from services.orgs import handlers, readmodel
from services.reporting import audit, projections
from tests import keys
from tests.hostile import Counted, tried

APPLIED, NEXT = 20, 10  # events projected before the fuzzing, and the batch fuzzed after them
CASES = settings(max_examples=300, derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))
COUNTS = {name: Counted() for name in ("fields", "batches", "bytes")}
KEYS = ("id", "source", "seq", "stream", "version", "type", "schema", "at", "actor", "data", "prev", "hash")


class Log:
    """An orgs log of APPLIED + NEXT events and a subscriber that has projected the first APPLIED."""

    def __init__(self, tmp):
        self.store = EventStore(make_engine(f"sqlite:///{tmp / 'orgs.sqlite'}"), "orgs")
        self.store.create_schema()
        readmodel.create_schema(self.store.engine)
        rows = [{"name": f"กลุ่มออมทรัพย์ที่ {n}", "type": "savings_group", "province": "50", "district": "5001",
                 "subdistrict": "500101", "members": n} for n in range(APPLIED + NEXT)]
        handlers.register_batch(self.store, keys.actor(keys.ADMIN, "hostile-1"), rows)
        self.subscriber = CatchUpSubscriber(make_engine(f"sqlite:///{tmp / 'reporting.sqlite'}"), projections.apply,
                                            clear=projections.clear)
        self.subscriber.create_schema()
        projections.create_schema(self.subscriber.engine)
        assert self.subscriber.on_batch(batch_message("orgs", self.store.events_since(0, APPLIED)), self.fetch) == APPLIED
        self.events = self.store.events_since(APPLIED, NEXT)
        self.body = batch_body("orgs", self.store.texts_since(APPLIED, NEXT))
        self.fetched = 0

    def fetch(self, source: str, after: int, limit: int) -> list[dict]:
        self.fetched += 1
        return self.store.events_since(after, limit)

    def state(self):
        with self.subscriber.engine.connect() as conn:
            return self.subscriber.position("orgs"), projections.snapshot(conn)

    def batch(self) -> dict:
        return batch_message("orgs", copy.deepcopy(self.events))

    def refuses(self, batch) -> BadEnvelope:
        """The subscriber refuses `batch` and nothing changes."""
        before = self.state()
        with pytest.raises(BadEnvelope) as refusal:
            self.subscriber.on_batch(batch, self.fetch, "orgs")
        assert self.state() == before and self.fetched == 0
        assert refusal.value.code and str(refusal.value).startswith(refusal.value.code)
        return refusal.value


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    log = Log(tmp_path_factory.mktemp("hostile-envelopes"))
    yield log
    log.store.engine.dispose()
    log.subscriber.engine.dispose()


def canonical(value) -> str:
    """Equal for equal JSON only (1, 1.0 and True apart); numbers past 64 bits too."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# JSON values of every kind, Thai and control text, numbers past 64 bits among them
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70)
    | st.floats(allow_nan=False) | st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
    | st.sampled_from(["", "orgs", "people", "0" * 64, "กลุ่ม\u200b", "\x00", 1, 0, -1]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def corrupted_events(draw, events: list[dict]) -> list[dict]:
    """The batch's events with one of them changed: a key gone or added, a value replaced, a
    character of a text changed, a nested actor or data value changed."""
    events = copy.deepcopy(events)
    event = events[draw(st.integers(0, len(events) - 1))]
    how = draw(st.sampled_from(["drop", "add", "replace", "flip", "actor", "data"]))
    name = draw(st.sampled_from(KEYS))
    if how == "drop":
        del event[name]
    elif how == "add":
        event[draw(st.text(min_size=1, max_size=8).filter(lambda k: k not in KEYS))] = draw(json_values)
    elif how == "replace":
        event[name] = draw(json_values)
    elif how == "flip" and isinstance(event[name], str) and event[name]:
        at = draw(st.integers(0, len(event[name]) - 1))
        event[name] = event[name][:at] + draw(st.characters(codec="utf-8")) + event[name][at + 1:]
    elif how in ("actor", "data"):
        inner = event[how]
        key = draw(st.sampled_from(sorted(inner)) | st.text(max_size=6))
        if draw(st.booleans()) and key in inner:
            del inner[key]
        else:
            inner[key] = draw(json_values)
    return events


@given(data=st.data())
@CASES
def test_an_event_changed_anywhere_is_refused_and_nothing_is_projected(log, data):
    events = data.draw(corrupted_events(log.events))
    assume(canonical(events) != canonical(log.events))
    COUNTS["fields"].count()
    log.refuses(batch_message("orgs", events) if events and "seq" in events[0] and "seq" in events[-1]
                and type(events[0]["seq"]) is int and type(events[-1]["seq"]) is int
                else {"source": "orgs", "first": APPLIED + 1, "last": APPLIED + NEXT, "events": events})


@given(data=st.data())
@CASES
def test_a_batch_out_of_line_or_not_a_batch_is_refused(log, data):
    batch = log.batch()
    how = data.draw(st.sampled_from(["drop_key", "add_key", "replace", "events", "not_a_batch"]))
    if how == "drop_key":
        del batch[data.draw(st.sampled_from(sorted(batch)))]
    elif how == "add_key":
        batch[data.draw(st.text(max_size=6).filter(lambda k: k not in batch))] = data.draw(json_values)
    elif how == "replace":
        batch[data.draw(st.sampled_from(sorted(batch)))] = data.draw(json_values | st.integers(-3, 40))
    elif how == "events":  # dropped, repeated or reordered: the seqs no longer run first..last
        events = batch["events"]
        batch["events"] = data.draw(st.lists(st.sampled_from(events), max_size=len(events) + 2))
    else:
        batch = data.draw(json_values)
    assume(canonical(batch) != canonical(log.batch()))
    COUNTS["batches"].count()
    log.refuses(batch)


@given(data=st.data())
@CASES
def test_a_body_with_bits_flipped_or_cut_short_never_reaches_the_projection(log, data):
    """The relay's bytes as the consumer decodes them (the wire format), damaged."""
    body = bytearray(log.body)
    how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    if how == "flip":
        for at in data.draw(st.lists(st.integers(0, len(body) - 1), min_size=1, max_size=8)):
            body[at] ^= 1 << data.draw(st.integers(0, 7))
    elif how == "cut":
        body = body[:data.draw(st.integers(0, len(body) - 1))]
    else:
        at = data.draw(st.integers(0, len(body)))
        body[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    COUNTS["bytes"].count()
    try:
        batch = wire.loads(bytes(body))
    except ValueError:  # orjson.JSONDecodeError: the consumer's decoder refuses it
        return
    assume(canonical(batch) != canonical(log.batch()))
    log.refuses(batch)


def test_the_consumer_goes_on_the_real_batch_applies_and_equals_a_replay(log):
    assert log.subscriber.on_batch(wire.loads(log.body), log.fetch, "orgs") == NEXT
    assert log.subscriber.position("orgs") == APPLIED + NEXT
    assert audit.compare(log.subscriber, ["orgs"], log.fetch)["equal"]
    tried("event decoder", **{f"{name} cases": counted.cases for name, counted in COUNTS.items()})


def test_a_relayed_event_loads_in_the_envelope_schema_and_the_checks_agree(log):
    """checked_batch is the fast form of EnvelopeSchema: every event it passes loads there too."""
    source, first, last, events = checked_batch(wire.loads(log.body), "orgs")
    assert (source, first, last) == ("orgs", APPLIED + 1, APPLIED + NEXT)
    assert all(EnvelopeSchema().load(event) for event in events)
