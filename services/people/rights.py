"""The rights of the people the register holds (PDPA s.30-36, DESIGN §2b): data-subject
requests with their 30-day clocks, restriction and objection, everything held about a person
(access and portability), and erasure, with the ledger re-applied before the service answers."""
from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import select, text

from services.chassis import permissions as can
from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import CommandRejected, Conflict, NotFound, rejected
from services.chassis.permissions import Actor, User
from services.chassis.privacy.keystore import KeyStore, scrub
from services.chassis.registers import commands
from services.chassis.store import EventStore
from services.chassis.validation import load
from services.contracts.people import events as ev
from services.contracts.people.limits import ERASE_MAX, RECENT_READS, REQUEST_DAYS
from services.contracts.people.schemas import Erasure, RequestOutcome, RequestReceipt, Restriction

from . import domain, queries, readmodel
from .handlers import Sealing, editable, on_person

log = logging.getLogger(__name__)
_receipt, _outcome, _restriction, _erasure = RequestReceipt(), RequestOutcome(), Restriction(), Erasure()
SERVICE_ACTOR = Actor(User("service:people", can.SERVICE))
PEOPLE_TABLES = ("people", "people_search", "people_fts", "import_staged")


def restrict(store, keys, actor, person_id, payload, expected_version) -> dict:
    """Stored only: not listed, exported or counted (s.32 objection, s.34 restriction)."""
    def decide():
        given = load(_restriction, payload)
        person = editable(store, keys, actor, person_id, expected_version, can.HANDLE_REQUESTS)
        return domain.restrict(person, given["ground"], str(given["request"]) if given.get("request") else None)

    return on_person(store, keys, actor, person_id, decide)


def lift_restriction(store, keys, actor, person_id, expected_version, request=None) -> dict:
    return on_person(store, keys, actor, person_id, lambda: domain.lift_restriction(
        editable(store, keys, actor, person_id, expected_version, can.HANDLE_REQUESTS), request))


# -- requests ---------------------------------------------------------------------------------

def receive_request(store: EventStore, keys: KeyStore, actor: Actor, payload: dict) -> dict:
    sealing = Sealing(keys, actor)

    def decide():
        given = load(_receipt, payload)
        person = editable(store, keys, actor, str(given["person"]), action=can.HANDLE_REQUESTS)
        received = given.get("received_on") or date.today()
        data = {"person": person.id, "right": given["right"], "received_on": received.isoformat(),
                "due_on": (received + timedelta(days=REQUEST_DAYS)).isoformat(), "channel": given["channel"],
                "center": person.center, "note": given.get("note")}
        return sealing.seal([Pending(stream=ev.request_stream(new_ids(1)[0]), version=1, type=ev.REQUEST_RECEIVED,
                                     data=data)])

    def effects(conn, stored):
        return request_row(conn, ev.request_id_of(stored[0]["stream"]))

    return commands.run(store, actor, decide, effects=effects, prepare=sealing.project)


def handle_request(store: EventStore, keys: KeyStore, actor: Actor, request_id: str, payload: dict,
                   expected_version: int) -> dict:
    """Done or refused (a refusal with its ground), by whom and when."""
    sealing = Sealing(keys, actor)

    def decide():
        given = load(_outcome, payload)
        with store.engine.connect() as conn:
            current = request_row(conn, str(request_id))
        actor.require(can.HANDLE_REQUESTS, current["center"])
        if current["version"] != expected_version:
            raise Conflict(ev.request_stream(current["id"]), current["version"])
        if current["status"] != "open":
            raise rejected("_schema", "request_closed")
        sealing.known([current["person"]])
        if given.get("note") and current["person"] not in sealing.sealers:
            raise rejected("note", "person_erased")
        data = {"outcome": given["outcome"], "ground": given.get("ground"), "on": date.today().isoformat(),
                "note": given.get("note"), "person": current["person"]}
        pending = Pending(stream=ev.request_stream(current["id"]), version=current["version"] + 1,
                          type=ev.REQUEST_HANDLED, data=data)
        return sealing.seal([pending]) if pending.data["note"] else [pending]

    def effects(conn, stored):
        return request_row(conn, str(request_id))

    return commands.run(store, actor, decide, effects=effects, prepare=sealing.project)


def request_row(conn, request_id: str) -> dict:
    found = conn.execute(select(readmodel.requests).where(readmodel.requests.c.id == request_id)).mappings().first()
    if found is None:
        raise NotFound(ev.request_stream(request_id))
    return dict(found)


def open_requests(store: EventStore, actor: Actor, filters: dict, page: int, per_page: int) -> dict:
    """Requests by due date (open ones unless `status` says otherwise), of the actor's center
    unless the actor handles every center's."""
    actor.require_somewhere(can.HANDLE_REQUESTS)
    table = readmodel.requests
    query = select(table).where(table.c.status == (filters.get("status") or "open"))
    center = filters.get("center") if actor.may(can.HANDLE_REQUESTS) else actor.user.center
    if center:
        query = query.where(table.c.center == center)
    page, per_page = max(int(page or 1), 1), max(int(per_page or 50), 1)
    with store.engine.connect() as conn:
        found = [dict(r) for r in conn.execute(query.order_by(table.c.due_on, table.c.id)).mappings()]
    today = date.today().isoformat()
    for item in found:
        item["overdue"] = item["status"] == "open" and item["due_on"] < today
    first = (page - 1) * per_page
    return {"items": found[first:first + per_page], "total": len(found), "page": page, "per_page": per_page}


# -- access and portability -------------------------------------------------------------------

def everything(store: EventStore, keys: KeyStore, actor: Actor, person_id: str) -> dict:
    """Everything held about one person (s.30, s.31): their record in full (the national ID
    whole: it is theirs), their history, consents, requests, and who read their full record."""
    row = readmodel.get(store.engine, str(person_id))
    if row is None:
        raise NotFound(ev.stream_of(str(person_id)))
    actor.require(can.HANDLE_REQUESTS, row["center"])
    person = readmodel.plain_person(row, keys.sealers([row["id"]]).get(row["id"]))
    record = queries.person_dict(person, row)
    record["masked"] = False
    events = queries.history(store, keys, actor, row["id"], record=False)  # recorded once, as the access
    with store.engine.connect() as conn:
        asked = [dict(r) for r in conn.execute(select(readmodel.requests).where(
            readmodel.requests.c.person == row["id"]).order_by(readmodel.requests.c.received_on)).mappings()]
    queries.record_read(store.engine, actor, [row["id"]], "access", None)
    return {"person": record, "history": events, "consents": record["consents"], "requests": asked,
            "reads": queries.reads_of(store.engine, row["id"], RECENT_READS)}


# -- erasure ----------------------------------------------------------------------------------

def erase(store: EventStore, keys: KeyStore, actor: Actor, person_ids: list, payload: dict | None = None) -> dict:
    """Erase people (s.33): the ledger first (their keys deleted, the fence up), then
    `PersonErased` with their rows, indexes and staged rows dropped, then the files scrubbed."""
    actor.require(can.ERASE_PERSON)
    given = load(_erasure, payload or {})
    request = str(given["request"]) if given.get("request") else None
    commands.one_batch(person_ids, ERASE_MAX)
    ids = list(dict.fromkeys(str(p) for p in person_ids))

    def work():
        found = readmodel.rows(store.engine, ids)
        missing = [p for p in ids if p not in found and not _erased_stream(store, p)]
        if missing:
            raise CommandRejected([{"field": "people", "code": "not_found", "row": None, "params": {}}])
        keys.erase(ids, request)
        pending = [Pending(stream=ev.stream_of(p), version=found[p]["version"] + 1, type=ev.ERASED,
                           data={"request": request, "on": date.today().isoformat()}) for p in ids if p in found]
        outcome = {"erased": len(pending)}
        if pending:
            sealing = Sealing(keys, actor)
            commands.append(store, actor, pending, lambda conn, stored: outcome, sealing.project)
        scrub_people(store)
        return outcome

    return commands.once(store, actor, work)


def _erased_stream(store: EventStore, person_id: str) -> bool:
    events = store.stream(ev.stream_of(person_id))
    return bool(events) and events[-1]["type"] == ev.ERASED


def scrub_people(store: EventStore) -> None:
    """Leave nothing of the deleted rows readable in the files (DESIGN §2b): SQLite's deleted
    cells are zeroed (secure_delete) and its trigram index merged, which drops the deleted
    trigrams; PostgreSQL vacuums the tables."""
    engine = store.engine
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO people_fts (people_fts) VALUES ('optimize')"))
        scrub(engine, [])
    else:
        scrub(engine, ["people", "import_staged"])


def reapply_ledger(store: EventStore, keys: KeyStore) -> int:
    """After a restore (or an erasure cut short): every person in the ledger gets their
    `PersonErased` if the log lacks it, and their rows go. Run before the service answers."""
    erased = [entry["subject"] for entry in keys.ledger()]
    if not erased:
        return 0
    found = readmodel.rows(store.engine, erased)
    pending = [Pending(stream=ev.stream_of(p), version=row["version"] + 1, type=ev.ERASED,
                       data={"request": None, "on": date.today().isoformat()}) for p, row in found.items()]
    if pending:
        sealing = Sealing(keys, SERVICE_ACTOR)
        store.append(pending, SERVICE_ACTOR.record(), None, prepare=sealing.project)
        scrub_people(store)
        log.warning("erasure ledger re-applied", extra={"people": len(pending)})
    return len(pending)
