"""Bulk registration of organizations through the real batch path on PostgreSQL
(validate -> store -> relay -> RabbitMQ -> reporting caught up), beside its baselines."""
from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import eventlet
from eventlet.greenpool import GreenPool

from tests.support import System, pg_database, rabbit_vhost

from . import baselines
from .data import org_rows

CHUNK = 5000
IN_FLIGHT = 2
ORGS_REPLICAS = 2  # the write side scaled out as operations would: validation runs on both cores


@contextmanager
def write_side(replicas: int = ORGS_REPLICAS, max_workers: int = 1):
    """orgs (scaled to `replicas`) and reporting on fresh PostgreSQL databases and a vhost of
    their own; yields the System once both answer. `max_workers=1` (bulk writes) gives each
    replica one batch at a time: with nameko's prefetch of max_workers, one replica could
    otherwise take both batches in flight and leave the other idle."""
    with rabbit_vhost() as amqp, pg_database("bench_orgs") as orgs, pg_database("bench_reporting") as reporting:
        system = System(Path(tempfile.mkdtemp(prefix="sanphalang-bench-")), amqp,
                        {"orgs": orgs, "reporting": reporting}, SANPHALANG_RPC_TIMEOUT="600")
        for replica in range(replicas):
            system.start("orgs", name=f"orgs-{replica}", SANPHALANG_MAX_WORKERS=str(max_workers))
        system.start("reporting")
        try:
            with system.rpc(timeout=600) as rpc:
                _wait_answering(rpc)
            yield system
        finally:
            system.stop()


def caught_up(rpc, expected_orgs: int) -> None:
    """Wait until reporting has applied the whole log and counts `expected_orgs`."""
    head = rpc.orgs.head()["seq"]
    while rpc.reporting.positions()["orgs"] < head:
        eventlet.sleep(0.05)
    value = rpc.reporting.indicators("nation")["places"][0]["indicators"][2]["value"]
    assert value == expected_orgs, value


def _through_sanphalang(rows: list[dict]) -> tuple[float, float]:
    """(events per second until reporting caught up, seconds until the last append returned)."""
    with write_side() as system, system.rpc(timeout=600) as rpc:
        chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
        lanes = [chunks[lane::IN_FLIGHT] for lane in range(IN_FLIGHT)]

        def send(lane):  # one proxy per lane: a proxy serves one caller at a time
            with system.rpc(timeout=600) as own:
                return [own.orgs.register_batch(chunk) for chunk in lane]  # each call signed afresh

        _profile(system)
        start = time.perf_counter()
        results = [r for lane in GreenPool(IN_FLIGHT).imap(send, lanes) for r in lane]
        appended = time.perf_counter() - start
        assert sum(r["registered"] for r in results) == len(rows)
        caught_up(rpc, len(rows))
        return len(rows) / (time.perf_counter() - start), appended


def _wait_answering(rpc, timeout: float = 60, calls=None) -> None:
    """Until each of `calls` (default: orgs' head, reporting's positions) answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            for call in calls or (rpc.orgs.head, rpc.reporting.positions):
                call()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            eventlet.sleep(0.5)


def run(count: int) -> dict:
    rows = org_rows(count)
    with pg_database("bench_bare") as url:
        bare = baselines.bare_insert(url, rows)
    with pg_database("bench_copy") as url:
        copy = baselines.copy(url, rows)
    with pg_database("bench_es") as url:
        es = baselines.eventsourcing_save(url, rows)
    ours, appended = _through_sanphalang(rows)
    return {"count": count, "ours": ours, "appended_s": appended, "caught_up_s": count / ours,
            "bare": bare, "copy": copy, "eventsourcing": es, "assertions": assertion_cost(-(-count // CHUNK))}


def assertion_cost(calls: int, samples: int = 2000) -> dict:
    """What signing and verifying who is asking costs the batch path: one assertion a call
    (a batch of CHUNK rows), signed by the caller and verified by the service, timed here."""
    from services.chassis.assertions import Keyring, Signer, ensure_keys
    from services.chassis.permissions import ADMIN, User

    with tempfile.TemporaryDirectory() as keys:
        ensure_keys(Path(keys), ("cli",))
        signer, keyring = Signer.from_file(Path(keys) / "cli.key"), Keyring(Path(keys), "orgs")
        user = User("bench", ADMIN)
        start = time.perf_counter()
        tokens = [signer.sign(user, "orgs", "register_batch") for _ in range(samples)]
        signed = time.perf_counter()
        for token in tokens:
            keyring.verify(token)
        verified = time.perf_counter()
    return {"calls": calls, "sign_us": (signed - start) / samples * 1e6, "verify_us": (verified - signed) / samples * 1e6}


def report(figures: dict) -> str:
    ours = figures["ours"]
    return "\n".join([
        f"bulk import of {figures['count']:,} organizations, PostgreSQL, end to end (validated, appended, "
        f"published, projected)",
        f"  sanphalang batch path:        {ours:>10,.0f} orgs/s  (appends done {figures['appended_s']:.1f} s, "
        f"reporting caught up {figures['caught_up_s']:.1f} s)",
        f"  bare SQLAlchemy Core insert:  {figures['bare']:>10,.0f} rows/s",
        f"  PostgreSQL COPY:              {figures['copy']:>10,.0f} rows/s",
        f"  eventsourcing 9.5 bulk save:  {figures['eventsourcing']:>10,.0f} aggregates/s",
        f"  ratio vs bare insert: {ours / figures['bare']:.2f}   (target >= 0.50)",
        f"  ratio vs eventsourcing: {ours / figures['eventsourcing']:.2f}   (target >= 1.50)",
        f"  ratio vs COPY: {ours / figures['copy']:.2f}   (target >= 0.25)",
        assertion_line(figures["assertions"], figures["count"] / ours),
    ])


def assertion_line(cost: dict, seconds: float) -> str:
    """The cost of who is asking, beside the run it is part of."""
    total = cost["calls"] * (cost["sign_us"] + cost["verify_us"]) / 1e6
    return (f"  actor assertions: one per batch call, {cost['calls']} calls x (sign {cost['sign_us']:.0f} us + "
            f"verify {cost['verify_us']:.0f} us) = {total * 1e3:.1f} ms, {100 * total / seconds:.3f}% of the run")


def _profile(system, seconds: int = 12) -> None:
    """SANPHALANG_BENCH_PROFILE=DIR: record a py-spy profile of every service process."""
    import os
    import subprocess

    target = os.environ.get("SANPHALANG_BENCH_PROFILE")
    if not target:
        return
    for name, process in system.processes.items():
        subprocess.Popen(["py-spy", "record", "-p", str(process.pid), "-d", str(seconds), "-f", "raw", "-o",
                          f"{target}/{name}.txt"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
