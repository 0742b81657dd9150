"""The shape of every command of a register: a key seen before returns its first result and
appends nothing; otherwise the decision runs, what it decided is appended together with the
read model's writes, and the command's result comes from the same transaction. The actor is
the one the service verified (its request is the command's key)."""
from __future__ import annotations

from typing import Callable

from services.chassis.envelope import Pending
from services.chassis.errors import rejected
from services.chassis.permissions import Actor
from services.chassis.store import Effects, EventStore, Prepare


def run(store: EventStore, actor: Actor, decide: Callable[[], list[Pending]],
        effects: Effects | None = None, prepare: Prepare | None = None) -> dict:
    """Run one command: `decide()` returns the events to append (it raises to refuse)."""
    return once(store, actor, lambda: append(store, actor, decide(), effects, prepare))


def append(store: EventStore, actor: Actor, pending: list[Pending], effects: Effects | None = None,
           prepare: Prepare | None = None) -> dict:
    """Append what a command decided, as `actor`, under its key; the command's result."""
    return store.append(pending, actor.record(), actor.key, effects=effects, prepare=prepare).result


def once(store: EventStore, actor: Actor, work: Callable[[], dict]) -> dict:
    """`work()`, unless the command's key ran before: then its first result. (The store checks
    the key again under its lock; this look first spares the work of a repeated call.)"""
    if actor.key and (seen := store.recorded(actor.key)) is not None:
        return seen
    return work()


def one_batch(payloads, limit: int) -> None:
    """A list of at most `limit` rows, or the whole call is refused."""
    if not isinstance(payloads, list) or len(payloads) > limit:
        raise rejected("_schema", "too_many", max=limit)
