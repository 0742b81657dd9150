"""RabbitMQ objects and a confirming publisher for event batches (kombu, no nameko).

Each source publishes to the durable topic exchange `<source>.events` with routing key
`batch`: the exchange nameko's `event_handler("<source>", "batch")` listens on, so consumers
stay plain nameko entrypoints."""
from __future__ import annotations

from kombu import Connection, Exchange, Producer

from . import wire

BATCH = "batch"


def events_exchange(source: str) -> Exchange:
    return Exchange(f"{source}.events", type="topic", durable=True, auto_delete=False)


def batch_queue(source: str, consumer: str = "reporting") -> str:
    """The queue `consumer`'s batch handler reads `source`'s batches from. Not the name nameko
    would give it (`evt-<source>-batch--<service>.<method>`): those queues were declared
    without dead-lettering, and a queue's arguments cannot change (docs/decisions.md)."""
    return f"{consumer}.{source}.batches"


class BatchPublisher:
    """Publishes one persistent message per batch and returns only once the broker confirmed
    it (publisher confirms); raises otherwise."""

    def __init__(self, amqp_uri: str, source: str):
        self.amqp_uri = amqp_uri
        self.exchange = events_exchange(source)
        self._connection = None
        self._producer = None

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True})
            self._connection.ensure_connection(max_retries=3)
            self._producer = Producer(self._connection.channel(), exchange=self.exchange)
            self.exchange(self._producer.channel).declare()
        return self._producer

    def __call__(self, body: bytes) -> None:
        """Publish one batch, already encoded as UTF-8 JSON (see relay.batch_body)."""
        try:
            self._ensure().publish(
                body,
                routing_key=BATCH,
                content_type=wire.CONTENT_TYPE,
                content_encoding=wire.CONTENT_ENCODING,
                delivery_mode=2,
                mandatory=False,
            )
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            finally:
                self._connection = self._producer = None
