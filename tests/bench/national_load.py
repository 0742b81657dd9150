"""The national load (issue 16): `sanphalang demo --national`'s loader (`sanphalang.demo_national`)
against a running system on PostgreSQL: 200,000 organizations and 560,080 people through the
register kit's import (checked and staged by the services, then written from the stage:
validated, appended, published, projected), 3,000 knowledge items and 100 campaigns through the
knowledge service's commands; the time of each stage per register and of the whole (target
<= 2 minutes). Beside it, in the same run: a PostgreSQL COPY of the same rows into the same
read-model tables (target >= 0.25 of it), and the peak RSS of every service process during the
load and after it, with the data loaded (target <= 300 MB each).

The system is scaled as the imports' benchmarks scale it: two orgs and two people replicas
(one batch at a time each), knowledge, reporting, each on its own PostgreSQL database, the key
store on another, over a vhost of their own. The relay's end is read from each register's
relay cursor in its database (to a tenth of a second; the demo, from the heartbeats, to two
seconds). `--orgs N` scales the whole dataset (N / 200,000). SANPHALANG_BENCH_PROFILE=DIR:
a py-spy profile of every service process over the load (raw stacks, `DIR/<process>.txt`)."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import eventlet
import psutil

from sanphalang.demo_national import NATIONAL, ROLES, Through, load_national, national_rows, sizes
from services.chassis.database import make_engine
from services.chassis.store import EventStore
from tests.support import System, pg_database, rabbit_vhost

from . import baselines
from .import_orgs import _wait_answering
from .import_people import _held_roles, _process_groups, _role_indicators, table_rows
from .stages import Cpu

TARGET_S = 120
COPY_TARGET = 0.25
RSS_TARGET_MB = 300
REPLICAS = {"orgs": 2, "people": 2}
AFTER_S = 10  # RSS watched this long after the load, the data loaded and read


# -- the baselines --------------------------------------------------------------------------

def copies(orgs: list[dict], people: list[dict]) -> dict[str, float]:
    """COPY of the same rows into each register's read-model table (with its indexes), each
    on a fresh database: rows per second. The rows are made as the registers store them
    (validated, ids, people in plaintext), untimed."""
    from services.contracts.people.schemas import PersonRegistration
    from services.people import readmodel as people_readmodel

    out = {}
    with pg_database("bench_national_copy") as url:
        out["orgs"] = baselines.copy(url, orgs)
    prepared = table_rows(PersonRegistration().load(people, many=True))
    with pg_database("bench_national_copy") as url:
        out["people"] = baselines.copy_rows(url, people_readmodel.create_schema, "people", prepared)
    return out


# -- the system and what is watched in it ---------------------------------------------------

@contextlib.contextmanager
def national_side():
    """orgs and people (REPLICAS each), knowledge and reporting on fresh databases."""
    names = ("orgs", "people", "people_keys", "knowledge", "reporting")
    with rabbit_vhost() as amqp, contextlib.ExitStack() as databases:
        urls = {name: databases.enter_context(pg_database(f"bench_{name}")) for name in names}
        system = System(Path(tempfile.mkdtemp(prefix="sanphalang-bench-")), amqp, urls, SANPHALANG_RPC_TIMEOUT="600")
        for service, count in REPLICAS.items():
            for replica in range(count):
                system.start(service, name=f"{service}-{replica}", SANPHALANG_MAX_WORKERS="1")
        system.start("knowledge")
        system.start("reporting")
        try:
            with system.rpc(timeout=600) as rpc:
                _wait_answering(rpc, calls=(rpc.orgs.head, rpc.people.head, rpc.knowledge.head,
                                            rpc.reporting.positions))
            yield system
        finally:
            system.stop()


class PeakRss:
    """The largest resident set of each service process, sampled by a green thread."""

    def __init__(self, system: System, every: float = 0.5):
        self.processes = {name: psutil.Process(process.pid) for name, process in system.processes.items()}
        self.peak = dict.fromkeys(self.processes, 0)
        self.every, self._running = every, None

    def start(self) -> "PeakRss":
        self._running = eventlet.spawn(self._loop)
        return self

    def _loop(self) -> None:
        while True:
            self.sample()
            eventlet.sleep(self.every)

    def sample(self) -> None:
        for name, process in self.processes.items():
            with contextlib.suppress(psutil.Error):
                self.peak[name] = max(self.peak[name], process.memory_info().rss)

    def stop(self) -> dict[str, float]:
        self._running.kill()
        self.sample()
        return {name: rss / 2**20 for name, rss in self.peak.items()}


def relay_cursor(system: System):
    """(source, head) -> when the source's relay cursor reached head, read from its database."""
    def relayed(source: str, head: int) -> float:
        engine = make_engine(system.database_urls[source])
        store = EventStore(engine, source)
        try:
            while store.relay_position() < head:
                eventlet.sleep(0.1)
            return time.perf_counter()
        finally:
            engine.dispose()

    return relayed


@contextlib.contextmanager
def profiled(system: System):
    """SANPHALANG_BENCH_PROFILE=DIR: py-spy over every service process while inside."""
    target = os.environ.get("SANPHALANG_BENCH_PROFILE")
    if not target:
        yield
        return
    spy = Path(sys.executable).parent / "py-spy"  # the bench extra's, beside this Python
    spies = [subprocess.Popen([str(spy), "record", "--nonblocking", "--rate", "20", "-p", str(process.pid),
                               "-f", "raw", "-o", f"{target}/{name}.txt"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for name, process in system.processes.items()]
    try:
        yield
    finally:
        for spy in spies:  # py-spy writes its file on SIGINT
            spy.send_signal(2)
        for spy in spies:
            spy.wait(60)


def _checked(system: System, rpc, loaded: dict) -> None:
    """Reporting counts what the registers hold: the organizations created, the roles held."""
    indicators = rpc.reporting.indicators("nation")
    assert indicators["places"][0]["indicators"][2]["value"] == loaded["orgs"].counts["created"], indicators
    engine = make_engine(system.database_urls["people"])
    roles = _held_roles(engine)
    engine.dispose()
    assert _role_indicators(indicators) == roles, (_role_indicators(indicators), roles)


# -- the run --------------------------------------------------------------------------------

def run(count: int) -> dict:
    scale = count / NATIONAL["orgs"]
    rows = national_rows(sizes(scale))
    copy = copies(*rows)
    load = [os.getloadavg()]
    with national_side() as system, system.rpc(timeout=600) as rpc, system.rpc(timeout=600) as second:
        cpu, rss = Cpu(_process_groups(system)).start(), PeakRss(system).start()
        through = Through([rpc, second], system.env["SANPHALANG_AMQP_URI"], cpu.mark, relay_cursor(system))
        with profiled(system):
            start = time.perf_counter()
            loaded = {one.register: one for one in load_national(through, scale, samples=False, rows=rows)}
            elapsed = time.perf_counter() - start
        load.append(os.getloadavg())
        _checked(system, rpc, loaded)
        deadline = time.monotonic() + AFTER_S
        while time.monotonic() < deadline:  # the data loaded and read: the dashboards' figures
            for scope in ("nation", "region", "province"):
                rpc.reporting.indicators(scope)
            eventlet.sleep(1)
        cpu.mark("after: reads")
        peak = rss.stop()
        phases = cpu.stop()
    return {"count": count, "scale": scale, "people": len(rows[1]), "elapsed_s": elapsed, "loaded": loaded,
            "copy": copy, "rss_mb": peak, "cpu": phases, "load": load}


# -- the report -----------------------------------------------------------------------------

def report(figures: dict) -> str:
    loaded, copy, scale = figures["loaded"], figures["copy"], figures["scale"]
    size = sizes(scale)
    lines = [
        f"national load: {size['orgs']:,} organizations, {figures['people']:,} people "
        f"({', '.join(f'{size[r]:,} {r}' for r in ROLES)}), {size['knowledge']:,} knowledge items, "
        f"{size['campaigns']:,} campaigns; PostgreSQL, {REPLICAS['orgs']} orgs and {REPLICAS['people']} people "
        f"replicas; load average {_load(figures['load'][0])} before, {_load(figures['load'][1])} after",
        f"  the whole load (validated, appended, published, projected): {figures['elapsed_s']:.1f} s   "
        f"(target <= {TARGET_S} s{_scaled(scale, figures['elapsed_s'])})",
        "  per register, seconds:      rows  validated  appended  published  projected    total    rows/s"
        "   COPY rows/s  ratio (target >= 0.25)",
    ]
    for register, one in loaded.items():
        published = "-" if one.published is None else f"{one.published:.1f}"
        rate = one.rows / one.total
        base = copy.get(register)
        versus = f"{base:>12,.0f}  {rate / base:5.2f}" if base else "   (no import: the knowledge service's commands)"
        lines.append(f"    {register:<10} {one.rows:>14,} {one.validated:10.1f} {one.appended:9.1f} {published:>10} "
                     f"{one.projected:10.1f} {one.total:8.1f} {rate:9,.0f} {versus}")
    counts = {r: one.counts for r, one in loaded.items() if one.counts}
    lines.append("  rows: " + "; ".join(f"{r} created {c['created']:,}, updated {c['updated']:,}, unchanged "
                                         f"{c['unchanged']:,}" for r, c in counts.items()))
    lines.append(f"  peak RSS of every service process, during the load and {AFTER_S} s after (target <= "
                 f"{RSS_TARGET_MB} MB each):")
    lines += [f"    {name:<12} {mb:7.0f} MB{'' if mb <= RSS_TARGET_MB else '   OVER'}"
              for name, mb in sorted(figures["rss_mb"].items())]
    groups = ["orgs", "people", "knowledge", "reporting", "postgresql", "rabbitmq", "caller"]
    lines.append("  CPU seconds by phase (2 cores):" + " " * 14 + "  ".join(f"{g:>10}" for g in groups))
    for phase, used in figures["cpu"].items():
        lines.append(f"    {phase:<40}  " + "  ".join(f"{used.get(g, 0.0):10.1f}" for g in groups))
    return "\n".join(lines)


def _load(average: tuple) -> str:
    return " / ".join(f"{value:.1f}" for value in average)


def _scaled(scale: float, seconds: float) -> str:
    """At a fraction of the dataset: the whole one, extrapolated in proportion (an estimate)."""
    if scale >= 1:
        return ""
    return f"; EXTRAPOLATED to the full dataset in proportion: {seconds / scale:.0f} s"
