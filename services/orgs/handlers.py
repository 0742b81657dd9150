"""Command and query handlers of the register: plain functions over the event store and
the read model. The nameko service only parses, calls one of these, and returns."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from services.chassis.envelope import new_ids
from services.chassis.errors import CommandRejected, Conflict, NotFound, rejected
from services.chassis.store import EventStore
from services.chassis.validation import load

from . import domain, readmodel
from .schemas import OrgChanges, OrgRegistration

BATCH_MAX = 5000
_registration = OrgRegistration()
_changes = OrgChanges()


def _row_after(org_id: str):
    def effects(conn: Connection, stored: list[dict]) -> dict:
        readmodel.project(conn, stored)
        row = conn.execute(select(readmodel.organizations).where(readmodel.organizations.c.id == org_id))
        return _public(dict(row.mappings().one()))

    return effects


def _public(row: dict) -> dict:
    return {**row, "founded_year_be": row["founded_year"] + 543 if row.get("founded_year") else None}


def register(store: EventStore, payload: dict, actor: dict, key: str | None = None) -> dict:
    if key and (seen := store.recorded(key)) is not None:
        return seen
    pending = domain.register(load(_registration, payload))
    org_id = pending.stream.removeprefix("org-")
    return store.append([pending], actor, key, effects=_row_after(org_id)).result


def register_batch(
    store: EventStore, payloads: list, actor: dict, key: str | None = None, first_row: int = 1
) -> dict:
    """All rows or none: every bad row is reported (row, field, code) and nothing is written."""
    if key and (seen := store.recorded(key)) is not None:
        return seen
    if not isinstance(payloads, list) or len(payloads) > BATCH_MAX:
        raise rejected("_schema", "too_many", max=BATCH_MAX)
    pending = _decide_registrations(payloads, first_row)

    def effects(conn: Connection, stored: list[dict]) -> dict:
        readmodel.project(conn, stored)
        return {
            "registered": len(stored), "first_seq": stored[0]["seq"] if stored else None,
            "last_seq": stored[-1]["seq"] if stored else None,
            "ids": [p.stream.removeprefix("org-") for p in pending],
        }

    return store.append(pending, actor, key, effects=effects).result


def _decide_registrations(payloads: list, first_row: int) -> list:
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


def _current(store: EventStore, org_id: str, expected_version: int | None) -> domain.Organization:
    org = readmodel.load(store.engine, org_id)
    if org is None:
        raise NotFound(f"org-{org_id}")
    if expected_version is not None and expected_version != org.version:
        raise Conflict(org.stream, org.version)
    return org


def amend(store: EventStore, org_id: str, changes: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    if key and (seen := store.recorded(key)) is not None:
        return seen
    org = _current(store, org_id, expected_version)
    pending = domain.amend(org, load(_changes, changes))
    return store.append(pending, actor, key, effects=_row_after(org_id)).result


def archive(store: EventStore, org_id: str, expected_version: int, reason: str | None, actor: dict, key: str | None = None) -> dict:
    if key and (seen := store.recorded(key)) is not None:
        return seen
    org = _current(store, org_id, expected_version)
    pending = domain.archive(org, reason)
    return store.append(pending, actor, key, effects=_row_after(org_id)).result


def get(store: EventStore, org_id: str) -> dict:
    row = readmodel.get(store.engine, org_id)
    if row is None:
        raise NotFound(f"org-{org_id}")
    return _public(row)


def history(store: EventStore, org_id: str) -> list[dict]:
    events = store.stream(f"org-{org_id.removeprefix('org-')}")
    if not events:
        raise NotFound(f"org-{org_id}")
    return events


def search(store: EventStore, filters: dict, page: int, per_page: int) -> dict:
    result = readmodel.search(store.engine, filters, page, per_page)
    result["items"] = [_public(r) for r in result["items"]]
    return result
