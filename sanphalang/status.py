"""`sanphalang status`: every running instance, from the heartbeats it sends to the exchange
`sanphalang.status` (services/chassis/heartbeat.py), heard for about two heartbeat periods on
a queue of this command's own; and the depth and consumers of each queue the services consume,
asked of the broker by passive declarations (no management plugin needed, nothing declared).
An instance not heard from within the wait is not listed; one whose last heartbeat said it was
stopping is not either."""
from __future__ import annotations

import socket
import time
import uuid
from typing import Callable

import orjson
from amqp.exceptions import NotFound
from kombu import Connection
from nameko.rpc import RPC_QUEUE_TEMPLATE

from services.chassis import deadletters
from services.chassis.heartbeat import EVERY, EXCHANGE
from services.registry import BUILT_SERVICES

LISTEN = 2 * EVERY + 0.5  # seconds: every instance sends two heartbeats meanwhile
BEAT_FIELDS = ("id", "service", "host", "pid", "version", "uptime_s", "metrics_port", "lags")


def listener_queue() -> str:
    """The name of this command's queue of heartbeats (deploy/rabbitmq/definitions.json lets
    the operator user declare, bind and read exactly these)."""
    return f"{EXCHANGE}.{uuid.uuid4().hex}"


def known_queues() -> list[str]:
    """The queues the services consume (each service's RPC queue, as nameko names it, and
    reporting's queue of each register's batches), then the batch queues' dead letters."""
    return [*(RPC_QUEUE_TEMPLATE.format(service) for service in BUILT_SERVICES), *deadletters.consumed_queues(),
            *deadletters.dead_letter_queues()]


def heard(amqp_uri: str, seconds: float = LISTEN, until: Callable[[dict], bool] | None = None) -> list[dict]:
    """The latest heartbeat of every instance heard within `seconds`, by service, host and pid;
    with `until`, heard until the first heartbeat `until` holds true for."""
    beats: dict[str, dict] = {}
    found: list[dict] = []

    def on_message(message) -> None:
        try:
            beat = orjson.loads(message.body)
        except orjson.JSONDecodeError:
            return
        if isinstance(beat, dict) and all(name in beat for name in BEAT_FIELDS):
            beats[str(beat["id"])] = beat
            if until is not None and until(beat):
                found.append(beat)

    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        queue = listener_queue()
        channel.queue_declare(queue=queue, exclusive=True, auto_delete=True)
        try:
            channel.queue_bind(queue=queue, exchange=EXCHANGE)
        except NotFound:  # no instance ever declared the exchange: none is running
            return []
        channel.basic_consume(queue=queue, callback=on_message, no_ack=True)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0 and not found:
            try:
                connection.drain_events(timeout=left)
            except socket.timeout:
                break
    running = (beat for beat in beats.values() if not beat.get("stopping"))
    return sorted(running, key=lambda beat: (beat["service"], beat["host"], beat["pid"]))


def depths(amqp_uri: str, queues: list[str]) -> list[dict]:
    """Each queue's messages ready and consumers; None for a queue the broker does not have."""
    out = []
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        for queue in queues:
            try:
                _, messages, consumers = channel.queue_declare(queue=queue, passive=True)
            except NotFound:  # the broker closed the channel: the next queue gets a new one
                messages = consumers = None
                channel = connection.channel()
            out.append({"queue": queue, "messages": messages, "consumers": consumers})
    return out


def report(amqp_uri: str, seconds: float = LISTEN) -> dict:
    return {"listened_s": seconds, "instances": heard(amqp_uri, seconds), "queues": depths(amqp_uri, known_queues())}


# -- the plain table -----------------------------------------------------------------------------

INSTANCE_COLUMNS = ("SERVICE", "HOST", "PID", "VERSION", "UPTIME", "METRICS", "LAGS")
QUEUE_COLUMNS = ("QUEUE", "MESSAGES", "CONSUMERS")


def uptime(seconds: float) -> str:
    """3d 4h, 2h 5m, 7m 9s, 12s."""
    seconds = int(seconds)
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {seconds % 60}s"
    return f"{seconds}s"


def lag(entry: dict) -> str:
    seconds = entry.get("seconds")
    return f"{entry['events']} ev / {'-' if seconds is None else f'{seconds:.2f} s'}"


def lags(beat: dict) -> str:
    """`relay orgs 0 ev / 0.00 s` for a register; `orgs 0 ev / 0.05 s, people ...` for reporting."""
    parts = [f"relay {source} {lag(entry)}" for source, entry in sorted(beat["lags"].get("relay", {}).items())]
    parts += [f"{source} {lag(entry)}" for source, entry in sorted(beat["lags"].get("projection", {}).items())]
    return ", ".join(parts) or "-"


def table(rows: list[tuple]) -> list[str]:
    """Rows of cells as left-aligned columns two spaces apart (no trailing spaces)."""
    widths = [max(len(str(row[n])) for row in rows) for n in range(len(rows[0]))]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def lines(status: dict) -> list[str]:
    instances = [(b["service"], b["host"], b["pid"], b["version"], uptime(b["uptime_s"]), b["metrics_port"], lags(b))
                 for b in status["instances"]]
    out = table([INSTANCE_COLUMNS, *instances]) if instances else \
        [f"no instance heard within {status['listened_s']:g} s"]
    queues = [(q["queue"], "-" if q["messages"] is None else q["messages"],
               "(no such queue)" if q["consumers"] is None else q["consumers"]) for q in status["queues"]]
    return [*out, "", *table([QUEUE_COLUMNS, *queues])]
