"""`sanphalang backup DIR`: every service database, the knowledge files and a manifest.

The databases are copied one at a time, each a consistent moment of its own
(`database_copies`), in an order that keeps the copies consistent with each other where it
matters: reporting first (its positions can only be behind the registers' logs, never ahead,
so after a restore it catches up instead of holding events the logs no longer have), then the
gateway, then the registers, each register's files after its database (a file is written before
the event that records it, so every recorded file is in the copy), the registers of personal
data last, and their key stores' copies (`--keys`, apart) after them (a key is made before its
person's first event). The manifest is written last: a directory without one is no backup.

Never in a backup: a key store (only its sealed copy, apart, with `--keys`), the master key, the
signing keys, the gateway's secret key, and the read-model rows that hold personal values in
plaintext (the people service rebuilds them from the log and the key store on its next start)."""
from __future__ import annotations

import hashlib
import shutil
import uuid
from importlib import metadata
from pathlib import Path
from typing import Callable

import orjson

from services.chassis.database import make_engine
from services.chassis.envelope import utc_timestamp
from services.chassis.privacy.sealing import Master
from services.registry import DATABASES, GATEWAY, KEY_STORES, PLAINTEXT, SERVICES, SOURCES
from services.settings import Settings, env, settings

from . import database_copies, key_copies
from .database_copies import Database

FORMAT = 1
MANIFEST = "manifest.json"
# Not in any backup: what the operator keeps elsewhere (docs/operations.md)
SECRETS = ("SANPHALANG_MASTER_KEY (or var/master.key)", "the signing keys (SANPHALANG_KEYS, SANPHALANG_SIGNING_KEY)",
           "SANPHALANG_SECRET_KEY (or var/secret_key)", "the broker users' passwords (SANPHALANG_AMQP_URI)",
           "the database URLs and their passwords")


class Refused(Exception):
    """A backup or restore that must not go on: a catalogue code and its parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def file_stores(config: Settings) -> dict[str, Path]:
    """The directories of files a register keeps beside its database, by register."""
    return {"knowledge": config.knowledge_files}


def order() -> list[str]:
    """The databases in the order they are copied (the module's docstring says why)."""
    personal = {s.name for s in SERVICES if s.personal}
    readers = [name for name in DATABASES if name not in SOURCES and name != GATEWAY]
    registers = [name for name in DATABASES if name in SOURCES]
    return [*readers, GATEWAY, *sorted(registers, key=lambda name: name in personal)]


def copy_days() -> float:
    return float(env("SANPHALANG_KEY_COPY_DAYS"))


def back_up(directory: Path, keys_dir: Path | None = None, say: Callable[[str], None] = print) -> dict:
    """Write the backup into `directory` (new or empty); returns its manifest."""
    config = settings()
    _check_places(directory, keys_dir)
    databases = [Database(name, config.database_url(name)) for name in order()]
    _check_databases(databases)
    made_at = utc_timestamp()
    manifest = {"format": FORMAT, "id": _backup_id(made_at), "made_at": made_at, "version": version(),
                "databases": {}, "files": {}, "keys": {}, "left_out": list(SECRETS)}
    (directory / "databases").mkdir(parents=True, exist_ok=True)
    stores = file_stores(config)
    for database in databases:
        manifest["databases"][database.name] = _copy_database(directory, database)
        say(_database_line(database.name, manifest["databases"][database.name]))
        if database.name in stores:
            manifest["files"][database.name] = copy_files(stores[database.name], directory / "files" / database.name)
            say(f"files {database.name}: {len(manifest['files'][database.name]['files'])}")
    if keys_dir is not None:
        manifest["keys"] = _copy_keys(config, keys_dir, manifest, say)
    draft = directory / f".{MANIFEST}.writing"
    draft.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    draft.replace(directory / MANIFEST)
    return manifest


def _check_places(directory: Path, keys_dir: Path | None) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise Refused("backup_not_empty", directory=str(directory))
    if keys_dir is not None and keys_dir.resolve().is_relative_to(directory.resolve()):
        raise Refused("backup_keys_inside", keys=str(keys_dir), directory=str(directory))


def _check_databases(databases: list[Database]) -> None:
    if any(d.backend == database_copies.POSTGRES for d in databases) and database_copies.missing_tools():
        raise Refused("backup_no_pg_tools", tools=", ".join(database_copies.missing_tools()))
    for database in databases:
        if database.backend == database_copies.SQLITE and not database.path.exists():
            raise Refused("backup_database_missing", database=database.name)


def _copy_database(directory: Path, database: Database) -> dict:
    relative = f"databases/{database.name}{database.suffix}"
    plaintext = PLAINTEXT.get(database.name, ())
    log = database_copies.copy_out(database, directory / relative, plaintext)
    return {"backend": database.backend, "file": relative, **checksum(directory / relative), "log": log,
            "left_empty": list(plaintext)}


def _database_line(name: str, entry: dict) -> str:
    log = entry["log"]
    at = f"log at seq {log['seq']}" if log else "no log"
    return f"database {name}: {entry['backend']}, {entry['bytes']} bytes, {at}"


def _copy_keys(config: Settings, keys_dir: Path, manifest: dict, say: Callable[[str], None]) -> dict:
    master = Master(config.master_key())
    out = {}
    for service in KEY_STORES:
        engine = make_engine(config.key_store_url(service))
        try:
            path = key_copies.write(engine, master, service, manifest["id"], manifest["made_at"], keys_dir)
        finally:
            engine.dispose()
        header = key_copies.header_of(path)
        out[service] = {"copy": path.name, **checksum(path), "keys": header["keys"], "erased": header["erased"]}
        say(f"key store {service}: sealed copy {path} ({header['keys']} keys, {header['erased']} erased); "
            f"delete it by {key_copies.expires(header, copy_days())}")
    for gone in key_copies.prune(keys_dir, copy_days()):
        say(f"key store copy past {copy_days():g} days deleted: {gone}")
    return out


# -- files and checksums ----------------------------------------------------------------------

def copy_files(source: Path, target: Path) -> dict:
    """Every kept file under `source` copied to `target` (drafts being written are not kept
    files: their names start with a dot), with its checksum."""
    listing = {}
    for path in sorted(source.rglob("*")) if source.exists() else ():
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / relative)
        listing[relative.as_posix()] = checksum(target / relative)
    return {"dir": f"files/{target.name}", "files": listing}


def checksum(path: Path) -> dict:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"sha256": digest.hexdigest(), "bytes": size}


def version() -> str:
    try:
        return metadata.version("sanphalang")
    except metadata.PackageNotFoundError:
        return "unknown"


def _backup_id(made_at: str) -> str:
    """20261204T101500Z-1a2b3c: sorts by time, and two backups of one second differ."""
    compact = made_at[:19].replace("-", "").replace(":", "")
    return f"{compact}Z-{uuid.uuid4().hex[:6]}"
