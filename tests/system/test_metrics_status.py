"""Metrics and status (issue 16) on the run's shared SQLite system, with a second orgs replica
started for this module: `sanphalang status` lists every process (both orgs among them) with
its metrics port and the broker's queues; each process serves its own /metrics there (never on
the gateway's public port); a command through the API moves the gateway's, orgs' and the
event log's counters; an import counts its rows; reporting shows its lag per source."""
from __future__ import annotations

import json
import signal
import uuid
from collections import defaultdict

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from sanphalang.status import known_queues
from services.chassis import deadletters
from services.contracts.orgs.sheet import SHEET
from services.registry import BUILT_SOURCES, GATEWAY

from .api import org, register, wait_for

REPLICA = "orgs-2"


@pytest.fixture(scope="module")
def system(shared_system):
    running = shared_system("sqlite")
    running.start("orgs", name=REPLICA)
    try:
        wait_for(lambda: "orgs started" in running.log(REPLICA), timeout=60, step=0.2)
        yield running
    finally:
        running.kill(REPLICA, signal.SIGTERM)


@pytest.fixture(scope="module")
def status(system) -> dict:
    done = system.cli("status", "--json", timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def ports(system, status) -> dict[str, int]:
    """Each process's metrics port, by its name in the system (orgs, orgs-2, gateway...)."""
    by_pid = {beat["pid"]: beat["metrics_port"] for beat in status["instances"]}
    return {name: by_pid[process.pid] for name, process in system.processes.items()}


def scrape(port: int) -> dict[tuple, float]:
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def total(scrapes: list[dict], name: str, **labels) -> float:
    """A sample summed over processes and over the labels not named."""
    wanted = set(labels.items())
    return sum(value for samples in scrapes for (sample, given), value in samples.items()
               if sample == name and wanted <= given)


def of(system, ports, service: str) -> list[dict]:
    """The scrapes of every process of `service` (its replicas included)."""
    return [scrape(ports[name]) for name in system.processes if system.services.get(name, name) == service]


def test_status_lists_every_instance_both_orgs_among_them(system, status):
    beats = defaultdict(list)
    for beat in status["instances"]:
        beats[beat["service"]].append(beat)
    pids = {name: process.pid for name, process in system.processes.items()}
    assert sorted(beat["pid"] for beat in beats["orgs"]) == sorted([pids["orgs"], pids[REPLICA]])
    assert sorted(beats) == sorted(set(system.services.get(name, name) for name in system.processes))
    for beat in status["instances"]:
        assert beat["version"].startswith("0.") and beat["uptime_s"] >= 0 and beat["metrics_port"] > 0
        assert beat["host"] and not beat["stopping"]
    for beat in beats["orgs"]:
        assert set(beat["lags"]["relay"]["orgs"]) == {"events", "seconds"}
    (reporting,) = beats["reporting"]
    assert set(reporting["lags"]["projection"]) == set(BUILT_SOURCES)


def test_status_gives_the_broker_queues_depths_and_consumers(status):
    queues = {queue["queue"]: queue for queue in status["queues"]}
    assert list(queues) == known_queues()
    dead_letters = set(deadletters.dead_letter_queues())
    for name, queue in queues.items():
        assert isinstance(queue["messages"], int), queue
        assert queue["consumers"] == 0 if name in dead_letters else queue["consumers"] >= 1, queue
    assert queues["rpc-orgs"]["consumers"] == 2  # both replicas
    assert {queues[name]["consumers"] for name in deadletters.consumed_queues()} == {1}  # reporting's


def test_the_plain_status_is_a_table_of_instances_then_of_queues(system):
    done = system.cli("status", "--wait", "2.5", timeout=60)
    assert done.returncode == 0, done.stderr
    instances, queues = done.stdout.split("\n\n")
    assert instances.splitlines()[0].split() == ["SERVICE", "HOST", "PID", "VERSION", "UPTIME", "METRICS", "LAGS"]
    assert [line.split()[0] for line in instances.splitlines()[1:]].count("orgs") == 2
    assert queues.splitlines()[0].split() == ["QUEUE", "MESSAGES", "CONSUMERS"]


def test_every_process_serves_its_metrics_on_its_own_port(system, ports):
    for name, port in ports.items():
        samples = scrape(port)
        assert any(sample == "process_resident_memory_bytes" for sample, _ in samples), name
    public = requests.get(f"{system.url}/metrics", timeout=10)
    assert public.status_code == 404 and "sanphalang_" not in public.text


def test_a_command_through_the_api_moves_the_counters(system, ports):
    http = {"endpoint": "/api/v1/orgs", "method": "POST", "status": "201"}
    rpc = {"service": "orgs", "method": "register", "outcome": "ok"}

    def counts():
        gateway, orgs = of(system, ports, GATEWAY), of(system, ports, "orgs")
        return (total(gateway, "sanphalang_http_requests_total", **http),
                total(gateway, "sanphalang_http_request_duration_seconds_count", endpoint=http["endpoint"]),
                total(orgs, "sanphalang_rpc_requests_total", **rpc),
                total(orgs, "sanphalang_rpc_duration_seconds_count", service="orgs", method="register"),
                total(orgs, "sanphalang_events_appended_total", source="orgs"))

    before = counts()
    created = register(system.url, org(f"กลุ่มวัดผล {uuid.uuid4().hex[:6]}"))
    assert created.status_code == 201, created.text
    after = counts()
    assert after[:4] == tuple(n + 1 for n in before[:4])
    assert after[4] >= before[4] + 1


def test_reporting_shows_its_lags_and_dead_letters_and_each_register_its_relay_lag(system, ports):
    with system.rpc() as rpc:
        head = rpc.orgs.head()["seq"]

    def projected():
        (samples,) = of(system, ports, "reporting")
        return total([samples], "sanphalang_projection_position", source="orgs") >= head and samples

    samples, _ = wait_for(projected, timeout=30, step=0.2)
    for source in BUILT_SOURCES:
        assert (("sanphalang_projection_lag_events", frozenset({("source", source)})) in samples), source
    assert total([samples], "sanphalang_projection_lag_seconds", source="orgs") >= 0
    assert ("sanphalang_projection_lag_seconds", frozenset({("source", "orgs")})) in samples
    for queue in deadletters.consumed_queues():  # the dead letters of the queues reporting consumes
        assert samples[("sanphalang_dead_letters", frozenset({("queue", queue)}))] >= 0, queue
    wait_for(lambda: total(of(system, ports, "orgs"), "sanphalang_relay_lag_events", source="orgs") == 0, timeout=30,
             step=0.2)
    for samples in of(system, ports, "orgs"):
        assert ("sanphalang_relay_lag_seconds", frozenset({("source", "orgs")})) in samples


def test_an_import_counts_its_rows_by_outcome(system, ports, tmp_path):
    tag = uuid.uuid4().hex[:6]
    th = {c.field: c.th for c in SHEET.columns}
    path = tmp_path / "orgs.csv"
    path.write_text(",".join(th[f] for f in ("name", "type", "province", "district", "subdistrict")) + "\r\n"
                    f"กลุ่มนับแถว{tag},other,50,5001,500101\r\n"
                    f"กลุ่มนับแถวผิด{tag},ไม่มีประเภทนี้,50,5001,500101\r\n", encoding="utf-8")

    def rows(outcome: str) -> float:
        return total(of(system, ports, "orgs"), "sanphalang_import_rows_total", register="orgs", outcome=outcome)

    before = {outcome: rows(outcome) for outcome in ("created", "rejected")}
    done = system.cli("import", "orgs", str(path), "--accept-valid-rows")
    assert done.returncode == 1 and "created 1, updated 0, unchanged 0, rejected 1" in done.stdout, done.stdout
    assert {outcome: rows(outcome) for outcome in before} == {"created": before["created"] + 1,
                                                             "rejected": before["rejected"] + 1}
