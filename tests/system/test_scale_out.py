"""Each service scaled on its own: three orgs, two people, two reporting and two gateway processes
on one RabbitMQ and one PostgreSQL, under a mixed load through both gateways. Meanwhile one orgs
replica and one gateway are stopped with SIGTERM (each must finish its in-flight work within the
shutdown timeout) and the orgs replica holding the relay is SIGKILLed (another takes the relay
over). Afterwards: the work was spread over the replicas, every acknowledged command is in its
source log exactly once, the chains verify and the projections equal a fresh replay."""
from __future__ import annotations

import json
import signal
import time
from collections import Counter

import pytest

from services.chassis.database import make_engine
from services.contracts.orgs import events as orgs_events
from services.contracts.people import events as people_events
from services.chassis.store import EventStore
from tests.support import free_port, running_system
from tests.workload import Workload

from .api import nation_value, wait_for

REPLICAS = {"orgs-2": "orgs", "orgs-3": "orgs", "people-2": "people", "reporting-2": "reporting"}
SHUTDOWN_TIMEOUT_S = 8  # SANPHALANG_SHUTDOWN_TIMEOUT's default
LOAD_S = 8  # seconds of load before, between and after the faults


def _relay_position(system) -> int:
    """How far orgs' relay has published, from the cursor in orgs' own database."""
    engine = make_engine(system.database_urls["orgs"])
    try:
        return EventStore(engine, "orgs").relay_position()
    finally:
        engine.dispose()


def _stop(system, name: str, sig=signal.SIGTERM) -> float:
    """Signal a process and wait for it to exit; the seconds that took."""
    process = system.processes.pop(name)
    began = time.monotonic()
    process.send_signal(sig)
    process.wait(SHUTDOWN_TIMEOUT_S + 20)
    return time.monotonic() - began


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The system, its load and what happened to it, recorded once for the module's tests."""
    with running_system(tmp_path_factory.mktemp("scale"), "postgres") as system:
        for name, service in REPLICAS.items():
            system.start(service, name)
        port = free_port()
        system.start("gateway", "gateway-2", SANPHALANG_PORT=str(port))
        second = f"http://127.0.0.1:{port}"
        system.wait_answering(["orgs", "people", "reporting"])
        wait_for(lambda: _healthy(second), timeout=60, step=0.2)
        load = Workload([system.url, second], system.admin_token).start()
        wait_for(lambda: _every_replica_working(system, load), timeout=120, step=0.5)
        time.sleep(LOAD_S)
        stopped = {"orgs-2": _stop(system, "orgs-2"), "gateway-2": _stop(system, "gateway-2")}
        time.sleep(LOAD_S / 2)
        _stop(system, "orgs", signal.SIGKILL)
        time.sleep(LOAD_S)
        load.stop()
        system.settle(timeout=120)
        yield system, load, stopped


def _every_replica_working(system, load: Workload) -> bool:
    """Each replica has answered a registration and each gateway has had one acknowledged: the
    faults below come once all of them take part, however slowly the machine starts them."""
    registers = [(name, f"{service}.register") for name, service in {**REPLICAS, "orgs": "orgs", "people": "people"}.items()
                 if service != "reporting"]
    return all(_handled(system, name, entrypoint) for name, entrypoint in registers) and \
        len({a.gateway for a in list(load.acknowledged)}) == 2


def _healthy(url: str) -> bool:
    import requests

    try:
        return requests.get(f"{url}/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _handled(system, name: str, entrypoint: str) -> int:
    """How many `entrypoint` calls a process's log says it answered."""
    count = 0
    for line in system.log(name).splitlines():
        if line.startswith("{") and line.endswith("}"):  # the last line may be half-written yet
            record = json.loads(line)
            count += record.get("entrypoint") == entrypoint and record.get("outcome") == "ok"
    return count


def _registered(system, source: str, event_type: str) -> Counter:
    """Each record's registration events in a source's log, counted by record id."""
    counts, seq = Counter(), 0
    with system.rpc(timeout=60) as rpc:
        while events := getattr(rpc, source).events_since(seq, 10_000):
            counts.update(e["stream"].split("-", 1)[1] for e in events if e["type"] == event_type)
            seq = events[-1]["seq"]
    return counts


def test_the_work_is_spread_over_the_replicas(run):
    system, load, _ = run
    orgs = {name: _handled(system, name, "orgs.register") for name in ("orgs", "orgs-2", "orgs-3")}
    people = {name: _handled(system, name, "people.register") for name in ("people", "people-2")}
    gateways = Counter(a.gateway for a in load.acknowledged)
    print("registrations answered per replica:", orgs, people, dict(gateways))
    assert all(orgs.values()) and all(people.values()) and len(gateways) == 2
    assert sum(orgs.values()) >= load.count("org")


def test_every_acknowledged_command_is_in_its_log_exactly_once(run):
    system, load, _ = run
    assert load.count("org") > 20 and load.count("person") > 5 and not load.given_up
    for kind, source, event_type in (("org", "orgs", orgs_events.REGISTERED), ("person", "people", people_events.REGISTERED)):
        acknowledged = {a.id for a in load.acknowledged if a.kind == kind}
        assert len(acknowledged) == load.count(kind), f"one {kind} acknowledged under two keys"
        logged = _registered(system, source, event_type)
        assert set(logged) == acknowledged and set(logged.values()) == {1}
    wait_for(lambda: nation_value(system.url) == load.count("org"), timeout=60, step=0.3)


def test_sigterm_finishes_in_flight_work_within_the_shutdown_timeout(run):
    system, load, stopped = run
    print("stopped in seconds:", stopped, "failed sends, retried:", dict(load.errors))
    assert all(seconds <= SHUTDOWN_TIMEOUT_S + 2 for seconds in stopped.values()), stopped
    assert load.in_flight_lost == 0
    assert "requests still running" not in system.log("gateway-2") and "gateway stopping" in system.log("gateway-2")
    assert "work still running" not in system.log("orgs-2") and "orgs stopped in" in system.log("orgs-2")


def test_the_relay_goes_on_in_the_replicas_left(run):
    """The relay is singleton work (an advisory lock per source): whichever replica holds the
    lock publishes, and when one is killed the others go on, so the cursor reaches the head."""
    system, _, _ = run
    with system.rpc() as rpc:
        head = rpc.orgs.head()["seq"]
    wait_for(lambda: _relay_position(system) == head, timeout=30, step=0.2)


def test_the_chains_verify_and_the_projections_equal_a_fresh_replay(run):
    system, _, _ = run
    result = system.cli("verify", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
