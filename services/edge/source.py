"""What every register's nameko service serves besides its own commands, as two mixins:
`EventSource`, the RPCs of its event log (reporting's catch-up, the auditors' pages, health),
and `SpreadsheetImports`, the RPCs of its imports over the kit's `Importer`. A register's
service class names its event log `log` (an `EventLog`), who is asking `asking` (an
`Asking`) and, for imports, its `importer`. Every RPC but `health` takes the caller's signed
assertion first (DESIGN §2a)."""
from __future__ import annotations

from nameko.rpc import rpc
from nameko.timer import timer

from services.chassis import permissions as can

EVENTS_PAGE_MAX = 10_000  # events one `events_since` call returns at most


class EventSource:
    @rpc
    def events_since(self, assertion, seq, limit=1000):
        self.asking(assertion, can.READ_EVENTS)
        return self.log.events_since(seq, min(limit, EVENTS_PAGE_MAX), to_send=True)

    @rpc
    def head(self, assertion):
        """The log's last position and hash: anyone signed in (an import keys its chunks on it)."""
        self.asking(assertion)
        return self.log.head()

    @rpc
    def search_events(self, assertion, filters=None, page=1, per_page=50):
        self.asking(assertion, can.AUDIT)
        return self.log.search(filters or {}, page, per_page)

    @rpc
    def verify_chain(self, assertion):
        self.asking(assertion, can.READ_EVENTS)
        return self.log.verify()

    @rpc
    def health(self):
        return {"service": self.name, "database": self.log.head()["seq"] >= 0}


class SpreadsheetImports:
    @rpc
    def import_rows(self, assertion, payloads, key=None, first_row=1, dry_run=False, accept_valid=False):
        actor = self.asking(assertion, self.importer.action, key)
        return self.importer.import_rows(self.log, actor, payloads, first_row, dry_run, accept_valid)

    @rpc
    def check_rows(self, assertion, payloads, first_row=1, stage=None):
        actor = self.asking(assertion, self.importer.action)
        return self.importer.check_rows(self.log, actor, payloads, first_row, stage)

    @rpc
    def import_staged(self, assertion, stage, first_row, last_row, expected, key=None):
        actor = self.asking(assertion, self.importer.action, key)
        return self.importer.import_staged(self.log, actor, stage, first_row, last_row, expected)

    @rpc
    def discard_stage(self, assertion, stage):
        self.asking(assertion, self.importer.action)
        return self.importer.discard_stage(self.log, stage)

    @rpc
    def stage_keys_apart(self, assertion, stage, chunk):
        self.asking(assertion, self.importer.action)
        return self.importer.stage_keys_apart(self.log, stage, chunk)

    @timer(interval=3600)
    def purge_stages(self):
        self.importer.stage.purge(self.log.engine)
