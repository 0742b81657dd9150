"""Command handlers of the knowledge register: plain functions over the event store and the
read model, each command in the kit's shape (`commands.run`). Writing is for the record's own
center (WRITE_KNOWLEDGE); review steps are the reviewers' (PUBLISH_KNOWLEDGE: central admins).
People named by an item or a campaign must be in the people register: `people(ids)` is the
set of those it knows (asked over RPC by the service)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.engine import Connection

from services.chassis import permissions as can
from services.chassis.envelope import new_ids
from services.chassis.errors import CommandRejected, Conflict, NotFound, rejected
from services.chassis.permissions import Actor
from services.chassis.registers import commands
from services.chassis.store import EventStore
from services.chassis.validation import load
from services.contracts.knowledge import events as ev
from services.contracts.knowledge.schemas import (
    CampaignChanges, CampaignRegistration, CampaignResult, CampaignStatus, ItemChanges, ItemDraft, Note, Reason,
    RequiredNote, Upload,
)

from . import domain, readmodel
from .files import Files

People = Callable[[list[str]], set]  # person ids -> those the people register knows
BATCH_MAX = 500  # items or campaigns one batch command carries

_draft, _changes, _note, _required_note = ItemDraft(), ItemChanges(), Note(), RequiredNote()
_registration, _campaign_changes, _status, _result = CampaignRegistration(), CampaignChanges(), CampaignStatus(), CampaignResult()
_reason, _upload = Reason(), Upload()


# -- finding what a command acts on ---------------------------------------------------------

def _item(store: EventStore, item_id: str, expected_version: int | None = None) -> domain.Item:
    found = readmodel.load_item(store.engine, str(item_id))
    if found is None:
        raise NotFound(ev.stream_of(str(item_id)))
    if expected_version is not None and expected_version != found.version:
        raise Conflict(found.stream, found.version)
    return found


def _campaign(store: EventStore, campaign_id: str, expected_version: int | None = None) -> domain.Campaign:
    found = readmodel.load_campaign(store.engine, str(campaign_id))
    if found is None:
        raise NotFound(ev.campaign_stream(str(campaign_id)))
    if expected_version is not None and expected_version != found.version:
        raise Conflict(found.stream, found.version)
    return found


def _writer(actor: Actor, center: str, other: str = "item_other_center") -> None:
    """The actor may write the records of `center`, or is refused naming it."""
    if not actor.may(can.WRITE_KNOWLEDGE, center):
        if actor.may(can.WRITE_KNOWLEDGE, actor.user.center) and actor.user.center:
            raise rejected("center", other, center=center)
        actor.require(can.WRITE_KNOWLEDGE, center)


def _known_people(people: People, ids: list, field: str, row: int | None = None) -> None:
    wanted = [str(i) for i in ids or []]
    if not wanted:
        return
    known = people(wanted)
    missing = [i for i in wanted if i not in known]
    if missing:
        raise CommandRejected([{"field": f"{field}.{wanted.index(i)}", "code": "unknown_person", "row": row,
                                "params": {"id": i}} for i in missing])


# -- items ----------------------------------------------------------------------------------

def _answer(row, public, record_id_of, record_id: str | None = None):
    """Effects: the record as the command left it (`record_id`, else the one it created)."""
    def effects(conn: Connection, stored: list[dict]) -> dict:
        return public(row(conn, record_id or record_id_of(stored[0]["stream"])))

    return effects


def _item_result(item_id: str | None = None):
    return _answer(readmodel.item_row, readmodel.public_item, ev.item_id_of, item_id)


def _each_row(payloads: list, make) -> list:
    """`make(payload, new id, row)` for every row of a batch (at most BATCH_MAX), all or none:
    every problem of every row is reported at once."""
    commands.one_batch(payloads, BATCH_MAX)
    pending, problems = [], []
    for row, (payload, record_id) in enumerate(zip(payloads, new_ids(len(payloads))), start=1):
        try:
            pending.extend(make(payload, record_id, row))
        except CommandRejected as error:
            problems.extend(error.problems)
    if problems:
        raise CommandRejected(problems)
    return pending


def _on_item(store: EventStore, actor: Actor, item_id: str, decide) -> dict:
    return commands.run(store, actor, decide, effects=_item_result(str(item_id)), prepare=readmodel.project)


def _drafted(actor: Actor, payload, people: People, item_id: str | None = None, row: int | None = None):
    fields_ = load(_draft, payload, row=row)
    center = fields_.get("center") or actor.user.center
    pending = domain.draft(fields_, domain.known_center(center, row), item_id, row)
    _writer(actor, pending.data["center"])
    _known_people(people, fields_["people"], "people", row)
    return pending


def draft(store: EventStore, actor: Actor, payload: dict, people: People) -> dict:
    return commands.run(store, actor, lambda: [_drafted(actor, payload, people)], effects=_item_result(),
                        prepare=readmodel.project)


def draft_batch(store: EventStore, actor: Actor, payloads: list, people: People, submit: bool = False) -> dict:
    """Many drafts at once, all or none: every problem of every row is reported (row, field,
    code). With `submit`, each is submitted for review too."""
    def make(payload, item_id: str, row: int) -> list:
        drafted = _drafted(actor, payload, people, item_id, row)
        if not submit:
            return [drafted]
        item = domain.apply(domain.Item(id=item_id), {"type": drafted.type, "data": drafted.data, "version": 1})
        return [drafted, *domain.take_step(item, "submit")]

    def effects(conn: Connection, stored: list[dict]) -> dict:
        ids = list(dict.fromkeys(ev.item_id_of(e["stream"]) for e in stored))
        return {"drafted": len(ids), "ids": ids}

    return commands.run(store, actor, lambda: _each_row(payloads, make), effects=effects, prepare=readmodel.project)


def revise(store: EventStore, actor: Actor, item_id: str, changes: dict, expected_version: int,
           people: People) -> dict:
    def decide():
        item = _item(store, item_id, expected_version)
        _writer(actor, item.center)
        loaded = load(_changes, changes)
        if "people" in loaded:
            _known_people(people, loaded["people"], "people")
        return domain.revise(item, loaded)

    return _on_item(store, actor, item_id, decide)


def submit(store: EventStore, actor: Actor, item_id: str, expected_version: int, note: str | None = None) -> dict:
    def decide():
        item = _item(store, item_id, expected_version)
        _writer(actor, item.center)
        return domain.take_step(item, "submit", load(_note, {"note": note})["note"])

    return _on_item(store, actor, item_id, decide)


def review(store: EventStore, actor: Actor, item_id: str, expected_version: int, step: str,
           note: str | None = None) -> dict:
    """A reviewer's step: publish, return (with a note saying what to change), archive or restore."""
    def decide():
        item = _item(store, item_id, expected_version)
        actor.require(can.PUBLISH_KNOWLEDGE, item.center)
        said = load(_required_note if step == "return" else _note, {} if note is None else {"note": note})["note"]
        return domain.take_step(item, step, said)

    return _on_item(store, actor, item_id, decide)


def publish_batch(store: EventStore, actor: Actor, items: list) -> dict:
    """Publish many items in review at once (each {id, version}), all or none."""
    def decide():
        commands.one_batch(items, BATCH_MAX)
        pending, seen = [], set()
        for row, wanted in enumerate(items, start=1):
            if not isinstance(wanted, dict) or "id" not in wanted or not isinstance(wanted.get("version"), int):
                raise rejected("_schema", "invalid", row=row)
            if str(wanted["id"]) in seen:
                raise rejected("id", "duplicate_in_batch", row=row)
            seen.add(str(wanted["id"]))
            item = _item(store, wanted["id"], wanted["version"])
            actor.require(can.PUBLISH_KNOWLEDGE, item.center)
            pending.extend(domain.take_step(item, "publish"))
        return pending

    def effects(conn: Connection, stored: list[dict]) -> dict:
        return {"published": len(stored), "ids": [ev.item_id_of(e["stream"]) for e in stored]}

    return commands.run(store, actor, decide, effects=effects, prepare=readmodel.project)


def attach(store: EventStore, actor: Actor, files: Files, item_id: str, upload: dict, expected_version: int) -> dict:
    """A file for an item: checked on its bytes, kept by its hash, then recorded. A refused
    command keeps nothing; a file kept for a command that then lost a race is the same bytes
    any retry keeps again."""
    def decide():
        item = _item(store, item_id, expected_version)
        _writer(actor, item.center)
        given = load(_upload, upload)
        attachment, data = files.checked(given["name"], given["content"])
        pending = domain.attach(item, attachment)
        files.keep(attachment["sha256"], data)
        return pending

    return _on_item(store, actor, item_id, decide)


def detach(store: EventStore, actor: Actor, item_id: str, sha256: str, expected_version: int) -> dict:
    def decide():
        item = _item(store, item_id, expected_version)
        _writer(actor, item.center)
        return domain.detach(item, str(sha256))

    return _on_item(store, actor, item_id, decide)


# -- campaigns ------------------------------------------------------------------------------

def _campaign_result(campaign_id: str | None = None):
    return _answer(readmodel.campaign_row, readmodel.public_campaign, ev.campaign_id_of, campaign_id)


def _on_campaign(store: EventStore, actor: Actor, campaign_id: str, decide) -> dict:
    return commands.run(store, actor, decide, effects=_campaign_result(str(campaign_id)), prepare=readmodel.project)


def _registered(actor: Actor, payload, people: People, campaign_id: str | None = None, row: int | None = None):
    fields_ = load(_registration, payload, row=row)
    center = domain.known_center(fields_.get("center") or actor.user.center, row)
    pending = domain.register_campaign(fields_, center, fields_["status"], campaign_id, row)
    _writer(actor, center, "campaign_other_center")
    _known_people(people, fields_["workers"], "workers", row)
    return pending


def register_campaign(store: EventStore, actor: Actor, payload: dict, people: People) -> dict:
    return commands.run(store, actor, lambda: [_registered(actor, payload, people)], effects=_campaign_result(),
                        prepare=readmodel.project)


def register_campaigns(store: EventStore, actor: Actor, payloads: list, people: People) -> dict:
    def decide():
        return _each_row(payloads, lambda payload, campaign_id, row: [_registered(actor, payload, people, campaign_id, row)])

    def effects(conn: Connection, stored: list[dict]) -> dict:
        return {"registered": len(stored), "ids": [ev.campaign_id_of(e["stream"]) for e in stored]}

    return commands.run(store, actor, decide, effects=effects, prepare=readmodel.project)


def _editable_campaign(store: EventStore, actor: Actor, campaign_id: str, expected_version: int) -> domain.Campaign:
    campaign = _campaign(store, campaign_id, expected_version)
    _writer(actor, campaign.center, "campaign_other_center")
    return campaign


def amend_campaign(store: EventStore, actor: Actor, campaign_id: str, changes: dict, expected_version: int,
                   people: People) -> dict:
    def decide():
        campaign = _editable_campaign(store, actor, campaign_id, expected_version)
        loaded = load(_campaign_changes, changes)
        if "workers" in loaded:
            _known_people(people, loaded["workers"], "workers")
        starts, ends = (loaded.get(k, campaign.values.get(k)) for k in ("starts_on", "ends_on"))
        if starts and ends and str(ends) < str(starts):
            raise rejected("ends_on", "ends_before_start")
        return domain.amend_campaign(campaign, loaded)

    return _on_campaign(store, actor, campaign_id, decide)


def set_campaign_status(store: EventStore, actor: Actor, campaign_id: str, status: str, expected_version: int) -> dict:
    return _on_campaign(store, actor, campaign_id, lambda: domain.set_status(
        _editable_campaign(store, actor, campaign_id, expected_version), load(_status, {"status": status})["status"]))


def record_result(store: EventStore, actor: Actor, campaign_id: str, result: dict, expected_version: int) -> dict:
    return _on_campaign(store, actor, campaign_id, lambda: domain.record_result(
        _editable_campaign(store, actor, campaign_id, expected_version), load(_result, result)))


def archive_campaign(store: EventStore, actor: Actor, campaign_id: str, expected_version: int,
                     reason: str | None = None, restore: bool = False) -> dict:
    def decide():
        campaign = _editable_campaign(store, actor, campaign_id, expected_version)
        said = load(_reason, {"reason": reason})["reason"]
        return (domain.restore_campaign if restore else domain.archive_campaign)(campaign, said)

    return _on_campaign(store, actor, campaign_id, decide)

