"""Copies of a key store for a backup, and the key store a restore leaves (DESIGN §2b).

A copy is never written into the backup of the event databases: `backup --keys KEYDIR` writes
it apart, as `<service>-keys-<backup id>.sealed`, one header line in clear (what it is, when it
was made, which master key) and the body sealed with a key derived from the master key, bound
to that header. It is kept SANPHALANG_KEY_COPY_DAYS at most: `backup` deletes the older ones in
KEYDIR, and `restore` refuses one past its window (the only place an erased key can linger).

What a restore leaves, whatever it is given: the live key store's keys, plus the copy's for
people the live store has no key for, minus every person any record says was erased: the live
ledger, the copy's, the log's `PersonErased` events (the live log, read before the restore
replaces it, and the restored one) and the operator's list (`--erasures`). The ledger becomes
the union of all of them. So a key deleted after the backup is never brought back."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Engine

from services.chassis.database import bulk_insert
from services.chassis.privacy import keystore
from services.chassis.privacy.sealing import Master
from services.chassis.store import EventStore
from services.registry import contract

FORMAT = 1
SUFFIX = ".sealed"


@dataclass(frozen=True)
class KeyCopy:
    header: dict
    keys: list[dict]  # subject_keys rows, `wrapped` as bytes
    erased: list[dict]  # the ledger's rows


def name_of(service: str, backup_id: str) -> str:
    return f"{service}-keys-{backup_id}{SUFFIX}"


def write(engine: Engine, master: Master, service: str, backup_id: str, made_at: str, directory: Path) -> Path:
    """The key store's copy, sealed, in `directory`; returns its path."""
    keystore.metadata.create_all(engine)
    with engine.connect() as conn:
        keys = [{**_plain(row), "wrapped": bytes(row["wrapped"]).hex()}
                for row in conn.execute(select(keystore.subject_keys)).mappings()]
        erased = [_plain(row) for row in conn.execute(select(keystore.erasures)).mappings()]
    header = orjson.dumps({"format": FORMAT, "service": service, "backup": backup_id, "made_at": made_at,
                           "master": master.id, "keys": len(keys), "erased": len(erased)})
    body = master.seal_copy(zlib.compress(orjson.dumps({"keys": keys, "erased": erased})), header)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name_of(service, backup_id)
    draft = path.with_name(f".{path.name}.writing")
    draft.write_bytes(header + b"\n" + body)
    draft.replace(path)
    return path


def _plain(row) -> dict:
    """A row as a dict of plain `str` keys (SQLAlchemy's column names are a subclass)."""
    return {str(name): value for name, value in row.items()}


def header_of(path: Path) -> dict:
    with path.open("rb") as handle:
        return orjson.loads(handle.readline())


def read(path: Path, master: Master) -> KeyCopy:
    """The copy opened; `sealing.Unreadable` if another master key sealed it or it was altered."""
    raw = path.read_bytes()
    header, _, body = raw.partition(b"\n")
    plain = orjson.loads(zlib.decompress(master.open_copy(body, header)))
    keys = [{**row, "wrapped": bytes.fromhex(row["wrapped"])} for row in plain["keys"]]
    return KeyCopy(orjson.loads(header), keys, plain["erased"])


def made(header: dict) -> datetime:
    return datetime.fromisoformat(header["made_at"])


def age_days(header: dict, now: datetime | None = None) -> float:
    return ((now or datetime.now(timezone.utc)) - made(header)).total_seconds() / 86400


def prune(directory: Path, days: float, now: datetime | None = None) -> list[str]:
    """Delete the copies in `directory` older than `days`; their names."""
    gone = []
    for path in sorted(directory.glob(f"*-keys-*{SUFFIX}")):
        if age_days(header_of(path), now) > days:
            path.unlink()
            gone.append(path.name)
    return gone


def expires(header: dict, days: float) -> str:
    return (made(header) + timedelta(days=days)).strftime("%Y-%m-%d %H:%M UTC")


# -- what a restore leaves --------------------------------------------------------------------

@dataclass(frozen=True)
class Live:
    """The live key store before a restore: who has a key, who is in the ledger."""

    keyed: set[str]
    ledger: set[str]

    @property
    def empty(self) -> bool:
        return not self.keyed and not self.ledger


def live(engine: Engine) -> Live:
    keystore.metadata.create_all(engine)
    with engine.connect() as conn:
        return Live(set(conn.execute(select(keystore.subject_keys.c.subject)).scalars()),
                    set(conn.execute(select(keystore.erasures.c.subject)).scalars()))


def erased_in_log(engine: Engine, service: str) -> set[str]:
    """The subjects a register's log says were erased (its contract's `ERASED` events)."""
    events = contract(service, "events")
    return {events.person_id_of(e["stream"]) for e in EventStore(engine, service).events_of_types((events.ERASED,))}


def settle(engine: Engine, before: Live, copy: KeyCopy | None, erased: set[str]) -> dict:
    """Bring the copy's keys back for people without a key who are not erased, then erase
    everyone any record names (ledger entry, key deleted, files scrubbed). Returns the counts."""
    copied_ledger = [row for row in (copy.erased if copy else ()) if row["subject"] not in before.ledger]
    erased = erased | before.ledger | {row["subject"] for row in copied_ledger}
    kept_out = before.keyed | erased
    back = [row for row in (copy.keys if copy else ()) if row["subject"] not in kept_out]
    with engine.begin() as conn:
        bulk_insert(conn, keystore.erasures, copied_ledger)  # with the times they were erased at
        bulk_insert(conn, keystore.subject_keys, back)
    # erasing needs no master key: the store is only asked to delete
    newly = keystore.KeyStore(engine, None).erase(sorted(erased)) if erased else []
    return {"keys_back": len(back), "erased": len(erased), "ledger_added": len(copied_ledger) + len(newly)}
