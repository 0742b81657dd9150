"""Engines for SQLite and PostgreSQL with the behaviour the event store relies on."""
from __future__ import annotations

import fcntl
import zlib
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Table, create_engine, event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool


def make_engine(url: str) -> Engine:
    """SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE so a writer holds the one write lock
    from its first statement (appends serialize, readers never block). PostgreSQL: psycopg 3."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        if path in ("", ":memory:"):
            options["poolclass"] = StaticPool  # one connection, or each would see its own empty database
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **options)
        _sqlite_behaviour(engine)
        return engine
    # Kept open: as many connections as a process's workers use at once (SANPHALANG_MAX_WORKERS,
    # 10, plus the relay and timers); with fewer, every busy moment opens and closes PostgreSQL
    # backends (a fork each), which under 100 readers cost more than the queries.
    return create_engine(url, pool_size=16, max_overflow=16, pool_pre_ping=True)


def _sqlite_behaviour(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let us issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "postgresql"


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return zlib.crc32(name.encode()) | (0x5A4E << 32)


def exclusive(conn: Connection, name: str) -> None:
    """Serialize writers of `name` until this transaction ends (SQLite's BEGIN IMMEDIATE
    already does; PostgreSQL takes a transaction-scoped advisory lock)."""
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)})


@contextmanager
def try_exclusive(engine: Engine, name: str):
    """Yield True if this process may do `name`'s singleton work now (PostgreSQL session
    advisory lock); always True on SQLite, whose writers serialize anyway."""
    if not is_postgres(engine):
        yield True
        return
    with engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(name)}).scalar()
        conn.commit()
        try:
            yield bool(got)
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
                conn.commit()


@contextmanager
def one_at_a_time(engine: Engine, name: str):
    """Hold `name` across several transactions, blocking other processes that ask for it:
    replicas starting together create their schema in turn instead of racing on CREATE TABLE.
    PostgreSQL: a session advisory lock; a SQLite file: an flock beside it; memory: nothing."""
    if is_postgres(engine):
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
                conn.commit()
        return
    path = engine.url.database
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def bulk_insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert many rows in the current transaction: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if not is_postgres(conn) or len(rows) < 64:
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    columns = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
    except psycopg.IntegrityError as error:  # raised by psycopg itself: give callers SQLAlchemy's
        raise IntegrityError(f"COPY {table.name}", None, error) from error
