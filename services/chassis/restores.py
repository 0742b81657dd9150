"""The mark `sanphalang restore` leaves in a subscriber's database (reporting's). Until the
subscriber has emptied its batch queues they may hold batches relayed after the backup: events
the restored logs no longer have, which link to the restored heads and would be applied, and
the new events of the same numbers then skipped. The operator's broker user may not read those
queues (only their consumer may: docs/security.md), so the subscriber empties them itself on its
first start after the restore, before it consumes (services/edge/dependencies.py); whatever it
drops of the new timeline, the catch-up fetches from the logs."""
from __future__ import annotations

from amqp.exceptions import NotFound
from kombu import Connection
from sqlalchemy import Column, MetaData, String, Table, delete, select
from sqlalchemy.engine import Engine

from .envelope import utc_timestamp

metadata = MetaData()
restores = Table(
    "restores",
    metadata,
    Column("backup", String(40), primary_key=True),  # the backup restored (its manifest's id)
    Column("at", String(27), nullable=False),
)


def mark(engine: Engine, backup: str) -> None:
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(delete(restores).where(restores.c.backup == backup))
        conn.execute(restores.insert(), {"backup": backup, "at": utc_timestamp()})


def marked(engine: Engine) -> list[str]:
    """The backups restored since the subscriber last emptied its queues."""
    metadata.create_all(engine)
    with engine.connect() as conn:
        return list(conn.execute(select(restores.c.backup)).scalars())


def unmark(engine: Engine, backups: list[str]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(restores).where(restores.c.backup.in_(backups)))


def purge(amqp_uri: str, queues: list[str]) -> int:
    """Empty the queues the broker has; how many messages went."""
    purged = 0
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        for queue in queues:
            try:
                purged += channel.queue_purge(queue) or 0
            except NotFound:  # the broker closed the channel: the next queue gets a new one
                channel = connection.channel()
    return purged
