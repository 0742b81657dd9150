"""The knowledge nameko service: RPC in, who is asking verified, handlers, RPC out. Every RPC
but `health` takes the caller's signed assertion first (DESIGN §2a); the public portal's
calls (`public_*`) may come with none. People an item or a campaign names are checked with
the people register, asked as this service (`Signing`)."""
from __future__ import annotations

import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc

from services.chassis import permissions as can
from services.chassis.errors import rejected
from services.contracts.knowledge import events as ev
from services.edge.asking import Asking, Signing
from services.edge.dependencies import EventLog
from services.edge.logging import RequestLog
from services.edge.metrics import Metrics
from services.edge.source import EventSource
from services.settings import settings

from . import handlers, queries, readmodel
from .files import Files


PEOPLE_TIMEOUT = 10  # seconds the people register has to say which people it knows


class AttachmentFiles(DependencyProvider):
    """The directory the items' files are kept in (SANPHALANG_KNOWLEDGE_FILES)."""

    def setup(self):
        config = settings()
        self.files = Files(config.knowledge_files, config.attachment_max_bytes)

    def get_dependency(self, worker_ctx):
        return self.files


class KnowledgeService(EventSource):
    name = ev.SOURCE
    request_log = RequestLog()
    metrics = Metrics()  # its RPCs counted and timed, /metrics, heartbeats (services/edge/metrics.py)
    log = EventLog(ev.SOURCE, create_schema=readmodel.create_schema)
    asking = Asking()
    signing = Signing()
    files = AttachmentFiles()
    people = RpcProxy("people")

    def _people(self, ids: list[str]) -> set:
        """The ids the people register knows (listed people), asked as this service. Not
        running (no queue), or not answering in PEOPLE_TIMEOUT (its queue outlives it): the
        command is refused and writes nothing, and the worker is free again."""
        try:
            with eventlet.Timeout(PEOPLE_TIMEOUT):
                return set(self.people.public_names(self.signing("people", "public_names"), ids))
        except (UnknownService, eventlet.Timeout):
            raise rejected("people", "people_unavailable") from None

    # -- items ------------------------------------------------------------------------------

    @rpc
    def draft(self, assertion, payload, key=None):
        return handlers.draft(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), payload, self._people)

    @rpc
    def draft_batch(self, assertion, payloads, key=None, submit=False):
        return handlers.draft_batch(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), payloads,
                                    self._people, submit)

    @rpc
    def revise(self, assertion, item_id, changes, expected_version, key=None):
        return handlers.revise(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), item_id, changes,
                               expected_version, self._people)

    @rpc
    def submit(self, assertion, item_id, expected_version, note=None, key=None):
        return handlers.submit(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), item_id, expected_version,
                               note)

    @rpc
    def return_item(self, assertion, item_id, expected_version, note=None, key=None):
        return handlers.review(self.log, self.asking(assertion, can.PUBLISH_KNOWLEDGE, key), item_id,
                               expected_version, "return", note)

    @rpc
    def publish(self, assertion, item_id, expected_version, key=None):
        return handlers.review(self.log, self.asking(assertion, can.PUBLISH_KNOWLEDGE, key), item_id,
                               expected_version, "publish")

    @rpc
    def publish_batch(self, assertion, items, key=None):
        return handlers.publish_batch(self.log, self.asking(assertion, can.PUBLISH_KNOWLEDGE, key), items)

    @rpc
    def archive(self, assertion, item_id, expected_version, reason=None, key=None):
        return handlers.review(self.log, self.asking(assertion, can.PUBLISH_KNOWLEDGE, key), item_id,
                               expected_version, "archive", reason)

    @rpc
    def restore(self, assertion, item_id, expected_version, reason=None, key=None):
        return handlers.review(self.log, self.asking(assertion, can.PUBLISH_KNOWLEDGE, key), item_id,
                               expected_version, "restore", reason)

    @rpc
    def attach(self, assertion, item_id, upload, expected_version, key=None):
        return handlers.attach(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), self.files, item_id,
                               upload, expected_version)

    @rpc
    def detach(self, assertion, item_id, sha256, expected_version, key=None):
        return handlers.detach(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), item_id, sha256,
                               expected_version)

    @rpc
    def get(self, assertion, item_id):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.item(self.log, item_id)

    @rpc
    def list(self, assertion, filters=None, page=1, per_page=20):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.items(self.log, filters or {}, page, per_page)

    @rpc
    def history(self, assertion, item_id):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.history(self.log, ev.stream_of(str(item_id)))

    @rpc
    def revisions(self, assertion, item_id):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.revisions(self.log, item_id)

    @rpc
    def attachment(self, assertion, item_id, sha256):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.attachment(self.log, self.files, item_id, sha256)

    @rpc
    def verify_chain(self, assertion):
        """The chain, and every file the log recorded read again: a changed or missing file
        fails the check as a broken chain does (`sanphalang verify` names them)."""
        self.asking(assertion, can.READ_EVENTS)
        report = self.log.verify()
        files = queries.verify_attachments(self.log, self.files)
        return {**report, "files": files, "ok": report["ok"] and not files["changed"] and not files["missing"]}

    @rpc
    def verify_attachments(self, assertion):
        self.asking(assertion, can.READ_EVENTS)
        return queries.verify_attachments(self.log, self.files)

    # -- the public portal ------------------------------------------------------------------

    @rpc
    def public_get(self, assertion, item_id):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.item(self.log, item_id, public=True)

    @rpc
    def public_list(self, assertion, filters=None, page=1, per_page=20):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.items(self.log, filters or {}, page, per_page, public=True)

    @rpc
    def public_revisions(self, assertion, item_id):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.revisions(self.log, item_id, public=True)

    @rpc
    def public_attachment(self, assertion, item_id, sha256):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.attachment(self.log, self.files, item_id, sha256, public=True)

    @rpc
    def public_campaign(self, assertion, campaign_id):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.campaign(self.log, campaign_id, public=True)

    @rpc
    def public_campaigns(self, assertion, filters=None, page=1, per_page=20):
        self.asking(assertion, can.READ_PUBLIC)
        return queries.campaigns(self.log, filters or {}, page, per_page, public=True)

    # -- campaigns --------------------------------------------------------------------------

    @rpc
    def register_campaign(self, assertion, payload, key=None):
        return handlers.register_campaign(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), payload,
                                          self._people)

    @rpc
    def register_campaigns(self, assertion, payloads, key=None):
        return handlers.register_campaigns(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), payloads,
                                           self._people)

    @rpc
    def amend_campaign(self, assertion, campaign_id, changes, expected_version, key=None):
        return handlers.amend_campaign(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), campaign_id,
                                       changes, expected_version, self._people)

    @rpc
    def set_campaign_status(self, assertion, campaign_id, status, expected_version, key=None):
        return handlers.set_campaign_status(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), campaign_id,
                                            status, expected_version)

    @rpc
    def record_result(self, assertion, campaign_id, result, expected_version, key=None):
        return handlers.record_result(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), campaign_id,
                                      result, expected_version)

    @rpc
    def archive_campaign(self, assertion, campaign_id, expected_version, reason=None, key=None):
        return handlers.archive_campaign(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), campaign_id,
                                         expected_version, reason)

    @rpc
    def restore_campaign(self, assertion, campaign_id, expected_version, reason=None, key=None):
        return handlers.archive_campaign(self.log, self.asking(assertion, can.WRITE_KNOWLEDGE, key), campaign_id,
                                         expected_version, reason, restore=True)

    @rpc
    def get_campaign(self, assertion, campaign_id):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.campaign(self.log, campaign_id)

    @rpc
    def list_campaigns(self, assertion, filters=None, page=1, per_page=20):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.campaigns(self.log, filters or {}, page, per_page)

    @rpc
    def campaign_history(self, assertion, campaign_id):
        self.asking(assertion, can.READ_KNOWLEDGE)
        return queries.history(self.log, ev.campaign_stream(str(campaign_id)))
