"""What a spreadsheet import does with the people register's rows: the kit's import flow,
given the register's schema, its home-area rule, its natural key (subdistrict and the name
without its title), how a row registers or corrects a person, and how the events are sealed:
keys made for the new people in one key-store transaction, fetched for the known ones."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, tuple_
from sqlalchemy.engine import Engine

from services.chassis import permissions as can
from services.chassis.envelope import Pending
from services.chassis.permissions import Actor
from services.chassis.privacy.keystore import KeyStore
from services.chassis.registers.importing import Importer
from services.chassis.validation import located
from services.contracts.people import events as ev
from services.contracts.people.limits import BATCH_MAX
from services.contracts.people.schemas import PersonRegistration

from . import domain, readmodel
from .handlers import Sealing

_KEY = tuple_(readmodel.people.c.subdistrict, readmodel.people.c.name_key)
_NO_ONE = ""  # the consent's recorder, filled in with the importer's name when sealed


def importer(keys: KeyStore) -> Importer:
    """The people register's importer over its key store."""

    def found(engine: Engine, keys_query) -> dict:
        with engine.connect() as conn:
            query = select(readmodel.people).where(_KEY.in_(keys_query), readmodel.people.c.status == domain.ACTIVE)
            rows = [dict(r) for r in conn.execute(query).mappings()]
        sealers = keys.sealers([r["id"] for r in rows])
        return {(r["subdistrict"], r["name_key"]): readmodel.plain_person(r, sealers.get(r["id"])) for r in rows}

    def find(engine: Engine, naturals: list) -> dict:
        out = {}
        for first in range(0, len(naturals), 500):
            out.update(found(engine, [tuple(k) for k in naturals[first:first + 500]]))
        return out

    def seal(pending: list[Pending], actor: Actor):
        sealing = Sealing(keys, actor)
        new = [ev.person_id_of(p.stream) for p in pending if p.type == ev.REGISTERED]
        sealing.new(new)
        return sealing.seal([_recorded_by(p, actor.user.name) for p in pending]), sealing.project

    return Importer(
        schema=PersonRegistration(),
        check=located,  # a row's center is its home area's
        stage=readmodel.STAGE,
        find=find,
        find_staged=found,
        create=lambda fields, person_id, row: domain.register(fields, person_id, _NO_ONE, row=row),
        update=lambda person, given: domain.amend(person, {k: v for k, v in given.items() if k in domain.EDITABLE
                                                            or k in ev.HOME}) if domain.listed(person) else [],
        record_id=lambda person: person.id,
        project=lambda conn, drafts: None,  # never used: `seal` gives the projection
        batch_max=BATCH_MAX,
        action=can.IMPORT_PEOPLE,
        other_center="person_other_center",
        seal=seal,
    )


def _recorded_by(pending: Pending, name: str) -> Pending:
    consent = pending.data.get("consent") if pending.type == ev.REGISTERED else None
    if not consent or consent.get("recorded_by") != _NO_ONE:
        return pending
    return replace(pending, data={**pending.data, "consent": {**consent, "recorded_by": name}})
