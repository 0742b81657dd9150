"""`Metrics`, declared on every service (`metrics = Metrics()`): it counts and times the
service's RPCs by method and outcome, serves this process's /metrics on SANPHALANG_METRICS_PORT
(0: any free port) and sends its heartbeat to `sanphalang status` (services/chassis/heartbeat.py).
A service that consumes event batches (reporting) also shows their dead letters waiting."""
from __future__ import annotations

import time

from kombu import Connection
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc

from services.chassis import deadletters, metrics
from services.chassis.heartbeat import Heartbeat, Instance
from services.settings import settings

from .logging import is_caller_error


class Metrics(DependencyProvider):
    def __init__(self):
        self.started: dict = {}  # worker context -> when its RPC started (each worker a green thread)

    def setup(self):
        config = settings()
        self.port, self._stop_listening = metrics.serve(config.host, config.metrics_port)
        self.heartbeat = Heartbeat(config.amqp_uri, Instance(self.container.service_name, self.port))
        self.dead_letters = None
        if any(isinstance(entrypoint, EventHandler) for entrypoint in self.container.entrypoints):
            self.dead_letters = DeadLetters(config.amqp_uri)  # it consumes the queues that dead-letter
            metrics.watch_dead_letters(self.dead_letters)

    def start(self):
        self.heartbeat.start()

    def stop(self):
        self.heartbeat.stop()
        self.kill()

    def kill(self):
        self._stop_listening()
        if self.dead_letters is not None:
            self.dead_letters.close()

    def worker_setup(self, worker_ctx):
        if isinstance(worker_ctx.entrypoint, Rpc):
            self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        metrics.rpc_done(worker_ctx.service_name, worker_ctx.entrypoint.method_name,
                         outcome(exc_info[1] if exc_info else None), time.perf_counter() - started)

    def worker_teardown(self, worker_ctx):
        self.started.pop(worker_ctx, None)


def outcome(error: BaseException | None) -> str:
    """`ok`, a caller error's code (a constant of the code, never its text), or `error`."""
    if error is None:
        return "ok"
    return error.code if is_caller_error(error) else "error"


class DeadLetters:
    """Reads the dead letters waiting per consumed queue (services/chassis/deadletters.py) when
    /metrics is scraped, on a broker connection of its own kept between scrapes."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.connection: Connection | None = None

    def __call__(self) -> dict[str, int]:
        try:
            if self.connection is None:
                self.connection = Connection(self.amqp_uri, connect_timeout=5)
                self.connection.ensure_connection(max_retries=1)
            return deadletters.depths(self.connection)
        except Exception:
            self.close()  # a new connection at the next scrape
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.release()
            except Exception:  # noqa: BLE001
                pass
            self.connection = None
