"""Every event the register's domain decides on loads with its published payload schema
(`events.PAYLOADS`, by type and schema version): the written contract is the one kept."""
from __future__ import annotations

from datetime import date

import pytest
from marshmallow import ValidationError

from services.orgs import domain
from services.contracts.orgs import events as ev

from .test_orgs_domain import FIELDS, as_event

DIN_DAENG = {"province": "10", "district": "1026", "subdistrict": "102601", "village_no": None, "address": None}


def _fold(org, pendings, log):
    for pending in pendings:
        log.append(pending)
        org = domain.apply(org, as_event(pending))
    return org


def every_kind_of_event() -> list:
    log = []
    first = domain.register({**FIELDS, "name_en": "Nong Bua Savings", "areas": ["economy"], "address": "1 หมู่ 3"})
    org = _fold(domain.Organization(id=ev.org_id_of(first.stream)), [first], log)
    org = _fold(org, domain.amend(org, {"members": 130, "name": "กลุ่มออมทรัพย์หนองบัวใหม่"}), log)
    org = _fold(org, domain.relocate(org, DIN_DAENG), log)
    org = _fold(org, domain.assess(org, {"level": "strong", "criteria": [], "assessed_on": date(2026, 1, 5)}, "staff-1"), log)
    org = _fold(org, domain.confirm_current(org, date(2026, 2, 1), "staff-1"), log)
    org = _fold(org, domain.archive(org, "ซ้ำ"), log)
    org = _fold(org, domain.restore(org, None), log)
    other_first = domain.register({**FIELDS, "name": "กลุ่มออมทรัพย์หนองบัว"})
    other = _fold(domain.Organization(id=ev.org_id_of(other_first.stream)), [other_first], log)
    merged = domain.merge(org, other)
    _fold(org, [p for p in merged if p.stream == org.stream], log)
    other = _fold(other, [p for p in merged if p.stream == other.stream], log)
    log += domain.unmerge(other, domain.replay(org.id, [as_event(p) for p in log if p.stream == org.stream]), "active")
    return log


def test_the_sequence_covers_every_event_type():
    assert {p.type for p in every_kind_of_event()} == {kind for kind, _ in ev.PAYLOADS}


@pytest.mark.parametrize("pending", every_kind_of_event(), ids=lambda p: p.type)
def test_each_event_loads_with_its_payload_schema(pending):
    schema = ev.PAYLOADS[pending.type, pending.schema](partial=pending.type == ev.AMENDED)
    schema.load(pending.data)  # unknown or mistyped fields raise


def test_a_payload_outside_the_contract_is_caught():
    registered = every_kind_of_event()[0]
    with pytest.raises(ValidationError):
        ev.PAYLOADS[registered.type, 1]().load({**registered.data, "surprise": 1})
