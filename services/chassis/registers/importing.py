"""The service's side of a register's spreadsheet imports: rows checked (every problem of
every row), staged, then written; or checked and written in one call (dry runs say what would
happen). Rows are upserted on the register's natural key: a new key registers a record, a
known one amends it with the fields the row gave (a blank cell never overwrites), the same key
twice in one import counts once. Bad rows refuse the whole call unless `accept_valid`; a dry
run never refuses for them: it says what the good rows would do, beside every problem."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from marshmallow import Schema, ValidationError
from sqlalchemy import Select
from sqlalchemy.engine import Connection, Engine

from services.chassis import metrics
from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import FILE, CommandRejected, rejected
from services.chassis.permissions import Actor
from services.chassis.store import EventStore, Prepare
from services.chassis.validation import load_what_loads

from . import commands
from .staging import Stage, Staged


@dataclass(frozen=True)
class Importer:
    """What an import needs of its register.

    `schema`: the registration schema; `check(fields, row)`: the register's own rules for a
    loaded row beyond the schema (raises CommandRejected); `find(engine, keys)` and
    `find_staged(engine, query)`: the records at natural keys (a list, or a query selecting
    them), by key; `create(fields, record_id, row)`: the event registering a new record;
    `update(record, given)`: the events amending one with the fields a row gave (none for a
    record an import leaves as it is); `record_id(record)`; `project`: the read model's writes.
    `action`: the permission an import needs; a row's center is what `check` returns (the
    natural key holds the place, so a row amends only records of its own center), and a row
    of a center the actor may not write is a problem of `center_field` coded `other_center`.
    `seal(pending, actor)`: for personal data, the events to append with their values sealed
    and the read model's writes that open them (in place of `project`)."""

    schema: Schema
    check: Callable[[dict, int], object]
    stage: Stage
    find: Callable[[Engine, list], dict]
    find_staged: Callable[[Engine, Select], dict]
    create: Callable[[dict, str, int], Pending]
    update: Callable[[object, dict], list[Pending]]
    record_id: Callable[[object], str]
    project: Prepare
    batch_max: int
    action: str
    center_field: str = "province"
    other_center: str = "other_center"
    seal: Callable[[list[Pending], Actor], tuple[list[Pending], Prepare]] | None = None

    def checked_rows(self, actor: Actor, payloads: list, first_row: int) -> tuple[list[Staged], list[dict]]:
        """(row, fields, the fields the row gave) of every valid row the actor may write, and
        every problem of the others: one marshmallow call for the whole chunk, row by row only
        when it fails. A row's problems come all at once: those of the schema, and those
        `check` finds in the fields that did load (see `_problems_of`)."""
        try:
            loaded = self.schema.load(payloads, many=True)
        except ValidationError:
            loaded = None
        good, problems, everywhere = [], [], actor.may(self.action)
        for n, payload in enumerate(payloads):
            row = first_row + n
            if loaded:
                fields, refused = loaded[n], []
            else:
                fields, refused = load_what_loads(self.schema, payload, row=row)
            found = self._problems_of(actor, everywhere, fields, refused, row)
            if found:
                problems.extend(found)
            else:
                good.append((row, fields, {k: fields[k] for k in payload if k in fields}))
        return good, problems

    def _problems_of(self, actor: Actor, everywhere: bool, fields: dict, refused: list[dict], row: int) -> list[dict]:
        """Every problem of one row: `refused`, the schema's; then what `check` finds in the
        fields that loaded, and a center the actor may not write. On a row the schema refused
        in part, `check` sees only the fields it loaded: its problems of a field the schema
        refused already are left out (one problem a field), and a check that needs a field
        that is not there (KeyError) adds nothing: the row is rejected anyway."""
        if refused and not fields:  # not even an object: nothing to check
            return refused
        try:
            center = self.check(fields, row)
        except CommandRejected as error:
            named = {problem["field"].split(".")[0] for problem in refused}
            return refused + [p for p in error.problems if p["field"].split(".")[0] not in named]
        except KeyError:
            if not refused:
                raise
            return refused
        if not everywhere and not actor.may(self.action, center):
            return refused + rejected(self.center_field, self.other_center, row, center=center).problems
        return refused

    def check_rows(self, store: EventStore, actor: Actor, payloads: list, first_row: int = 1,
                   stage: str | None = None) -> dict:
        """Every problem of every row, as an import would find them; nothing is looked up and
        nothing is written to the register. Imports check a whole file this way, spread over
        the replicas, before writing. With `stage`, the good rows are held for `import_staged`."""
        commands.one_batch(payloads, self.batch_max)
        good, problems = self.checked_rows(actor, payloads, first_row)
        if stage is not None:  # an import's check (not a dry run's): its rejected rows count
            self.stage.keep(store.engine, str(stage), good)
            metrics.imported(store.source, {"rejected": _rows(problems)})
        return {"rejected": problems}

    def import_rows(self, store: EventStore, actor: Actor, payloads: list, first_row: int = 1,
                    dry_run: bool = False, accept_valid: bool = False) -> dict:
        """Check and upsert rows in one call. A dry run writes nothing and says what would
        happen: what the good rows would do (all of them, with `accept_valid`, or once the bad
        rows are fixed, without it) and every problem of the others."""
        if dry_run:
            return self._import_rows(store, actor, payloads, first_row, True, accept_valid)
        return commands.once(store, actor, lambda: self._import_rows(
            store, actor, payloads, first_row, False, accept_valid))

    def _import_rows(self, store, actor, payloads, first_row, dry_run, accept_valid) -> dict:
        commands.one_batch(payloads, self.batch_max)
        good, problems = self.checked_rows(actor, payloads, first_row)
        if not dry_run:
            metrics.imported(store.source, {"rejected": _rows(problems)})
        if problems and not accept_valid and not dry_run:
            raise CommandRejected(problems)
        naturals = [self.stage.key_of(fields) for _, fields, _ in good]
        pending, counts, ids = self.decide(good, naturals, self.find(store.engine, naturals))
        outcome = {**counts, "rejected": problems, "ids": ids}
        if dry_run:
            return outcome
        if not pending:  # nothing to append: every row as it was
            metrics.imported(store.source, counts)
            return outcome
        pending, project = self.sealed(pending, actor)
        return _write(store, actor, pending, outcome, counts, project)

    def import_staged(self, store: EventStore, actor: Actor, stage: str, first_row: int, last_row: int,
                      expected: int) -> dict:
        """Write the rows `check_rows` staged from `first_row` to `last_row` (`expected` of them:
        the range's rows less those it rejected) as `import_rows` would write them, and drop
        them from the stage in the same transaction. The rows were checked for whoever staged
        them: each must also be of a center this actor may write, or nothing is. A range whose
        key ran before (the same file imported again, nothing changed in between) is answered
        from it, and its rows leave the stage all the same."""
        if actor.key and (seen := store.recorded(actor.key)) is not None:
            with store.engine.begin() as conn:
                self.stage.consume(conn, str(stage), first_row, last_row)
            return seen
        return self._import_staged(store, actor, str(stage), first_row, last_row, expected)

    def _import_staged(self, store, actor, stage, first_row, last_row, expected) -> dict:
        rows, naturals = self.stage.held(store.engine, stage, first_row, last_row)
        if len(rows) != expected:
            raise rejected(FILE, "import_stage_gone")
        if not actor.may(self.action):  # not allowed everywhere: each row's center decides
            for row, fields, _ in rows:
                actor.require(self.action, self.check(fields, row))
        existing = self.find_staged(store.engine, self.stage.key_query(stage, first_row, last_row))
        pending, counts, ids = self.decide(rows, naturals, existing)
        outcome = {**counts, "rejected": [], "ids": ids}

        pending, project = self.sealed(pending, actor)

        def prepare(conn: Connection, drafts: list[dict]) -> None:
            project(conn, drafts)
            self.stage.consume(conn, stage, first_row, last_row)

        return _write(store, actor, pending, outcome, counts, prepare)

    def sealed(self, pending: list[Pending], actor: Actor) -> tuple[list[Pending], Prepare]:
        """What is appended and the read model's writes: `seal`'s, for a register of personal
        data (its events' personal values sealed, DESIGN §2b), else the events as decided."""
        return self.seal(pending, actor) if self.seal is not None else (pending, self.project)

    def discard_stage(self, store: EventStore, stage: str) -> dict:
        return {"discarded": self.stage.discard(store.engine, str(stage))}

    def stage_keys_apart(self, store: EventStore, stage: str, chunk: int) -> bool:
        return self.stage.keys_apart(store.engine, str(stage), int(chunk))

    def decide(self, rows: list[Staged], naturals: list, existing: dict) -> tuple[list, dict, list]:
        """Register, amend or leave each row, given the records already at its natural key.
        The same key twice in one import: the first row wins, the second changes nothing."""
        pending, ids, seen = [], [], set()
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        fresh_ids = iter(new_ids(len(rows)))
        for (row, fields, given), natural in zip(rows, naturals):
            record = existing.get(natural)
            if natural in seen:
                counts["unchanged"] += 1
                ids.append(self.record_id(record) if record else None)
                continue
            seen.add(natural)
            if record is None:
                record_id = next(fresh_ids)
                pending.append(self.create(fields, record_id, row))
                ids.append(record_id)
                counts["created"] += 1
                continue
            changes = self.update(record, given)
            pending += changes
            ids.append(self.record_id(record))
            counts["updated" if changes else "unchanged"] += 1
        return pending, counts, ids


def _write(store: EventStore, actor: Actor, pending: list[Pending], outcome: dict, counts: dict,
           prepare: Prepare) -> dict:
    """Append an import's events under its key and count its rows once they are written (not
    when the key ran before: those rows were counted then)."""
    done = store.append(pending, actor.record(), actor.key, effects=lambda conn, stored: outcome, prepare=prepare)
    if not done.replayed:
        metrics.imported(store.source, counts)
    return done.result


def _rows(problems: list[dict]) -> int:
    """How many rows the problems are of (a row may have several)."""
    return len({p.get("row") for p in problems})
