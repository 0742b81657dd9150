"""The orgs nameko service: RPC in, handlers, RPC out. The event log's RPCs and the imports'
come from the edge's mixins; nothing else lives here."""
from __future__ import annotations

from nameko.rpc import rpc

from services.contracts.orgs.events import SOURCE
from services.edge.dependencies import EventLog
from services.edge.logging import RequestLog
from services.edge.source import EventSource, SpreadsheetImports

from . import handlers, readmodel
from .imports import IMPORTER


class OrgsService(EventSource, SpreadsheetImports):
    name = SOURCE
    request_log = RequestLog()  # one log line per worker (services/edge/logging.py)
    log = EventLog(SOURCE, create_schema=readmodel.create_schema)
    importer = IMPORTER

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
    def relocate(self, org_id, location, expected_version, actor, key=None):
        return handlers.relocate(self.log, org_id, location, expected_version, actor, key)

    @rpc
    def assess(self, org_id, assessment, expected_version, actor, key=None):
        return handlers.assess(self.log, org_id, assessment, expected_version, actor, key)

    @rpc
    def confirm_current(self, org_id, payload, expected_version, actor, key=None):
        return handlers.confirm_current(self.log, org_id, payload, expected_version, actor, key)

    @rpc
    def archive(self, org_id, expected_version, actor, reason=None, key=None):
        return handlers.archive(self.log, org_id, expected_version, actor, reason, key)

    @rpc
    def restore(self, org_id, expected_version, actor, reason=None, key=None):
        return handlers.restore(self.log, org_id, expected_version, actor, reason, key)

    @rpc
    def merge(self, survivor_id, payload, expected_version, actor, key=None):
        return handlers.merge(self.log, survivor_id, payload, expected_version, actor, key)

    @rpc
    def unmerge(self, duplicate_id, expected_version, actor, key=None):
        return handlers.unmerge(self.log, duplicate_id, expected_version, actor, key)

    @rpc
    def get(self, org_id):
        return handlers.get(self.log, org_id)

    @rpc
    def list(self, filters=None, page=1, per_page=50):
        return handlers.search(self.log, filters or {}, page, per_page)

    @rpc
    def duplicates(self, filters=None, page=1, per_page=50):
        return handlers.duplicates(self.log, filters or {}, page, per_page)

    @rpc
    def history(self, org_id):
        return handlers.history(self.log, org_id)
