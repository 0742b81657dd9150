"""Run one nameko service in this process until SIGTERM or SIGINT, then stop gracefully."""
from __future__ import annotations

import logging
import signal

import eventlet
from nameko.runners import ServiceRunner

from services.settings import settings

from .logging import configure
from .poison import guard
from .shutdown import keep_hub_awake, stop_within

log = logging.getLogger(__name__)


def run(service_cls) -> None:
    configure(service_cls.name)
    guard()  # a message it cannot handle is rejected, never dropped unseen nor fatal
    config = settings()
    runner = ServiceRunner(config.nameko_config())
    runner.add_service(service_cls)
    stopping = eventlet.event.Event()

    def _stop(signum, _frame):
        if not stopping.ready():
            stopping.send(signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    keep_hub_awake()
    runner.start()
    log.info("%s started", service_cls.name)
    stopping.wait()
    stop_within(runner, config.shutdown_timeout, service_cls.name)
