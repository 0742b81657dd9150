"""The people register's data catalogue, from which the record of processing (PDPA s.39) is
generated: it covers every field the register answers with, each once; its codes and texts
exist in both languages; and who it says sees what is what the service's masking does."""
from __future__ import annotations

import pytest

import gateway  # noqa: F401  (the catalogue of messages, whole)
from services.chassis.messages import CATALOGUE
from services.chassis.permissions import Actor, User
from services.contracts.people import catalogue
from services.contracts.people.schemas import Person
from services.contracts.people.vocabulary import CONSENT_PURPOSES
from services.people import masking

NOT_ABOUT_THE_PERSON = {"id", "version", "status", "restricted", "masked", "merged_into", "created_at", "updated_at"}
PLAIN = {"given_name": "สมศรี", "family_name": "ใจดี", "name_en": "Somsri Jaidee", "national_id": "1101700203451",
         "phone": "+66812345678", "email": "somsri@example.org", "line_id": "somsri.j", "address": "12 หมู่ 3",
         "birth_year": 1977, "notes": "ประสานงานเก่ง"}
READERS = {"own_center": User("s", "center_staff", "P50"), "other_center": User("m", "center_staff", "P10"),
           "auditor": User("a", "auditor"), "auditor_reason": User("a", "auditor"), "admin": User("x", "admin")}


def test_every_field_the_register_answers_with_is_in_one_group():
    fields = [name for group in catalogue.GROUPS for name in group.fields]
    assert len(fields) == len(set(fields))
    assert set(Person().fields) - NOT_ABOUT_THE_PERSON <= set(fields)
    assert {"requests", "reads"} <= set(fields)


def test_every_code_is_known_and_every_text_exists():
    used_measures = set()
    for group in catalogue.GROUPS:
        assert set(group.seen) == set(catalogue.READERS), group.key
        assert set(group.seen.values()) <= set(catalogue.SEEN)
        assert group.retention in catalogue.RETENTION and set(group.purposes) <= set(CONSENT_PURPOSES)
        assert set(group.measures) <= set(catalogue.MEASURES)
        used_measures |= set(group.measures)
        for kind in ("group", "held", *(("masking",) if group.masking else ())):
            assert f"processing_{kind}_{group.key}" in CATALOGUE
    assert used_measures <= set(catalogue.MEASURES)
    for kind, codes in (("reader", catalogue.READERS), ("seen", catalogue.SEEN), ("retention", catalogue.RETENTION),
                        ("measure", catalogue.MEASURES)):
        assert all(f"processing_{kind}_{code}" in CATALOGUE for code in codes), kind


@pytest.mark.parametrize("reader", sorted(READERS))
def test_who_sees_what_is_what_the_service_masks(reader):
    actor = Actor(READERS[reader])
    reason = "audit 1/2568" if reader == "auditor_reason" else None
    seen = masking.view(actor, "P50", reason)
    shown = masking.values(PLAIN, seen, masking.names_shown(actor, reason))
    for group in catalogue.GROUPS:
        how = group.how(reader)
        for name in group.fields:
            if name not in PLAIN:
                continue
            if how == catalogue.FULL:
                assert shown[name] == PLAIN[name], (group.key, name)
            elif how == catalogue.HIDDEN:
                assert shown[name] is None, (group.key, name)
            else:
                assert how == catalogue.MASKED and shown[name] not in (None, PLAIN[name]), (group.key, name)
