"""The orgs nameko service: RPC in, handlers, RPC out. Nothing else lives here."""
from __future__ import annotations

from nameko.rpc import rpc

from services.edge.dependencies import EventLog

from . import handlers, readmodel
from .events import SOURCE


class OrgsService:
    name = SOURCE
    log = EventLog(SOURCE, create_schema=readmodel.create_schema)

    @rpc
    def register(self, payload, actor, key=None):
        return handlers.register(self.log, payload, actor, key)

    @rpc
    def register_batch(self, payloads, actor, key=None, first_row=1):
        return handlers.register_batch(self.log, payloads, actor, key, first_row)

    @rpc
    def amend(self, org_id, changes, expected_version, actor, key=None):
        return handlers.amend(self.log, org_id, changes, expected_version, actor, key)

    @rpc
    def archive(self, org_id, expected_version, actor, reason=None, key=None):
        return handlers.archive(self.log, org_id, expected_version, reason, actor, key)

    @rpc
    def get(self, org_id):
        return handlers.get(self.log, org_id)

    @rpc
    def list(self, filters=None, page=1, per_page=50):
        return handlers.search(self.log, filters or {}, page, per_page)

    @rpc
    def history(self, org_id):
        return handlers.history(self.log, org_id)

    @rpc
    def events_since(self, seq, limit=1000):
        return self.log.events_since(seq, min(limit, 10_000))

    @rpc
    def head(self):
        return self.log.head()

    @rpc
    def verify_chain(self):
        return self.log.verify()

    @rpc
    def health(self):
        return {"service": SOURCE, "database": self.log.head()["seq"] >= 0}
