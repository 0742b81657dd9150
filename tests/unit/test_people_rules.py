"""The people register's rules as plain Python: sealing bound to its person and field, the
personal field types Thai people write, and the person aggregate's decisions."""
from __future__ import annotations

import os
from datetime import date

import pytest
from marshmallow import ValidationError
from stdnum.th import pin

from services.chassis.errors import CommandRejected
from services.chassis.personal import last_digits, national_id, phone_e164
from services.chassis.privacy.sealing import Master, Sealer, Unreadable, new_key
from services.chassis.validation import load
from services.contracts.people import events as ev
from services.contracts.people.schemas import PersonRegistration
from services.people import domain
from services.people.sealed import open_event, seal

HOME = {"province": "50", "district": "5001", "subdistrict": "500101"}
CONSENT = {"purposes": ["network_register"], "notice_version": "1", "given_on": "2025-01-05", "channel": "online"}


def registered(**changes) -> domain.Person:
    fields = load(PersonRegistration(), {"given_name": "สมศรี", "family_name": "ใจดี", **HOME, "legal_basis": "consent",
                                         "consent": CONSENT, "roles": [{"role": "volunteer"}], **changes})
    pending = domain.register(fields, "p1", "staff")
    return domain.apply(domain.Person(id="p1"), {"type": pending.type, "data": pending.data, "version": 1})


def test_a_sealed_value_opens_only_for_its_person_and_field():
    key = new_key()
    token = Sealer("p1", key).seal("phone", "+66812345678")
    assert token.startswith("pd1.") and "812345678" not in token
    assert Sealer("p1", key).open("phone", token) == "+66812345678"
    for other in (Sealer("p2", key), Sealer("p1", new_key())):
        with pytest.raises(Unreadable):
            other.open("phone", token)
    with pytest.raises(Unreadable):
        Sealer("p1", key).open("email", token)  # moved to another field
    assert Sealer("p1", key).seal("phone", None) is None


def test_a_wrapped_key_unwraps_only_with_its_master_and_for_its_person():
    master, key = Master(os.urandom(32)), new_key()
    wrapped = master.wrap("p1", key)
    assert master.unwrap("p1", wrapped) == key
    with pytest.raises(Unreadable):
        master.unwrap("p2", wrapped)
    with pytest.raises(Unreadable):
        Master(os.urandom(32)).unwrap("p1", wrapped)
    with pytest.raises(ValueError):
        Master(b"short")
    assert master.blind("phone", "+66812345678") == master.blind("phone", "+66812345678") != \
        master.blind("national_id", "+66812345678")


def test_an_event_is_sealed_where_the_contract_says_and_opens_as_unreadable_without_its_key():
    sealer = Sealer("p1", new_key())
    pending = domain.register(load(PersonRegistration(), {"given_name": "สมศรี", **HOME, "phone": "081-234-5678",
                                                          "legal_basis": "consent",
                                                          "consent": {**CONSENT, "channel": "verbal", "witness": "นายดำ"}}),
                              "p1", "staff")
    sealed = seal(pending, sealer)
    assert all(str(sealed.data[k]).startswith("pd1.") for k in ("given_name", "phone"))
    assert sealed.data["consent"]["witness"].startswith("pd1.") and sealed.data["center"] == "P50"
    stored = {"stream": sealed.stream, "type": sealed.type, "data": sealed.data}
    assert open_event(stored, sealer)["data"]["phone"] == "+66812345678"
    gone = open_event(stored, None)
    assert gone["unreadable"] and gone["data"]["given_name"] is None and gone["data"]["consent"]["witness"] is None


@pytest.mark.parametrize("typed,digits", [("1-1017-00207-03-0", "1101700207030"), ("๑๑๐๑๗๐๐๒๐๗๐๓๐", "1101700207030")])
def test_a_national_id_is_read_as_people_write_it(typed, digits):
    assert national_id(typed) == digits


def test_a_0_prefixed_national_id_is_accepted_and_python_stdnum_alone_would_refuse_it():
    number = "010170020703" + pin.calc_check_digit("010170020703")
    assert national_id(number) == number and not pin.is_valid(number)
    for bad, code in (("1101700207031", "national_id_check_digit"), ("12345", "national_id_format")):
        with pytest.raises(ValidationError, match=code):
            national_id(bad)


def test_phones_are_normalized_to_e164_and_impossible_ones_refused():
    assert phone_e164("081 234 5678") == phone_e164("+66812345678") == "+66812345678"
    assert phone_e164("02-123-4567") == "+6621234567"
    with pytest.raises(ValidationError, match="phone_impossible"):
        phone_e164("0812")
    assert last_digits("+66812345678") == "••••••••5678"  # 12 characters, the last 4 shown


def test_a_correction_appends_only_what_differs_and_a_new_home_moves_the_center():
    person = registered()
    assert domain.amend(person, {"given_name": "สมศรี"}) == []
    moved = domain.amend(person, {"family_name": "ใจงาม", "province": "10", "district": "1001", "subdistrict": "100101"})
    assert moved[0].type == ev.AMENDED and moved[0].data["center"] == "BKK1" and moved[0].data["family_name"] == "ใจงาม"


def test_roles_start_once_end_when_held_and_follow_their_own_area():
    person = registered()
    assert person.roles["volunteer"]["center"] == "P50"
    assert domain.start_role(person, {"role": "volunteer"}) == []
    with pytest.raises(CommandRejected):
        domain.start_role(person, {"role": "volunteer", "province": "11", "district": "1101", "subdistrict": "110101"})
    leader = domain.start_role(person, {"role": "leader", "province": "11", "district": "1101", "subdistrict": "110101"})
    assert leader[0].data["center"] == "P11"
    with pytest.raises(CommandRejected):
        domain.end_role(person, {"role": "leader"})
    assert domain.end_role(person, {"role": "volunteer", "ended_on": date(2026, 1, 1)})[0].data["ended_on"] == "2026-01-01"


def test_withdrawing_the_last_consent_restricts_and_a_new_consent_lifts_it():
    person = registered()
    withdrawal = domain.withdraw_consent(person, {"consent": "1"})
    assert [e.type for e in withdrawal] == [ev.CONSENT_WITHDRAWN, ev.RESTRICTED]
    for event in withdrawal:
        person = domain.apply(person, {"type": event.type, "data": event.data, "version": event.version})
    assert (person.consent, person.restricted, domain.listed(person)) == ("withdrawn", "consent_withdrawn", False)
    with pytest.raises(CommandRejected):
        domain.lift_restriction(person, None)
    again = domain.record_consent(person, load(PersonRegistration().fields["consent"].schema, CONSENT), "staff")
    assert [e.type for e in again] == [ev.CONSENT_RECORDED, ev.RESTRICTION_LIFTED]


def test_an_erased_or_merged_person_is_not_edited():
    person = registered()
    erased = domain.apply(person, {"type": ev.ERASED, "data": {}, "version": 2})
    assert domain.erase(erased, None) == []
    with pytest.raises(CommandRejected):
        domain.amend(erased, {"given_name": "x"})
    with pytest.raises(CommandRejected):
        domain.merge(person, person)
