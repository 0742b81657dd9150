"""`replay` of the national dataset (issue 15: at least 30,000 events/s), beside a plain SELECT
of every event of the same logs in the same run.

The logs are copies of the national dataset's (`national.py`: the registers' own events,
people's personal values sealed) on PostgreSQL. Timed:
- **`sanphalang replay`** against the running system: orgs, people, knowledge and reporting as
  processes over RabbitMQ, each on its own database. Reporting drops its projection, then fetches
  each log page by page over RPC (`events_since`: a page's envelopes come back through the broker
  as the RPC's reply) and projects each page in the checkpoint's transaction, in the steps the
  CLI drives for its progress bar. The relay and its batches are not in the path.
- **a fresh reporting's catch-up**: the same fetch and projection, started by its periodic check
  of the logs' heads (what a new reporting database does).
- **in process**: the subscriber fed by the logs' own `events_since` (no RPC, no broker), with
  the time of each stage; on PostgreSQL (and with SANPHALANG_BENCH_SQLITE=1 on SQLite too, the
  logs copied into SQLite files: minutes more).
- **`sanphalang verify`** once on the same system: every chain and a comparison with a fresh
  replay, as an operator would run it (not a target; it must work at this size).

Baseline: `SELECT * FROM events` of each log, every row fetched (SQLAlchemy Core over psycopg,
a server-side cursor 10,000 rows at a time), on the same databases in the same run.

    python -m tests.bench.run --only replay [--orgs N]   (the national dataset: --orgs 200000)"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from services.chassis import tables
from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.chassis.subscriber import CatchUpSubscriber
from services.reporting import projections
from services.reporting.projectors import PROJECTORS
from tests.support import System, pg_database, rabbit_vhost

from .import_orgs import _profile
from .national import SOURCES, heads, national
from .stages import Cpu, timed

TARGET = 30_000  # events a second
PAGE = 10_000  # rows the baseline's cursor fetches at a time


# -- the baseline ---------------------------------------------------------------------------

def select_all(urls: dict[str, str]) -> dict:
    """Every event of every log through a plain SELECT, each row fetched: rows and seconds."""
    rows, seconds = 0, 0.0
    for url in urls.values():
        engine = make_engine(url)
        with engine.connect() as conn:
            start = time.perf_counter()
            result = conn.execution_options(yield_per=PAGE).execute(select(tables.events))
            for partition in result.partitions():
                rows += len(partition)
            seconds += time.perf_counter() - start
        engine.dispose()
    return {"events": rows, "seconds": seconds, "events_s": rows / seconds}


# -- in process -----------------------------------------------------------------------------

def _stages():
    from services.reporting import deltas, records

    return timed((EventStore, "events_since", "fetch (events_since)"),
                 (CatchUpSubscriber, "_apply", "apply (checkpoint transaction)"),
                 *((module, "apply", f"projector {source}") for source, module in PROJECTORS.items()),
                 (records, "load", "record states read"), (records, "_save", "record states written"),
                 (deltas, "spread", "deltas spread over scopes"), (deltas, "add", "deltas written (upsert)"))


def in_process(urls: dict[str, str], reporting_url: str) -> dict:
    stores = {source: EventStore(make_engine(url), source) for source, url in urls.items()}
    engine = make_engine(reporting_url)
    subscriber = CatchUpSubscriber(engine, projections.apply, clear=projections.clear)
    subscriber.create_schema()
    projections.create_schema(engine)
    with _stages() as seconds:
        start = time.perf_counter()
        result = subscriber.replay(list(SOURCES), lambda source, after, limit: stores[source].events_since(after, limit))
        elapsed = time.perf_counter() - start
    for store in stores.values():
        store.engine.dispose()
    engine.dispose()
    return {"events": result["events"], "seconds": elapsed, "events_s": result["events"] / elapsed,
            "stages": dict(seconds), "page": subscriber.page}


def sqlite_copies(urls: dict[str, str], directory: Path) -> dict[str, str]:
    """The same logs as SQLite files (the events table only, as the store makes it)."""
    out = {}
    for source, url in urls.items():
        target = f"sqlite:///{directory / source}.sqlite"
        into = EventStore(make_engine(target), source)
        into.create_schema()
        engine = make_engine(url)
        with engine.connect() as conn, into.engine.begin() as out_conn:
            result = conn.execution_options(yield_per=PAGE).execute(select(tables.events))
            for partition in result.mappings().partitions():
                out_conn.execute(tables.events.insert(), [dict(row) for row in partition])
        engine.dispose()
        into.engine.dispose()
        out[source] = target
    return out


# -- through the running system -------------------------------------------------------------

def _groups(system: System):
    """Which process is whose (the services as they are started, this process, the CLI's,
    PostgreSQL's backends of this run's databases and its own processes, RabbitMQ)."""
    me = os.getpid()

    def group(process):
        named = {p.pid: system.services.get(name, name) for name, p in system.processes.items()}
        if process.pid in named:
            return named[process.pid]
        if process.pid == me:
            return "bench"
        name = process.name()
        if name == "beam.smp":
            return "rabbitmq"
        if name.startswith("postgres"):
            line = " ".join(process.cmdline())
            backend = "(" in line and "postgres:" in line
            return "postgresql" if not backend or " bench_" in line else None
        if "sanphalang" in " ".join(process.cmdline()[:4]) and process.ppid() == me:
            return "cli"
        return None

    return group


def _wait_positions(rpc, target: dict[str, int], timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while True:
        positions = rpc.reporting.positions()
        if all(positions.get(source, 0) >= seq for source, seq in target.items()):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"reporting did not catch up: {positions} of {target}")
        time.sleep(0.2)


def through_system(urls: dict[str, str], reporting_url: str, expected: dict[str, int]) -> dict:
    with rabbit_vhost() as amqp:
        system = System(Path(tempfile.mkdtemp(prefix="sanphalang-bench-replay-")), amqp,
                        {**urls, "reporting": reporting_url}, SANPHALANG_RPC_TIMEOUT="600")
        try:
            for source in SOURCES:
                system.start(source)
            system.wait_answering(SOURCES)
            cpu = Cpu(_groups(system)).start()
            start = time.perf_counter()
            system.start("reporting")  # finds every log ahead of its empty projection and catches up
            with system.rpc(timeout=600) as rpc:
                system.wait_answering(["reporting"], timeout=120)
                _wait_positions(rpc, expected)
                caught_up = time.perf_counter() - start
                cpu.mark("catch-up")
                before = rpc.reporting.indicators("nation")
                _profile(system, seconds=30)
                start = time.perf_counter()
                replayed = _cli(system, "replay")
                replay_s = time.perf_counter() - start
                cpu.mark("replay")
                assert rpc.reporting.indicators("nation")["places"] == before["places"]
                start = time.perf_counter()
                verified = _cli(system, "verify", check=False)
                verify_s = time.perf_counter() - start
                cpu.mark("verify")
        finally:
            system.stop()
    total = sum(expected.values())
    return {"caught_up_s": caught_up, "catch_up_s": total / caught_up, "replay_s": replay_s,
            "replay_events_s": total / replay_s, "replayed": replayed, "verify_s": verify_s, "verified": verified,
            "cpu": cpu.stop()}


def _cli(system: System, command: str, check: bool = True) -> dict:
    done = system.cli(command, timeout=3600)
    if check and done.returncode:
        raise RuntimeError(f"sanphalang {command}: {done.stdout}\n{done.stderr[-3000:]}")
    return {"code": done.returncode, "stdout": done.stdout.strip(), "stderr_tail": done.stderr.strip()[-400:]}


# -- the run --------------------------------------------------------------------------------

def run(count: int) -> dict:
    logging.getLogger("amqp").setLevel(logging.ERROR)  # a closing proxy's late acks are not the bench's news
    with national(count) as urls:
        expected = heads(urls)
        baseline = select_all(urls)
        with pg_database("bench_replay_reporting") as reporting_url:
            system = through_system(urls, reporting_url, expected)
        with pg_database("bench_replay_inprocess") as reporting_url:
            inproc = in_process(urls, reporting_url)
        baseline_again = select_all(urls)
        lite = None
        if os.environ.get("SANPHALANG_BENCH_SQLITE"):  # minutes more: the logs copied, replayed again
            with tempfile.TemporaryDirectory(prefix="bench-replay-sqlite-") as directory:
                copies = sqlite_copies(urls, Path(directory))
                lite = {"baseline": select_all(copies),
                        "in_process": in_process(copies, f"sqlite:///{directory}/reporting.sqlite")}
    return {"count": count, "events": expected, "baseline": baseline, "baseline_again": baseline_again,
            "system": system, "in_process": inproc, "sqlite": lite}


def report(figures: dict) -> str:
    events = sum(figures["events"].values())
    base, system, inproc = figures["baseline"], figures["system"], figures["in_process"]
    lite = figures["sqlite"]
    by_source = ", ".join(f"{source} {n:,}" for source, n in figures["events"].items())
    lines = [
        f"replay of the national dataset ({figures['count']:,} organizations; {events:,} events: {by_source}), "
        f"PostgreSQL",
        f"  sanphalang replay, running system:  {system['replay_events_s']:>9,.0f} events/s  "
        f"({system['replay_s']:.1f} s; fetched over RPC through RabbitMQ, no relay; target >= {TARGET:,})",
        f"  fresh reporting's catch-up:         {system['catch_up_s']:>9,.0f} events/s  ({system['caught_up_s']:.1f} s)",
        f"  in process (no RPC):                {inproc['events_s']:>9,.0f} events/s  ({inproc['seconds']:.1f} s, "
        f"pages of {inproc['page']:,})",
        f"  baseline, SELECT of every event:    {base['events_s']:>9,.0f} events/s  ({base['seconds']:.1f} s; again "
        f"after the replays: {figures['baseline_again']['events_s']:,.0f})",
        f"  ratio replay / SELECT: {system['replay_events_s'] / base['events_s']:.2f}",
        f"  sanphalang verify: exit {system['verified']['code']} in {system['verify_s']:.1f} s (every chain, and "
        f"a replay into an in-memory SQLite database compared with the live projection)",
    ]
    if lite:
        lines.insert(-1, f"  SQLite, in process:                 {lite['in_process']['events_s']:>9,.0f} events/s  "
                         f"({lite['in_process']['seconds']:.1f} s) beside its SELECT of every event "
                         f"{lite['baseline']['events_s']:,.0f} events/s")
    lines += [f"    {line}" for line in system["verified"]["stdout"].splitlines()[:8]]
    lines.append(f"  replay's output: {' / '.join(system['replayed']['stdout'].splitlines())}")
    groups = ["reporting", "orgs", "people", "knowledge", "postgresql", "rabbitmq", "cli"]
    lines.append("  running system, CPU seconds by phase (2 cores): " + "  ".join(f"{g:>10}" for g in groups))
    for phase, used in system["cpu"].items():
        lines.append(f"    {phase:<46}  " + "  ".join(f"{used.get(g, 0.0):10.1f}" for g in groups))
    lines.append("  in process, where the time goes (s; the fetch runs beside the rest, sources at once on PostgreSQL)"
                 + (", PostgreSQL / SQLite:" if lite else ":"))
    for label in sorted(inproc["stages"], key=lambda label: -inproc["stages"][label]):
        also = f" {lite['in_process']['stages'].get(label, 0):7.1f}" if lite else ""
        lines.append(f"    {label:<34} {inproc['stages'][label]:7.1f}{also}")
    return "\n".join(lines)
