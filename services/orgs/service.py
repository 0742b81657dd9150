"""The orgs nameko service: RPC in, handlers, RPC out. Nothing else lives here."""
from __future__ import annotations

from nameko.rpc import rpc
from nameko.timer import timer

from services.edge.dependencies import EventLog

from . import handlers, readmodel, staging
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
    def import_rows(self, payloads, actor, key=None, first_row=1, dry_run=False, accept_valid=False):
        return handlers.import_rows(self.log, payloads, actor, key, first_row, dry_run, accept_valid)

    @rpc
    def check_rows(self, payloads, first_row=1, stage=None):
        return handlers.check_rows(self.log, payloads, first_row, stage)

    @rpc
    def import_staged(self, stage, first_row, last_row, expected, actor, key=None):
        return handlers.import_staged(self.log, stage, first_row, last_row, expected, actor, key)

    @rpc
    def discard_stage(self, stage):
        return handlers.discard_stage(self.log, stage)

    @rpc
    def stage_keys_apart(self, stage, chunk):
        return handlers.stage_keys_apart(self.log, stage, chunk)

    @timer(interval=3600)
    def purge_stages(self):
        staging.purge(self.log.engine)

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
    def verify(self, org_id, payload, expected_version, actor, key=None):
        return handlers.verify(self.log, org_id, payload, expected_version, actor, key)

    @rpc
    def archive(self, org_id, expected_version, actor, reason=None, key=None):
        return handlers.archive(self.log, org_id, expected_version, reason, actor, key)

    @rpc
    def restore(self, org_id, expected_version, actor, reason=None, key=None):
        return handlers.restore(self.log, org_id, expected_version, reason, actor, key)

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

    @rpc
    def events_since(self, seq, limit=1000):
        return self.log.events_since(seq, min(limit, 10_000))

    @rpc
    def head(self):
        return self.log.head()

    @rpc
    def search_events(self, filters=None, page=1, per_page=50):
        return self.log.search(filters or {}, page, per_page)

    @rpc
    def verify_chain(self):
        return self.log.verify()

    @rpc
    def health(self):
        return {"service": SOURCE, "database": self.log.head()["seq"] >= 0}
