"""The key store (DESIGN §2b): each data subject's key, wrapped by the master key, in a
database apart from the event log (its own URL; a SQLite file of its own by default), and the
erasure ledger, an append-only list of erased subjects' ids with no personal value. The ledger
is a fence: no key is ever made again for an erased id, so nothing personal can be sealed for
them again. Deleting a key makes every value sealed with it unreadable forever."""
from __future__ import annotations

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, event, select, text
from sqlalchemy.engine import Engine

from services.chassis.database import bulk_insert, is_postgres
from services.chassis.envelope import utc_timestamp

from .sealing import Master, Sealer, new_key

metadata = MetaData()
subject_keys = Table(
    "subject_keys", metadata,
    Column("subject", String(36), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("master", String(12), nullable=False),  # which master key wrapped it (rotation)
    Column("made_at", String(27), nullable=False),
)
erasures = Table(
    "erasures", metadata,
    Column("subject", String(36), primary_key=True),
    Column("erased_at", String(27), nullable=False),
    Column("request", String(36)),
)
_CHUNK = 500


class ErasedSubject(Exception):
    """A key was asked for a subject the ledger says is erased."""

    def __init__(self, subjects):
        self.subjects = sorted(subjects)
        super().__init__(f"{len(self.subjects)} erased")


def secure_delete(engine: Engine) -> None:
    """SQLite overwrites what it deletes with zeros (else a deleted row lingers in free pages)."""
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _on(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()


def scrub(engine: Engine, tables: list[str]) -> None:
    """After deleting personal rows: SQLite has zeroed them (secure_delete) and empties its
    write-ahead log of the pages that held them; PostgreSQL vacuums the tables so the dead
    rows' space is marked free (docs/privacy.md says what a vacuum does not do)."""
    if is_postgres(engine):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.execute(text(f"VACUUM {table}"))
        return
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


class KeyStore:
    def __init__(self, engine: Engine, master: Master):
        self.engine, self.master = engine, master
        secure_delete(engine)

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def make(self, subjects: list[str]) -> dict[str, Sealer]:
        """New keys for new subjects, stored wrapped; ErasedSubject if any is in the ledger."""
        keys = {subject: new_key() for subject in subjects}
        with self.engine.begin() as conn:
            fenced = self._erased(conn, subjects)
            if fenced:
                raise ErasedSubject(fenced)
            now = utc_timestamp()
            bulk_insert(conn, subject_keys, [
                {"subject": s, "wrapped": self.master.wrap(s, k), "master": self.master.id, "made_at": now}
                for s, k in keys.items()])
        return {s: Sealer(s, k) for s, k in keys.items()}

    def sealers(self, subjects) -> dict[str, Sealer]:
        """The sealers of the subjects that still have a key (an erased one has none)."""
        wanted, found = list(dict.fromkeys(subjects)), {}
        with self.engine.connect() as conn:
            for first in range(0, len(wanted), _CHUNK):
                rows = conn.execute(select(subject_keys.c.subject, subject_keys.c.wrapped)
                                    .where(subject_keys.c.subject.in_(wanted[first:first + _CHUNK])))
                found.update({r.subject: Sealer(r.subject, self.master.unwrap(r.subject, bytes(r.wrapped))) for r in rows})
        return found

    def erase(self, subjects: list[str], request: str | None = None) -> list[str]:
        """Add the subjects to the ledger and delete their keys; the ones newly erased."""
        with self.engine.begin() as conn:
            already = self._erased(conn, subjects)
            new = [s for s in dict.fromkeys(subjects) if s not in already]
            bulk_insert(conn, erasures, [{"subject": s, "erased_at": utc_timestamp(), "request": request} for s in new])
            for first in range(0, len(subjects), _CHUNK):
                conn.execute(subject_keys.delete().where(subject_keys.c.subject.in_(subjects[first:first + _CHUNK])))
        self.scrub()
        return new

    def scrub(self) -> None:
        """Leave no deleted key readable in the files: SQLite zeroes deleted rows (secure_delete)
        and its write-ahead log is emptied; PostgreSQL vacuums the keys' table."""
        scrub(self.engine, [subject_keys.name])

    def erased(self, subjects=None) -> set[str]:
        with self.engine.connect() as conn:
            if subjects is None:
                return set(conn.execute(select(erasures.c.subject)).scalars())
            return self._erased(conn, list(subjects))

    def ledger(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(erasures).order_by(erasures.c.erased_at)).mappings()]

    def _erased(self, conn, subjects: list[str]) -> set[str]:
        found = set()
        for first in range(0, len(subjects), _CHUNK):
            found.update(conn.execute(select(erasures.c.subject).where(
                erasures.c.subject.in_(subjects[first:first + _CHUNK]))).scalars())
        return found
