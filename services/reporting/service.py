"""The reporting nameko service: every register's event batches in through the catch-up
subscriber, indicators, replay and verify out over RPC. The registers are the registry's:
each gets a batch handler (`on_<source>_batch`) and an RPC proxy for filling gaps."""
from __future__ import annotations

import logging

from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from services.chassis import permissions as can
from services.edge.asking import Asking, Signing
from services.edge.dependencies import Subscriber
from services.edge.entrypoints import batch_handler
from services.edge.logging import RequestLog
from services.registry import BUILT_SOURCES
from services.settings import settings

from . import audit, projections, queries

log = logging.getLogger(__name__)


class ReportingService:
    name = "reporting"
    request_log = RequestLog()  # one log line per worker (services/edge/logging.py)
    subscriber = Subscriber("reporting", projections.apply, clear=projections.clear,
                            create_schema=projections.create_schema)
    asking = Asking()
    signing = Signing()  # reporting asks the registers for their logs as itself

    def _fetch(self, source, after, limit):
        return getattr(self, source).events_since(self.signing(source, "events_since"), after, limit)

    @timer(interval=settings().catchup_interval)
    def compare_heads(self):
        """Whatever the broker lost or never carried arrives here, from the source's log."""
        for source in BUILT_SOURCES:
            try:
                head = getattr(self, source).head(self.signing(source, "head"))["seq"]
            except UnknownService:  # not started yet, or stopping: its log is read next round
                log.warning("catch-up: %s is not running", source, extra={"code": "source_not_running"})
                continue
            if self.subscriber.stalled(source, head):
                self.subscriber.catch_up(source, self._fetch, head)

    @rpc
    def indicators(self, assertion, scope="nation", code=None, as_of=None):
        self.asking(assertion, can.READ_INDICATORS)
        return queries.indicator_values(self.subscriber.engine, scope, code, as_of)

    @rpc
    def breakdowns(self, assertion, scope="nation", code=None, as_of=None):
        self.asking(assertion, can.READ_INDICATORS)
        return queries.breakdown_values(self.subscriber.engine, scope, code, as_of)

    @rpc
    def positions(self, assertion):
        self.asking(assertion, can.READ_INDICATORS)
        return {source: self.subscriber.position(source) for source in BUILT_SOURCES}

    @rpc
    def replay(self, assertion):
        self.asking(assertion, can.REBUILD)
        return self.subscriber.replay(list(BUILT_SOURCES), self._fetch)

    @rpc
    def verify(self, assertion):
        self.asking(assertion, can.AUDIT)
        chains = [getattr(self, source).verify_chain(self.signing(source, "verify_chain")) for source in BUILT_SOURCES]
        projection = audit.compare(self.subscriber, list(BUILT_SOURCES), self._fetch)
        ok = all(c["ok"] for c in chains) and projection["equal"]
        return {"ok": ok, "chains": chains, "projection": projection}

    @rpc
    def health(self):
        return {"service": self.name, "database": all(self.subscriber.position(s) >= 0 for s in BUILT_SOURCES)}


def _batches_of(source: str):
    """The handler of one source's relayed batches (nameko names its queue after the method)."""
    def on_batch(self, batch):
        self.subscriber.on_batch(batch, self._fetch)

    on_batch.__name__ = f"on_{source}_batch"
    return batch_handler(source)(on_batch)


for _source in BUILT_SOURCES:
    setattr(ReportingService, _source, RpcProxy(_source))
    setattr(ReportingService, f"on_{_source}_batch", _batches_of(_source))
