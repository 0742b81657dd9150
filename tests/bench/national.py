"""The national dataset of issue 15 as the three registers' event logs on PostgreSQL: 200,000
organizations, 560,000 people, 3,000 knowledge items and 100 campaigns (`NATIONAL`, scaled by
the organizations asked for), recorded over two years (`FIRST_DAY` .. `LAST_DAY`).

Each register's own rules make its events (organizations: `domain.register` from validated
rows, then `assess`, `confirm_current`, `amend`, `relocate`, `archive`; people: `register`,
`record_training`, `start_role`, `end_role`, `amend`, every personal value sealed with the
person's own key), appended through the chassis' `EventStore.append`; knowledge goes through its
service's own commands (the demo's drafts, publications, campaigns and results). What the
registers would keep besides and no benchmark of reporting reads is left out: the organizations'
and people's read models, people's key store (reporting never opens a sealed value; the keys are
thrown away), and marshmallow for each of the 560,000 people: a tenth of them are made from
validated rows, each of the others is one of those registered again under a new id and sealed
afresh. A follow-up that would fall after the last day is left out.

Made once per size (and `MAKING`) into databases named `bench_national_*`, kept between
runs as templates; each run works on copies (`national`). The relay cursor of each
copy is at the log's head: starting a register does not publish two years of events again."""
from __future__ import annotations

import math
import os
import random
import re
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import update

from services import reference
from services.chassis import store as store_module, tables
from services.chassis.database import make_engine
from services.chassis.envelope import Pending, new_ids, utc_timestamp
from services.chassis.permissions import User
from services.chassis.privacy.sealing import Sealer
from services.chassis.store import EventStore
from services.chassis.thai import BANGKOK_TIME
from tests.support import PG_ADMIN

NATIONAL = {"orgs": 200_000, "people": 560_000, "knowledge": 3_000, "campaigns": 100}
SOURCES = ("orgs", "people", "knowledge")
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2026, 11, 30)
PEOPLE_MADE = 10  # of the people, one in PEOPLE_MADE is made from a validated row; the others repeat one
APPEND_MAX = 5_000  # events one append carries
BENCH_USER = User("bench-national", "admin")
PREFIX = "bench_national_"
# How this module makes the events: raise it with any change to what they are (here, in the
# demo generators, or in the registers' events), and the next run makes the dataset again.
MAKING = 2

def sizes(orgs: int) -> dict[str, int]:
    """The national dataset scaled to `orgs` organizations (the benchmarks' --orgs)."""
    scale = orgs / NATIONAL["orgs"]
    return {name: max(1, round(n * scale)) for name, n in NATIONAL.items()}


def fingerprint() -> str:
    return f"m{MAKING}"

def _url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _databases() -> set[str]:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}


def _admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def templates(orgs: int) -> dict[str, str]:
    """source -> the template database holding its log, made first if missing (and the
    templates of an older fingerprint dropped)."""
    tag = f"{orgs}_{fingerprint()}"
    names = {source: f"{PREFIX}{tag}_{source}" for source in SOURCES}
    existing = _databases()
    stale = re.compile(rf"{PREFIX}{orgs}_m[0-9]+_({'|'.join(SOURCES)})$")  # this size, made otherwise
    for name in existing:
        if stale.match(name) and name not in names.values():
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if all(name in existing for name in names.values()):
        return names
    building = {source: f"{name}_making" for source, name in names.items()}
    for name in [*building.values(), *names.values()]:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for name in building.values():
        _admin(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    make({source: _url(name) for source, name in building.items()}, sizes(orgs))
    for source, name in building.items():  # whole or not at all: named only once made
        _admin(f'ALTER DATABASE "{name}" RENAME TO "{names[source]}"')
    print(f"  (national dataset of {orgs:,} organizations made in {time.perf_counter() - started:.0f} s; "
          f"kept as {PREFIX}{tag}_*)", flush=True)
    return names


@contextmanager
def national(orgs: int = NATIONAL["orgs"]):
    """source -> URL of a fresh copy of its national log (dropped afterwards)."""
    names = templates(orgs)
    run = f"{PREFIX}{orgs}_run{os.getpid()}_{random.randrange(10**6)}"
    copies = {source: f"{run}_{source}" for source in SOURCES}
    try:
        for source, name in copies.items():
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{names[source]}" STRATEGY FILE_COPY')
        yield {source: _url(name) for source, name in copies.items()}
    finally:
        for name in copies.values():
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def heads(urls: dict[str, str]) -> dict[str, int]:
    out = {}
    for source, url in urls.items():
        engine = make_engine(url)
        out[source] = EventStore(engine, source).head()["seq"]
        engine.dispose()
    return out


# -- the clock the events are recorded at ---------------------------------------------------

class Clock:
    """The time `EventStore.append` records (`at`): a Bangkok working day, a second later at
    every append so the log's times never go back."""

    def __init__(self):
        self.day, self.tick = FIRST_DAY, 0

    def on(self, day: date) -> None:
        if day != self.day:
            self.day, self.tick = day, 0

    def __call__(self, moment=None) -> str:
        if moment is not None:
            return utc_timestamp(moment)
        self.tick += 1
        start = datetime.combine(self.day, clock_time(9, 0), BANGKOK_TIME) + timedelta(seconds=self.tick)
        return utc_timestamp(start.astimezone(timezone.utc))


@contextmanager
def recorded_by(clock: Clock):
    original = store_module.utc_timestamp
    store_module.utc_timestamp = clock
    try:
        yield clock
    finally:
        store_module.utc_timestamp = original


def _days() -> list[date]:
    return [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]


def _registration_days(rnd: random.Random, count: int, days: int) -> list[int]:
    """The day (index) each record is registered on, in order: most in the first 20 months,
    centers importing in bursts (a few days take many)."""
    busy = rnd.sample(range(days), k=max(1, days // 10))
    picked = [rnd.choice(busy) if rnd.random() < 0.5 else rnd.randrange(int(days * 0.85)) for _ in range(count)]
    return sorted(picked)


def _append(store: EventStore, actor: dict, pending: list[Pending], prepare=None) -> None:
    for first in range(0, len(pending), APPEND_MAX):
        store.append(pending[first:first + APPEND_MAX], actor, prepare=prepare)


def _relay_at_head(store: EventStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(tables.relay_cursor).values(seq=store.head()["seq"]))


def _actor() -> dict:
    from tests.keys import actor

    return actor(BENCH_USER, "bench-national").record()


# -- organizations --------------------------------------------------------------------------

ORG_FOLLOW_UPS = (  # (kind, share of organizations, earliest and latest days after registration)
    ("assess", 0.45, 20, 400), ("verify", 0.55, 30, 500), ("verify", 0.15, 400, 650), ("amend", 0.10, 1, 300),
    ("relocate", 0.005, 10, 300), ("archive", 0.012, 60, 600),
)
STRENGTH_WEIGHTS = {"strong": 45, "moderate": 35, "developing": 20}


def _orgs(url: str, count: int, rnd: random.Random) -> None:
    from services.contracts.orgs.schemas import OrgRegistration
    from services.contracts.orgs.vocabulary import STRENGTH_CRITERIA
    from services.orgs import domain

    from .data import org_rows

    engine = make_engine(url)
    store = EventStore(engine, "orgs")
    store.create_schema()
    days = _days()
    rows = org_rows(count)
    ids = new_ids(count)
    on = _registration_days(rnd, count, len(days))
    later: dict[int, list[tuple[str, str]]] = {}
    for org, day in zip(ids, on):
        for kind, share, low, high in ORG_FOLLOW_UPS:
            when = day + rnd.randint(low, high)
            if rnd.random() < share and when < len(days):  # what would come after the last day does not
                later.setdefault(when, []).append((org, kind))
    places = [s for p in reference.provinces() for d in reference.districts(p.code) for s in reference.subdistricts(d.code)]
    levels, weights, criteria = list(STRENGTH_WEIGHTS), list(STRENGTH_WEIGHTS.values()), list(STRENGTH_CRITERIA)
    state: dict[str, domain.Organization] = {}
    schema, actor, clock, n = OrgRegistration(), _actor(), Clock(), 0

    def follow_up(org: domain.Organization, kind: str, day: date) -> list[Pending]:
        if kind == "assess":
            level = rnd.choices(levels, weights)[0]
            return domain.assess(org, {"level": level, "criteria": rnd.sample(criteria, rnd.randint(1, 4)),
                                       "assessed_on": day}, BENCH_USER.name)
        if kind == "verify":
            return domain.confirm_current(org, day, BENCH_USER.name)
        if kind == "amend":
            return domain.amend(org, {"members": rnd.randint(7, 400)})
        if kind == "relocate":
            place = rnd.choice(places)
            return domain.relocate(org, {"province": place.province_code, "district": place.district_code,
                                         "subdistrict": place.code, "village_no": rnd.randint(1, 20)})
        return domain.archive(org, "ยุติการดำเนินงาน")

    with recorded_by(clock):
        for index, day in enumerate(days):
            clock.on(day)
            first = n
            while n < count and on[n] == index:
                n += 1
            pending = []
            if n > first:
                loaded = schema.load(rows[first:n], many=True)
                pending = [domain.register(fields, org) for fields, org in zip(loaded, ids[first:n])]
            for org_id, kind in later.get(index, ()):
                org = state.get(org_id)
                if org is None or org.status != "active":
                    continue
                made = follow_up(org, kind, day)
                for event in made:
                    state[org_id] = domain.apply(state[org_id], {"type": event.type, "version": event.version,
                                                                 "data": event.data})
                pending += made
            for event in pending[:n - first]:  # the registrations: known from now on
                org_id = event.stream.removeprefix("org-")
                state[org_id] = domain.apply(domain.Organization(id=org_id),
                                             {"type": event.type, "version": 1, "data": event.data})
            if pending:
                _append(store, actor, pending)
    _relay_at_head(store)
    engine.dispose()


# -- people ---------------------------------------------------------------------------------

PEOPLE_FOLLOW_UPS = (("training", 0.10, 10, 500), ("role", 0.03, 30, 500), ("end_role", 0.01, 60, 600),
                     ("amend", 0.02, 5, 600))


def _people(url: str, count: int, rnd: random.Random) -> None:
    from sanphalang.demo_people import person_rows, trainings
    from services.contracts.people import events as ev
    from services.contracts.people.schemas import PersonRegistration
    from services.contracts.people.vocabulary import ROLES
    from services.people import domain
    from services.people.sealed import seal

    engine = make_engine(url)
    store = EventStore(engine, "people")
    store.create_schema()
    days = _days()
    made = math.ceil(count / PEOPLE_MADE)
    loaded = PersonRegistration().load(person_rows(made), many=True)
    registered = [domain.register(fields, "0", BENCH_USER.name).data for fields in loaded]
    del loaded
    ids = new_ids(count)
    on = _registration_days(rnd, count, len(days))
    later: dict[int, list[tuple[int, str]]] = {}
    for n, day in enumerate(on):
        for kind, share, low, high in PEOPLE_FOLLOW_UPS:
            when = day + rnd.randint(low, high)
            if rnd.random() < share and when < len(days):
                later.setdefault(when, []).append((n, kind))
    roles = list(ROLES)
    state: dict[int, domain.Person] = {}  # only people with something to come
    waiting = {n for items in later.values() for n, _ in items}
    actor, clock, n = _actor(), Clock(), 0

    def sealed(person: int, events: list[Pending]) -> list[Pending]:
        sealer = Sealer(ids[person], os.urandom(32))  # the person's key, thrown away with the run
        return [seal(event, sealer) if event.type in ev.SEALED else event for event in events]

    def follow_up(person: domain.Person, kind: str, day: date) -> list[Pending]:
        if kind == "training":
            return domain.record_training(person, trainings(rnd, 1)[0])
        if kind == "role":
            free = [r for r in roles if r not in person.roles]
            return domain.start_role(person, {"role": rnd.choice(free), "started_on": day}) if free else []
        if kind == "end_role":
            held = sorted(person.roles)
            return domain.end_role(person, {"role": rnd.choice(held), "ended_on": day}) if len(held) > 1 else []
        return domain.amend(person, {"address": f"{rnd.randint(1, 250)} หมู่ {rnd.randint(1, 20)}"})

    with recorded_by(clock):
        for index, day in enumerate(days):
            clock.on(day)
            pending = []
            while n < count and on[n] == index:
                data = registered[n % made]
                event = Pending(stream=ev.stream_of(ids[n]), version=1, type=ev.REGISTERED, data=data)
                if n in waiting:
                    state[n] = domain.apply(domain.Person(id=ids[n]), {"type": event.type, "version": 1, "data": data})
                pending += sealed(n, [event])
                n += 1
            for person, kind in later.get(index, ()):
                if person not in state:
                    continue
                events = follow_up(state[person], kind, day)
                for event in events:
                    state[person] = domain.apply(state[person], {"type": event.type, "version": event.version,
                                                                 "data": event.data})
                pending += sealed(person, events)
            if pending:
                _append(store, actor, pending)
    _relay_at_head(store)
    engine.dispose()


# -- knowledge ------------------------------------------------------------------------------

class _Ticking(Clock):
    """Each append a few hours after the one before, from `start`: the demo's commands spread
    over the last months of the dataset."""

    def __init__(self, start: date, step_hours: float):
        super().__init__()
        self.moment = datetime.combine(start, clock_time(9, 0), BANGKOK_TIME)
        self.step = timedelta(hours=step_hours)

    def __call__(self, moment=None) -> str:
        if moment is not None:
            return utc_timestamp(moment)
        self.moment = min(self.moment + self.step,
                          datetime.combine(LAST_DAY, clock_time(17, 0), BANGKOK_TIME))
        return utc_timestamp(self.moment.astimezone(timezone.utc))


def _knowledge(url: str, items: int, campaigns: int) -> None:
    import contextlib
    import io

    from sanphalang.demo_knowledge import load_campaigns, load_items
    from tests.keys import ADMIN

    from ..knowledge import knowledge_service

    files = Path(tempfile.mkdtemp(prefix="bench-national-files-"))
    service = knowledge_service(url, files)
    signed = service.as_(ADMIN)
    with recorded_by(_Ticking(LAST_DAY - timedelta(days=330), 12)), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        load_items(signed, items)
        load_campaigns(signed, campaigns)
    _relay_at_head(service.store)
    service.close()


def make(urls: dict[str, str], size: dict[str, int]) -> None:
    """The three logs of a dataset of `size` into the (empty) databases `urls`."""
    rnd = random.Random(2569)
    for source, build in (("knowledge", lambda: _knowledge(urls["knowledge"], size["knowledge"], size["campaigns"])),
                          ("orgs", lambda: _orgs(urls["orgs"], size["orgs"], rnd)),
                          ("people", lambda: _people(urls["people"], size["people"], rnd))):
        started = time.perf_counter()
        build()
        print(f"    {source}: made in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":  # python -m tests.bench.national [ORGS]: make (or find) the templates
    import sys

    found = templates(int(sys.argv[1]) if len(sys.argv) > 1 else NATIONAL["orgs"])
    print(found, heads({s: _url(n) for s, n in found.items()}))
