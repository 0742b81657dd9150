"""Command and query handlers of the organization register: plain functions over the event
store and the read model, each command in the kit's shape (`commands.run`). The nameko
service only verifies who is asking, calls one of these, and returns. Each command enforces
the permissions on the centers it touches: the record's own, and any a location moves it to.
Imports are `imports.IMPORTER`'s."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy.engine import Connection

from services.chassis.envelope import new_ids
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict, NotFound, rejected
from services.chassis.permissions import Actor
from services.chassis.registers import commands
from services.chassis.store import EventStore
from services.chassis.validation import load
from services.contracts.orgs import events as ev
from services.contracts.orgs.limits import BATCH_MAX
from services.contracts.orgs.schemas import (
    Merge, OrgChanges, OrgRegistration, OrgRelocation, Reason, StrengthAssessment, Verification,
)

from . import domain, readmodel
from . import search as register_search

_registration = OrgRegistration()
_changes = OrgChanges()
_relocation = OrgRelocation()
_assessment = StrengthAssessment()
_verification = Verification()
_reason = Reason()
_merge = Merge()


def _record(org_id: str | None = None):
    """Effects: the organization as the command left it (`org_id`, else the one the command
    registered), as the API shows it."""
    def effects(conn: Connection, stored: list[dict]) -> dict:
        return readmodel.public(readmodel.project.row(conn, org_id or ev.org_id_of(stored[0]["stream"])))

    return effects


def _on(store: EventStore, actor: Actor, decide, org_id: str) -> dict:
    """A command on one organization: the record as it left it is the result. Whatever it
    moves to a center (a relocation's) must be a center the actor may edit too."""
    return commands.run(store, actor, lambda: _placed(actor, can.EDIT_ORG, decide()),
                        effects=_record(org_id), prepare=readmodel.project)


def _placed(actor: Actor, action: str, pending: list) -> list:
    """The events, once the actor may `action` at every center they place a record in."""
    for event in pending:
        if "center" in event.data:
            actor.require(action, event.data["center"])
    return pending


def _current(store: EventStore, org_id: str, expected_version: int | None = None) -> domain.Organization:
    org = readmodel.load(store.engine, str(org_id))
    if org is None:
        raise NotFound(ev.stream_of(str(org_id)))
    if expected_version is not None and expected_version != org.version:
        raise Conflict(org.stream, org.version)
    return org


def _editable(store: EventStore, actor: Actor, org_id: str, expected_version: int | None = None) -> domain.Organization:
    """The organization, if the actor may edit the records of its center."""
    org = _current(store, org_id, expected_version)
    actor.require(can.EDIT_ORG, org.values.get("center"))
    return org


def register(store: EventStore, actor: Actor, payload: dict) -> dict:
    return commands.run(store, actor, lambda: _placed(actor, can.CREATE_ORG, [domain.register(load(_registration, payload))]),
                        effects=_record(), prepare=readmodel.project)


def register_batch(store: EventStore, actor: Actor, payloads: list, first_row: int = 1) -> dict:
    """All rows or none: every bad row is reported (row, field, code) and nothing is written;
    so is every row of a center the actor may not write."""
    def decide():
        commands.one_batch(payloads, BATCH_MAX)
        return _own_center(actor, _registrations(payloads, first_row), first_row)

    def effects(conn: Connection, stored: list[dict]) -> dict:
        return {
            "registered": len(stored), "first_seq": stored[0]["seq"] if stored else None,
            "last_seq": stored[-1]["seq"] if stored else None,
            "ids": [ev.org_id_of(e["stream"]) for e in stored],
        }

    return commands.run(store, actor, decide, effects=effects, prepare=readmodel.project)


def _own_center(actor: Actor, pending: list, first_row: int) -> list:
    """The registrations, unless some are of a center the actor may not write: then each of
    those is a rejected row."""
    if actor.may(can.CREATE_ORG):
        return pending
    problems = [{"field": "province", "row": row, "code": "other_center", "params": {"center": event.data["center"]}}
                for row, event in enumerate(pending, start=first_row)
                if not actor.may(can.CREATE_ORG, event.data["center"])]
    if problems:
        raise CommandRejected(problems)
    return pending


def _registrations(payloads: list, first_row: int) -> list:
    """One marshmallow call for the whole batch; only when it fails, row by row, so that
    every problem of every row is reported at once."""
    try:
        loaded = _registration.load(payloads, many=True)
        ids = new_ids(len(loaded))
        return [domain.register(fields, ids[n], row=first_row + n) for n, fields in enumerate(loaded)]
    except (ValidationError, CommandRejected):
        pass
    pending, problems = [], []
    for row, payload in enumerate(payloads, start=first_row):
        try:
            pending.append(domain.register(load(_registration, payload, row=row), row=row))
        except CommandRejected as error:
            problems.extend(error.problems)
    if problems:
        raise CommandRejected(problems)
    return pending


def amend(store: EventStore, actor: Actor, org_id: str, changes: dict, expected_version: int) -> dict:
    return _on(store, actor, lambda: domain.amend(_editable(store, actor, org_id, expected_version),
                                                  load(_changes, changes)), org_id)


def relocate(store: EventStore, actor: Actor, org_id: str, location: dict, expected_version: int) -> dict:
    return _on(store, actor, lambda: domain.relocate(_editable(store, actor, org_id, expected_version),
                                                     load(_relocation, location)), org_id)


def assess(store: EventStore, actor: Actor, org_id: str, assessment: dict, expected_version: int) -> dict:
    return _on(store, actor, lambda: domain.assess(_editable(store, actor, org_id, expected_version),
                                                   load(_assessment, assessment), actor.user.name), org_id)


def confirm_current(store: EventStore, actor: Actor, org_id: str, payload: dict, expected_version: int) -> dict:
    """The record was checked and found current (OrgVerified)."""
    return _on(store, actor, lambda: domain.confirm_current(_editable(store, actor, org_id, expected_version),
                                                            load(_verification, payload or {})["on"], actor.user.name),
               org_id)


def archive(store: EventStore, actor: Actor, org_id: str, expected_version: int, reason: str | None = None) -> dict:
    return _on(store, actor, lambda: domain.archive(_editable(store, actor, org_id, expected_version),
                                                    load(_reason, {"reason": reason})["reason"]), org_id)


def restore(store: EventStore, actor: Actor, org_id: str, expected_version: int, reason: str | None = None) -> dict:
    return _on(store, actor, lambda: domain.restore(_editable(store, actor, org_id, expected_version),
                                                    load(_reason, {"reason": reason})["reason"]), org_id)


def merge(store: EventStore, actor: Actor, survivor_id: str, payload: dict, expected_version: int) -> dict:
    """Merge `payload.duplicate` into the survivor; both versions, and the right to edit
    both, are checked."""
    def decide():
        survivor = _editable(store, actor, survivor_id, expected_version)
        request = load(_merge, payload)
        duplicate = _editable(store, actor, str(request["duplicate"]), request["duplicate_version"])
        return domain.merge(survivor, duplicate)

    return _on(store, actor, decide, survivor_id)


def unmerge(store: EventStore, actor: Actor, duplicate_id: str, expected_version: int) -> dict:
    """Undo a merge: the duplicate gets back the status it had before."""
    def decide():
        duplicate = _editable(store, actor, duplicate_id, expected_version)
        if duplicate.status != "merged":
            raise rejected("_schema", "not_merged")
        merged = [e for e in store.stream(duplicate.stream) if e["type"] == ev.MERGED][-1]
        survivor = _editable(store, actor, merged["data"]["into"])
        return domain.unmerge(duplicate, survivor, merged["data"]["previous_status"])

    return _on(store, actor, decide, duplicate_id)


def get(store: EventStore, org_id: str) -> dict:
    row = readmodel.get(store.engine, str(org_id))
    if row is None:
        raise NotFound(ev.stream_of(str(org_id)))
    return readmodel.public(row)


def history(store: EventStore, org_id: str) -> list[dict]:
    """The organization's events, and those of every duplicate merged into it, in log order."""
    events = store.stream(ev.stream_of(str(org_id).removeprefix("org-")))
    if not events:
        raise NotFound(ev.stream_of(str(org_id)))
    absorbed = {e["data"]["duplicate"] for e in events if e["type"] == ev.ABSORBED}
    for duplicate in sorted(absorbed):
        events += [e for e in history(store, duplicate) if e["stream"] != events[0]["stream"]]
    unique = {e["seq"]: e for e in events}
    return [unique[seq] for seq in sorted(unique)]


def search(store: EventStore, filters: dict, page: int, per_page: int) -> dict:
    result = register_search.SEARCH.query(store.engine, filters, page, per_page)
    result["items"] = [readmodel.public(r) for r in result["items"]]
    return result


def duplicates(store: EventStore, filters: dict, page: int, per_page: int) -> dict:
    return register_search.DUPLICATES.groups(store.engine, filters, page, per_page)
