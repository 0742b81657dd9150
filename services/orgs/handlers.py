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

from . import domain, readmodel, staging
from . import events as ev
from .names import normalize
from .spreadsheet import FILE
from .schemas import Merge, OrgChanges, OrgRegistration, OrgRelocation, Reason, StrengthAssessment, Verification

BATCH_MAX = 5000
_registration = OrgRegistration()
_changes = OrgChanges()
_relocation = OrgRelocation()
_assessment = StrengthAssessment()
_verification = Verification()
_reason = Reason()
_merge = Merge()


def _row_after(org_id: str):
    """Effects: the organization as the command left it (projected by `readmodel.project`)."""
    def effects(conn: Connection, stored: list[dict]) -> dict:
        row = conn.execute(select(readmodel.organizations).where(readmodel.organizations.c.id == org_id))
        return readmodel.public(dict(row.mappings().one()))

    return effects


def _run(store: EventStore, key: str | None, decide, actor: dict, org_id: str) -> dict:
    """The shape of every single-organization command: idempotency, decide, append, result."""
    if key and (seen := store.recorded(key)) is not None:
        return seen
    return store.append(decide(), actor, key, effects=_row_after(org_id), prepare=readmodel.project).result


def _current(store: EventStore, org_id: str, expected_version: int | None = None) -> domain.Organization:
    org = readmodel.load(store.engine, str(org_id))
    if org is None:
        raise NotFound(ev.stream_of(str(org_id)))
    if expected_version is not None and expected_version != org.version:
        raise Conflict(org.stream, org.version)
    return org


def register(store: EventStore, payload: dict, actor: dict, key: str | None = None) -> dict:
    if key and (seen := store.recorded(key)) is not None:
        return seen
    pending = domain.register(load(_registration, payload))
    return store.append([pending], actor, key, effects=_row_after(ev.org_id_of(pending.stream)),
                        prepare=readmodel.project).result


def register_batch(
    store: EventStore, payloads: list, actor: dict, key: str | None = None, first_row: int = 1
) -> dict:
    """All rows or none: every bad row is reported (row, field, code) and nothing is written."""
    if key and (seen := store.recorded(key)) is not None:
        return seen
    _one_batch(payloads)
    pending = _decide_registrations(payloads, first_row)

    def effects(conn: Connection, stored: list[dict]) -> dict:
        return {
            "registered": len(stored), "first_seq": stored[0]["seq"] if stored else None,
            "last_seq": stored[-1]["seq"] if stored else None,
            "ids": [ev.org_id_of(p.stream) for p in pending],
        }

    return store.append(pending, actor, key, effects=effects, prepare=readmodel.project).result


def _one_batch(payloads) -> None:
    """A list of at most BATCH_MAX rows, or the whole call is refused."""
    if not isinstance(payloads, list) or len(payloads) > BATCH_MAX:
        raise rejected("_schema", "too_many", max=BATCH_MAX)


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


def import_rows(
    store: EventStore, payloads: list, actor: dict, key: str | None = None, first_row: int = 1,
    dry_run: bool = False, accept_valid: bool = False,
) -> dict:
    """Upsert rows on their natural key (subdistrict + normalized name): new ones register,
    changed ones amend, identical ones change nothing. Bad rows reject the whole call unless
    `accept_valid`; a dry run writes nothing and says what would happen."""
    if key and not dry_run and (seen := store.recorded(key)) is not None:
        return seen
    _one_batch(payloads)
    good, problems = checked_rows(payloads, first_row)
    if problems and not accept_valid:
        raise CommandRejected(problems)
    pending, counts, ids = _decide_imports(store, good)
    outcome = {**counts, "rejected": problems, "ids": ids}
    if dry_run or not pending:
        return outcome

    return store.append(pending, actor, key, effects=lambda conn, stored: outcome, prepare=readmodel.project).result


def check_rows(store: EventStore, payloads: list, first_row: int = 1, stage: str | None = None) -> dict:
    """Every problem of every row, as an import would find them; nothing is looked up, and
    nothing is written to the register. Imports check a whole file this way, spread over the
    replicas, before writing. With `stage`, the good rows are held for `import_staged`."""
    _one_batch(payloads)
    good, problems = checked_rows(payloads, first_row)
    if stage is not None:
        staging.keep(store.engine, str(stage), good)
    return {"rejected": problems}


def import_staged(
    store: EventStore, stage: str, first_row: int, last_row: int, expected: int, actor: dict, key: str | None = None,
) -> dict:
    """Write the rows `check_rows` staged from `first_row` to `last_row` (`expected` of them:
    the range's rows less those it rejected) as `import_rows` would write them, and drop them
    from the stage in the same transaction."""
    if key and (seen := store.recorded(key)) is not None:
        return seen
    stage = str(stage)
    rows, naturals = staging.held(store.engine, stage, first_row, last_row)
    if len(rows) != expected:
        raise rejected(FILE, "import_stage_gone")
    existing = readmodel.at_keys_of(store.engine, staging.keys(stage, first_row, last_row))
    pending, counts, ids = _decisions(rows, naturals, existing)
    outcome = {**counts, "rejected": [], "ids": ids}

    def prepare(conn: Connection, drafts: list[dict]) -> None:
        readmodel.project(conn, drafts)
        staging.consume(conn, stage, first_row, last_row)

    return store.append(pending, actor, key, effects=lambda conn, stored: outcome, prepare=prepare).result


def discard_stage(store: EventStore, stage: str) -> dict:
    return {"discarded": staging.discard(store.engine, str(stage))}


def stage_keys_apart(store: EventStore, stage: str, chunk: int) -> bool:
    return staging.keys_apart(store.engine, str(stage), int(chunk))


def checked_rows(payloads: list, first_row: int) -> tuple[list, list]:
    """(row, fields, the fields the row gave) of every valid row, and every problem of the
    others: one marshmallow call for the whole chunk, row by row only when it fails."""
    try:
        loaded = list(enumerate(_registration.load(payloads, many=True), start=first_row))
    except ValidationError:
        loaded = None
    good, problems = [], []
    for n, payload in enumerate(payloads):
        row = first_row + n
        try:
            fields_ = loaded[n][1] if loaded else load(_registration, payload, row=row)
            domain.locate(fields_, row)
            good.append((row, fields_, {k: fields_[k] for k in payload if k in fields_}))
        except CommandRejected as error:
            problems.extend(error.problems)
    return good, problems


def _decide_imports(store: EventStore, rows: list) -> tuple[list, dict, list]:
    naturals = [(f["subdistrict"], normalize(f["name"])) for _, f, _ in rows]
    return _decisions(rows, naturals, readmodel.by_natural_key(store.engine, naturals))


def _decisions(rows: list, naturals: list, existing: dict) -> tuple[list, dict, list]:
    """Register, amend or leave each row, given the organizations already at its natural key.
    Blank cells (fields the row does not give) never overwrite what a record has."""
    pending, ids, seen = [], [], set()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    fresh_ids = iter(new_ids(len(rows)))
    for (row, fields_, given), natural in zip(rows, naturals):
        org = existing.get(natural)
        if natural in seen:  # the same organization twice in one file: the first row wins
            counts["unchanged"] += 1
            ids.append(org.id if org else None)
            continue
        seen.add(natural)
        if org is None:
            registered = domain.register(fields_, next(fresh_ids), row=row)
            pending.append(registered)
            ids.append(ev.org_id_of(registered.stream))
            counts["created"] += 1
            continue
        changes = domain.amend(org, given) if org.status == "active" else []  # archived rows stay archived
        pending += changes
        ids.append(org.id)
        counts["updated" if changes else "unchanged"] += 1
    return pending, counts, ids


def amend(store: EventStore, org_id: str, changes: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.amend(_current(store, org_id, expected_version), load(_changes, changes)),
                actor, org_id)


def relocate(store: EventStore, org_id: str, location: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.relocate(_current(store, org_id, expected_version), load(_relocation, location)),
                actor, org_id)


def assess(store: EventStore, org_id: str, assessment: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.assess(
        _current(store, org_id, expected_version), load(_assessment, assessment), actor["user"]), actor, org_id)


def verify(store: EventStore, org_id: str, payload: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.verify(
        _current(store, org_id, expected_version), load(_verification, payload or {})["on"], actor["user"]), actor, org_id)


def archive(store: EventStore, org_id: str, expected_version: int, reason: str | None, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.archive(
        _current(store, org_id, expected_version), load(_reason, {"reason": reason})["reason"]), actor, org_id)


def restore(store: EventStore, org_id: str, expected_version: int, reason: str | None, actor: dict, key: str | None = None) -> dict:
    return _run(store, key, lambda: domain.restore(
        _current(store, org_id, expected_version), load(_reason, {"reason": reason})["reason"]), actor, org_id)


def merge(store: EventStore, survivor_id: str, payload: dict, expected_version: int, actor: dict, key: str | None = None) -> dict:
    """Merge `payload.duplicate` into the survivor; both versions are checked."""
    def decide():
        request = load(_merge, payload)
        survivor = _current(store, survivor_id, expected_version)
        duplicate = _current(store, str(request["duplicate"]), request["duplicate_version"])
        return domain.merge(survivor, duplicate)

    return _run(store, key, decide, actor, survivor_id)


def unmerge(store: EventStore, duplicate_id: str, expected_version: int, actor: dict, key: str | None = None) -> dict:
    """Undo a merge: the duplicate gets back the status it had before."""
    def decide():
        duplicate = _current(store, duplicate_id, expected_version)
        if duplicate.status != "merged":
            raise rejected("_schema", "not_merged")
        merged = [e for e in store.stream(duplicate.stream) if e["type"] == ev.MERGED][-1]
        survivor = _current(store, merged["data"]["into"])
        return domain.unmerge(duplicate, survivor, merged["data"]["previous_status"])

    return _run(store, key, decide, actor, duplicate_id)


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
    result = readmodel.search(store.engine, filters, page, per_page)
    result["items"] = [readmodel.public(r) for r in result["items"]]
    return result


def duplicates(store: EventStore, filters: dict, page: int, per_page: int) -> dict:
    from . import search as search_

    return search_.duplicates(store.engine, filters, page, per_page)
