"""Getting events to reporting without losing one (DESIGN §3), against the real broker:
a relay killed between commit and publish, batches duplicated, reordered and dropped."""
from __future__ import annotations

import json
import subprocess

import pytest
import requests

from services.chassis.broker import BatchPublisher, batch_queue
from services.chassis.relay import batch_message
from services.registry import BUILT_SOURCES
from tests.support import running_system

from .api import admin, nation_value, org, register, wait_for


def _positions(system):
    with system.rpc() as rpc:
        return rpc.reporting.positions()["orgs"], rpc.orgs.head()["seq"]


def test_a_relay_killed_after_commit_delivers_exactly_once_after_restart(backend, tmp_path):
    env = {"orgs": {"SANPHALANG_FAULT": "kill_before_publish"}, "reporting": {"SANPHALANG_CATCHUP_INTERVAL": "3600"}}
    with running_system(tmp_path, backend, **env) as system:
        orgs = system.processes["orgs"]
        try:
            register(system.url, org("กลุ่มก่อนล่ม"))
        except requests.RequestException:
            pass  # the service may die before it answers
        assert orgs.wait(30) == -9, "the relay should have died by SIGKILL"
        system.processes.pop("orgs")
        system.start("orgs")  # no fault this time
        seen = []
        try:
            wait_for(lambda: seen.append(_positions(system)) or seen[-1] == (1, 1), timeout=30)
        except AssertionError:
            raise AssertionError(f"(reporting's position, orgs' head) stayed {seen[-1]}") from None
        assert nation_value(system.url) == 1
        verify = system.cli("verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_duplicated_reordered_and_dropped_batches_end_equal_to_a_replay(backend, tmp_path):
    env = {"orgs": {"SANPHALANG_FAULT": "no_relay"}, "reporting": {"SANPHALANG_CATCHUP_INTERVAL": "3600"}}
    with running_system(tmp_path, backend, **env) as system:
        for n in range(20):
            assert register(system.url, org(f"กลุ่มที่ {n}")).status_code == 201
        with system.rpc() as rpc:
            events = rpc.orgs.events_since(0, 100)
        assert [e["seq"] for e in events] == list(range(1, 21))
        batches = [batch_message("orgs", events[i:i + 5]) for i in range(0, 20, 5)]
        publish = BatchPublisher(system.env["SANPHALANG_AMQP_URI"], "orgs")
        # batch 2 first (a gap), batch 2 again (a duplicate), batch 1 late, batch 3 never
        for batch in (batches[1], batches[1], batches[0], batches[3]):
            publish(json.dumps(batch, ensure_ascii=False).encode())
        publish.close()
        wait_for(lambda: _positions(system) == (20, 20), timeout=30)
        assert nation_value(system.url) == 20
        verify = system.cli("verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "equal to a fresh replay" in verify.stdout


def test_the_head_check_brings_in_what_the_broker_never_carried(backend, tmp_path):
    env = {"orgs": {"SANPHALANG_FAULT": "no_relay"}, "reporting": {"SANPHALANG_CATCHUP_INTERVAL": "0.5"}}
    with running_system(tmp_path, backend, **env) as system:
        for n in range(3):
            register(system.url, org(f"กลุ่มเงียบ {n}"))
        wait_for(lambda: nation_value(system.url) == 3, timeout=15)


def test_verify_names_the_source_and_seq_of_a_tampered_event(fresh_system):
    from sqlalchemy import text

    from services.chassis.database import make_engine

    for n in range(3):
        register(fresh_system.url, org(f"กลุ่มบัญชี {n}"))
    wait_for(lambda: _positions(fresh_system) == (3, 3))
    assert fresh_system.cli("verify").returncode == 0
    engine = make_engine(fresh_system.database_urls["orgs"])
    with engine.begin() as conn:
        changed = conn.execute(text("UPDATE events SET data = replace(data, :was, :now) WHERE seq = 2"),
                               {"was": '"members":25', "now": '"members":2500'})
        assert changed.rowcount == 1
    engine.dispose()
    result = fresh_system.cli("verify")
    assert result.returncode != 0
    assert "chain orgs: BROKEN at seq 2" in result.stdout
    replayed = fresh_system.cli("replay")  # stops at the tampered event and says where, in both languages
    assert replayed.returncode != 0
    assert "Replay stopped at orgs seq 2" in replayed.stderr and "การสร้างใหม่หยุดที่ orgs ลำดับ 2" in replayed.stderr


def _heads(system) -> dict[str, int]:
    with system.rpc() as rpc:
        return {source: getattr(rpc, source).head()["seq"] for source in BUILT_SOURCES}


def test_replay_rebuilds_the_same_indicators(system):
    """On the shared system: every event of every register's log is replayed, these five too."""
    start = _heads(system)["orgs"]
    for n in range(5):
        register(system.url, org(f"กลุ่มซ้ำรอย {n}"))
    heads = _heads(system)
    assert heads["orgs"] == start + 5
    wait_for(system.caught_up)
    before = admin.get(f"{system.url}/api/v1/indicators", params={"scope": "center"}, timeout=10).json()
    result = system.cli("replay")
    assert result.returncode == 0, result.stderr
    for source, head in heads.items():
        assert f"{source}: {head} events replayed" in result.stdout, result.stdout
    assert f"replayed {sum(heads.values())} events" in result.stdout
    after = admin.get(f"{system.url}/api/v1/indicators", params={"scope": "center"}, timeout=10).json()
    assert after == before
    assert system.cli("verify").returncode == 0


@pytest.mark.parametrize("service", ["orgs", "reporting"])
def test_the_health_probe_answers_for_each_service(system, service):
    result = system.cli("health", service, timeout=60)
    assert result.returncode == 0 and "ok" in result.stdout


def test_batches_flow_through_a_quorum_queue_as_in_production(tmp_path):
    env = {"reporting": {"SANPHALANG_QUEUE_TYPE": "quorum", "SANPHALANG_CATCHUP_INTERVAL": "3600"}}
    with running_system(tmp_path, "sqlite", **env) as system:
        register(system.url, org("กลุ่มคิวโควรัม"))
        wait_for(lambda: nation_value(system.url) == 1, timeout=10)
        listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", system.vhost, "name", "type"],
                                capture_output=True, text=True, check=True).stdout
        assert f"{batch_queue('orgs')}\tquorum" in listed
