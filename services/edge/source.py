"""What every register's nameko service serves besides its own commands, as two mixins:
`EventSource`, the RPCs of its event log (reporting's catch-up, the auditors' pages, health),
and `SpreadsheetImports`, the RPCs of its imports over the kit's `Importer`. A register's
service class names its event log `log` (an `EventLog`) and, for imports, its `importer`."""
from __future__ import annotations

from nameko.rpc import rpc
from nameko.timer import timer

EVENTS_PAGE_MAX = 10_000  # events one `events_since` call returns at most


class EventSource:
    @rpc
    def events_since(self, seq, limit=1000):
        return self.log.events_since(seq, min(limit, EVENTS_PAGE_MAX))

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
        return {"service": self.name, "database": self.log.head()["seq"] >= 0}


class SpreadsheetImports:
    @rpc
    def import_rows(self, payloads, actor, key=None, first_row=1, dry_run=False, accept_valid=False):
        return self.importer.import_rows(self.log, payloads, actor, key, first_row, dry_run, accept_valid)

    @rpc
    def check_rows(self, payloads, first_row=1, stage=None):
        return self.importer.check_rows(self.log, payloads, first_row, stage)

    @rpc
    def import_staged(self, stage, first_row, last_row, expected, actor, key=None):
        return self.importer.import_staged(self.log, stage, first_row, last_row, expected, actor, key)

    @rpc
    def discard_stage(self, stage):
        return self.importer.discard_stage(self.log, stage)

    @rpc
    def stage_keys_apart(self, stage, chunk):
        return self.importer.stage_keys_apart(self.log, stage, chunk)

    @timer(interval=3600)
    def purge_stages(self):
        self.importer.stage.purge(self.log.engine)
