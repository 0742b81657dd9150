"""`sanphalang restore DIR`: a backup put back in place of every service database and the
knowledge files, on a stopped system, without bringing back anyone erased since.

In order: the manifest and every checksum checked; refused while any service or the gateway
is running (no override: databases must not change under a running process), and onto
databases that hold anything unless `--force`; the erasures known now gathered before anything
is replaced (the live ledger, the live log); the dead letters emptied and reporting's database
marked, so that it empties its batch queues before it consumes (their batches belong to the
timeline being replaced: services/chassis/restores.py); the databases and files loaded; the key
store settled by the rule of `key_copies`; then every restored log's chain verified and its head compared with the
manifest's, and reporting's positions checked to lie on the restored logs. The services, when
started, rebuild what a backup leaves out and re-apply the ledger before they answer; then
`sanphalang verify` compares the projections with a fresh replay."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import orjson
import requests
from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from sqlalchemy import select

from services.chassis import deadletters, restores, tables
from services.chassis.database import make_engine
from services.chassis.privacy.sealing import Master, Unreadable
from services.chassis.store import EventStore
from services.registry import KEY_STORES
from services.settings import MASTER_KEY, Settings, env, settings

from . import database_copies, key_copies
from .backup import FORMAT, MANIFEST, Refused, checksum, copy_days, file_stores, version
from .database_copies import Database
from .status import depths, known_queues


def restore(directory: Path, keys_dir: Path | None = None, erasures_file: Path | None = None, force: bool = False,
            say: Callable[[str], None] = print) -> dict:
    """Restore the backup in `directory`; returns the report of the checks after it."""
    config = settings()
    manifest = read_manifest(directory)
    problems = check_files(directory, manifest, keys_dir)
    if problems:
        raise Refused("restore_checksums", count=len(problems), files=", ".join(problems[:5]))
    if manifest["version"] != version():
        say(f"the backup was made by version {manifest['version']}; this is {version()}")
    targets = {name: Database(name, config.database_url(name)) for name in manifest["databases"]}
    _check_targets(manifest, targets)
    answering = running(config)
    if answering:
        raise Refused("restore_running", running=", ".join(answering))
    stores = {name: path for name, path in file_stores(config).items() if name in manifest["files"]}
    if not force:
        full = [name for name, db in targets.items() if database_copies.holds_data(db)]
        full += [str(path) for path in stores.values() if _has_files(path)]
        if full:
            raise Refused("restore_not_empty", places=", ".join(full))
    operator = _operator_erasures(erasures_file)
    plans = {service: _key_plan(config, manifest, targets[service], keys_dir, operator, force)
             for service in KEY_STORES if service in targets}
    say(f"dead letters emptied: {_purge_dead_letters(config)} of the timeline replaced")
    for name, database in targets.items():
        database_copies.load(database, directory / manifest["databases"][name]["file"])
        _mark_subscriber(database, manifest["id"])
        say(f"database {name}: restored")
    for name, target in stores.items():
        put_files(directory / manifest["files"][name]["dir"], target, manifest["files"][name]["files"])
        say(f"files {name}: {len(manifest['files'][name]['files'])} restored to {target}")
    for service, plan in plans.items():
        say(_settle_line(service, _settle(plan, targets[service], operator)))
    return check_restored(manifest, targets)


# -- the manifest -----------------------------------------------------------------------------

def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        raise Refused("restore_no_manifest", directory=str(directory))
    manifest = orjson.loads(path.read_bytes())
    if manifest.get("format") != FORMAT:
        raise Refused("restore_format", format=str(manifest.get("format")))
    return manifest


def check_files(directory: Path, manifest: dict, keys_dir: Path | None = None) -> list[str]:
    """The files of the backup whose bytes are not what the manifest recorded (or are gone)."""
    expected = {entry["file"]: entry for entry in manifest["databases"].values()}
    for store in manifest["files"].values():
        expected.update({f"{store['dir']}/{name}": entry for name, entry in store["files"].items()})
    found = [(directory / name, name, entry) for name, entry in expected.items()]
    if keys_dir is not None:
        found += [(keys_dir / entry["copy"], entry["copy"], entry) for entry in manifest["keys"].values()]
    return [name for path, name, entry in found
            if not path.is_file() or checksum(path) != {"sha256": entry["sha256"], "bytes": entry["bytes"]}]


def _check_targets(manifest: dict, targets: dict[str, Database]) -> None:
    for name, database in targets.items():
        if database.backend != manifest["databases"][name]["backend"]:
            raise Refused("restore_other_backend", database=name, backup=manifest["databases"][name]["backend"],
                          target=database.backend)
    if any(d.backend == database_copies.POSTGRES for d in targets.values()) and database_copies.missing_tools():
        raise Refused("backup_no_pg_tools", tools=", ".join(database_copies.missing_tools()))


# -- a running system, and its queues ---------------------------------------------------------

def running(config: Settings) -> list[str]:
    """What answers: queues with consumers (a service process), the gateway's health."""
    try:
        found = [q["queue"] for q in depths(config.amqp_uri, known_queues()) if q["consumers"]]
    except (OSError, OperationalError, AMQPError) as error:
        raise Refused("restore_no_broker", error=type(error).__name__) from None
    try:
        requests.get(f"http://{config.host}:{config.port}/health", timeout=3)
        found.append(f"gateway at {config.host}:{config.port}")
    except requests.RequestException:
        pass
    return found


def _purge_dead_letters(config: Settings) -> int:
    """The dead letters go (a batch of the timeline replaced, re-driven, would be applied);
    the batch queues are their consumer's to empty (services/chassis/restores.py)."""
    try:
        return restores.purge(config.amqp_uri, deadletters.dead_letter_queues())
    except (OSError, OperationalError, AMQPError) as error:
        raise Refused("restore_no_broker", error=type(error).__name__) from None


def _mark_subscriber(database: Database, backup: str) -> None:
    """A subscriber's database (one with checkpoints) is marked: on its next start it empties
    its batch queues before it consumes."""
    engine = make_engine(database.url)
    try:
        with engine.connect() as conn:
            has = tables.checkpoints.name in engine.dialect.get_table_names(conn)
        if has:
            restores.mark(engine, backup)
    finally:
        engine.dispose()


# -- files ------------------------------------------------------------------------------------

def _has_files(path: Path) -> bool:
    return path.exists() and any(p.is_file() for p in path.rglob("*"))


def put_files(source: Path, target: Path, listing: dict) -> None:
    """Make `target` hold exactly the backup's files: those the backup lacks go."""
    target.mkdir(parents=True, exist_ok=True)
    for path in list(target.rglob("*")):
        if path.is_file() and path.relative_to(target).as_posix() not in listing:
            path.unlink()
    for name in listing:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        draft = (target / name).with_name(f".{Path(name).name}.restoring")
        shutil.copyfile(source / name, draft)
        os.replace(draft, target / name)


# -- the key stores ---------------------------------------------------------------------------

def _operator_erasures(path: Path | None) -> set[str] | None:
    """The erased ids an operator lists (one a line; blank lines and # comments ignored)."""
    if path is None:
        return None
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def _key_plan(config: Settings, manifest: dict, log: Database, keys_dir: Path | None, operator: set[str] | None,
              force: bool) -> dict:
    """What the key store holds now and what any record says was erased, read before the
    restore replaces anything; the copy to bring keys back from, if given and allowed."""
    service = log.name
    engine = make_engine(config.key_store_url(service))
    before = key_copies.live(engine)
    live_log = (database_copies.head(log) or {}).get("seq", 0) > 0  # a record of erasures, if any were made
    erased_live = _erased_in(log, service)
    copy = _key_copy(config, manifest, service, keys_dir) if keys_dir is not None else None
    if copy is not None and before.empty and not live_log and operator is None:
        raise Refused("restore_erasures_unknown", service=service)
    if copy is None and before.empty and (manifest["databases"][service]["log"] or {}).get("seq") and not force:
        raise Refused("restore_no_keys", service=service)
    return {"engine": engine, "before": before, "erased": erased_live, "copy": copy}


def _key_copy(config: Settings, manifest: dict, service: str, keys_dir: Path) -> key_copies.KeyCopy:
    entry = manifest["keys"].get(service)
    if entry is None:
        raise Refused("restore_no_key_copy", service=service, directory=str(keys_dir))
    path = keys_dir / entry["copy"]
    days = copy_days()
    if key_copies.age_days(key_copies.header_of(path)) > days:
        raise Refused("restore_key_copy_expired", copy=path.name, days=f"{days:g}")
    if not (env(MASTER_KEY) or (config.var_dir / "master.key").exists()):
        raise Refused("restore_no_master")
    try:
        return key_copies.read(path, Master(config.master_key()))
    except Unreadable:
        raise Refused("restore_key_copy_unreadable", copy=path.name) from None


def _erased_in(log: Database, service: str) -> set[str]:
    if database_copies.head(log) is None:
        return set()
    engine = make_engine(log.url)
    try:
        return key_copies.erased_in_log(engine, service)
    finally:
        engine.dispose()


def _settle(plan: dict, log: Database, operator: set[str] | None) -> dict:
    erased = plan["erased"] | _erased_in(log, log.name) | (operator or set())
    try:
        return key_copies.settle(plan["engine"], plan["before"], plan["copy"], erased)
    finally:
        plan["engine"].dispose()


def _settle_line(service: str, done: dict) -> str:
    return (f"key store {service}: {done['keys_back']} keys brought back from the copy; {done['erased']} people "
            f"erased, none with a key ({done['ledger_added']} newly in the ledger)")


# -- after: the chains, the heads, reporting's positions -------------------------------------

def check_restored(manifest: dict, targets: dict[str, Database]) -> dict:
    """Every restored log's chain verified and its head equal to the manifest's; every
    position of a subscriber (reporting) on the restored log of its source."""
    chains, positions = [], []
    for name, database in targets.items():
        recorded = manifest["databases"][name]["log"]
        engine = make_engine(database.url)
        try:
            if recorded is not None:
                store = EventStore(engine, name)
                chain = store.verify()
                chains.append({**chain, "head": store.head(), "manifest": recorded,
                               "ok": chain["ok"] and _same_head(store.head(), recorded)})
            positions += _positions(engine)
        finally:
            engine.dispose()
    for position in positions:
        position["ok"] = _on_log(targets.get(position["source"]), position)
    ok = all(c["ok"] for c in chains) and all(p["ok"] for p in positions)
    return {"ok": ok, "chains": chains, "positions": positions}


def _same_head(head: dict, recorded: dict) -> bool:
    return (head["seq"], head["hash"]) == (recorded["seq"], recorded["hash"])


def _positions(engine) -> list[dict]:
    with engine.connect() as conn:
        names = engine.dialect.get_table_names(conn)
        if tables.checkpoints.name not in names:
            return []
        return [dict(r) for r in conn.execute(select(tables.checkpoints)).mappings()]


def _on_log(database: Database | None, position: dict) -> bool:
    if database is None:
        return False
    engine = make_engine(database.url)
    try:
        with engine.connect() as conn:
            found = conn.execute(select(tables.events.c.hash).where(tables.events.c.seq == position["seq"])).scalar()
        return position["seq"] == 0 or found == position["hash"]
    finally:
        engine.dispose()
