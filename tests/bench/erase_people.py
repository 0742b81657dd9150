"""Erasure (PDPA s.33) at scale: a register of `count` people (the demo's, registered through
`register_batch`), on SQLite and on PostgreSQL, each with its key store in a database of its
own; then the `erase` RPC for one person (several times, one person a call) and for 1,000 in
one call (twice): the ledger and the keys' deletion, `PersonErased` appended with the rows
dropped from the read model and the search, and the files scrubbed; timed, with each part."""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from services.chassis.privacy.keystore import KeyStore
from services.chassis.privacy.sealing import Master
from services.chassis.store import EventStore
from services.contracts.people import events as ev
from services.contracts.people.limits import BATCH_MAX, ERASE_MAX
from services.people import readmodel, rights

from .data import person_rows
from .stages import timed

SINGLES = 5
BATCHES = 2


PARTS = ((KeyStore, "erase", "key store (ledger, keys deleted, scrubbed)"), (KeyStore, "scrub", "of which scrub"),
         (EventStore, "append", "PersonErased appended"), (readmodel.Projection, "__call__", "of which rows dropped"),
         (rights, "scrub_people", "register scrubbed"))


def _parts():
    return timed(*PARTS)


def _register(service, rows: list[dict]) -> tuple[list[str], float]:
    start, ids = time.perf_counter(), []
    for first in range(0, len(rows), BATCH_MAX):
        ids += service.register_batch(rows[first:first + BATCH_MAX], first_row=first + 1)["ids"]
    return ids, time.perf_counter() - start


def _erase(service, ids: list[str]) -> tuple[float, dict]:
    with _parts() as parts:
        start = time.perf_counter()
        done = service.erase(ids)
        elapsed = time.perf_counter() - start
    assert done["erased"] == len(ids), done
    return elapsed, dict(parts)


def _check(people, erased: list[str]) -> None:
    """Gone from the read model, no key left, in the ledger, and PersonErased last on each stream."""
    assert not readmodel.rows(people.store.engine, erased)
    assert not people.keys.sealers(erased)
    assert set(erased) <= people.keys.erased(erased)
    for person in random.Random(3).sample(erased, 20):
        assert people.store.stream(ev.stream_of(person))[-1]["type"] == ev.ERASED


def _one_database(url: str, keys_url: str, rows: list[dict]) -> dict:
    from tests.keys import ADMIN
    from tests.people import people_service

    people = people_service(url, keys_url, Master(os.urandom(32)))
    service = people.as_(ADMIN)
    ids, registered = _register(service, rows)
    chosen = random.Random(7).sample(ids, SINGLES + BATCHES * ERASE_MAX)
    singles = [_erase(service, [person]) for person in chosen[:SINGLES]]
    batches = [_erase(service, chosen[SINGLES + n * ERASE_MAX:SINGLES + (n + 1) * ERASE_MAX]) for n in range(BATCHES)]
    _check(people, chosen)
    people.close()
    return {"registered_s": registered, "singles": singles, "batches": batches}


def run(count: int = 100_000) -> dict:
    from tests.support import pg_database

    rows = person_rows(count)
    figures = {"count": count}
    with tempfile.TemporaryDirectory(prefix="sanphalang-erase-") as tmp:
        figures["sqlite"] = _one_database(f"sqlite:///{Path(tmp) / 'people.sqlite'}",
                                          f"sqlite:///{Path(tmp) / 'people_keys.sqlite'}", rows)
    with pg_database("bench_erase") as url, pg_database("bench_erase_keys") as keys_url:
        figures["postgres"] = _one_database(url, keys_url, rows)
    return figures


def report(figures: dict) -> str:
    lines = [f"erasure over a register of {figures['count']:,} people (the erase RPC in this process: ledger, keys "
             f"deleted, PersonErased appended, read-model and search rows dropped, files scrubbed), seconds"]
    for db in ("sqlite", "postgres"):
        f = figures[db]
        singles = [s for s, _ in f["singles"]]
        lines.append(f"  {db:9} (registered in {f['registered_s']:.0f} s, key store on {db} too)")
        lines.append(f"    one person:   median {statistics.median(singles):6.2f}, max {max(singles):6.2f} "
                     f"({len(singles)} calls)   parts of the median call: {_parts_line(_median_parts(f['singles']))}")
        for n, (elapsed, parts) in enumerate(f["batches"], start=1):
            lines.append(f"    {ERASE_MAX:,} at once #{n}: {elapsed:6.2f} ({1000 * elapsed / ERASE_MAX:.1f} ms a person)   "
                         f"parts: {_parts_line(parts)}")
    return "\n".join(lines)


def _median_parts(calls: list[tuple[float, dict]]) -> dict:
    return sorted(calls, key=lambda call: call[0])[len(calls) // 2][1]


def _parts_line(parts: dict) -> str:
    return "; ".join(f"{label} {parts.get(label, 0.0):.2f}" for _, _, label in PARTS)
