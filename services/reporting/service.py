"""The reporting nameko service: every register's event batches in through the catch-up
subscriber, indicators, replay and verify out over RPC. The registers are the registry's:
each gets a batch handler (`on_<source>_batch`) and an RPC proxy for filling gaps."""
from __future__ import annotations

import logging

from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from services.chassis import permissions as can
from services.chassis.envelope import BadEnvelope
from services.edge.asking import Asking, Signing
from services.edge.dependencies import Subscriber
from services.edge.entrypoints import batch_handler
from services.edge.logging import RequestLog
from services.edge.metrics import Metrics
from services.registry import BUILT_SOURCES
from services.settings import settings

from . import audit, projections, queries, targets

log = logging.getLogger(__name__)
OWN_LOG = "reporting"  # the name `verify` gives reporting's own log (the targets)


class ReportingService:
    name = "reporting"
    request_log = RequestLog()  # one log line per worker (services/edge/logging.py)
    metrics = Metrics()  # its RPCs counted and timed, /metrics, heartbeats (services/edge/metrics.py)
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
    def series(self, assertion, scope="nation", code=None, as_of=None):
        self.asking(assertion, can.READ_INDICATORS)
        return queries.series(self.subscriber.engine, scope, code, as_of)

    @rpc
    def activity(self, assertion, scope="nation", code=None, month=None):
        self.asking(assertion, can.READ_INDICATORS)
        return queries.activity(self.subscriber.engine, scope, code, month)

    @rpc
    def targets(self, assertion):
        self.asking(assertion, can.READ_INDICATORS)
        return targets.listing(self.subscriber.engine)

    @rpc
    def set_target(self, assertion, indicator, center, target, key=None):
        actor = self.asking(assertion, can.SET_TARGETS, key)
        return targets.set_target(self.subscriber.engine, actor, indicator, center, target)

    @rpc
    def freshness(self, assertion):
        self.asking(assertion, can.READ_INDICATORS)
        return self.subscriber.freshness()

    @rpc
    def positions(self, assertion):
        self.asking(assertion, can.READ_INDICATORS)
        return {source: self.subscriber.position(source) for source in BUILT_SOURCES}

    @rpc
    def replay(self, assertion, start=True, events=None):
        """Rebuild the projection from the sources' logs: all in this call (`events` None), or in
        steps a caller drives to show its progress within its RPC timeout (`sanphalang replay`):
        `events=0` drops the projection and answers the heads, then each `start=False, events=N`
        applies up to N more events towards the heads, answering the positions reached."""
        self.asking(assertion, can.REBUILD)
        sources = list(BUILT_SOURCES)
        if events is None:
            return self.subscriber.replay(sources, self._fetch)
        if start:
            self.subscriber.reset()
        heads = {source: getattr(self, source).head(self.signing(source, "head"))["seq"] for source in sources}
        try:
            applied, broken = self.subscriber.advance(heads, self._fetch, events), None
        except BadEnvelope as error:  # a log that is not what its source wrote: stop there, and say where
            applied, broken = dict.fromkeys(sources, 0), {"source": getattr(error, "source", None),
                                                          "seq": error.seq, "reason": error.code}
        return {"applied": applied, "events": sum(applied.values()), "heads": heads, "broken": broken,
                "positions": {source: self.subscriber.position(source) for source in sources}}

    @rpc
    def verify(self, assertion, chains=None, projection=True):
        """Check the hash chains named in `chains` (each source's, and "reporting": its own log,
        the targets; default every one) and, with `projection`, compare the live projection with
        a fresh replay. `sanphalang verify` asks for one part at a time to show its progress."""
        self.asking(assertion, can.AUDIT)
        names = [*BUILT_SOURCES, OWN_LOG] if chains is None else list(chains)
        unknown = [name for name in names if name not in (*BUILT_SOURCES, OWN_LOG)]
        if unknown:
            raise ValueError(f"no such log: {', '.join(map(str, unknown))}")
        checked = [self._chain(name) for name in names]
        compared = audit.compare(self.subscriber, list(BUILT_SOURCES), self._fetch) if projection else None
        ok = all(c["ok"] for c in checked) and (compared is None or compared["equal"])
        return {"ok": ok, "chains": checked, "projection": compared}

    def _chain(self, name: str) -> dict:
        if name == OWN_LOG:
            return targets.log(self.subscriber.engine).verify()  # reporting's own: the targets
        return getattr(self, name).verify_chain(self.signing(name, "verify_chain"))

    @rpc
    def health(self):
        return {"service": self.name, "database": all(self.subscriber.position(s) >= 0 for s in BUILT_SOURCES),
                "freshness": self.subscriber.freshness()}


def _batches_of(source: str):
    """The handler of one source's relayed batches (nameko names its queue after the method)."""
    def on_batch(self, batch):
        self.subscriber.on_batch(batch, self._fetch, source)

    on_batch.__name__ = f"on_{source}_batch"
    return batch_handler(source)(on_batch)


for _source in BUILT_SOURCES:
    setattr(ReportingService, _source, RpcProxy(_source))
    setattr(ReportingService, f"on_{_source}_batch", _batches_of(_source))
