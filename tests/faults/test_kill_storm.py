"""`make test-faults`: a longer storm than the suite can afford. Registrations keep arriving
while the orgs and reporting processes are SIGKILLed and restarted at random; afterwards every
accepted registration is counted exactly once and verify finds the projection equal to a replay."""
from __future__ import annotations

import random
import threading
import time

import requests

from tests.system.api import admin, nation_value, org, wait_for
from tests.support import running_system

DURATION_S = 60


def test_kill_storm_loses_nothing_and_counts_nothing_twice(backend, tmp_path):
    rnd = random.Random(7)
    with running_system(tmp_path, backend) as system:
        accepted, stop = [], threading.Event()

        def client():
            n = 0
            while not stop.is_set():
                n += 1
                key = f"storm-{threading.get_ident()}-{n}"
                for _ in range(20):  # retry the same key until the system answers
                    try:
                        response = admin.post(f"{system.url}/api/v1/orgs", json=org(f"กลุ่มพายุ {n}"),
                                                 headers={"Idempotency-Key": key}, timeout=10)
                        if response.status_code == 201:
                            accepted.append(response.json()["id"])
                            break
                    except requests.RequestException:
                        pass
                    time.sleep(0.5)

        clients = [threading.Thread(target=client) for _ in range(4)]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + DURATION_S
        kills = 0
        while time.monotonic() < deadline:
            time.sleep(rnd.uniform(2, 6))
            victim = rnd.choice(["orgs", "reporting"])
            system.kill(victim)
            kills += 1
            time.sleep(rnd.uniform(0.1, 1.5))
            system.start(victim)
        stop.set()
        for thread in clients:
            thread.join(60)
        assert kills >= 5 and accepted
        expected = len(set(accepted))
        assert expected == len(accepted), "an idempotency key registered twice"
        wait_for(lambda: nation_value(system.url) == expected, timeout=120, step=0.5)
        result = system.cli("verify", timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
