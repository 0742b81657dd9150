"""Run one nameko service in this process until SIGTERM or SIGINT."""
from __future__ import annotations

import logging
import signal

import eventlet
from nameko.runners import ServiceRunner

from services.settings import settings

from .logging import configure

log = logging.getLogger(__name__)


def run(service_cls) -> None:
    configure(service_cls.name)
    runner = ServiceRunner(settings().nameko_config())
    runner.add_service(service_cls)
    stopping = eventlet.event.Event()

    def _stop(signum, _frame):
        if not stopping.ready():
            stopping.send(signum)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.start()
    log.info("%s started", service_cls.name)
    stopping.wait()
    runner.stop()
