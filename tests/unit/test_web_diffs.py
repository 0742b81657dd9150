"""The history folding behind the history page: diffs per event, the record as of a time."""
from gateway.web import diffs
from services.contracts.orgs import events as ev

STREAM, DUP = "org-a", "org-b"
REGISTERED = {"name": "กลุ่มออมทรัพย์", "type": "savings_group", "province": "50", "district": "5001",
              "subdistrict": "500101", "members": 25, "areas": ["economy"], "center": "P50"}


def event(kind, data, version, at, stream=STREAM):
    return {"stream": stream, "type": kind, "data": data, "version": version, "at": at,
            "actor": {"user": "somchai", "role": "center_staff", "center": "P50"}}


HISTORY = [
    event(ev.REGISTERED, REGISTERED, 1, "2025-03-01T02:00:00.000000Z"),
    event(ev.AMENDED, {"members": 30, "name": "กลุ่มออมทรัพย์บ้านใหม่"}, 2, "2025-03-05T02:00:00.000000Z"),
    event(ev.REGISTERED, {**REGISTERED, "name": "ซ้ำ"}, 1, "2025-03-06T02:00:00.000000Z", stream=DUP),
    event(ev.STRENGTH_ASSESSED, {"level": "strong", "criteria": ["own_fund"], "assessed_on": "2025-03-07",
                                 "assessor": "somchai"}, 3, "2025-03-07T02:00:00.000000Z"),
    event(ev.ARCHIVED, {"reason": "closed"}, 4, "2025-03-09T02:00:00.000000Z"),
]


def test_registration_shows_every_given_field_as_new():
    first = diffs.fold(HISTORY)[0]
    assert {c.field: (c.before, c.after) for c in first.changes}["name"] == (None, "กลุ่มออมทรัพย์")
    assert "status" in {c.field for c in first.changes}


def test_an_amendment_shows_only_what_changed_before_and_after():
    second = diffs.fold(HISTORY)[1]
    assert {c.field: (c.before, c.after) for c in second.changes} == {
        "name": ("กลุ่มออมทรัพย์", "กลุ่มออมทรัพย์บ้านใหม่"), "members": (25, 30)}


def test_each_stream_is_folded_on_its_own():
    steps = diffs.fold(HISTORY)
    duplicate = steps[2]
    assert duplicate.event["stream"] == DUP
    assert {c.field: c.before for c in duplicate.changes}["name"] is None
    assert steps[3].after["name"] == "กลุ่มออมทรัพย์บ้านใหม่"  # the record's own state, untouched by the duplicate


def test_strength_verification_and_status_are_flat_fields():
    steps = diffs.fold(HISTORY)
    assert {c.field: c.after for c in steps[3].changes} == {
        "strength_level": "strong", "strength_criteria": ["own_fund"], "strength_assessed_on": "2025-03-07",
        "strength_assessor": "somchai"}
    assert [(c.field, c.before, c.after) for c in steps[4].changes] == [("status", "active", "archived")]


def test_lists_in_another_order_are_no_change():
    same = event(ev.AMENDED, {"areas": ["economy"]}, 2, "2025-03-02T00:00:00Z")
    assert diffs.fold([HISTORY[0], same])[1].changes == []
    assert diffs.changes({"areas": ["a", "b"]}, {"areas": ["b", "a"]}) == []
    assert diffs.changes({"address": None}, {"address": ""}) == []


def test_as_of_a_time_folds_the_events_up_to_it():
    assert diffs.as_of(HISTORY, STREAM, "2025-02-28T23:59:59.999999Z") is None
    first = diffs.as_of(HISTORY, STREAM, "2025-03-04T23:59:59.999999Z")
    assert first["name"] == "กลุ่มออมทรัพย์" and first["version"] == 1
    later = diffs.as_of(HISTORY, STREAM, "2025-03-08T00:00:00.000000Z")
    assert (later["name"], later["members"], later["strength_level"], later["version"]) == (
        "กลุ่มออมทรัพย์บ้านใหม่", 30, "strong", 3)
    assert diffs.as_of(HISTORY, STREAM, "2099-01-01T00:00:00Z")["status"] == "archived"


def test_at_version_is_what_an_edit_form_was_loaded_with():
    assert diffs.at_version(HISTORY, STREAM, 1)["members"] == 25
    assert diffs.at_version(HISTORY, STREAM, 2)["members"] == 30
    assert diffs.at_version(HISTORY, STREAM, 0) is None


def test_merge_and_unmerge_move_status_and_pointer():
    merged = event(ev.MERGED, {"into": "x", "previous_status": "active"}, 2, "2025-04-01T00:00:00Z", stream=DUP)
    unmerged = event(ev.UNMERGED, {"from": "x", "status": "active"}, 3, "2025-04-02T00:00:00Z", stream=DUP)
    steps = diffs.fold([HISTORY[2], merged, unmerged])
    assert {c.field: c.after for c in steps[1].changes} == {"status": "merged", "merged_into": "x"}
    assert {c.field: c.after for c in steps[2].changes} == {"status": "active", "merged_into": None}


def test_a_diff_reads_in_the_records_order():
    assert [c.field for c in diffs.fold(HISTORY)[0].changes][:4] == ["name", "type", "center", "province"]
