"""The fault suite's bounded form: under a recorded workload through the gateway, every fault
local to one system once (each process SIGKILLed, the broker's connections cut, poison,
duplicated, reordered and dropped batches). Every acknowledged command is then in its log
exactly once, nothing else is, the chains verify, the projections equal a fresh replay and the
poison waits in the dead letters. `make test-faults` runs every fault several times, with the
broker and PostgreSQL restarted too (tests/faults/test_fault_suite.py)."""
from __future__ import annotations

import random

import pytest

from tests.faults.kit import Faults, dead_letters, plan, run_phases, save
from tests.support import running_system
from tests.workload import Workload


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    rnd = random.Random(16)
    with running_system(tmp_path_factory.mktemp("faults"), "postgres") as system:
        before = dead_letters(system)
        load = Workload([system.url], system.admin_token, clients=3).start()
        rows = run_phases(system, load, plan(Faults(system, rnd), broker_and_database=False), 1, rnd, gap=(0.5, 1.5))
        save(rows, "faults-bounded")
        yield system, load, rows, before


@pytest.mark.timeout(600)  # the faults run in the fixture, within the first test's time
def test_nothing_acknowledged_is_lost_or_done_twice(outcome):
    _, load, rows, _ = outcome
    assert all(row.injected == 1 for row in rows) and sum(row.acknowledged for row in rows) > 0
    assert [row.fault for row in rows if row.lost or row.duplicated] == []
    assert not load.given_up


def test_the_poison_waits_in_the_dead_letters(outcome):
    system, _, _, before = outcome
    after = dead_letters(system)
    assert all(after[queue] > before.get(queue, 0) for queue in after if queue.startswith("reporting.")), after


def test_the_chains_verify_and_the_projections_equal_a_fresh_replay(outcome):
    system, *_ = outcome
    result = system.cli("verify", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
