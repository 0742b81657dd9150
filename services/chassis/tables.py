"""The tables of a source's event log, kept in the service's own database."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, UniqueConstraint

log_metadata = MetaData()

events = Table(
    "events",
    log_metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("id", String(36), nullable=False),  # a time-ordered UUID (v7); no index to maintain on every append
    Column("stream", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(80), nullable=False),
    Column("schema", Integer, nullable=False),
    Column("at", String(27), nullable=False),
    Column("actor", Text, nullable=False),  # canonical JSON
    Column("data", Text, nullable=False),  # canonical JSON
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # Optimistic concurrency: with dense versions, any stale expected version collides here.
    UniqueConstraint("stream", "version", name="uq_events_stream_version"),
)

# Idempotency: the first result of each command key, stored with the events it appended.
commands = Table(
    "commands",
    log_metadata,
    Column("key", String(200), primary_key=True),
    Column("result", Text, nullable=False),
    Column("at", String(27), nullable=False),
)

relay_cursor = Table(
    "relay_cursor",
    log_metadata,
    Column("name", String(40), primary_key=True),
    Column("seq", BigInteger, nullable=False),
)

subscriber_metadata = MetaData()

# A subscriber's position per source, written in the same transaction as its projection.
checkpoints = Table(
    "checkpoints",
    subscriber_metadata,
    Column("source", String(40), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
# How fresh a subscriber's projection is per source: the last event applied, when it was
# appended and when it was projected (written with the checkpoint).
freshness = Table(
    "freshness",
    subscriber_metadata,
    Column("source", String(40), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("event_at", String(32), nullable=False),
    Column("applied_at", String(32), nullable=False),
)
