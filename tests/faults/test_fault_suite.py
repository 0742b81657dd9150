"""`make test-faults`: the fault suite. Under a recorded workload through the gateway, each fault
several times at random moments: every process SIGKILLed, the broker's connections cut, RabbitMQ
restarted (`rabbitmqctl stop_app` / `start_app`), PostgreSQL restarted, poison on every consumed
queue, duplicated, reordered and dropped batches. Afterwards every acknowledged command is in its
log exactly once and nothing else is, the chains verify, the projections equal a fresh replay and
the poison waits in the dead letters. It ends by printing the table of faults (and writes it to
test-artifacts/faults.md)."""
from __future__ import annotations

import os
import random

import pytest

from tests.faults.kit import Faults, dead_letters, plan, run_phases, save
from tests.support import running_system
from tests.workload import Workload

TIMES = int(os.environ.get("SANPHALANG_FAULT_TIMES", "3"))  # injections of each fault


@pytest.mark.timeout(3600)
def test_every_fault_survived_with_nothing_lost_or_counted_twice(tmp_path):
    rnd = random.Random(int(os.environ.get("SANPHALANG_FAULT_SEED", "2569")))
    with running_system(tmp_path, "postgres") as system:
        before = dead_letters(system)
        load = Workload([system.url], system.admin_token, clients=4).start()
        rows = run_phases(system, load, plan(Faults(system, rnd), broker_and_database=True), TIMES, rnd)
        save(rows, "faults")
        assert [row.fault for row in rows if row.lost or row.duplicated] == []
        assert not load.given_up
        after = dead_letters(system)
        assert all(after[queue] > before.get(queue, 0) for queue in after if queue.startswith("reporting.")), after
        result = system.cli("verify", timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
