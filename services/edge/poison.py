"""What a service does with a message it cannot handle: it rejects it without requeueing, so
a queue with dead letters (reporting's batch queues) keeps it, and logs why, without its body.

nameko leaves two such cases to kombu and to chance, both installed over here by `guard()`:
- a body that cannot be decoded (not JSON, a content type not accepted): kombu's
  `ConsumerMixin.on_decode_error`, which nameko's `QueueConsumer` inherits, logs the raw body
  and acknowledges the message, dropping it;
- an RPC request without `reply_to`: nameko answers every request, even a malformed one, and
  its answer to none raises in a managed thread, which kills the service; the broker then
  gives the request back to the next replica, which dies the same way.
Batches that decode but fail (BatchHandler, services/edge/entrypoints.py) come here too."""
from __future__ import annotations

import logging

from nameko.messaging import QueueConsumer
from nameko.rpc import RpcConsumer

from services.chassis.deadletters import summary

log = logging.getLogger("sanphalang.dead_letters")

_guarded: list = []  # nameko's own methods, once replaced


def reject(message, reason: str, level: int = logging.ERROR) -> None:
    """Reject `message` (a kombu message) for good, naming the reason (an error's type or a
    code) and what the message was without its content."""
    info = message.delivery_info or {}
    log.log(level, "rejected a message it cannot handle (%s)", reason, extra={
        "code": "message_rejected", "reason": reason, "exchange": info.get("exchange"),
        "routing_key": info.get("routing_key"), "redelivered": info.get("redelivered"), **summary(message.body)})
    if message.channel.connection:  # else the broker has it back already (as nameko's own ack checks)
        try:
            message.reject(requeue=False)
        except ConnectionError:  # pragma: no cover - the connection closed meanwhile
            pass


def _undecodable(consumer, message, error) -> None:
    reject(message, type(error).__name__)


def _answerable_only(handle_message):
    def guarded(self, body, message):
        if not message.properties.get("reply_to"):
            reject(message, "no_reply_to")
            return
        handle_message(self, body, message)
    return guarded


def guard() -> None:
    """Install both in this process's nameko (once; before any service starts)."""
    if not _guarded:
        _guarded.append((QueueConsumer.on_decode_error, RpcConsumer.handle_message))
        QueueConsumer.on_decode_error = _undecodable
        RpcConsumer.handle_message = _answerable_only(RpcConsumer.handle_message)
