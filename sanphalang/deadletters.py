"""`sanphalang dead-letters list | redrive`: what the CLI prints of the dead letters
(services/chassis/deadletters.py holds what it does), and the old batch queues `up` retires."""
from __future__ import annotations

import logging

from services.chassis import deadletters
from services.chassis.messages import message

log = logging.getLogger(__name__)


def say(code: str, **params) -> str:
    text = message(code, **params)
    return f"{text['th']} / {text['en']}"


def report(amqp_uri: str, queue: str | None, limit: int) -> dict:
    with deadletters.connect(amqp_uri) as connection:
        waiting = deadletters.depths(connection)
        chosen = deadletters.chosen(queue)
        return {"depths": {name: waiting[name] for name in chosen},
                "letters": deadletters.listing(connection, queue, limit)}


def lines(found: dict) -> list[str]:
    if not any(found["depths"].values()):
        return [say("dead_letters_none")]
    out = []
    for queue, count in found["depths"].items():
        out.append(say("dead_letters_waiting", queue=queue, count=count))
        out.extend(f"  {_line(letter)}" for letter in found["letters"] if letter["queue"] == queue)
    return out


def _line(letter: dict) -> str:
    batch = ""
    if "first" in letter and "last" in letter:
        batch = f"  {letter.get('source', '?')} {letter['first']}-{letter['last']}"
        batch += f" ({letter['events']} events)" if "events" in letter else ""
    return (f"{letter['reason'] or '?'} x{letter['deaths']}  first {letter['first_death'] or '?'}  "
            f"{letter['bytes']} B  sha256:{letter['sha256']}{batch}")


def redrive(amqp_uri: str, queue: str | None, limit: int | None) -> list[str]:
    with deadletters.connect(amqp_uri) as connection:
        moved = deadletters.redrive(connection, queue, limit)
    return [*(say("dead_letters_redriven", queue=name, count=count) for name, count in moved.items()),
            say("dead_letters_redriven_total", count=sum(moved.values()))]


def retire_old_queues(amqp_uri: str) -> None:
    """On the development broker (`up`): delete the batch queues of before dead letters. Any
    failure (no broker yet, a user not allowed) is the services' to report as they start."""
    try:
        with deadletters.connect(amqp_uri) as connection:
            deleted = deadletters.retire_old_queues(connection)
    except Exception as error:  # noqa: BLE001
        log.debug("old batch queues not retired: %s", type(error).__name__)
        return
    for name, batches in deleted.items():
        if batches:
            log.info("deleted the old queue %s (%d batches; reporting reads them from the logs)", name, batches)
