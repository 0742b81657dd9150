"""The locust users of tests/bench/dashboards.py. Run only as its own process
(`python -m locust -f tests/bench/locust_dashboards.py ...`): locust brings gevent, which must
never be imported into an eventlet-patched process (the bench runner, pytest).

Environment: SANPHALANG_BENCH_ROUTES (a JSON file: [[name, path template, weight], ...], the
templates naming {region}, {province}, {center} and {as_of}), SANPHALANG_BENCH_PLACES (a JSON
file: {"region": [...], "province": [...], "center": [...], "as_of": [...]}: the values the
templates draw from), SANPHALANG_BENCH_USER / SANPHALANG_BENCH_PASSWORD (every user signs in
through /sign-in), SANPHALANG_BENCH_THINK ("MIN,MAX" seconds between one user's requests),
SANPHALANG_BENCH_WINDOW (seconds measured once every user has signed in) and
SANPHALANG_BENCH_SIGNED_IN (receives how long the sign-ins took and how many were refused)."""
from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

ROUTES = json.loads(Path(os.environ["SANPHALANG_BENCH_ROUTES"]).read_text(encoding="utf-8"))
PLACES = json.loads(Path(os.environ["SANPHALANG_BENCH_PLACES"]).read_text(encoding="utf-8"))
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]*)"')
THINK = tuple(float(s) for s in os.environ.get("SANPHALANG_BENCH_THINK", "3,10").split(","))
WINDOW = float(os.environ.get("SANPHALANG_BENCH_WINDOW", "0"))
_run = {"started": time.monotonic(), "signed_in": 0, "refused": 0}


@events.test_start.add_listener
def _started(**_):
    _run["started"] = time.monotonic()


def _signed_in(environment) -> None:
    """Once every user has signed in, the figures start afresh and run WINDOW seconds."""
    _run["signed_in"] += 1
    if not WINDOW or _run["signed_in"] != environment.runner.target_user_count:
        return
    environment.stats.reset_all()
    took = time.monotonic() - _run["started"]
    if os.environ.get("SANPHALANG_BENCH_SIGNED_IN"):
        Path(os.environ["SANPHALANG_BENCH_SIGNED_IN"]).write_text(f"{took:.1f} {_run['refused']}")
    gevent.spawn_later(WINDOW, environment.runner.quit)


class Reader(HttpUser):
    """A signed-in reader of the dashboards, THINK seconds between requests."""
    wait_time = between(*THINK)

    def on_start(self):
        form = self.client.get("/sign-in", name="sign-in").text
        found = CSRF.search(form)
        with self.client.post("/sign-in", name="sign-in", catch_response=True, data={
                "csrf_token": found.group(1) if found else "", "username": os.environ["SANPHALANG_BENCH_USER"],
                "password": os.environ["SANPHALANG_BENCH_PASSWORD"]}) as response:
            if response.url.endswith("/sign-in"):
                response.failure("still on the sign-in page")
                _run["refused"] += 1
        _signed_in(self.environment)

    @task
    def read(self):
        name, template, _ = random.choices(ROUTES, weights=[r[2] for r in ROUTES])[0]
        path = template.format(**{key: random.choice(values) for key, values in PLACES.items()})
        with self.client.get(path, name=name, catch_response=True) as response:
            if "/sign-in" in response.url:
                response.failure("redirected to the sign-in page")
            elif response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
