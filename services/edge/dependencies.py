"""Dependency providers: one event log (store + relay) per source service, and one
catch-up subscriber for reporting."""
from __future__ import annotations

import logging
import os
import signal
import threading

import eventlet
from nameko.extensions import DependencyProvider

from services.registry import BUILT_SOURCES
from services.settings import settings
from services.chassis import metrics, restores
from services.chassis.broker import BatchPublisher, batch_queue
from services.chassis.database import make_engine, one_at_a_time
from services.chassis.privacy.keystore import KeyStore, secure_delete
from services.chassis.privacy.sealing import Master
from services.chassis.relay import Relay
from services.chassis.store import EventStore
from services.chassis.subscriber import CatchUpSubscriber

from . import errors  # noqa: F401  (registers caller errors for RPC)

log = logging.getLogger(__name__)


def _fault():
    """Fault injection for tests: SANPHALANG_FAULT=kill_before_publish makes the relay die by
    SIGKILL after events committed and before it publishes any."""
    if os.environ.get("SANPHALANG_FAULT") == "kill_before_publish":
        os.kill(os.getpid(), signal.SIGKILL)


def _relay_disabled() -> bool:
    """SANPHALANG_FAULT=no_relay: the log fills but nothing is published (delivery tests)."""
    return os.environ.get("SANPHALANG_FAULT") == "no_relay"


class EventLog(DependencyProvider):
    """Gives workers the source's EventStore; runs the outbox relay beside them. The relay
    wakes when a worker appended and, for appends by other replicas, every interval."""

    def __init__(self, source: str, create_schema=None, personal: bool = False):
        self.source = source
        self.create_schema = create_schema
        self.personal = personal  # holds personal data: deleted rows are overwritten (SQLite)

    def setup(self):
        config = settings()
        self.engine = make_engine(config.database_url(self.source))
        if self.personal:
            secure_delete(self.engine)
        self.store = EventStore(self.engine, self.source)
        with one_at_a_time(self.engine, "schema"):
            self.store.create_schema()
            if self.create_schema is not None:
                self.create_schema(self.engine)
        self.publisher = BatchPublisher(config.amqp_uri, self.source)
        self.relay = Relay(self.store, self.publisher, config.relay_batch)
        metrics.watch_relay(self.source, self.store.unpublished)  # the relay's lag, on /metrics and in heartbeats
        self.interval = config.relay_interval
        self._wake = threading.Event()  # green once eventlet has patched threading
        self._running = True

    def start(self):
        if not _relay_disabled():
            self.container.spawn_managed_thread(self._relay_forever)

    def stop(self):
        self._running = False
        self.wake()

    def kill(self):
        self._running = False

    def wake(self):
        self._wake.set()

    def _relay_forever(self):
        while self._running:
            try:
                self.relay.pump(fault=_fault)
            except Exception:  # the broker or database is away: try again next round
                log.exception("relay of %s failed; retrying", self.source)
                eventlet.sleep(1)
            self._wake.wait(self.interval)
            self._wake.clear()
        self.publisher.close()

    def worker_teardown(self, worker_ctx):
        self.wake()

    def get_dependency(self, worker_ctx):
        return self.store


class Keys(DependencyProvider):
    """Gives workers a register's key store (DESIGN §2b), apart from its event database. Once
    every dependency is set up, `on_start(store, keys)` runs with the event log's store (the
    people register rebuilds a read model a restore left out and re-applies its erasure ledger
    there). nameko starts the entrypoints alongside, so no worker is given the key store, and
    none runs, before `on_start` has finished."""

    def __init__(self, service: str, on_start=None, log: str = "log"):
        self.service, self.on_start, self.log = service, on_start, log

    def setup(self):
        config = settings()
        self.keys = KeyStore(make_engine(config.key_store_url(self.service)), Master(config.master_key()))
        with one_at_a_time(self.keys.engine, "keys"):
            self.keys.create_schema()
        self._ready = threading.Event()  # green once eventlet has patched threading

    def start(self):
        try:
            if self.on_start is not None:
                log_provider = next(d for d in self.container.dependencies if d.attr_name == self.log)
                with one_at_a_time(log_provider.engine, "ledger"):
                    self.on_start(log_provider.store, self.keys)
        finally:
            self._ready.set()

    def get_dependency(self, worker_ctx):
        self._ready.wait()
        return self.keys


class Subscriber(DependencyProvider):
    """Gives workers the reporting database's CatchUpSubscriber."""

    def __init__(self, service: str, apply, *, clear=None, create_schema=None):
        self.service = service
        self.apply = apply
        self.clear = clear
        self.create_schema = create_schema

    def setup(self):
        self.engine = make_engine(settings().database_url(self.service))
        self.subscriber = CatchUpSubscriber(self.engine, self.apply, clear=self.clear)
        metrics.watch_projection(self.subscriber.lags)  # the projection's lag per source
        with one_at_a_time(self.engine, "schema"):
            self.subscriber.create_schema()
            if self.create_schema is not None:
                self.create_schema(self.engine)
        self._after_a_restore()

    def _after_a_restore(self):
        """On the first start after `sanphalang restore`, and before any entrypoint starts
        (nameko sets every extension up first): the batch queues emptied of what the replaced
        timeline left in them (services/chassis/restores.py)."""
        backups = restores.marked(self.engine)
        if backups:
            purged = restores.purge(settings().amqp_uri, [batch_queue(s, self.service) for s in BUILT_SOURCES])
            restores.unmark(self.engine, backups)
            log.warning("batch queues emptied after a restore", extra={"messages": purged})

    def get_dependency(self, worker_ctx):
        return self.subscriber
