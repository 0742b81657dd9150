"""The organization aggregate as plain Python: decisions return events, `apply` folds them."""
from __future__ import annotations

import pytest

from services import reference
from services.chassis.errors import Archived, CommandRejected
from services.chassis.messages import CATALOGUE
from services.orgs import domain
from services.contracts.orgs import events as ev

CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}
DIN_DAENG = {"province": "10", "district": "1026", "subdistrict": "102601"}  # Bangkok, central zone
FIELDS = {"name": "กลุ่มออมทรัพย์บ้านหนองบัว", "type": "savings_group", **CHIANG_MAI,
          "village_no": 3, "founded_year": 2017, "members": 120}


def as_event(pending) -> dict:
    """What the store would make of a Pending (the domain only reads these keys)."""
    return {"stream": pending.stream, "version": pending.version, "type": pending.type, "data": pending.data}


def registered(**changes) -> tuple[domain.Organization, list[dict]]:
    pending = domain.register({**FIELDS, **changes})
    event = as_event(pending)
    org = domain.apply(domain.Organization(id=ev.org_id_of(pending.stream)), event)
    return org, [event]


def amended(org: domain.Organization, history: list[dict], **changes) -> domain.Organization:
    for pending in domain.amend(org, changes):
        history.append(as_event(pending))
        org = domain.apply(org, history[-1])
    return org


def location_problems(**location) -> list[tuple[str, str, int | None]]:
    with pytest.raises(CommandRejected) as error:
        domain.register({**FIELDS, "district": None, "subdistrict": None, **location}, row=4)
    return [(p["field"], p["code"], p["row"]) for p in error.value.problems]


# -- register -------------------------------------------------------------------------------


def test_register_derives_the_provincial_center():
    pending = domain.register(FIELDS)
    assert pending.type == ev.REGISTERED and pending.version == 1 and pending.stream.startswith("org-")
    assert pending.data == {**FIELDS, "name_en": None, "address": None, "areas": [], "contact_person": None,
                            "source": None, "center": "P50"}


@pytest.mark.parametrize("district, zone", [("1026", "BKK1"), ("1001", "BKK1")])
def test_register_in_bangkok_derives_the_zone_center(district, zone):
    pending = domain.register({**FIELDS, "province": "10", "district": district, "subdistrict": None})
    assert pending.data["center"] == zone == reference.center_for("10", district).code
    assert district in reference.center(zone).districts


def test_every_bangkok_district_has_a_zone_center():
    for district in reference.districts("10"):
        data = domain.register({**FIELDS, "province": "10", "district": district.code, "subdistrict": None}).data
        assert data["center"].startswith("BKK"), district.code


def test_register_keeps_the_given_id_and_fills_missing_optional_fields():
    pending = domain.register({"name": "ก", "type": "other", "province": "84"}, org_id="abc")
    assert pending.stream == "org-abc"
    assert pending.data == {"name": "ก", "name_en": None, "type": "other", "province": "84", "district": None,
                            "subdistrict": None, "village_no": None, "address": None, "founded_year": None,
                            "members": None, "areas": [], "contact_person": None, "source": None,
                            "center": "P84"}


@pytest.mark.parametrize(
    "location, expected",
    [
        ({"province": "50", "district": "1026"}, [("district", "district_not_in_province", 4)]),
        ({"province": "50", "district": "5001", "subdistrict": "102601"},
         [("subdistrict", "subdistrict_not_in_district", 4)]),
        ({"province": "50", "subdistrict": "102601"}, [("subdistrict", "subdistrict_not_in_province", 4)]),
        ({"province": "10"}, [("district", "district_required_in_bangkok", 4)]),
        ({"province": "99"}, [("province", "unknown_province", 4)]),
        ({"province": "50", "district": "5099"}, [("district", "unknown_district", 4)]),
    ],
)
def test_register_rejects_a_location_that_does_not_fit_naming_the_field(location, expected):
    found = location_problems(**location)
    assert found == expected
    assert all(code in CATALOGUE for _, code, _ in found)


# -- amend ----------------------------------------------------------------------------------


def test_amend_emits_only_the_changed_fields():
    org, _ = registered()
    (pending,) = domain.amend(org, {"name": FIELDS["name"], "members": 150, "district": "5001"})
    assert (pending.type, pending.version, pending.stream) == (ev.AMENDED, 2, org.stream)
    assert pending.data == {"members": 150}


def test_amend_that_changes_nothing_emits_nothing():
    org, _ = registered()
    assert domain.amend(org, {}) == []
    assert domain.amend(org, {"name": FIELDS["name"], "members": 120, "subdistrict": "500101"}) == []


def test_amend_can_clear_an_optional_field():
    org, _ = registered()
    (pending,) = domain.amend(org, {"members": None})
    assert pending.data == {"members": None}


def test_a_location_change_is_a_relocation_carrying_the_whole_location_and_center():
    org, _ = registered()
    (pending,) = domain.amend(org, {"district": "5002", "subdistrict": "500203"})
    assert (pending.type, pending.version) == (ev.RELOCATED, 2)
    assert pending.data == {"province": "50", "district": "5002", "subdistrict": "500203", "village_no": 3,
                            "address": None, "center": "P50"}


def test_an_edit_with_a_new_location_amends_then_relocates():
    org, _ = registered()
    amendment, relocation = domain.amend(org, {**DIN_DAENG, "name": "กลุ่มใหม่"})
    assert (amendment.type, amendment.version, amendment.data) == (ev.AMENDED, 2, {"name": "กลุ่มใหม่"})
    assert (relocation.type, relocation.version) == (ev.RELOCATED, 3)
    assert relocation.data == {**DIN_DAENG, "village_no": 3, "address": None, "center": "BKK1"}


def test_relocating_to_the_same_place_emits_nothing():
    org, _ = registered()
    assert domain.relocate(org, {**CHIANG_MAI, "village_no": 3}) == []


def test_amend_checks_the_merged_location():
    org, _ = registered()
    with pytest.raises(CommandRejected) as error:
        domain.amend(org, {"province": "10"})  # district 5001 stays, and is not in Bangkok
    assert [(p["field"], p["code"]) for p in error.value.problems] == [("district", "district_not_in_province")]


def test_archived_org_cannot_be_amended_and_archiving_twice_emits_nothing():
    org, _ = registered()
    (pending,) = domain.archive(org, "ยุบกลุ่ม")
    assert (pending.type, pending.version, pending.data) == (ev.ARCHIVED, 2, {"reason": "ยุบกลุ่ม"})
    archived = domain.apply(org, as_event(pending))
    assert archived.status == "archived" and archived.values == org.values
    with pytest.raises(Archived) as error:
        domain.amend(archived, {"members": 1})
    assert error.value.stream == org.stream
    assert domain.archive(archived, "again") == []


# -- apply and replay -----------------------------------------------------------------------


def test_replay_of_the_history_equals_the_state_built_by_apply():
    org, history = registered()
    org = amended(org, history, members=200)
    org = amended(org, history, **DIN_DAENG)
    org = amended(org, history, name="กลุ่มออมทรัพย์ดินแดง", founded_year=None)
    for pending in domain.archive(org, None):
        history.append(as_event(pending))
        org = domain.apply(org, history[-1])

    assert [e["version"] for e in history] == [1, 2, 3, 4, 5]
    assert domain.replay(org.id, history) == org
    assert org.status == "archived" and org.version == 5
    assert {k: org.values[k] for k in (*FIELDS, "center")} == {
        **FIELDS, **DIN_DAENG, "members": 200, "name": "กลุ่มออมทรัพย์ดินแดง", "founded_year": None, "center": "BKK1"}


def test_replay_of_a_prefix_is_the_state_at_that_version():
    org, history = registered()
    amended(amended(org, history, members=1), history, members=2)
    at_two = domain.replay(org.id, history[:2])
    assert (at_two.version, at_two.values["members"], at_two.status) == (2, 1, "active")
    assert domain.replay(org.id, []) is None


def test_apply_of_an_unknown_event_type_only_moves_the_version():
    org, _ = registered()
    later = domain.apply(org, {"type": "OrgSomethingNew", "version": 2, "data": {"level": "strong"}})
    assert later.version == 2 and later.values == org.values and later.status == org.status


def test_assessment_and_verification_record_who_and_when():
    from datetime import date

    org, _ = registered()
    (assessed,) = domain.assess(org, {"level": "strong", "criteria": ["own_fund", "own_fund", "clear_rules"],
                                      "assessed_on": date(2025, 3, 15)}, "somchai")
    assert assessed.data == {"level": "strong", "criteria": ["clear_rules", "own_fund"],
                             "assessed_on": "2025-03-15", "assessor": "somchai"}
    (verified,) = domain.confirm_current(domain.apply(org, as_event(assessed)), None, "somsri")
    assert verified.version == 3 and verified.data == {"on": date.today().isoformat(), "by": "somsri"}


def test_merge_marks_the_duplicate_and_unmerge_gives_back_its_status():
    survivor, _ = registered()
    duplicate, _ = registered(name="กลุ่ม ออมทรัพย์บ้านหนองบัว")
    duplicate = domain.Organization(id="dup", version=duplicate.version, values=duplicate.values)
    merged, absorbed = domain.merge(survivor, duplicate)
    assert (merged.stream, merged.type, merged.data) == ("org-dup", ev.MERGED, {"into": survivor.id, "previous_status": "active"})
    assert (absorbed.stream, absorbed.type, absorbed.data) == (survivor.stream, ev.ABSORBED, {"duplicate": "dup"})
    gone = domain.apply(duplicate, as_event(merged))
    assert gone.status == "merged" and gone.values["merged_into"] == survivor.id
    with pytest.raises(CommandRejected):
        domain.amend(gone, {"members": 1})
    with pytest.raises(CommandRejected):
        domain.merge(survivor, survivor)
    survivor = domain.apply(survivor, as_event(absorbed))
    unmerged, released = domain.unmerge(gone, survivor, "active")
    back = domain.apply(gone, as_event(unmerged))
    assert back.status == "active" and back.values["merged_into"] is None
    assert (released.type, released.version) == (ev.RELEASED, 3)


def test_restore_needs_an_archived_org():
    org, _ = registered()
    with pytest.raises(CommandRejected):
        domain.restore(org, None)
    (archived,) = domain.archive(org, None)
    (restored,) = domain.restore(domain.apply(org, as_event(archived)), "กลับมา")
    assert (restored.type, restored.version, restored.data) == (ev.RESTORED, 3, {"reason": "กลับมา"})
