"""The orgs nameko service: RPC in, who is asking verified, handlers, RPC out. Every RPC but
`health` takes the caller's signed assertion first (DESIGN §2a); a command's `key`, when
given, must be the request the assertion was signed for. The event log's RPCs and the
imports' come from the edge's mixins; nothing else lives here."""
from __future__ import annotations

from nameko.rpc import rpc

from services.chassis import permissions as can
from services.contracts.orgs.events import SOURCE
from services.edge.asking import Asking
from services.edge.dependencies import EventLog
from services.edge.logging import RequestLog
from services.edge.metrics import Metrics
from services.edge.source import EventSource, SpreadsheetImports

from . import handlers, readmodel
from .imports import IMPORTER


class OrgsService(EventSource, SpreadsheetImports):
    name = SOURCE
    request_log = RequestLog()  # one log line per worker (services/edge/logging.py)
    metrics = Metrics()  # its RPCs counted and timed, /metrics, heartbeats (services/edge/metrics.py)
    log = EventLog(SOURCE, create_schema=readmodel.create_schema)
    asking = Asking()
    importer = IMPORTER

    @rpc
    def register(self, assertion, payload, key=None):
        return handlers.register(self.log, self.asking(assertion, can.CREATE_ORG, key), payload)

    @rpc
    def register_batch(self, assertion, payloads, key=None, first_row=1):
        return handlers.register_batch(self.log, self.asking(assertion, can.CREATE_ORG, key), payloads, first_row)

    @rpc
    def amend(self, assertion, org_id, changes, expected_version, key=None):
        return handlers.amend(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, changes, expected_version)

    @rpc
    def relocate(self, assertion, org_id, location, expected_version, key=None):
        return handlers.relocate(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, location, expected_version)

    @rpc
    def assess(self, assertion, org_id, assessment, expected_version, key=None):
        return handlers.assess(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, assessment, expected_version)

    @rpc
    def confirm_current(self, assertion, org_id, payload, expected_version, key=None):
        return handlers.confirm_current(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, payload,
                                        expected_version)

    @rpc
    def archive(self, assertion, org_id, expected_version, reason=None, key=None):
        return handlers.archive(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, expected_version, reason)

    @rpc
    def restore(self, assertion, org_id, expected_version, reason=None, key=None):
        return handlers.restore(self.log, self.asking(assertion, can.EDIT_ORG, key), org_id, expected_version, reason)

    @rpc
    def merge(self, assertion, survivor_id, payload, expected_version, key=None):
        return handlers.merge(self.log, self.asking(assertion, can.EDIT_ORG, key), survivor_id, payload, expected_version)

    @rpc
    def unmerge(self, assertion, duplicate_id, expected_version, key=None):
        return handlers.unmerge(self.log, self.asking(assertion, can.EDIT_ORG, key), duplicate_id, expected_version)

    @rpc
    def get(self, assertion, org_id):
        self.asking(assertion, can.READ_ORGS)
        return handlers.get(self.log, org_id)

    @rpc
    def list(self, assertion, filters=None, page=1, per_page=50):
        self.asking(assertion, can.READ_ORGS)
        return handlers.search(self.log, filters or {}, page, per_page)

    @rpc
    def duplicates(self, assertion, filters=None, page=1, per_page=50):
        self.asking(assertion, can.READ_ORGS)
        return handlers.duplicates(self.log, filters or {}, page, per_page)

    @rpc
    def history(self, assertion, org_id):
        self.asking(assertion, can.READ_ORGS)
        return handlers.history(self.log, org_id)
