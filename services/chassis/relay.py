"""The outbox relay (DESIGN §3): publish committed events in `seq` order, in batches, and
move the cursor only after the broker confirmed the batch. A crash re-publishes, never skips."""
from __future__ import annotations

import logging
from typing import Callable

from .database import try_exclusive
from .store import EventStore

log = logging.getLogger(__name__)

Publish = Callable[[dict], None]  # must raise unless the broker confirmed the batch


def batch_message(source: str, events: list[dict]) -> dict:
    return {"source": source, "first": events[0]["seq"], "last": events[-1]["seq"], "events": events}


class Relay:
    def __init__(self, store: EventStore, publish: Publish, batch_size: int = 500):
        self.store = store
        self.publish = publish
        self.batch_size = batch_size

    def pump(self, fault: Callable[[], None] | None = None) -> int:
        """Publish everything not yet confirmed; return how many events went out. One relay
        per source works at a time (PostgreSQL lock); the cursor's compare-and-set covers
        the rest."""
        with try_exclusive(self.store.engine, f"relay:{self.store.source}") as mine:
            if not mine:
                return 0
            sent = 0
            while True:
                position = self.store.relay_position()
                events = self.store.events_since(position, self.batch_size)
                if not events:
                    return sent
                if fault is not None:
                    fault()
                self.publish(batch_message(self.store.source, events))
                if not self.store.advance_relay(position, events[-1]["seq"]):
                    log.info("relay cursor of %s moved under us; re-reading", self.store.source)
                sent += len(events)
