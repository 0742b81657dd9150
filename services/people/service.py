"""The people nameko service: RPC in, who is asking verified, handlers, RPC out. Every RPC but
`health` takes the caller's signed assertion first (DESIGN §2a); a command's `key`, when given,
must be the request the assertion was signed for. Personal values are sealed in the handlers
with keys from the key store (`keys`), apart from the event database; before the service
answers, its read model is rebuilt if a restore left it out and the erasure ledger is re-applied
to its log and read model (`rebuild.before_answering`)."""
from __future__ import annotations

from nameko.rpc import rpc

from services.chassis import permissions as can
from services.contracts.people.events import SOURCE
from services.edge.asking import Asking
from services.edge.dependencies import EventLog, Keys
from services.edge.logging import RequestLog
from services.edge.metrics import Metrics
from services.edge.source import EventSource, SpreadsheetImports

from . import handlers, imports, queries, readmodel, rebuild, rights


class PeopleService(EventSource, SpreadsheetImports):
    name = SOURCE
    request_log = RequestLog()
    metrics = Metrics()  # its RPCs counted and timed, /metrics, heartbeats (services/edge/metrics.py)
    log = EventLog(SOURCE, create_schema=readmodel.create_schema, personal=True)
    keys = Keys(SOURCE, on_start=rebuild.before_answering)
    asking = Asking()

    @property
    def importer(self):
        return imports.importer(self.keys)

    # -- commands ------------------------------------------------------------------------------

    @rpc
    def register(self, assertion, payload, key=None):
        return handlers.register(self.log, self.keys, self.asking(assertion, can.CREATE_PERSON, key), payload)

    @rpc
    def register_batch(self, assertion, payloads, key=None, first_row=1):
        return handlers.register_batch(self.log, self.keys, self.asking(assertion, can.CREATE_PERSON, key), payloads,
                                       first_row)

    @rpc
    def amend(self, assertion, person_id, changes, expected_version, key=None):
        return handlers.amend(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id, changes,
                              expected_version)

    @rpc
    def start_role(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.start_role(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                   payload, expected_version)

    @rpc
    def end_role(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.end_role(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                 payload, expected_version)

    @rpc
    def record_training(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.record_training(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                        payload, expected_version)

    @rpc
    def link_org(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.link_org(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                 payload, expected_version)

    @rpc
    def unlink_org(self, assertion, person_id, org_id, expected_version, key=None):
        return handlers.unlink_org(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                   org_id, expected_version)

    @rpc
    def record_consent(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.record_consent(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), person_id,
                                       payload, expected_version)

    @rpc
    def withdraw_consent(self, assertion, person_id, payload, expected_version, key=None):
        return handlers.withdraw_consent(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key),
                                         person_id, payload, expected_version)

    @rpc
    def merge(self, assertion, survivor_id, payload, expected_version, key=None):
        return handlers.merge(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), survivor_id, payload,
                              expected_version)

    @rpc
    def unmerge(self, assertion, duplicate_id, expected_version, key=None):
        return handlers.unmerge(self.log, self.keys, self.asking(assertion, can.EDIT_PERSON, key), duplicate_id,
                                expected_version)

    # -- rights --------------------------------------------------------------------------------

    @rpc
    def restrict(self, assertion, person_id, payload, expected_version, key=None):
        return rights.restrict(self.log, self.keys, self.asking(assertion, can.HANDLE_REQUESTS, key), person_id,
                               payload, expected_version)

    @rpc
    def lift_restriction(self, assertion, person_id, expected_version, request=None, key=None):
        return rights.lift_restriction(self.log, self.keys, self.asking(assertion, can.HANDLE_REQUESTS, key),
                                       person_id, expected_version, request)

    @rpc
    def receive_request(self, assertion, payload, key=None):
        return rights.receive_request(self.log, self.keys, self.asking(assertion, can.HANDLE_REQUESTS, key), payload)

    @rpc
    def handle_request(self, assertion, request_id, payload, expected_version, key=None):
        return rights.handle_request(self.log, self.keys, self.asking(assertion, can.HANDLE_REQUESTS, key),
                                     request_id, payload, expected_version)

    @rpc
    def requests(self, assertion, filters=None, page=1, per_page=50):
        return rights.open_requests(self.log, self.asking(assertion, can.HANDLE_REQUESTS), filters or {}, page,
                                    per_page)

    @rpc
    def everything(self, assertion, person_id):
        """Everything held about one person (s.30 access, s.31 portability)."""
        return rights.everything(self.log, self.keys, self.asking(assertion, can.HANDLE_REQUESTS), person_id)

    @rpc
    def erase(self, assertion, person_ids, payload=None, key=None):
        return rights.erase(self.log, self.keys, self.asking(assertion, can.ERASE_PERSON, key), person_ids, payload)

    # -- queries -------------------------------------------------------------------------------

    @rpc
    def get(self, assertion, person_id, reason=None):
        return queries.get(self.log, self.keys, self.asking(assertion, can.READ_PEOPLE), person_id, reason)

    @rpc
    def list(self, assertion, filters=None, page=1, per_page=50):
        return queries.search(self.log, self.asking(assertion, can.READ_PEOPLE), filters or {}, page, per_page)

    @rpc
    def export_page(self, assertion, filters=None, page=1, per_page=500):
        """A page of an export: every field, masked by role; full views are recorded as reads."""
        return queries.export_page(self.log, self.keys, self.asking(assertion, can.READ_PEOPLE), filters or {}, page,
                                   per_page)

    @rpc
    def duplicates(self, assertion, filters=None, page=1, per_page=50):
        return queries.duplicates(self.log, self.asking(assertion, can.READ_PEOPLE), filters or {}, page, per_page)

    @rpc
    def history(self, assertion, person_id, reason=None):
        return queries.history(self.log, self.keys, self.asking(assertion, can.READ_PEOPLE), person_id, reason)

    @rpc
    def public_names(self, assertion, person_ids):
        """Roles and centers of listed people, and names only where they consented to be named
        publicly: for public pages (the learning portal) and the other registers' checks."""
        self.asking(assertion, can.READ_PUBLIC)
        return queries.public_names(self.log, person_ids)

    @rpc
    def names(self, assertion, person_ids):
        """The names of listed people, for another register's pages (shown, never copied)."""
        return queries.names(self.log, self.asking(assertion, can.READ_PEOPLE), person_ids)
