"""`batch_handler`: nameko's event_handler for relayed event batches, on a quorum queue
when SANPHALANG_QUEUE_TYPE=quorum, with dead letters: a batch it cannot decode or apply is
rejected, and the broker keeps it in the queue's dead letter queue (services/chassis/deadletters.py).
Nothing is lost either way: the catch-up subscriber refills the projection from the source's log."""
from __future__ import annotations

import logging

from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import SERVICE_POOL, EventHandler

from services.chassis import deadletters
from services.chassis.broker import BATCH, batch_queue
from services.settings import settings

from .poison import reject


class BatchHandler(EventHandler):
    def __init__(self, source: str, **kwargs):
        super().__init__(source, BATCH, handler_type=SERVICE_POOL, requeue_on_error=False, **kwargs)

    def setup(self):
        super().setup()
        name, queue_type = batch_queue(self.source_service, self.container.service_name), settings().queue_type
        with Connection(self.container.config[AMQP_URI_CONFIG_KEY]) as connection:
            deadletters.declare(connection, name, queue_type)
        self.queue = deadletters.consumed_queue(name, self.queue.exchange, BATCH, queue_type)

    def handle_message_processed(self, message, result=None, exc_info=None):
        """nameko acknowledges a batch whose handler raised (requeue_on_error=False): dropped.
        Here it is rejected, so the broker dead-letters it."""
        if exc_info is None:
            self.queue_consumer.ack_message(message)
        else:
            reject(message, type(exc_info[1]).__name__, logging.WARNING)  # the failure itself: RequestLog's ERROR


batch_handler = BatchHandler.decorator
