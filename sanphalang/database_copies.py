"""One database copied out for a backup and loaded back by a restore, on either backend.

SQLite: the online backup API (a consistent snapshot of a live WAL database, never a copy of
its files), turned into one self-contained file. PostgreSQL: `pg_dump` in its custom format,
taken in a snapshot that the log's head is read in too, and `pg_restore`. Either way the tables
holding personal values in plaintext (`registry.PLAINTEXT`) are left empty in the copy: a
backup is kept for long, and an erased person's name must not outlive the erasure there."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from services.chassis.envelope import GENESIS

SQLITE, POSTGRES = "sqlite", "postgresql"
PG_TOOLS = ("pg_dump", "pg_restore")


class CopyFailed(Exception):
    """A database could not be copied or loaded (the tool's own words, without credentials)."""


@dataclass(frozen=True)
class Database:
    """A service's database, named as the registry names it, at its configured URL."""

    name: str
    url: str

    @property
    def backend(self) -> str:
        return SQLITE if self.url.startswith("sqlite") else POSTGRES

    @property
    def path(self) -> Path:
        return Path(make_url(self.url).database)

    @property
    def suffix(self) -> str:
        return ".sqlite" if self.backend == SQLITE else ".dump"


def missing_tools() -> list[str]:
    return [tool for tool in PG_TOOLS if shutil.which(tool) is None]


# -- the log's head ---------------------------------------------------------------------------

HEAD = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"


def _head(row) -> dict:
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": GENESIS}


def head(database: Database) -> dict | None:
    """Where the database's event log ends ({seq, hash}); None if it keeps none."""
    if database.backend == SQLITE:
        if not database.path.exists():
            return None
        return sqlite_head(database.path)
    with psycopg.connect(**_libpq(database.url)[0]) as conn:
        return _pg_head(conn)


def sqlite_head(path: Path) -> dict | None:
    with closing(sqlite3.connect(path)) as conn:
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone()
        return _head(conn.execute(HEAD).fetchone()) if has else None


def _pg_head(conn) -> dict | None:
    has = conn.execute("SELECT to_regclass('events') IS NOT NULL").fetchone()[0]
    return _head(conn.execute(HEAD).fetchone()) if has else None


# -- copying out ------------------------------------------------------------------------------

def copy_out(database: Database, out: Path, plaintext: tuple[str, ...]) -> dict | None:
    """Write the database's copy to `out`; returns its log's head as copied (None: no log)."""
    if database.backend == SQLITE:
        _sqlite_copy(database.path, out, plaintext)
        return sqlite_head(out)
    return _pg_dump(database.url, out, plaintext)


def _sqlite_copy(path: Path, out: Path, plaintext: tuple[str, ...]) -> None:
    if not path.exists():
        raise CopyFailed(f"{path} does not exist")
    with closing(sqlite3.connect(path, timeout=30)) as source, closing(sqlite3.connect(out)) as copy:
        source.backup(copy)  # all pages in one step, under one read transaction: one moment's database
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no write-ahead log beside it
        if plaintext:
            _empty(copy, plaintext)


def _empty(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """The tables' rows deleted (their triggers empty the search tables too), every trigram
    index merged so no deleted term stays in its segments, and the file rewritten, so nothing
    deleted is left in a free page."""
    existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("PRAGMA secure_delete=ON")
    for table in tables:
        if table in existing:
            conn.execute(f'DELETE FROM "{table}"')
    for (fts,) in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'").fetchall():
        conn.execute(f'INSERT INTO "{fts}" ("{fts}") VALUES (\'optimize\')')
    conn.commit()
    conn.execute("VACUUM")


def _pg_dump(url: str, out: Path, plaintext: tuple[str, ...]) -> dict | None:
    """pg_dump in a snapshot exported by a transaction that reads the log's head in it: the
    head is exactly the dump's."""
    params, env = _libpq(url)
    with psycopg.connect(**params) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        found = _pg_head(conn)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--no-comments",
              f"--snapshot={snapshot}", *(f"--exclude-table-data={t}" for t in plaintext), f"--file={out}",
              f"--dbname={params['dbname']}"], env)
        conn.rollback()
    return found


# -- loading back -----------------------------------------------------------------------------

def load(database: Database, copy: Path) -> None:
    """Replace what the database holds with the copy."""
    if database.backend == SQLITE:
        _sqlite_load(database.path, copy)
    else:
        _pg_load(database.url, copy)


def _sqlite_load(path: Path, copy: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.restoring")
    shutil.copyfile(copy, draft)
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)  # a write-ahead log of the database replaced must not be replayed into it
    os.replace(draft, path)


def _pg_load(url: str, copy: Path) -> None:
    """Every table of the schema dropped, then the dump restored in one transaction."""
    params, env = _libpq(url)
    with psycopg.connect(**params, autocommit=True) as conn:
        with conn.transaction():
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
            for table in tables:
                conn.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={params['dbname']}", str(copy)], env)


def holds_data(database: Database) -> bool:
    """Whether the database holds anything recorded: events in its log, or any row of a
    database without a log (the gateway's users)."""
    found = head(database)
    if found is not None:
        return found["seq"] > 0
    return any(count > 0 for count in _row_counts(database).values())


def _row_counts(database: Database) -> dict[str, int]:
    if database.backend == SQLITE:
        if not database.path.exists():
            return {}
        with closing(sqlite3.connect(database.path)) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite%'")]
            return {n: conn.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{n}" LIMIT 1)').fetchone()[0]
                    for n in names}
    with psycopg.connect(**_libpq(database.url)[0]) as conn:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        return {n: conn.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{n}" LIMIT 1) t').fetchone()[0] for n in names}


# -- helpers ----------------------------------------------------------------------------------

def _libpq(url: str) -> tuple[dict, dict]:
    """psycopg's connection parameters, and the environment that gives the same to pg_dump and
    pg_restore: the password travels in PGPASSWORD, never on a command line others can read."""
    parsed = make_url(url)
    params = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "password": parsed.password,
              "dbname": parsed.database, **{k: str(v) for k, v in parsed.query.items()}}
    params = {k: v for k, v in params.items() if v is not None}
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE",
             "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}
    env = {**os.environ, **{names[k]: str(v) for k, v in params.items() if k in names}}
    return params, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CopyFailed(f"{command[0]}: {done.stderr.strip()[-2000:]}")
