"""The reporting nameko service: batches in through the catch-up subscriber, indicators,
replay and verify out over RPC."""
from __future__ import annotations

import logging

from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from sanphalang.config import RUNNING_SOURCES, settings
from services.edge.dependencies import Subscriber
from services.edge.entrypoints import batch_handler

from . import audit, projections, queries

log = logging.getLogger(__name__)


class ReportingService:
    name = "reporting"
    subscriber = Subscriber("reporting", projections.apply, create_schema=projections.create_schema)
    orgs = RpcProxy("orgs")

    def _fetch(self, source, after, limit):
        return getattr(self, source).events_since(after, limit)

    @batch_handler("orgs")
    def on_orgs_batch(self, batch):
        self.subscriber.on_batch(batch, self._fetch)

    @timer(interval=settings().catchup_interval)
    def compare_heads(self):
        """Whatever the broker lost or never carried arrives here, from the source's log."""
        for source in RUNNING_SOURCES:
            head = getattr(self, source).head()["seq"]
            if self.subscriber.stalled(source, head):
                self.subscriber.catch_up(source, self._fetch, head)

    @rpc
    def indicators(self, scope="nation", code=None, as_of=None):
        return queries.indicator_values(self.subscriber.engine, scope, code, as_of)

    @rpc
    def positions(self):
        return {source: self.subscriber.position(source) for source in RUNNING_SOURCES}

    @rpc
    def replay(self):
        return audit.replay(self.subscriber, list(RUNNING_SOURCES), self._fetch)

    @rpc
    def verify(self):
        chains = [getattr(self, source).verify_chain() for source in RUNNING_SOURCES]
        projection = audit.compare(self.subscriber, list(RUNNING_SOURCES), self._fetch)
        ok = all(c["ok"] for c in chains) and projection["equal"]
        return {"ok": ok, "chains": chains, "projection": projection}

    @rpc
    def health(self):
        return {"service": "reporting", "database": self.subscriber.position("orgs") >= 0}
