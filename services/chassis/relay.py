"""The outbox relay (DESIGN §3): publish committed events in `seq` order, in batches, and
move the cursor only after the broker confirmed the batch. A crash re-publishes, never skips."""
from __future__ import annotations

import logging
from typing import Callable

import orjson

from .database import try_exclusive
from .store import EventStore

log = logging.getLogger(__name__)

Publish = Callable[[bytes], None]  # must raise unless the broker confirmed the batch


def batch_message(source: str, events: list[dict]) -> dict:
    return {"source": source, "first": events[0]["seq"], "last": events[-1]["seq"], "events": events}


def batch_body(source: str, texts: list[tuple[int, bytes]]) -> bytes:
    """The UTF-8 JSON of batch_message(), built from events already in canonical JSON."""
    return orjson.dumps({
        "events": [orjson.Fragment(text) for _, text in texts],
        "first": texts[0][0], "last": texts[-1][0], "source": source,
    })


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
                texts = self.store.texts_since(position, self.batch_size)
                if not texts:
                    return sent
                if fault is not None:
                    fault()
                self.publish(batch_body(self.store.source, texts))
                if not self.store.advance_relay(position, texts[-1][0]):
                    log.info("relay cursor of %s moved under us; re-reading", self.store.source)
                sent += len(texts)
