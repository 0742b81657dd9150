"""The baselines each benchmark figure stands beside, on the same rows and database."""
from __future__ import annotations

import time

from sqlalchemy import text

from services.chassis.database import make_engine
from services.chassis.envelope import new_ids
from services.orgs import readmodel
from services.orgs.domain import register
from services.contracts.orgs.schemas import OrgRegistration


def _table_rows(rows: list[dict]) -> list[dict]:
    """The rows exactly as the register stores them (validated, C.E. year, derived center,
    natural key, same time-ordered ids), so every baseline writes what ours writes to its
    read model."""
    loaded = OrgRegistration().load(rows, many=True)
    at = "2026-01-01T00:00:00.000000Z"
    return [
        readmodel._new_row({"stream": pending.stream, "version": 1, "data": pending.data, "at": at})
        for pending in (register(fields, org_id) for fields, org_id in zip(loaded, new_ids(len(rows))))
    ]


def bare_insert(url: str, rows: list[dict]) -> float:
    """SQLAlchemy Core insert, executemany, one transaction: rows per second."""
    engine = make_engine(url)
    readmodel.create_schema(engine)
    table_rows = _table_rows(rows)
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(readmodel.organizations.insert(), table_rows)
    elapsed = time.perf_counter() - start
    _check_count(engine, len(rows))
    engine.dispose()
    return len(rows) / elapsed


def copy(url: str, rows: list[dict]) -> float:
    """PostgreSQL COPY through psycopg: rows per second (the machine's physical limit)."""
    return copy_rows(url, readmodel.create_schema, "organizations", _table_rows(rows))


def copy_rows(url: str, create_schema, table: str, table_rows: list[dict]) -> float:
    """COPY of `table_rows` into `table` (made with its indexes by `create_schema(engine)`), one
    transaction: rows per second."""
    engine = make_engine(url)
    create_schema(engine)
    names = list(table_rows[0])
    start = time.perf_counter()
    with engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as sink:
            for row in table_rows:
                sink.write_row([row[n] for n in names])
    elapsed = time.perf_counter() - start
    _check_count(engine, len(table_rows), table)
    engine.dispose()
    return len(table_rows) / elapsed


def eventsourcing_save(url: str, rows: list[dict], chunk: int = 5000) -> float:
    """The `eventsourcing` library (9.5) saving each organization as an aggregate, in bulk
    `save(*aggregates)` calls: aggregates per second (store only: no bus, no projection)."""
    import os

    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Organization(Aggregate):
        @event("Registered")
        def __init__(self, name, type, province, district, subdistrict, village_no=None, founded_year=None,
                     members=None, name_en=None, address=None, areas=(), source=None):
            self.name, self.name_en, self.type = name, name_en, type
            self.province, self.district, self.subdistrict = province, district, subdistrict
            self.village_no, self.address, self.founded_year = village_no, address, founded_year
            self.members, self.areas, self.source = members, list(areas), source

    database = url.rsplit("/", 1)[1]
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": database,
           "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
           "POSTGRES_PASSWORD": "", "CREATE_TABLE": "y"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        app = Application()
        start = time.perf_counter()
        for first in range(0, len(rows), chunk):
            app.save(*(Organization(**row) for row in rows[first:first + chunk]))
        elapsed = time.perf_counter() - start
        app.close()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with make_engine(url).connect() as conn:
        table = conn.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%%events'")).scalar()
        stored = conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
    assert stored == len(rows), stored
    return len(rows) / elapsed


def _check_count(engine, expected: int, table: str = "organizations") -> None:
    with engine.connect() as conn:
        count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    assert count == expected, (count, expected)
