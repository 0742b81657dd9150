"""The envelope and its hash chain (DESIGN §2): canonical JSON, the pre-serialized fast path
that must give the same bytes, and finding the first event that breaks the chain."""
from __future__ import annotations

import copy
import json
import uuid

import pytest
from marshmallow import ValidationError

from services.chassis.envelope import (
    GENESIS,
    HASHED_FIELDS,
    EnvelopeSchema,
    canonical_json,
    chain_hash,
    first_break,
    hashed_text,
    link,
)

ACTOR = {"user": "u-1", "role": "center_staff", "center": "P50", "request": "req-1"}

# Varied payloads: Thai text, nesting, None, ints (0, negative, large), lists, empty, quotes,
# escapes and characters JSON treats specially.
PAYLOADS = [
    {"name": "กลุ่มออมทรัพย์บ้านหนองบัว", "province": "50", "members": 120, "founded_year": 2017},
    {"name": None, "village_no": 0, "members": -1, "big": 10**15},
    {"nested": {"ข": {"b": [1, 2, {"z": None, "a": "ก"}]}, "a": []}, "empty": {}},
    {},
    {"quote": 'say "สวัสดี"', "backslash": "C:\\ทาง", "newline": "a\nb", "tab": "\t", "bell": "\x07"},
    {"emoji": "🌾", "line_sep": "\u2028", "nbsp": "\u00a0", "sara_am": "\u0e33"},
    {"reason": None},
]
ACTORS = [ACTOR, {**ACTOR, "center": None}, {"user": "ผู้ใช้", "role": "admin", "center": "BKK1", "request": "r"}]


def make_event(seq: int, data: dict, actor: dict = ACTOR, prev: str = GENESIS, **overrides) -> dict:
    event = {
        "id": str(uuid.uuid4()), "source": "orgs", "seq": seq, "stream": f"org-{uuid.uuid4()}",
        "version": seq, "type": "OrgAmended", "schema": 1, "at": "2026-01-01T18:30:00.123456Z",
        "actor": actor, "data": data, **overrides,
    }
    event["prev"] = prev
    event["hash"] = chain_hash(prev, event)
    return event


def make_chain(payloads: list[dict]) -> list[dict]:
    events, prev = [], GENESIS
    for seq, data in enumerate(payloads, start=1):
        events.append(make_event(seq, data, prev=prev))
        prev = events[-1]["hash"]
    return events


def rehash_from(events: list[dict], start: int) -> None:
    """Recompute prev/hash from index `start` on, as a forger rewriting history would."""
    prev = events[start - 1]["hash"] if start else GENESIS
    for event in events[start:]:
        event["prev"] = prev
        event["hash"] = prev = chain_hash(prev, event)


# -- canonical JSON -------------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8():
    value = {"b": 1, "a": {"d": None, "c": "ชุมชน"}}
    assert canonical_json(value) == '{"a":{"c":"ชุมชน","d":null},"b":1}'.encode("utf-8")
    assert "ชุมชน".encode("utf-8") in canonical_json(value)  # not \\u escapes


def test_canonical_json_is_stable_under_key_order():
    forward = {"name": "ก", "members": 3, "nested": {"x": 1, "y": 2}}
    backward = {"nested": {"y": 2, "x": 1}, "members": 3, "name": "ก"}
    assert canonical_json(forward) == canonical_json(backward)
    assert canonical_json(json.loads(canonical_json(forward))) == canonical_json(forward)


# -- the fast path must equal the definition --------------------------------------------------


@pytest.mark.parametrize("data", PAYLOADS)
@pytest.mark.parametrize("actor", ACTORS)
def test_hashed_text_equals_canonical_json_of_hashed_fields(data, actor):
    event = make_event(12345, data, actor, version=7, schema=2, stream="org-ชื่อ")
    expected = canonical_json({name: event[name] for name in HASHED_FIELDS})
    text = hashed_text(event, canonical_json(actor), canonical_json(data))
    assert text == expected
    assert link(GENESIS, text) == chain_hash(GENESIS, event) == event["hash"]


def test_hash_covers_prev_and_every_hashed_field():
    event = make_event(1, PAYLOADS[0])
    assert chain_hash("1" * 64, event) != event["hash"]
    for name in HASHED_FIELDS:
        changed = {**event, name: event[name] + 1 if isinstance(event[name], int) else {"x": 1}}
        assert chain_hash(GENESIS, changed) != event["hash"], name


# -- first_break --------------------------------------------------------------------------


def test_first_break_accepts_an_intact_chain():
    events = make_chain(PAYLOADS)
    assert first_break(events) is None
    assert first_break(events[3:], prev=events[2]["hash"]) is None


def test_first_break_finds_a_changed_data_field():
    events = make_chain(PAYLOADS)
    events[2]["data"]["nested"]["ข"]["b"][2]["a"] = "ข"
    assert first_break(events)["seq"] == 3


def test_first_break_finds_a_changed_data_field_even_when_later_events_were_rehashed():
    events = make_chain(PAYLOADS)
    events[1]["data"]["members"] = 2
    rehash_from(events, 2)  # the forger fixes every later link, but not the changed event
    assert first_break(events)["seq"] == 2


def test_first_break_finds_a_reordered_event():
    events = make_chain(PAYLOADS)
    events[2], events[3] = events[3], events[2]
    assert first_break(events)["seq"] == 4  # now at position 3, it does not follow seq 2


def test_first_break_finds_a_wrong_prev():
    events = make_chain(PAYLOADS)
    events[4]["prev"] = "f" * 64
    assert first_break(events)["seq"] == 5
    assert first_break(events[1:])["seq"] == 2  # starting mid-log needs the true prev
    assert first_break(events[:4], prev="e" * 64)["seq"] == 1


def test_first_break_finds_a_removed_event():
    events = make_chain(PAYLOADS)
    del events[3]
    assert first_break(events)["seq"] == 5


# -- the envelope schema ------------------------------------------------------------------


def test_envelope_schema_loads_a_stored_event():
    stored = make_event(3, PAYLOADS[0])
    loaded = EnvelopeSchema().load(copy.deepcopy(stored))
    assert loaded["id"] == uuid.UUID(stored["id"])
    assert loaded["actor"] == {**ACTOR, "signed_by": None}  # an event from before signed actors
    signed = {**ACTOR, "signed_by": "gateway-0123456789ab"}
    assert EnvelopeSchema().load(make_event(3, PAYLOADS[0], signed))["actor"] == signed
    assert loaded["data"] == stored["data"]
    assert {k: loaded[k] for k in ("seq", "version", "schema", "prev", "hash")} == {
        k: stored[k] for k in ("seq", "version", "schema", "prev", "hash")
    }


def test_envelope_schema_defaults_a_missing_actor_center_to_none():
    actor = {k: v for k, v in ACTOR.items() if k != "center"}
    assert EnvelopeSchema().load(make_event(1, {}, actor))["actor"]["center"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"source": "payroll"}, {"seq": 0}, {"seq": "1"}, {"version": 0}, {"hash": "abc"},
        {"prev": None}, {"actor": {"user": "u"}}, {"data": ["not", "a", "dict"]},
    ],
)
def test_envelope_schema_rejects_a_malformed_event(change):
    with pytest.raises(ValidationError) as error:
        EnvelopeSchema().load({**make_event(1, {}), **change})
    assert set(error.value.messages) == set(change)


def test_the_relay_text_of_a_stored_row_is_the_canonical_json_of_its_envelope():
    from services.chassis.envelope import envelope_text

    event = {"id": "0b4c7a0e-1111-4a4a-9a9a-000000000001", "seq": 7, "stream": "org-x", "version": 2,
             "type": "OrgAmended", "schema": 1, "at": "2026-11-23T10:00:00.000001Z",
             "actor": {"user": "สมชาย", "role": "staff", "center": "P50", "request": "r-1"},
             "data": {"name": "กลุ่ม \"ทอผ้า\"", "members": None}, "prev": "0" * 64, "hash": "f" * 64}
    from services.chassis.envelope import STORED_COLUMNS

    stored = {**event, "actor": canonical_json(event["actor"]).decode(), "data": canonical_json(event["data"]).decode()}
    text_ = envelope_text(tuple(stored[name] for name in STORED_COLUMNS), "orgs")
    assert json.loads(text_) == {**event, "source": "orgs"}
    assert text_ == canonical_json({**event, "source": "orgs"})


def test_new_ids_are_distinct_time_ordered_version_7_uuids():
    import time

    from services.chassis.envelope import new_ids

    before_ms = time.time_ns() // 1_000_000
    ids = new_ids(10_000)
    assert len(set(ids)) == 10_000
    assert ids == sorted(ids), "ids of one batch grow"
    for text_ in ids[::500]:
        parsed = uuid.UUID(text_)
        assert str(parsed) == text_ and parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert 0 <= (parsed.int >> 80) - before_ms < 1_000  # the leading 48 bits are Unix milliseconds
    time.sleep(0.005)  # the batch ran 2 ms ahead of the clock (4,096 ids a millisecond)
    assert new_ids(1)[0] > ids[-1]
