"""Dead letters: the messages a consumer could not handle, kept by the broker rather than
dropped (kombu, no nameko; docs/operations.md, "Dead letters").

Each consumed queue `Q` is declared with `x-dead-letter-exchange` EXCHANGE (direct) and
`x-dead-letter-routing-key` `Q`; its dead letters wait in `Q.dead-letters`, bound to EXCHANGE
with key `Q`, so each queue's dead letters are counted and re-driven on their own. A re-driven
letter goes through the direct exchange REDRIVE, to which every consumed queue is bound with
its own name: back to the queue it died in only, not to every consumer of its source's
exchange, and without the operator's user being allowed to publish a source's events.

The summaries (`describe`, `summary`) never hold a message's body: its size, a hash, and of a
batch's envelope only its source, first and last `seq` and how many events it carries."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import amqp
import orjson
from amqp.exceptions import NotFound
from kombu import Connection, Exchange, Queue, binding

from services.registry import BUILT_SOURCES, SOURCES

from .broker import batch_queue

EXCHANGE = "sanphalang.dead-letters"
REDRIVE = "sanphalang.redrive"
SUFFIX = ".dead-letters"
# quorum queues: a batch delivered this often without an answer (its consumer died on it, or was
# stopped each time) is dead-lettered (reason `delivery_limit`) instead of delivered again
DELIVERY_LIMIT = 5
OLD_BATCH_QUEUE = "evt-{source}-batch--reporting.on_{source}_batch"  # before dead letters; see retire_old_queues
BROKER_HEADERS = ("x-delivery-count",)  # set by the broker on delivery; not carried back


def consumed_queues() -> list[str]:
    """Every queue with dead letters: reporting's queue of each register's batches."""
    return [batch_queue(source) for source in BUILT_SOURCES]


def dead_letter_queue(queue: str) -> str:
    return queue + SUFFIX


def dead_letter_queues() -> list[str]:
    return [dead_letter_queue(queue) for queue in consumed_queues()]


def queue_arguments(queue: str, queue_type: str) -> dict:
    """The arguments a consumed queue is declared with (deploy/rabbitmq/definitions.json holds
    the same). Quorum: dead-lettered at least once (the letter stays in `queue` until its dead
    letter queue has it; that strategy needs `reject-publish` on overflow), and a delivery limit."""
    arguments = {"x-dead-letter-exchange": EXCHANGE, "x-dead-letter-routing-key": queue}
    if queue_type == "quorum":
        arguments.update({"x-queue-type": "quorum", "x-dead-letter-strategy": "at-least-once",
                          "x-overflow": "reject-publish", "x-delivery-limit": DELIVERY_LIMIT})
    return arguments


def dead_letter_arguments(queue_type: str) -> dict:
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else {}


def _direct(name: str) -> Exchange:
    return Exchange(name, type="direct", durable=True, auto_delete=False)


def consumed_queue(queue: str, exchange: Exchange, routing_key: str, queue_type: str) -> Queue:
    """A consumed queue as its consumer declares it: bound to its source's exchange, dead-lettered
    to EXCHANGE, and bound to REDRIVE under its own name. (A kombu Queue with `bindings` ignores
    its `exchange`: both are bindings.)"""
    return Queue(queue, durable=True, queue_arguments=queue_arguments(queue, queue_type),
                 bindings=[binding(exchange, routing_key=routing_key), binding(_direct(REDRIVE), routing_key=queue)])


def declare(connection: Connection, queue: str, queue_type: str) -> None:
    """The dead-letter exchange and `queue`'s dead letter queue, bound (before `queue` itself
    is declared: a letter rejected meanwhile would have nowhere to go)."""
    channel = connection.channel()
    try:
        Queue(dead_letter_queue(queue), exchange=_direct(EXCHANGE), routing_key=queue, durable=True,
              queue_arguments=dead_letter_arguments(queue_type)).declare(channel=channel)
    finally:
        channel.close()


def connect(amqp_uri: str) -> Connection:
    """A connection whose publishes wait for the broker's confirm (what `redrive` needs)."""
    connection = Connection(amqp_uri, connect_timeout=10, transport_options={"confirm_publish": True})
    connection.ensure_connection(max_retries=3)
    return connection


def depths(connection: Connection) -> dict[str, int]:
    """How many dead letters wait for each consumed queue (by the consumed queue's name; 0 where
    no consumer has declared its dead letter queue yet). Passive declarations: nothing is made."""
    return {queue: _depth(connection, dead_letter_queue(queue)) for queue in consumed_queues()}


def _depth(connection: Connection, name: str) -> int:
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    except NotFound:  # the broker closed the channel
        return 0
    finally:
        _close(channel)


def _close(channel) -> None:
    if channel.is_open:
        channel.close()


def chosen(queue: str | None) -> list[str]:
    """The consumed queues a command is about: all, or the one named (by itself or by its dead
    letter queue's name)."""
    if queue is None:
        return consumed_queues()
    name = queue[: -len(SUFFIX)] if queue.endswith(SUFFIX) else queue
    if name not in consumed_queues():
        raise LookupError(f"{queue} is not a consumed queue; they are: {', '.join(consumed_queues())}")
    return [name]


def listing(connection: Connection, queue: str | None = None, limit: int = 20) -> list[dict]:
    """Up to `limit` dead letters, oldest first, described (`describe`); they stay where they
    are (got, never acknowledged, given back as the channel closes)."""
    letters: list[dict] = []
    for origin in chosen(queue):
        channel = connection.channel()
        try:
            while len(letters) < limit and (message := _get(channel, dead_letter_queue(origin))) is not None:
                letters.append(describe(origin, message))
        finally:
            _close(channel)
    return letters


def _get(channel, name: str):
    try:
        return channel.basic_get(queue=name, no_ack=False)
    except NotFound:
        return None


def redrive(connection: Connection, queue: str | None = None, limit: int | None = None) -> dict[str, int]:
    """Send dead letters back to the queue each died in (through REDRIVE), each acknowledged only
    once the broker confirmed its copy; per consumed queue, how many went. At most the letters
    waiting as it starts (`limit` caps them): one that dies again is not taken twice."""
    if not connection.transport_options.get("confirm_publish"):
        raise ValueError("redrive needs a connection with publisher confirms (deadletters.connect)")
    moved: dict[str, int] = {}
    for origin in chosen(queue):
        left = None if limit is None else limit - sum(moved.values())
        moved[origin] = _redrive_one(connection, origin, left)
    return moved


def _redrive_one(connection: Connection, origin: str, limit: int | None) -> int:
    name = dead_letter_queue(origin)
    waiting = _depth(connection, name)
    count = waiting if limit is None else min(limit, waiting)
    channel = connection.channel()
    moved = 0
    try:
        while moved < count and (message := _get(channel, name)) is not None:
            channel.basic_publish(_again(message), exchange=REDRIVE, routing_key=origin, mandatory=True)
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        _close(channel)
    return moved


def _again(message) -> amqp.Message:
    """The letter as it was published, with its deaths (`x-death` counts them on), persistent."""
    properties = dict(message.properties)
    headers = {k: v for k, v in (properties.pop("application_headers", None) or {}).items() if k not in BROKER_HEADERS}
    return amqp.Message(message.body, **{**properties, "application_headers": headers, "delivery_mode": 2})


def describe(origin: str, message) -> dict:
    """What `list` shows of a dead letter: where and why it died, how often, when first, and
    its `summary`."""
    headers = message.properties.get("application_headers") or {}
    deaths = [d for d in headers.get("x-death") or [] if isinstance(d, dict)]
    last = deaths[0] if deaths else {}
    times = [d["time"] for d in deaths if isinstance(d.get("time"), datetime)]
    return {
        "queue": origin,
        "reason": str(last.get("reason", "")),
        "deaths": sum(int(d.get("count", 1)) for d in deaths),
        "first_death": _utc(min(times)) if times else None,
        "exchange": str(last.get("exchange", "")),
        "routing_keys": [str(key) for key in last.get("routing-keys", [])],
        "content_type": message.properties.get("content_type"),
        **summary(message.body),
    }


def summary(body: bytes) -> dict:
    """A message's size and hash and, if it is a batch, its envelope's source (a known one
    only), first and last `seq` and count of events: nothing personal, whatever it holds."""
    body = body if isinstance(body, bytes) else str(body).encode()
    out: dict = {"bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()[:16]}
    try:
        batch = orjson.loads(body)
    except orjson.JSONDecodeError:
        return out
    if isinstance(batch, dict):
        if batch.get("source") in SOURCES:
            out["source"] = batch["source"]
        out.update({key: batch[key] for key in ("first", "last") if type(batch.get(key)) is int})
        if isinstance(batch.get("events"), list):
            out["events"] = len(batch["events"])
    return out


def _utc(moment: datetime) -> str:
    """x-death times are the broker's UTC seconds, without a zone."""
    return moment.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")


def retire_old_queues(connection: Connection) -> dict[str, int]:
    """Delete reporting's batch queues of before dead letters (their arguments cannot change,
    so the new ones have new names); the batches they held are in the registers' logs, where
    reporting's catch-up finds them. A missing queue is no error. Per queue, how many batches
    went with it."""
    deleted = {}
    for source in BUILT_SOURCES:
        name = OLD_BATCH_QUEUE.format(source=source)
        channel = connection.channel()
        try:
            deleted[name] = channel.queue_delete(queue=name) or 0
        finally:
            _close(channel)
    return deleted
