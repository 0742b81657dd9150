"""Command handlers of the people register: plain functions over the event store, the key
store and the read model, each command in the kit's shape (`commands.run`). A decision is
made on plaintext, sealed with the person's key, and appended with the read model's writes.
Each command checks the actor may act at the center of every record it touches: the person's
own, or for a role, the role's (a role for another center's area is that center's to assign).
Queries are `queries`'; rights, requests and erasure are `rights`'."""
from __future__ import annotations

from marshmallow import ValidationError

from services.chassis import permissions as can
from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import CommandRejected, Conflict, NotFound, rejected
from services.chassis.permissions import Actor
from services.chassis.privacy.keystore import ErasedSubject, KeyStore
from services.chassis.registers import commands
from services.chassis.store import EventStore
from services.chassis.validation import load
from services.contracts.people import events as ev
from services.contracts.people.limits import BATCH_MAX
from services.contracts.people.schemas import (
    Consent, ConsentWithdrawal, Merge, OrgLink, PersonChanges, PersonRegistration, RoleEnd, RoleStart, Training,
)

from . import domain, queries, readmodel
from .sealed import seal_all, subject_of

_registration = PersonRegistration()
_changes = PersonChanges()
_role_start = RoleStart()
_role_end = RoleEnd()
_training = Training()
_org_link = OrgLink()
_consent = Consent()
_withdrawal = ConsentWithdrawal()
_merge = Merge()


class Sealing:
    """One command's sealers: keys made for new people, fetched for known ones; the read
    model's projection opens with the same ones."""

    def __init__(self, keys: KeyStore, actor: Actor | None = None):
        self.keys, self.sealers = keys, {}
        self.project = readmodel.Projection(self.sealers, keys.master.blind, actor.user.name if actor else "")

    def new(self, person_ids: list[str], field: str = "id", rows: list[int | None] | None = None) -> None:
        try:
            self.sealers.update(self.keys.make(person_ids))
        except ErasedSubject as error:
            at = dict(zip(person_ids, rows or [None] * len(person_ids)))
            raise CommandRejected([{"field": field, "code": "person_erased", "row": at.get(s), "params": {}}
                                   for s in error.subjects]) from None

    def known(self, person_ids) -> None:
        wanted = [p for p in person_ids if p not in self.sealers]
        self.sealers.update(self.keys.sealers(wanted))

    def seal(self, pending: list[Pending]) -> list[Pending]:
        self.known({subject_of(p) for p in pending if p.type in ev.SEALED})
        sealed = seal_all(pending, self.sealers)
        self.project.plain.update({(p.stream, p.version): p.data for p in pending if p.type in ev.SEALED})
        return sealed


def _written(person_id: str | None = None):
    """Effects: which person the command left at which version. A command's result is kept
    with its key (a repeat answers it), so it holds no personal value; the caller is shown
    the person afterwards (`answer`)."""
    def effects(conn, stored: list[dict]) -> dict:
        pid = person_id or ev.person_id_of(stored[0]["stream"])
        row = readmodel.get_row(conn, pid)
        return {"id": pid, "version": row["version"] if row else None}

    return effects


def answer(store: EventStore, keys: KeyStore, actor: Actor, written: dict) -> dict:
    """The person a command left, as the actor may see them now (not counted as a full read:
    the actor has just written it)."""
    row = readmodel.get(store.engine, written["id"])
    return queries.shown(row, actor, keys, full_read=False) if row else written


def _current(store: EventStore, keys: KeyStore, person_id: str, expected_version: int | None = None) -> domain.Person:
    row = readmodel.get(store.engine, str(person_id))
    if row is None:
        raise NotFound(ev.stream_of(str(person_id)))
    if expected_version is not None and expected_version != row["version"]:
        raise Conflict(ev.stream_of(str(person_id)), row["version"])
    return readmodel.plain_person(row, keys.sealers([row["id"]]).get(row["id"]))


def editable(store: EventStore, keys: KeyStore, actor: Actor, person_id: str, expected_version: int | None = None,
             action: str = can.EDIT_PERSON) -> domain.Person:
    """The person, if the actor may `action` at their center."""
    person = _current(store, keys, person_id, expected_version)
    actor.require(action, person.center)
    return person


def _placed(actor: Actor, action: str, pending: list[Pending]) -> list[Pending]:
    """The events, once the actor may `action` at every center they place a person in."""
    for event in pending:
        if "center" in event.data:
            actor.require(action, event.data["center"])
    return pending


def on_person(store: EventStore, keys: KeyStore, actor: Actor, person_id: str, decide) -> dict:
    """A command on one person: sealed, appended, and the person as it left them."""
    sealing = Sealing(keys, actor)
    written = commands.run(store, actor, lambda: sealing.seal(decide()), effects=_written(str(person_id)),
                           prepare=sealing.project)
    return answer(store, keys, actor, written)


def _roles_allowed(actor: Actor, pending: Pending) -> None:
    for role in pending.data.get("roles") or []:
        actor.require(can.EDIT_PERSON, role["center"])


def register(store: EventStore, keys: KeyStore, actor: Actor, payload: dict) -> dict:
    sealing = Sealing(keys, actor)

    def decide():
        fields = load(_registration, payload)
        person_id = str(fields.get("id") or domain.new_id())
        if fields.get("id") and readmodel.get(store.engine, person_id) is not None:
            raise rejected("id", "person_exists")
        pending = domain.register(fields, person_id, actor.user.name)
        actor.require(can.CREATE_PERSON, pending.data["center"])
        _roles_allowed(actor, pending)
        sealing.new([person_id])
        return sealing.seal([pending])

    written = commands.run(store, actor, decide, effects=_written(), prepare=sealing.project)
    return answer(store, keys, actor, written)


def register_batch(store: EventStore, keys: KeyStore, actor: Actor, payloads: list, first_row: int = 1) -> dict:
    """All rows or none: every problem of every row (and every row of a center the actor may
    not write) is reported and nothing is written."""
    sealing = Sealing(keys, actor)

    def decide():
        commands.one_batch(payloads, BATCH_MAX)
        pending = registrations(actor, payloads, first_row)
        sealing.new([ev.person_id_of(p.stream) for p in pending], rows=list(range(first_row, first_row + len(pending))))
        return sealing.seal(pending)

    def effects(conn, stored: list[dict]) -> dict:
        return {"registered": len(stored), "first_seq": stored[0]["seq"] if stored else None,
                "last_seq": stored[-1]["seq"] if stored else None,
                "ids": [ev.person_id_of(e["stream"]) for e in stored]}

    return commands.run(store, actor, decide, effects=effects, prepare=sealing.project)


def registrations(actor: Actor, payloads: list, first_row: int) -> list[Pending]:
    try:
        loaded = _registration.load(payloads, many=True)
    except ValidationError:
        loaded = None
    ids = new_ids(len(payloads))
    pending, problems = [], []
    for n, payload in enumerate(payloads):
        row = first_row + n
        try:
            fields = loaded[n] if loaded else load(_registration, payload, row=row)
            event = domain.register(fields, str(fields.get("id") or ids[n]), actor.user.name, row=row)
            if not actor.may(can.CREATE_PERSON, event.data["center"]):
                raise rejected("province", "person_other_center", row, center=event.data["center"])
            for role in event.data["roles"]:
                if not actor.may(can.EDIT_PERSON, role["center"]):
                    raise rejected("roles", "role_other_center", row, center=role["center"])
            pending.append(event)
        except CommandRejected as error:
            problems.extend(error.problems)
    if problems:
        raise CommandRejected(problems)
    return pending


def amend(store, keys, actor, person_id, changes, expected_version) -> dict:
    def decide():
        person = editable(store, keys, actor, person_id, expected_version)
        return _placed(actor, can.EDIT_PERSON, domain.amend(person, load(_changes, changes)))

    return on_person(store, keys, actor, person_id, decide)


def start_role(store, keys, actor, person_id, payload, expected_version) -> dict:
    """A role for an area: the role's center (its own area's, else the person's home's) is
    the one whose staff may assign it."""
    def decide():
        person = _current(store, keys, person_id, expected_version)
        actor.require_somewhere(can.EDIT_PERSON)
        return _placed(actor, can.EDIT_PERSON, domain.start_role(person, load(_role_start, payload)))

    return on_person(store, keys, actor, person_id, decide)


def end_role(store, keys, actor, person_id, payload, expected_version) -> dict:
    def decide():
        person = _current(store, keys, person_id, expected_version)
        end = load(_role_end, payload)
        held = person.roles.get(end["role"])
        actor.require(can.EDIT_PERSON, held["center"] if held else person.center)
        return domain.end_role(person, end)

    return on_person(store, keys, actor, person_id, decide)


def record_training(store, keys, actor, person_id, payload, expected_version) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.record_training(
        editable(store, keys, actor, person_id, expected_version), load(_training, payload)))


def link_org(store, keys, actor, person_id, payload, expected_version) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.link_org(
        editable(store, keys, actor, person_id, expected_version), load(_org_link, payload)))


def unlink_org(store, keys, actor, person_id, org_id, expected_version) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.unlink_org(
        editable(store, keys, actor, person_id, expected_version), str(org_id)))


def record_consent(store, keys, actor, person_id, payload, expected_version) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.record_consent(
        editable(store, keys, actor, person_id, expected_version), load(_consent, payload), actor.user.name))


def withdraw_consent(store, keys, actor, person_id, payload, expected_version) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.withdraw_consent(
        editable(store, keys, actor, person_id, expected_version), load(_withdrawal, payload)))


def merge(store, keys, actor, survivor_id, payload, expected_version) -> dict:
    def decide():
        survivor = editable(store, keys, actor, survivor_id, expected_version)
        request = load(_merge, payload)
        duplicate = editable(store, keys, actor, str(request["duplicate"]), request["duplicate_version"])
        return domain.merge(survivor, duplicate)

    return on_person(store, keys, actor, survivor_id, decide)


def unmerge(store, keys, actor, duplicate_id, expected_version) -> dict:
    def decide():
        duplicate = editable(store, keys, actor, duplicate_id, expected_version)
        if duplicate.status != domain.MERGED:
            raise rejected("_schema", "person_not_merged")
        merged = [e for e in store.stream(ev.stream_of(duplicate.id)) if e["type"] == ev.MERGED][-1]
        survivor = editable(store, keys, actor, merged["data"]["into"])
        return domain.unmerge(duplicate, survivor, merged["data"]["previous_status"])

    return on_person(store, keys, actor, duplicate_id, decide)
