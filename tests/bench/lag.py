"""Edit -> indicator lag (issue 15: p99 <= 100 ms at 100 edits/s sustained for 60 s), mixed edits
of the three registers through the gateway's REST API, on PostgreSQL, beside the bare RPC
round trip measured under the same load in the same run.

The whole system runs as processes (orgs, people, knowledge, reporting, the gateway) over
RabbitMQ, each on its own PostgreSQL database. Before the window: organizations, people (each a
volunteer) and knowledge items submitted for review are registered in batches over RPC, and
reporting replays (which empties the lags it keeps). Then, for SECONDS, EDITS edits a second are
sent on a fixed schedule (open loop: an edit waits for no other), each an HTTP request signed
in with an API token, in the mix `MIX`: an organization registered or amended (If-Match), a
person registered or given a role, an item drafted or published, a campaign registered.

Two lags, each over the window's edits:
- **edit -> indicator**: from the HTTP response of an edit that moves an indicator (`MOVES`) to
  the first answer of `reporting.indicators("nation")` that counts it, polled every POLL s by a
  watcher over RPC. The k-th answered edit of an indicator is matched with the first answer
  counting k more than before the window (edits of one indicator may be projected in another
  order than they were answered; the matching is the same either way); an answer seen before
  the response counts 0. The poll's interval and round trip are part of the figure.
- **append -> projected**: reporting's own measure (`freshness`: the time from each event's append
  to its projection, p50 and p99 over the events it projected), every edit of the mix, per source.

Baselines under the same load: the bare RPC round trip (`orgs.head`, one indexed row) every
0.05 s, and the watcher's own `indicators` round trip.

    python -m tests.bench.run --only lag
    SANPHALANG_BENCH_EDITS=100 SANPHALANG_BENCH_SECONDS=60  (defaults)"""
from __future__ import annotations

import itertools
import logging
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import eventlet
import requests
from eventlet.greenpool import GreenPool
from eventlet.queue import Queue

from tests.support import running_system

from .data import org_rows, person_rows

EDITS = int(os.environ.get("SANPHALANG_BENCH_EDITS", "100"))  # a second
SECONDS = int(os.environ.get("SANPHALANG_BENCH_SECONDS", "60"))
TARGET_P99_MS = 100.0
POLL = 0.005  # seconds between the watcher's reads of the indicators
BASELINE_EVERY = 0.05
MIX = {"org_register": 20, "org_amend": 20, "person_register": 20, "person_role": 10, "item_draft": 10,
       "item_publish": 15, "campaign_register": 5}
MOVES = {"org_register": "community_orgs", "person_register": "volunteers", "person_role": "community_leaders",
         "item_publish": "knowledge_items", "campaign_register": "campaign_issues"}
SOURCE_OF = {"org": "orgs", "person": "people", "item": "knowledge", "campaign": "knowledge"}
WORKERS = 32  # edits in flight at most (the gateway keeps 32 RPC proxies)
WORKERS_PER_SERVICE = os.environ.get("SANPHALANG_MAX_WORKERS", "6")


def _needed(kind: str) -> int:
    """How many edits of `kind` the window sends (with a margin)."""
    return int(EDITS * SECONDS * MIX[kind] / sum(MIX.values()) * 1.2) + 20


def _item(n: int) -> dict:
    from tests.knowledge import item_payload

    return item_payload(n, title=f"บทเรียนการจัดการน้ำชุมชน ตอนที่ {n}")


def _campaign(n: int) -> dict:
    from tests.knowledge import campaign_payload

    return campaign_payload(n)


def _volunteer(row: dict) -> dict:
    return {**row, "roles": [{"role": "volunteer"}]}


class Seeds:
    """What the window's edits act on, and the payloads of what they register."""

    def __init__(self, rpc):
        rows = org_rows(_needed("org_register") + 1000, seed=2570)
        self.new_orgs = iter(rows[1000:])
        self.orgs: Queue = Queue()
        for first in range(0, 1000, 500):
            for org in rpc.orgs.register_batch(rows[first:first + 500])["ids"]:
                self.orgs.put((org, 1))
        people = [_volunteer(row) for row in person_rows(_needed("person_register") + _needed("person_role"))]
        self.new_people = iter(people[_needed("person_role"):])
        self.people: list[tuple[str, int]] = []
        seeded = people[:_needed("person_role")]
        for first in range(0, len(seeded), 500):
            self.people += [(p, 1) for p in rpc.people.register_batch(seeded[first:first + 500])["ids"]]
        self.people_left = iter(self.people)
        drafts = [_item(n) for n in range(_needed("item_publish"))]
        self.items = []
        for first in range(0, len(drafts), 200):
            self.items += rpc.knowledge.draft_batch(drafts[first:first + 200], submit=True)["ids"]
        self.items_left = iter(self.items)
        self.new_items = (_item(100_000 + n) for n in itertools.count())
        self.new_campaigns = (_campaign(n) for n in itertools.count())


class Edits:
    """The edits, each one HTTP request to the gateway (a session per edit in flight)."""

    def __init__(self, url: str, token: str, seeds: Seeds):
        self.url, self.seeds = url, seeds
        self.sessions: Queue = Queue()
        for _ in range(WORKERS):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            self.sessions.put(session)

    def __call__(self, kind: str) -> tuple[float, float, int]:
        """(sent, answered, HTTP status) of one edit."""
        session = self.sessions.get()
        try:
            sent = time.perf_counter()
            status = getattr(self, kind)(session)
            return sent, time.perf_counter(), status
        finally:
            self.sessions.put(session)

    def _post(self, session, path, body, version=None):
        headers = {"If-Match": str(version)} if version is not None else {}
        return session.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)

    def org_register(self, session) -> int:
        return self._post(session, "/api/v1/orgs", next(self.seeds.new_orgs)).status_code

    def org_amend(self, session) -> int:
        org, version = self.seeds.orgs.get()  # one edit at a time per organization
        answer = session.patch(f"{self.url}/api/v1/orgs/{org}", json={"members": random.randint(7, 400)},
                               headers={"If-Match": str(version)}, timeout=60)
        self.seeds.orgs.put((org, answer.json()["version"] if answer.ok else version))
        return answer.status_code

    def person_register(self, session) -> int:
        return self._post(session, "/api/v1/people", next(self.seeds.new_people)).status_code

    def person_role(self, session) -> int:
        person, version = next(self.seeds.people_left)
        return self._post(session, f"/api/v1/people/{person}/roles", {"role": "leader"}, version).status_code

    def item_draft(self, session) -> int:
        return self._post(session, "/api/v1/knowledge", next(self.seeds.new_items)).status_code

    def item_publish(self, session) -> int:
        item = next(self.seeds.items_left)
        return self._post(session, f"/api/v1/knowledge/{item}/publish", {}, 2).status_code

    def campaign_register(self, session) -> int:
        return self._post(session, "/api/v1/campaigns", next(self.seeds.new_campaigns)).status_code


class Watcher:
    """Reads the national indicators every POLL seconds: (answered at, {key: value}) each time."""

    def __init__(self, system):
        self.system, self.seen, self.round_trips, self.errors, self._running = system, [], [], [], True

    def start(self) -> "Watcher":
        self._thread = eventlet.spawn(self._watch)
        return self

    def _watch(self) -> None:
        with self.system.rpc(timeout=30) as rpc:
            while self._running:
                asked = time.perf_counter()
                try:
                    places = rpc.reporting.indicators("nation")["places"]
                except Exception as error:  # noqa: BLE001  (counted, and the watch goes on)
                    self.errors.append(repr(error)[:200])
                    eventlet.sleep(POLL)
                    continue
                answered = time.perf_counter()
                self.seen.append((answered, {i["key"]: i["value"] for i in places[0]["indicators"]}))
                self.round_trips.append(answered - asked)
                eventlet.sleep(max(0.0, POLL - (answered - asked)))

    def stop(self) -> None:
        self._running = False
        self._thread.wait()


class RoundTrips:
    """The bare RPC round trip (`orgs.head`) every BASELINE_EVERY seconds, under the same load."""

    def __init__(self, system):
        self.system, self.times, self.failed, self._running = system, [], 0, True

    def start(self) -> "RoundTrips":
        self._thread = eventlet.spawn(self._loop)
        return self

    def _loop(self) -> None:
        with self.system.rpc(timeout=30) as rpc:
            while self._running:
                asked = time.perf_counter()
                try:
                    rpc.orgs.head()
                except Exception:  # noqa: BLE001  (a failed round trip is not a time)
                    self.failed += 1
                else:
                    self.times.append(time.perf_counter() - asked)
                eventlet.sleep(BASELINE_EVERY)

    def stop(self) -> None:
        self._running = False
        self._thread.wait()


def _schedule() -> list[str]:
    """The window's edits in the order they are sent: the mix, shuffled (seeded)."""
    kinds = [kind for kind, share in MIX.items() for _ in range(share)]
    rnd = random.Random(2569)
    return [rnd.choice(kinds) for _ in range(EDITS * SECONDS)]


def _caught_up(rpc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        positions = rpc.reporting.positions()
        if all(positions.get(source, 0) >= getattr(rpc, source).head()["seq"] for source in ("orgs", "people", "knowledge")):
            return
        eventlet.sleep(0.1)
    raise RuntimeError("reporting did not catch up")


def run(_count: int) -> dict:
    logging.getLogger("amqp").setLevel(logging.ERROR)
    # Workers per service: enough for 100 edits a second (about 5 in flight each), and few enough
    # connections for a PostgreSQL that other runs share (100 clients at most).
    env = {"SANPHALANG_RPC_TIMEOUT": "60", "SANPHALANG_MAX_WORKERS": WORKERS_PER_SERVICE}
    with running_system(Path(tempfile.mkdtemp(prefix="sanphalang-bench-lag-")), "postgres",
                        env=env) as system, system.rpc(timeout=600) as rpc:
        seeds = Seeds(rpc)
        _caught_up(rpc)
        rpc.reporting.replay()  # empties reporting's lags: the window's are the only ones
        _caught_up(rpc)
        base = rpc.reporting.indicators("nation")["places"][0]["indicators"]
        before = {i["key"]: i["value"] for i in base}
        edits = Edits(system.url, system.admin_token, seeds)
        watcher, baseline = Watcher(system).start(), RoundTrips(system).start()
        pool, results, late = GreenPool(WORKERS), [], []
        schedule = _schedule()
        start = time.perf_counter()
        for n, kind in enumerate(schedule):
            due = start + n / EDITS
            eventlet.sleep(max(0.0, due - time.perf_counter()))
            late.append(time.perf_counter() - due)

            def one(kind=kind):
                sent, answered, status = edits(kind)
                results.append((kind, sent, answered, status))

            pool.spawn_n(one)
        sent_s = time.perf_counter() - start
        pool.waitall()
        answered_s = time.perf_counter() - start
        _caught_up(rpc)
        eventlet.sleep(0.5)
        watcher.stop()
        baseline.stop()
        freshness = rpc.reporting.freshness()
    return {"edits": EDITS, "seconds": SECONDS, "sent_s": sent_s, "answered_s": answered_s, "results": results,
            "late": late, "before": before, "seen": watcher.seen, "poll_round_trips": watcher.round_trips,
            "poll_errors": watcher.errors, "rpc_round_trips": baseline.times, "rpc_failed": baseline.failed,
            "freshness": freshness}


# -- the figures ----------------------------------------------------------------------------

def indicator_lags(figures: dict) -> dict[str, list[float]]:
    """kind -> lags (s) of its answered edits, from the HTTP response to the first indicator
    answer counting it (the k-th answered edit of an indicator to the first answer k above)."""
    answered = defaultdict(list)
    for kind, _, at, status in figures["results"]:
        if kind in MOVES and status < 300:
            answered[kind].append(at)
    lags = {}
    for kind, times in answered.items():
        key, base = MOVES[kind], figures["before"][MOVES[kind]]
        seen = iter(figures["seen"])
        out, current = [], next(seen, None)
        for k, at in enumerate(sorted(times), start=1):
            while current is not None and current[1][key] < base + k:
                current = next(seen, None)
            if current is None:
                break  # never seen: reported as missing
            out.append(max(0.0, current[0] - at))
        lags[kind] = out
    return lags


def _q(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _ms(values: list[float]) -> str:
    return f"{1e3 * _q(values, 0.5):7.1f} {1e3 * _q(values, 0.95):7.1f} {1e3 * _q(values, 0.99):7.1f} " \
           f"{1e3 * max(values, default=float('nan')):7.1f}"


def report(figures: dict) -> str:
    results = figures["results"]
    statuses = Counter(status for *_, status in results)
    failed = sum(n for status, n in statuses.items() if status >= 300)
    lags = indicator_lags(figures)
    every = [lag for values in lags.values() for lag in values]
    moving = sum(1 for kind, *_, status in results if kind in MOVES and status < 300)
    rate = len(results) / figures["sent_s"]
    lines = [
        f"edit -> indicator lag, {figures['edits']} edits/s for {figures['seconds']} s through the gateway's API, "
        f"PostgreSQL (all services as processes over RabbitMQ)",
        f"  sent {len(results):,} edits at {rate:.1f}/s (the schedule's send slipped by p99 "
        f"{1e3 * _q(figures['late'], 0.99):.0f} ms), all answered {figures['answered_s']:.1f} s after the first; "
        f"{failed} failed {dict(statuses)}",
        f"  {'':44} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)",
        f"  {'edit -> indicator, every counted edit':44} {len(every):>6} {_ms(every)}   "
        f"(target p99 <= {TARGET_P99_MS:.0f}; {moving - len(every)} never seen)",
    ]
    for kind, values in sorted(lags.items()):
        lines.append(f"    {kind + ' -> ' + MOVES[kind]:42} {len(values):>6} {_ms(values)}")
    for source, fresh in sorted(figures["freshness"].items()):
        lines.append(f"  {'append -> projected (reporting), ' + source:44} {fresh.get('measured', 0):>6} "
                     f"{fresh.get('lag_p50_ms') or float('nan'):7.1f} {'':>7} {fresh.get('lag_p99_ms') or float('nan'):7.1f}")
    http = defaultdict(list)
    for kind, sent, answered, status in results:
        http[kind].append(answered - sent)
    lines.append(f"  {'HTTP edit, request to response':44} {len(results):>6} "
                 f"{_ms([t for values in http.values() for t in values])}")
    for kind, values in sorted(http.items()):
        lines.append(f"    {kind:42} {len(values):>6} {_ms(values)}")
    lines += [
        f"  {'baseline: bare RPC round trip (orgs.head)':44} {len(figures['rpc_round_trips']):>6} "
        f"{_ms(figures['rpc_round_trips'])}",
        f"  {'the watcher: indicators RPC round trip':44} {len(figures['poll_round_trips']):>6} "
        f"{_ms(figures['poll_round_trips'])}   (polled every {1e3 * POLL:.0f} ms)",
    ]
    if figures["poll_errors"] or figures["rpc_failed"]:
        lines.append(f"  failed reads: watcher {len(figures['poll_errors'])} (first: {figures['poll_errors'][:1]}), "
                     f"baseline {figures['rpc_failed']}")
    return "\n".join(lines)
