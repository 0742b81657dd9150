"""`batch_handler`: nameko's event_handler for relayed event batches, on a quorum queue
when SANPHALANG_QUEUE_TYPE=quorum. Errors are not requeued: the catch-up subscriber refills
anything lost from the source's log."""
from __future__ import annotations

from kombu import Queue
from nameko.events import SERVICE_POOL, EventHandler

from services.settings import settings
from services.chassis.broker import BATCH


class BatchHandler(EventHandler):
    def __init__(self, source: str, **kwargs):
        super().__init__(source, BATCH, handler_type=SERVICE_POOL, requeue_on_error=False, **kwargs)

    def setup(self):
        super().setup()
        if settings().queue_type == "quorum":
            self.queue = Queue(
                self.queue.name, exchange=self.queue.exchange, routing_key=self.queue.routing_key,
                durable=True, queue_arguments={"x-queue-type": "quorum"},
            )


batch_handler = BatchHandler.decorator
