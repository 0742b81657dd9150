"""Stopping a process gracefully: in-flight work gets a bounded time to finish, and the stop
begins as soon as the signal arrives."""
from __future__ import annotations

import logging
import time

import eventlet

log = logging.getLogger(__name__)

TICK_S = 0.5


def keep_hub_awake() -> None:
    """eventlet's hub sleeps until its next timer or socket event. A signal handler runs at
    once, but the work it schedules (a kill, an event sent) waits for that wake-up: up to a
    minute in an idle process. A ticker bounds the wait."""
    def tick():
        while True:
            eventlet.sleep(TICK_S)

    eventlet.spawn_n(tick)


def stop_within(runner, seconds: float, name: str) -> None:
    """Stop a nameko runner: stop consuming, let the running workers finish for up to
    `seconds`, then kill the rest. A killed worker's request was never acknowledged, so the
    broker gives it to another replica (or to this service when it is back); with the
    commands' idempotency keys nothing acknowledged is lost or done twice either way."""
    began = time.monotonic()
    try:
        with eventlet.Timeout(seconds):
            runner.stop()
        log.info("%s stopped in %.1f s", name, time.monotonic() - began)
    except eventlet.Timeout:
        log.warning("%s: work still running after %.0f s; killing it", name, seconds)
        runner.kill()
