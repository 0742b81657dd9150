"""The fault suite's parts: faults to inject into a running system under a recorded workload
(tests/workload.py), one phase per fault, and the table of what each phase did to the
acknowledged commands. `make test-faults` runs every fault several times
(tests/faults/test_fault_suite.py); `make test` runs the faults local to one system once each
(tests/system/test_faults.py)."""
from __future__ import annotations

import random
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

import requests
from kombu import Connection, Queue
from nameko.rpc import get_rpc_exchange

from services.chassis import wire
from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.chassis.broker import BATCH, batch_queue, events_exchange
from services.chassis.relay import batch_body
from services.contracts.orgs import events as orgs_events
from services.contracts.people import events as people_events
from services.registry import BUILT_SOURCES, GATEWAY, PROCESSES
from tests.support import ROOT
from tests.workload import Workload

REGISTERED = {"orgs": ("org", orgs_events.REGISTERED), "people": ("person", people_events.REGISTERED)}


@dataclass
class Row:
    fault: str
    injected: int = 0
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    recovery_s: list[float] = field(default_factory=list)

    def cells(self) -> list[str]:
        longest = f"{max(self.recovery_s):.1f}" if self.recovery_s else "-"
        return [self.fault, str(self.injected), str(self.acknowledged), str(self.lost), str(self.duplicated), longest]


HEADER = ["fault", "times injected", "commands acknowledged", "lost", "duplicated", "longest recovery (s)"]


def table(rows: list[Row]) -> str:
    lines = [HEADER, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    out = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths)) + " |" for line in lines]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


class Faults:
    """What can go wrong, done to `system` for real. Each fault returns once what it broke is
    back (a killed process restarted, the broker started again); recovery is measured after."""

    def __init__(self, system, rnd: random.Random):
        self.system, self.rnd = system, rnd
        self.vhost = system.vhost

    # processes
    def kill(self, service: str) -> None:
        self.system.kill(service)
        time.sleep(self.rnd.uniform(0.1, 1.5))
        self.system.start(service)
        if service == GATEWAY:
            self.system.wait_healthy()
        else:
            self.system.wait_answering([service])

    # the broker
    def cut_broker_connections(self) -> None:
        subprocess.run([_ctl(), "-q", "close_all_connections", "--vhost", self.vhost, "fault suite"],
                       capture_output=True, timeout=120, check=True)

    def restart_broker(self) -> None:
        subprocess.run([_ctl(), "-q", "stop_app"], capture_output=True, timeout=120, check=True)
        time.sleep(self.rnd.uniform(0.5, 2))
        subprocess.run([_ctl(), "-q", "start_app"], capture_output=True, timeout=300, check=True)

    # the database
    def restart_postgres(self) -> None:
        version = subprocess.run(["ls", "/etc/postgresql"], capture_output=True, text=True).stdout.split()[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
                       capture_output=True, timeout=120, check=True)

    # messages
    def poison(self) -> None:
        """A body no consumer can read on every consumed queue: a broken batch on every source's
        exchange, as the relay would send it, and on every service's RPC queue a request
        without a reply address (nameko would die answering it)."""
        with self._producer() as publish:
            for source in BUILT_SOURCES:
                publish(source, b'{"source": "' + source.encode() + b'", "events": [{"seq": "x"')
        with Connection(self.system.env["SANPHALANG_AMQP_URI"], transport_options={"confirm_publish": True}) as conn:
            producer = conn.Producer()
            for service in PROCESSES:
                if service != GATEWAY:
                    producer.publish(b"[]", exchange=get_rpc_exchange({}),
                                     routing_key=f"{service}.health", content_type=wire.CONTENT_TYPE,
                                     content_encoding=wire.CONTENT_ENCODING)

    def duplicate_batches(self) -> None:
        """A batch every consumer has had already, published again."""
        with self._producer() as publish:
            for source in BUILT_SOURCES:
                texts = self._texts(source)
                if texts:
                    start = self.rnd.randrange(len(texts))
                    publish(source, batch_body(source, texts[start:start + 50]))

    def reorder_batches(self) -> None:
        """Two batches of one source, the later one first."""
        with self._producer() as publish:
            for source in BUILT_SOURCES:
                texts = self._texts(source)
                if len(texts) >= 2:
                    middle = len(texts) // 2
                    publish(source, batch_body(source, texts[middle:]))
                    publish(source, batch_body(source, texts[:middle]))

    def drop_batches(self) -> None:
        """Whatever waits in reporting's queues is lost: the catch-up must find it in the logs."""
        with Connection(self.system.env["SANPHALANG_AMQP_URI"]) as conn:
            channel = conn.channel()
            for source in BUILT_SOURCES:
                Queue(batch_queue(source), channel=channel).purge()

    def _texts(self, source: str) -> list[tuple[int, bytes]]:
        """The last events of a source's log, as the relay would send them."""
        engine = make_engine(self.system.database_urls[source])
        try:
            store = EventStore(engine, source)
            return store.texts_since(max(0, store.head()["seq"] - 200), 200)
        finally:
            engine.dispose()

    def _producer(self):
        import contextlib

        @contextlib.contextmanager
        def producing():
            with Connection(self.system.env["SANPHALANG_AMQP_URI"], transport_options={"confirm_publish": True}) as conn:
                producer = conn.Producer()

                def publish(source: str, body: bytes) -> None:
                    producer.publish(body, exchange=events_exchange(source), routing_key=BATCH,
                                     content_type=wire.CONTENT_TYPE, content_encoding=wire.CONTENT_ENCODING,
                                     delivery_mode=2)
                yield publish
        return producing()


def _ctl() -> str:
    return shutil.which("rabbitmqctl") or "rabbitmqctl"


def recovered(system, load: Workload, timeout: float = 180) -> None:
    """Return once a new command is acknowledged and reporting has projected it."""
    began = time.monotonic()
    load.send_one(f"probe-{time.time_ns()}")
    deadline, head = began + timeout, None
    while time.monotonic() < deadline:
        try:
            with system.rpc() as rpc:
                head = head or rpc.orgs.head()["seq"]  # the probe is at or before it
                if rpc.reporting.positions().get("orgs", 0) >= head:
                    return
        except Exception:  # noqa: BLE001 - still recovering
            pass
        time.sleep(0.2)
    raise AssertionError(f"not recovered within {timeout} s; logs in {system.workdir}")


def registrations(system) -> dict[str, list[tuple[str, str]]]:
    """Every registration event of each register: (record id, when), from the source logs."""
    found = {}
    with system.rpc(timeout=60) as rpc:
        for source, (_, event_type) in REGISTERED.items():
            rows, seq = [], 0
            while events := getattr(rpc, source).events_since(seq, 10_000):
                rows += [(e["stream"].split("-", 1)[1], e["at"]) for e in events if e["type"] == event_type]
                seq = events[-1]["seq"]
            found[source] = rows
    return found


def account(rows: list[Row], windows: list[tuple[float, float]], load: Workload, system) -> None:
    """Fill each phase's acknowledged, lost and duplicated from the source logs: an acknowledged
    command is lost if its record is not in its log, and duplicated is every registration beyond
    one per acknowledged command (a second event of one record, or a record nobody was told of)."""
    logged = registrations(system)
    for row, (start, end) in zip(rows, windows):
        mine = [a for a in load.acknowledged if start <= a.at < end]
        row.acknowledged = len(mine)
        for source, (kind, _) in REGISTERED.items():
            counts = Counter(record for record, _ in logged[source])
            acknowledged = {a.id for a in mine if a.kind == kind}
            row.lost += sum(1 for record in acknowledged if counts[record] == 0)
            row.duplicated += sum(counts[record] - 1 for record in acknowledged if counts[record] > 1)
            everyone = {a.id for a in load.acknowledged if a.kind == kind}
            row.duplicated += sum(1 for record, at in logged[source]
                                  if record not in everyone and start <= _epoch(at) < end)


def _epoch(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp()


def plan(faults: Faults, broker_and_database: bool) -> list[tuple[str, callable]]:
    """Every fault by name: each process killed, the broker's connections cut, poison, duplicated,
    reordered and dropped batches; with `broker_and_database`, the broker and PostgreSQL
    restarted too (they are the machine's, shared by every system running on it)."""
    steps = [(f"SIGKILL {name}", lambda name=name: faults.kill(name)) for name in PROCESSES]
    steps += [("broker connections cut", faults.cut_broker_connections),
              ("poison message", faults.poison),
              ("duplicated batches", faults.duplicate_batches),
              ("reordered batches", faults.reorder_batches),
              ("dropped batches", faults.drop_batches)]
    if broker_and_database:
        steps += [("RabbitMQ restart", faults.restart_broker), ("PostgreSQL restart", faults.restart_postgres)]
    return steps


def run_phases(system, load: Workload, steps, times: int, rnd: random.Random, gap=(1.0, 3.0)) -> list[Row]:
    """Each fault `times` times at random moments under the load, one phase per fault; then,
    the system settled, each phase's account."""
    rows, windows = [], []
    for name, inject in steps:
        row, start = Row(name), time.time()
        for _ in range(times):
            time.sleep(rnd.uniform(*gap))
            began = time.monotonic()
            inject()
            row.injected += 1
            recovered(system, load)
            row.recovery_s.append(time.monotonic() - began)  # from the fault, through any restart, to working
            print(f"{name}: recovered in {row.recovery_s[-1]:.1f} s", flush=True)
        rows.append(row)
        windows.append((start, time.time()))
    load.stop()
    system.settle(timeout=180)
    account(rows, windows, load, system)
    return rows


def dead_letters(system) -> dict[str, int]:
    """`sanphalang dead-letters list --json`: how many letters wait in each queue."""
    import json

    done = system.cli("dead-letters", "list", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["depths"]


def save(rows: list[Row], name: str) -> str:
    text = table(rows)
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / f"{name}.md").write_text(text + "\n")
    print("\n" + text)
    return text


def healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False
