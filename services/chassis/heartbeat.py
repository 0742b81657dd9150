"""Every process says it is there: a small heartbeat every few seconds on the fanout exchange
`sanphalang.status`, which `sanphalang status` listens to. A heartbeat names the process
(service, host, pid, version, when it started, its metrics port) and the lags it watches; it is
not kept (no queue holds it unless someone listens, and it expires soon), and it holds no
value of the data."""
from __future__ import annotations

import functools
import logging
import os
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import orjson
from kombu import Connection, Exchange, Producer

from . import metrics

log = logging.getLogger(__name__)

EXCHANGE = "sanphalang.status"
EVERY = 2.0  # seconds between heartbeats; `sanphalang status` listens for two of them
CONTENT_TYPE = "application/json"
ROOT = Path(__file__).resolve().parents[2]


def status_exchange() -> Exchange:
    return Exchange(EXCHANGE, type="fanout", durable=True, auto_delete=False)


@functools.cache
def version() -> str:
    """The project's version (package metadata) and, in a git checkout, its commit."""
    try:
        release = metadata.version("sanphalang")
    except metadata.PackageNotFoundError:
        release = "unknown"
    if not (ROOT / ".git").exists():
        return release
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{release}+g{commit}" if commit else release


@dataclass
class Instance:
    """This process, as its heartbeats describe it."""

    service: str
    metrics_port: int
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    started: float = field(default_factory=time.time)

    def beat(self, stopping: bool = False) -> dict:
        now = time.time()
        return {"id": self.id, "service": self.service, "host": self.host, "pid": self.pid, "version": version(),
                "started": round(self.started, 3), "sent": round(now, 3), "uptime_s": round(now - self.started, 1),
                "metrics_port": self.metrics_port, "lags": metrics.lags(), "stopping": stopping}


class Heartbeat:
    """Publishes `instance`'s heartbeat every EVERY seconds in a thread of its own (green under
    eventlet), on a broker connection of its own; a broker away is tried again next time."""

    def __init__(self, amqp_uri: str, instance: Instance):
        self.amqp_uri = amqp_uri
        self.instance = instance
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    def start(self) -> "Heartbeat":
        self._thread = threading.Thread(target=self._forever, name="heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating; a last heartbeat (if the broker is there) says this instance is stopping."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(EVERY)
        if self._producer is not None:  # connected: no new connection to wait for while stopping
            self._send(self.instance.beat(stopping=True))
        self._close()

    def _forever(self) -> None:
        while not self._stop.is_set():
            self._send(self.instance.beat())
            self._stop.wait(EVERY)

    def _send(self, body: dict) -> None:
        try:
            if self._producer is None:
                self._connection = Connection(self.amqp_uri, connect_timeout=5)
                self._producer = Producer(self._connection.channel(), exchange=status_exchange())
                status_exchange()(self._producer.channel).declare()
            self._producer.publish(orjson.dumps(body), routing_key="", content_type=CONTENT_TYPE,
                                   content_encoding="utf-8", delivery_mode=1, expiration=3 * EVERY)
            if self._failing:
                log.info("heartbeats sent again")
            self._failing = False
        except Exception as error:  # noqa: BLE001  (the broker is away: next time)
            if not self._failing:
                log.warning("heartbeat not sent: %s", type(error).__name__, extra={"code": "heartbeat_failed"})
            self._failing = True
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001
                pass
        self._connection = self._producer = None
