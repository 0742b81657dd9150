"""`sanphalang demo --national [--scale F]`: the national dataset (issue 16) loaded as centers
would load it, through the running system. 200,000 organizations and 560,080 people (10,000
facilitators, 50,000 leaders, 500,000 volunteers, 80 online workers: the demo's rows, one
generation per role) go through the register kit's import, as `sanphalang import` sends a
file: every row checked and staged by the service (`check_rows`), then written from the stage
in keyed chunks (`import_staged`), over LANES calls in flight; 3,000 knowledge items and 100
campaigns go through the knowledge service's own commands (it has no import). Each register
is loaded, then waited for: its relay has published the log (the heartbeats say so) and
reporting has applied it. The time of each stage is printed per register. Then, as `demo
--orgs` and `--people` do, a sample of the organizations is assessed and confirmed current and
a sample of the people is trained (one command each, so a sample: at most ASSESSED_AT_MOST and
TRAINED_AT_MOST).

Running it again writes nothing twice: the rows are found on their natural keys (unchanged),
and the samples' commands are keyed."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import click

from .spreadsheets import both

NATIONAL = {"orgs": 200_000, "facilitator": 10_000, "leader": 50_000, "volunteer": 500_000, "online_worker": 80,
            "knowledge": 3_000, "campaigns": 100}
ROLES = ("facilitator", "leader", "volunteer", "online_worker")
LANES = 2  # calls in flight per register: both cores busy, on one replica or spread over two
TRAINED_AT_MOST = 3000  # people trained, one command each (as demo.ASSESSED_AT_MOST for organizations)
STALLED_S = 300  # reporting's position still this long: it is not coming
RELAY_AFTER_S = 30  # heartbeats listened to for the relay's word once reporting has caught up
SEEDS = {"orgs": 2559, "people": 2562}  # the separate flags' defaults

Observe = Callable[[str], None]  # called with a phase's name as it ends (the benchmark's CPU marks)
Relayed = Callable[[str, int], "float | None"]  # (source, head) -> when its relay had published up to head


@dataclass
class Through:
    """The running system a load goes through: `lanes`, signed cluster proxies (one caller
    each); the broker, for the heartbeats that tell a relay's lag; `observe`, told each phase
    as it ends; `relayed`, how a relay's end is told (default: the heartbeats)."""

    lanes: list
    amqp_uri: str
    observe: Observe = lambda phase: None
    relayed: Relayed | None = None

    @property
    def rpc(self):
        return self.lanes[0]

    def relay_done(self, source: str, head: int) -> float | None:
        if self.relayed is not None:
            return self.relayed(source, head)
        return _relayed_at(self.amqp_uri, source)


def sizes(scale: float = 1.0) -> dict[str, int]:
    """The national dataset's counts times `scale` (at least one of each)."""
    return {name: max(1, round(count * scale)) for name, count in NATIONAL.items()}


def national_rows(size: dict[str, int], seed: int | None = None) -> tuple[list[dict], list[dict]]:
    """(organizations, people): the demo's rows, the people one generation per role (a seed
    each) so each role has exactly its count."""
    from .demo import org_rows
    from .demo_people import person_rows

    people: list[dict] = []
    for n, role in enumerate(ROLES):
        people += person_rows(size[role], _seed("people", seed) + n, {role: 1})
    return org_rows(size["orgs"], _seed("orgs", seed)), people


def _seed(register: str, seed: int | None) -> int:
    return SEEDS[register] if seed is None else seed


@dataclass
class Loaded:
    """One register's load, in seconds a stage."""

    register: str
    rows: int
    validated: float  # every row checked and staged (0: knowledge's commands check as they write)
    appended: float  # every row written: events appended with the read model's rows
    projected: float = 0.0  # after the last append, until reporting had applied the register's head
    published: float | None = None  # after the last append, until a heartbeat said the relay had published all
    counts: dict = field(default_factory=dict)
    ids: list[str] = field(default_factory=list, repr=False)

    @property
    def total(self) -> float:
        return self.validated + self.appended + max(self.projected, self.published or 0.0)

    def line(self) -> str:
        published = "?" if self.published is None else f"{self.published:.1f}"
        return both("national_demo_stages", register=self.register, rows=f"{self.rows:,}",
                    validate=f"{self.validated:.1f}", append=f"{self.appended:.1f}", publish=published,
                    project=f"{self.projected:.1f}", total=f"{self.total:.1f}",
                    rate=f"{self.rows / self.total:,.0f}" if self.total else "-")


def load_national(through: Through, scale: float = 1.0, seed: int | None = None, trainings: float = 0.1,
                  samples: bool = True, rows: tuple[list[dict], list[dict]] | None = None) -> list[Loaded]:
    """Load the national dataset times `scale` through the running system, printing each
    register's stages; `rows`: the (organizations, people) rows, if made already. `samples`:
    the organizations' and people's samples too (after the load, timed apart). Returns each
    register's figures."""
    size = sizes(scale)
    if rows is None:
        start = time.perf_counter()
        rows = national_rows(size, seed)
        click.echo(both("national_demo_rows", orgs=f"{len(rows[0]):,}", people=f"{len(rows[1]):,}",
                        seconds=f"{time.perf_counter() - start:.1f}"))
    began, loaded = time.perf_counter(), []
    for register, register_rows in zip(("orgs", "people"), rows):
        one = import_rows(through, register, register_rows, f"demo-national-{register}-{seed}")
        click.echo(f"{register}: {both('import_counts', **one.counts)}")
        loaded.append(one)
    loaded.append(load_knowledge(through, size, seed))
    for one in loaded:
        click.echo(one.line())
    click.echo(both("national_demo_done", seconds=f"{time.perf_counter() - began:.1f}"))
    if samples:
        load_samples(through, loaded, seed, trainings, scale)
        through.observe("samples")
    return loaded


def import_rows(through: Through, register: str, rows: list[dict], name: str) -> Loaded:
    """Import `rows` into `register` as a file of them would be imported (every row checked,
    then written from the stage), then wait for its relay and reporting (`settle`)."""
    from services.chassis.registers.pipeline import CHECKING, FileImport, import_digest, problem_line
    from services.chassis.registers.sheets.reading import ReadResult
    from services.registry import contract

    from .spreadsheets import ProgressBars

    ids: list[str] = []
    services = [_Recording(getattr(lane, register), ids) for lane in through.lanes]
    bars, checked = ProgressBars(), []

    def progress(phase: str, done: int, total: int) -> None:
        bars(phase, done, total)
        if phase == CHECKING and done == total and not checked:
            checked.append(time.perf_counter())
            through.observe(f"{register}: check")

    start = time.perf_counter()
    digest = import_digest(name.encode(), None, False, services[0].head()["seq"])
    try:
        report = FileImport(contract(register, "sheet").SHEET).import_rows(
            services, ReadResult(rows=list(enumerate(rows, start=1))), digest, progress=progress)
    finally:
        bars.close()
    written = time.perf_counter()
    through.observe(f"{register}: write")
    if report.problems:  # the demo's rows are valid: a service that refuses them is worth reading
        raise click.ClickException("\n".join(problem_line(p) for p in report.problems[:20]))
    at = checked[0] if checked else start
    one = Loaded(register, len(rows), at - start, written - at, counts=report.counts(),
                 ids=sorted({i for i in ids if i}))
    settle(through, one, written)
    return one


def load_knowledge(through: Through, size: dict[str, int], seed: int | None) -> Loaded:
    """The knowledge items and campaigns through the knowledge service's commands (`demo
    --knowledge --campaigns`), then its relay and reporting waited for."""
    from .demo_knowledge import load_knowledge as load

    start = time.perf_counter()
    load(through.rpc.knowledge, size["knowledge"], size["campaigns"], seed)
    written = time.perf_counter()
    through.observe("knowledge: commands")
    one = Loaded("knowledge", size["knowledge"] + size["campaigns"], 0.0, written - start)
    settle(through, one, written)
    return one


def settle(through: Through, one: Loaded, since: float) -> None:
    """Wait until reporting has applied the register's log as it is now, and until its relay
    has published it; both in seconds after `since` (the relay's, from the heartbeats, within
    a heartbeat's period: its lag is known only from them)."""
    import eventlet

    source = one.register
    head = getattr(through.rpc, source).head()["seq"]
    relay = eventlet.spawn(through.relay_done, source, head)
    one.projected = caught_up(through.rpc, source, head) - since
    at = None
    with eventlet.Timeout(RELAY_AFTER_S, False):
        at = relay.wait()
    relay.kill()
    one.published = None if at is None else max(at - since, 0.0)
    through.observe(f"{source}: relay and reporting")


def caught_up(rpc, source: str, head: int) -> float:
    """When reporting's position in `source` reached `head` (perf_counter); refused once it
    has not moved for STALLED_S seconds."""
    position, moved = -1, time.monotonic()
    while True:
        now = rpc.reporting.positions().get(source, 0)
        if now >= head:
            return time.perf_counter()
        if now != position:
            position, moved = now, time.monotonic()
        elif time.monotonic() - moved > STALLED_S:
            raise click.ClickException(both("national_demo_stalled", source=source, position=now, head=head))
        time.sleep(0.1)


def _relayed_at(amqp_uri: str, source: str) -> float | None:
    """When the first heartbeat of `source` saying its relay lag is 0 events was heard."""
    from .status import heard

    seen: list[float] = []

    def relayed(beat: dict) -> bool:
        lag = ((beat.get("lags") or {}).get("relay") or {}).get(source)
        if beat["service"] == source and lag is not None and lag.get("events") == 0:
            seen.append(time.perf_counter())
        return bool(seen)

    heard(amqp_uri, 24 * 3600, until=relayed)
    return seen[0] if seen else None


def load_samples(through: Through, loaded: list[Loaded], seed: int | None, trainings: float, scale: float) -> None:
    """What `demo --orgs` and `--people` do after registering: a sample of the organizations
    assessed and confirmed current, a sample of the people trained (samples of the dataset's
    scale); then reporting caught up."""
    from .demo import ASSESSED_AT_MOST, assess_sample
    from .demo_people import record_trainings

    by_register = {one.register: one for one in loaded}
    start = time.perf_counter()
    rpc = through.rpc
    assess_sample(rpc.orgs, by_register["orgs"].ids, _seed("orgs", seed), max(1, round(ASSESSED_AT_MOST * scale)))
    record_trainings(rpc.people, by_register["people"].ids, _seed("people", seed), trainings,
                     max(1, round(TRAINED_AT_MOST * scale)))
    for source in ("orgs", "people"):
        caught_up(rpc, source, getattr(rpc, source).head()["seq"])
    click.echo(both("national_demo_samples", seconds=f"{time.perf_counter() - start:.1f}"))


class _Recording:
    """A register's proxy that keeps the record ids its staged writes answer with (the samples
    are drawn from them)."""

    def __init__(self, service, ids: list[str]):
        self._service, self._ids = service, ids

    def __getattr__(self, name: str):
        return getattr(self._service, name)

    def import_staged(self, *args, **kwargs) -> dict:
        result = self._service.import_staged(*args, **kwargs)
        self._ids.extend(result.get("ids") or [])
        return result
