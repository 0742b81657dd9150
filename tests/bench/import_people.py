"""Bulk import of people on PostgreSQL, end to end, through the register kit's import path
(`check_rows` stages the checked rows, `import_staged` writes them: validated, keys made and
wrapped, personal values sealed, appended, projected), then reporting caught up; beside a bare
insert of the same rows unencrypted in the same run (issue 13: target >= 0.50 of it).

Twice: in this process over PostgreSQL (the people service's own class, its key store in a
database of its own, reporting's subscriber fed from the log's `events_since`), with the time
of each stage; and through the running system (two people replicas, RabbitMQ, reporting), as
the organizations' import is measured. The encryption's share: its stages in the first run,
and the same rows through sealing alone (keys made and wrapped, every personal value sealed)."""
from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, func, select, text

from services.chassis.database import make_engine
from services.chassis.envelope import new_ids
from services.chassis.privacy import keystore
from services.chassis.privacy.keystore import KeyStore
from services.chassis.privacy.sealing import Master, Sealer
from services.chassis.registers.importing import Importer
from services.chassis.registers.pipeline import CHECKING, FileImport
from services.chassis.registers.sheets.reading import ReadResult
from services.chassis.registers.staging import Stage
from services.chassis.store import EventStore
from services.chassis.subscriber import CatchUpSubscriber
from services.contracts.people.schemas import PersonRegistration
from services.people import domain, handlers, readmodel
from services.people.sealed import open_event
from services.reporting import projections
from tests.support import System, pg_database, rabbit_vhost

from .data import person_rows
from .import_orgs import _profile, _wait_answering
from .stages import Cpu, timed

TARGET = 0.50
PEOPLE_REPLICAS = 2


# -- the baselines --------------------------------------------------------------------------

def table_rows(loaded: list[dict]) -> list[dict]:
    """The rows as the register's read model holds them (validated, the derived center and
    roles, new ids), every value in plaintext (no sealed token)."""
    at = "2026-01-01T00:00:00.000000Z"
    blind = Master(b"b" * 32).blind
    out = []
    for fields, person_id in zip(loaded, new_ids(len(loaded))):
        pending = domain.register(fields, person_id, "bench")
        person = domain.apply(domain.Person(id=person_id), {"type": pending.type, "version": 1, "data": pending.data})
        out.append(readmodel.row_of(person, pending.data, blind, at))
    return out


def bare_insert(url: str, prepared: list[dict], indexed: bool = True) -> float:
    """SQLAlchemy Core insert, executemany, one transaction, of the read-model rows with every
    value in plaintext: into the register's `people` table with its indexes (the search's
    trigram and name-ordered ones among them), or into a plain table of the same columns with
    no index but its key. Rows per second."""
    engine = make_engine(url)
    if indexed:
        readmodel.create_schema(engine)
        table = readmodel.people
    else:
        table = Table("people_plain", MetaData(), *(Column(c.name, c.type, primary_key=c.primary_key,
                                                            nullable=c.nullable) for c in readmodel.people.columns))
        table.create(engine)
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(table.insert(), prepared)
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar() == len(prepared)
    engine.dispose()
    return len(prepared) / elapsed


def sealing_alone(loaded: list[dict]) -> dict:
    """The same rows through sealing alone, in this process: a key made and wrapped for each
    person, every personal value of their registration sealed (AES-256-GCM), and all of them
    opened again (what the read model did before it kept the plaintext it sealed). Seconds of
    each, on one core."""
    pending = [domain.register(f, p, "bench") for f, p in zip(loaded, new_ids(len(loaded)))]
    master = Master(os.urandom(32))
    start = time.perf_counter()
    keys = {p.stream: keystore.new_key() for p in pending}
    wrapped = [master.wrap(stream, key) for stream, key in keys.items()]
    made = time.perf_counter()
    sealers = {stream: Sealer(stream.removeprefix("person-"), key) for stream, key in keys.items()}
    sealed = [handlers.seal_all([p], {p.stream.removeprefix("person-"): sealers[p.stream]})[0] for p in pending]
    done = time.perf_counter()
    for event in sealed:
        open_event({"type": event.type, "data": event.data}, sealers[event.stream])
    opened = time.perf_counter()
    assert len(wrapped) == len(loaded)
    return {"keys_s": made - start, "seal_s": done - made, "open_s": opened - done}


# -- in this process ------------------------------------------------------------------------

def _stages():
    """What the in-process run times, stage by stage (see `_breakdown`)."""
    return timed(
        (Importer, "checked_rows", "validation"), (Stage, "keep", "staging"), (Stage, "held", "stage read"),
        (Importer, "decide", "decide"), (KeyStore, "make", "key store: make"),
        (keystore, "new_key", "key generation"), (Master, "wrap", "key wrapping"),
        (KeyStore, "sealers", "key store: fetch"), (handlers, "seal_all", "sealing (AES-GCM)"),
        (EventStore, "append", "append"), (readmodel.Projection, "__call__", "projection"),
        (readmodel, "open_event", "projection: opening"),
    )


def in_process(rows: list[dict]) -> dict:
    """The import in this process: the kit's pipeline over the people service's class, then
    reporting's subscriber caught up from the log; seconds of each stage."""
    from tests.keys import ADMIN
    from tests.people import people_service

    with pg_database("bench_people") as url, pg_database("bench_people_keys") as keys_url, \
            pg_database("bench_people_reporting") as reporting_url:
        people = people_service(url, keys_url, Master(os.urandom(32)))
        service = people.as_(ADMIN)
        subscriber = _subscriber(reporting_url)
        with _stages() as seconds:
            start = time.perf_counter()
            report = FileImport(None).import_rows(service, _read(rows), "bench-people")
            imported = time.perf_counter() - start
            assert not report.problems, report.problems[:3]
            head = service.head()["seq"]
            subscriber.catch_up("people", lambda source, after, limit: service.events_since(after, limit), head)
            elapsed = time.perf_counter() - start
        roles = _held_roles(people.store.engine)
        assert _counted(subscriber.engine) == roles, (_counted(subscriber.engine), roles)
        people.close()
        subscriber.engine.dispose()
    return {"rows_s": len(rows) / elapsed, "imported_s": imported, "caught_up_s": elapsed,
            "counts": report.counts(), "stages": dict(seconds)}


def _read(rows: list[dict]) -> ReadResult:
    """The rows as if read from a file (the spreadsheet's rows from 2, under its header)."""
    return ReadResult(rows=[(n, row) for n, row in enumerate(rows, start=2)])


def _subscriber(url: str) -> CatchUpSubscriber:
    engine = make_engine(url)
    subscriber = CatchUpSubscriber(engine, projections.apply, clear=projections.clear)
    subscriber.create_schema()
    projections.create_schema(engine)
    return subscriber


def _held_roles(engine) -> int:
    """The roles the listed people of the register hold: what reporting's four indicators add up to."""
    with engine.connect() as conn:
        return sum(len(r.split()) for r in conn.execute(text("SELECT roles FROM people WHERE listed = 'y'")).scalars())


def _counted(engine) -> int:
    from services.reporting.queries import indicator_values

    return _role_indicators(indicator_values(engine, "nation"))


def _role_indicators(values: dict) -> int:
    from services.contracts.people.vocabulary import ROLE_INDICATORS

    keys = set(ROLE_INDICATORS.values())
    return sum(i["value"] for i in values["places"][0]["indicators"] if i["key"] in keys)


# -- through the running system -------------------------------------------------------------

@contextmanager
def people_side(replicas: int = PEOPLE_REPLICAS):
    """people (scaled to `replicas`, its key store in a PostgreSQL database of its own, a
    master key of the run), orgs and reporting, on fresh databases and a vhost of their own."""
    with rabbit_vhost() as amqp, pg_database("bench_people") as people, pg_database("bench_people_keys") as keys, \
            pg_database("bench_orgs") as orgs, pg_database("bench_reporting") as reporting:
        system = System(Path(tempfile.mkdtemp(prefix="sanphalang-bench-")), amqp,
                        {"people": people, "people_keys": keys, "orgs": orgs, "reporting": reporting},
                        SANPHALANG_RPC_TIMEOUT="600")
        for replica in range(replicas):
            system.start("people", name=f"people-{replica}", SANPHALANG_MAX_WORKERS="1")
        system.start("orgs")  # reporting compares every register's head
        system.start("reporting")
        try:
            with system.rpc(timeout=600) as rpc:
                _wait_answering(rpc)
                _wait_answering(rpc, calls=(rpc.people.head,))
            yield system
        finally:
            system.stop()


def through_system(rows: list[dict]) -> dict:
    with people_side() as system, system.rpc(timeout=600) as rpc, system.rpc(timeout=600) as second:
        lanes = [rpc.people, second.people]  # one lane per people replica
        _profile(system, seconds=30)
        phases = {}
        cpu = Cpu(_process_groups(system)).start()
        start = time.perf_counter()
        report = FileImport(None).import_rows(lanes, _read(rows), "bench-people",
                                              progress=_phases(phases, start, cpu))
        imported = time.perf_counter() - start
        cpu.mark("write")
        assert not report.problems, report.problems[:3]
        head = rpc.people.head()["seq"]
        while rpc.reporting.positions()["people"] < head:
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        cpu.mark("reporting catch-up")
        engine = make_engine(system.database_urls["people"])
        roles = _held_roles(engine)
        engine.dispose()
        assert _role_indicators(rpc.reporting.indicators("nation")) == roles
    return {"rows_s": len(rows) / elapsed, "imported_s": imported, "caught_up_s": elapsed, "counts": report.counts(),
            "checked_s": phases.get(CHECKING, 0.0), "cpu": cpu.stop()}


def _phases(seen: dict, start: float, cpu: Cpu):
    """The pipeline's progress: when each phase ended (seconds from `start`), marked in `cpu`."""
    def progress(phase: str, done: int, total: int) -> None:
        if done == total and phase not in seen:
            seen[phase] = time.perf_counter() - start
            if phase == CHECKING:
                cpu.mark("check")

    return progress


def _process_groups(system):
    """Which process is whose: the people replicas, reporting, orgs, this process (the caller),
    PostgreSQL (the backends of this run's databases and the server's own processes; not the
    backends of other databases), RabbitMQ."""
    named = {process.pid: name.split("-")[0] for name, process in system.processes.items()}
    me = os.getpid()

    def group(process):
        if process.pid in named:
            return named[process.pid]
        if process.pid == me:
            return "caller"
        name = process.name()
        if name == "beam.smp":
            return "rabbitmq"
        if name.startswith("postgres"):
            line = " ".join(process.cmdline())
            backend = "(" in line and "postgres:" in line  # "postgres: 15/main: user db host(port) state"
            return "postgresql" if not backend or " bench_" in line else None
        return None

    return group


def run(count: int) -> dict:
    rows = person_rows(count)
    loaded = PersonRegistration().load(rows, many=True)  # the baselines' rows: validated once, untimed
    prepared = table_rows(loaded)
    with pg_database("bench_people_bare") as url:
        bare = bare_insert(url, prepared)
    with pg_database("bench_people_plain") as url:
        plain = bare_insert(url, prepared, indexed=False)
    sealing = sealing_alone(loaded)
    del loaded, prepared
    return {"count": count, "bare": bare, "plain": plain, "sealing": sealing, "in_process": in_process(rows),
            "system": through_system(rows)}


# -- the report -----------------------------------------------------------------------------

def report(figures: dict) -> str:
    count, bare, ours, inproc = figures["count"], figures["bare"], figures["system"], figures["in_process"]
    sealing = figures["sealing"]
    sealing_s = sealing["keys_s"] + sealing["seal_s"]
    counts = ours["counts"]
    lines = [
        f"bulk import of {count:,} people, PostgreSQL, end to end (validated, keys made, sealed, appended, "
        f"published, projected, reporting caught up); created {counts['created']:,}, updated {counts['updated']:,}, "
        f"unchanged {counts['unchanged']:,} (the demo's duplicates found on their natural key)",
        f"  sanphalang import, running system:  {ours['rows_s']:>8,.0f} rows/s  (imported {ours['imported_s']:.1f} s, "
        f"reporting caught up {ours['caught_up_s']:.1f} s; {PEOPLE_REPLICAS} people replicas; every row checked "
        f"after {ours['checked_s']:.1f} s)",
        f"  sanphalang import, in process:      {inproc['rows_s']:>8,.0f} rows/s  (imported {inproc['imported_s']:.1f} s, "
        f"reporting caught up {inproc['caught_up_s']:.1f} s; one process)",
        f"  bare Core insert, unencrypted, into the people table:  {bare:>8,.0f} rows/s",
        f"  bare Core insert, unencrypted, into a table without indexes:  {figures['plain']:>8,.0f} rows/s",
        f"  ratio vs bare insert: system {ours['rows_s'] / bare:.2f}, in process {inproc['rows_s'] / bare:.2f}   "
        f"(target >= {TARGET:.2f}; vs the table without indexes: {ours['rows_s'] / figures['plain']:.2f})",
        f"  encryption alone, same rows, one core: keys made and wrapped {sealing['keys_s']:.1f} s, values sealed "
        f"{sealing['seal_s']:.1f} s ({1e6 * sealing_s / count:.0f} us a person) = {100 * sealing_s / ours['caught_up_s']:.0f}% "
        f"of the system run's wall time",
        f"    (opening them all again would take {sealing['open_s']:.1f} s more: the read model takes the plaintext the "
        f"command sealed instead)",
    ]
    lines += _cpu_lines(ours["cpu"])
    lines.append("  in process, where the time goes (s; nested stages indented, part of the one above):")
    lines += _breakdown(inproc["stages"], inproc["caught_up_s"])
    return "\n".join(lines)


def _cpu_lines(cpu: dict) -> list[str]:
    """CPU seconds of each process group in each phase of the system run."""
    groups = ["people", "reporting", "orgs", "postgresql", "rabbitmq", "caller"]
    lines = ["  running system, CPU seconds by phase (2 cores):  " + "  ".join(f"{g:>10}" for g in groups)]
    for phase, used in cpu.items():
        lines.append(f"    {phase:<45}  " + "  ".join(f"{used.get(g, 0.0):10.1f}" for g in groups))
    return lines


def _breakdown(stages: dict, total: float) -> list[str]:
    s = stages.get
    encryption = s("key generation", 0) + s("key wrapping", 0) + s("sealing (AES-GCM)", 0) + s("projection: opening", 0)
    shown = [
        ("validation (check_rows)", s("validation", 0), 0), ("staging the checked rows", s("staging", 0), 0),
        ("reading the stage", s("stage read", 0), 0), ("deciding (natural keys, events)", s("decide", 0), 0),
        ("key store: keys made", s("key store: make", 0), 0), ("generated", s("key generation", 0), 1),
        ("wrapped", s("key wrapping", 0), 1), ("key store: keys fetched", s("key store: fetch", 0), 0),
        ("sealing (AES-GCM)", s("sealing (AES-GCM)", 0), 0), ("append", s("append", 0), 0),
        ("read-model projection", s("projection", 0), 1), ("opening sealed values", s("projection: opening", 0), 2),
    ]
    lines = [f"    {'  ' * depth}{label:<34} {value:7.1f}" for label, value, depth in shown]
    lines.append(f"    encryption (keys generated and wrapped, sealing, opening): {encryption:.1f} s = "
                 f"{100 * encryption / total:.0f}% of the in-process run ({total:.1f} s)")
    return lines
