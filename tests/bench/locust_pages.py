"""The locust users of tests/bench/load_pages.py. Run only as its own process
(`python -m locust -f tests/bench/locust_pages.py ...`): locust brings gevent, which must never
be imported into an eventlet-patched process (the bench runner, pytest).

Environment: SANPHALANG_BENCH_USER / SANPHALANG_BENCH_PASSWORD (signs in through /sign-in for
the pages), SANPHALANG_BENCH_TOKEN (Bearer token for the API), SANPHALANG_BENCH_IDS (a file of
organization ids, one a line), SANPHALANG_BENCH_TERMS (search terms, one a line),
SANPHALANG_BENCH_THINK ("MIN,MAX" seconds between one user's requests), SANPHALANG_BENCH_WINDOW
(seconds of reading measured once every user has signed in; the run then ends) and
SANPHALANG_BENCH_HOSTS (gateways' URLs, spaces between: the users are dealt out among them;
default --host) and SANPHALANG_BENCH_SIGNED_IN (a file that receives how many seconds the
sign-ins took and how many were refused: the reset of the figures would otherwise hide them)."""
from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task


def _lines(variable: str) -> list[str]:
    path = os.environ.get(variable)
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line] if path else []


IDS = _lines("SANPHALANG_BENCH_IDS")
TERMS = _lines("SANPHALANG_BENCH_TERMS") or ["กลุ่ม"]
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]*)"')
THINK = tuple(float(s) for s in os.environ.get("SANPHALANG_BENCH_THINK", "3,10").split(","))
WINDOW = float(os.environ.get("SANPHALANG_BENCH_WINDOW", "0"))
HOSTS = os.environ.get("SANPHALANG_BENCH_HOSTS", "").split()
_run = {"started": time.monotonic(), "signed_in": 0, "refused": 0, "users": 0}


@events.test_start.add_listener
def _started(**_):
    _run["started"] = time.monotonic()


def _signed_in(environment) -> None:
    """One more user signed in. Once all have, the figures start afresh and run WINDOW seconds:
    they cover every user reading, not the sign-in storm of the arrival (an Argon2 check
    each), which on a slow machine outlasts the arrival itself."""
    _run["signed_in"] += 1
    if not WINDOW or _run["signed_in"] != environment.runner.target_user_count:
        return
    environment.stats.reset_all()
    took = time.monotonic() - _run["started"]
    if os.environ.get("SANPHALANG_BENCH_SIGNED_IN"):
        Path(os.environ["SANPHALANG_BENCH_SIGNED_IN"]).write_text(f"{took:.1f} {_run['refused']}")
    gevent.spawn_later(WINDOW, environment.runner.quit)


class Reader(HttpUser):
    """A signed-in reader: mostly pages, some API, with THINK seconds between requests."""
    wait_time = between(*THINK)

    def on_start(self):
        if HOSTS:  # this user's gateway, in turn
            self.client.base_url = HOSTS[_run["users"] % len(HOSTS)]
            _run["users"] += 1
        token = os.environ.get("SANPHALANG_BENCH_TOKEN")
        self.api = {"Authorization": f"Bearer {token}"} if token else {}
        user = os.environ.get("SANPHALANG_BENCH_USER")
        if user:
            form = self.client.get("/sign-in", name="sign-in").text
            found = CSRF.search(form)
            with self.client.post("/sign-in", name="sign-in", catch_response=True, data={
                    "csrf_token": found.group(1) if found else "", "username": user,
                    "password": os.environ["SANPHALANG_BENCH_PASSWORD"]}) as response:
                if response.url.endswith("/sign-in"):
                    response.failure("still on the sign-in page")
                    _run["refused"] += 1
        _signed_in(self.environment)

    def page(self, url: str, name: str, **params) -> None:
        """A page read; a redirect to the sign-in page is a failure, not a fast page."""
        with self.client.get(url, params=params, name=name, catch_response=True) as response:
            if "/sign-in" in response.url:
                response.failure("redirected to the sign-in page")

    @task(4)
    def list_page(self):
        self.page(f"/orgs?page={random.randint(1, 20)}", "page: /orgs")

    @task(3)
    def search_page(self):
        self.page("/orgs", "page: /orgs?q=", q=random.choice(TERMS))

    @task(4)
    def record_page(self):
        if IDS:
            self.page(f"/orgs/{random.choice(IDS)}", "page: /orgs/<id>")

    @task(3)
    def api_list(self):
        self.client.get("/api/v1/orgs", params={"page": random.randint(1, 20), "per_page": 50},
                        headers=self.api, name="api: /api/v1/orgs")

    @task(3)
    def api_search(self):
        self.client.get("/api/v1/orgs", params={"q": random.choice(TERMS)}, headers=self.api, name="api: /api/v1/orgs?q=")

    @task(2)
    def api_record(self):
        if IDS:
            self.client.get(f"/api/v1/orgs/{random.choice(IDS)}", headers=self.api, name="api: /api/v1/orgs/<id>")

    @task(2)
    def indicators(self):
        scope = random.choice(["nation", "region", "province", "center"])
        self.client.get("/api/v1/indicators", params={"scope": scope}, headers=self.api, name="api: /api/v1/indicators")

    @task(2)
    def baseline_static(self):
        self.client.get("/static/web/site.css", name="baseline: static file")

    @task(1)
    def baseline_health(self):
        self.client.get("/health", name="baseline: /health")
