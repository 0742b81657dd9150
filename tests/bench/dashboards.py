"""Dashboard reads under load (issue 15: p95 <= 150 ms with the national dataset loaded, 100
signed-in users at a person's pace): the dashboards of the nation, a region, a province and a
center (now and as of a past day), their table as a CSV download, the province map's data (the
API's answer for the nation's dashboard, and its shapes), each p95 beside baselines measured
under the same load in the same run: a static file from the same gateway and /health.

The system runs as processes over RabbitMQ, each service on its own PostgreSQL database: orgs,
people and knowledge on copies of the national dataset's logs (`national.py`), reporting on an
empty database that catches up from them (its time is printed), the gateway. Then locust in a
process of its own (`locust_dashboards.py`), as `load_pages.py` runs it: USERS users, each
signing in through the form, then reading the routes of `ROUTES` (places drawn at random) with
3-10 s between clicks, for SECONDS once all have signed in.

    python -m tests.bench.run --only dashboards [--orgs N]
    SANPHALANG_BENCH_USERS=100 SANPHALANG_BENCH_SECONDS=60 SANPHALANG_BENCH_THINK=3,10  (defaults)"""
from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from services import reference
from tests.support import System, pg_database, rabbit_vhost

from .load_pages import SECONDS, USERS, _cli, _locust
from .national import FIRST_DAY, LAST_DAY, SOURCES, heads, national
from .replay import _wait_positions

TARGET_P95_MS = 150.0
THINK = os.environ.get("SANPHALANG_BENCH_THINK", "3,10")  # a person's pace
# (name, path, weight): what the users read. Placeholders are drawn from `_places()`.
ROUTES = [
    ("page: /dashboard", "/dashboard", 3),
    ("page: /dashboard/region/<code>", "/dashboard/region/{region}", 1),
    ("page: /dashboard/province/<code>", "/dashboard/province/{province}", 3),
    ("page: /dashboard/center/<code>", "/dashboard/center/{center}", 3),
    ("page: /dashboard/province/<code>?as_of=", "/dashboard/province/{province}?as_of={as_of}", 1),
    ("page: /dashboard/center/<code>?as_of=", "/dashboard/center/{center}?as_of={as_of}", 1),
    ("download: /dashboard/center/<code>/download.csv", "/dashboard/center/{center}/download.csv?table=indicators", 1),
    ("map: /api/v1/dashboard?scope=nation", "/api/v1/dashboard?scope=nation", 2),
    ("map: province shapes (static GeoJSON)", "/static/web/geo/th-provinces.geojson", 1),
    ("baseline: static file", "/static/web/site.css", 2),
    ("baseline: /health", "/health", 1),
]


def _places() -> dict[str, list[str]]:
    days = (LAST_DAY - FIRST_DAY).days
    return {
        "region": list(reference.REGIONS),
        "province": sorted(p.code for p in reference.provinces()),
        "center": sorted(c.code for c in reference.centers()),
        "as_of": [(FIRST_DAY + timedelta(days=n)).isoformat() for n in range(30, days, 7)],
    }


def run(count: int) -> dict:
    logging.getLogger("amqp").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="sanphalang-dashboards-"))
    with national(count) as urls, pg_database("bench_dash_reporting") as reporting, \
            pg_database("bench_dash_gateway") as gateway, rabbit_vhost() as amqp:
        expected = heads(urls)
        system = System(work, amqp, {**urls, "reporting": reporting, "gateway": gateway},
                        SANPHALANG_RPC_TIMEOUT="60")
        try:
            for source in SOURCES:
                system.start(source)
            system.wait_answering(SOURCES)
            start = time.perf_counter()
            system.start("reporting")
            with system.rpc(timeout=600) as rpc:
                system.wait_answering(["reporting"], timeout=120)
                _wait_positions(rpc, expected)
            caught_up = time.perf_counter() - start
            system.start("gateway", SANPHALANG_SIGN_IN_LIMIT="1000 per minute")
            system.wait_healthy()
            user, password = "bench-dashboards", secrets.token_urlsafe(12)
            _cli(system, "users", "add", user, "--role", "admin", "--password-stdin", stdin=password + "\n")
            (work / "routes.json").write_text(json.dumps(ROUTES), encoding="utf-8")
            (work / "places.json").write_text(json.dumps(_places()), encoding="utf-8")
            env = {**os.environ, "SANPHALANG_BENCH_USER": user, "SANPHALANG_BENCH_PASSWORD": password,
                   "SANPHALANG_BENCH_ROUTES": str(work / "routes.json"),
                   "SANPHALANG_BENCH_PLACES": str(work / "places.json")}
            env.pop("PSYCOPG_WAIT_FUNC", None)
            runs = {"people": _locust(system, env, work, "people", THINK, users="locust_dashboards.py")}
        finally:
            system.stop()
    return {"count": count, "events": expected, "caught_up_s": caught_up, "users": USERS, "seconds": SECONDS,
            "runs": runs, "today": date.today().isoformat()}


def report(figures: dict) -> str:
    events = sum(figures["events"].values())
    lines = [f"dashboard reads, {figures['users']} signed-in users for {figures['seconds']} s (locust, loopback), "
             f"PostgreSQL with the national dataset ({figures['count']:,} organizations, {events:,} events; a fresh "
             f"reporting caught up in {figures['caught_up_s']:.0f} s, {events / figures['caught_up_s']:,.0f} events/s)"]
    for pace, run in figures["runs"].items():
        stats = {name: row for name, row in run["stats"].items() if name != "Aggregated" and int(row["Request Count"])}
        low, high = run["think"].split(",")
        total = run["stats"].get("Aggregated", {})
        lines += [f"  {pace}: {low}-{high} s between one user's requests, "
                  f"{float(total.get('Requests/s', 0)):.1f} requests/s served (all signed in {run['signed_in_s']:.0f} s "
                  f"after the first arrived, {run['refused']} refused; figures from then on)",
                  f"    {'':52} {'requests':>9} {'failed':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"]
        for name, row in sorted(stats.items(), key=lambda item: (item[0].startswith("baseline"), item[0])):
            lines.append(f"    {name:52} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7,} "
                         f"{row['50%']:>7} {row['95%']:>7} {row['100%']:>7}")
        reads = [row for name, row in stats.items() if not name.startswith(("baseline", "sign-in"))]
        worst = max((float(row["95%"]) for row in reads), default=float("nan"))
        failed = sum(int(row["Failure Count"]) for row in reads)
        lines.append(f"    worst read p95: {worst:.0f} ms, {failed} failed reads   (target <= {TARGET_P95_MS:.0f} ms; "
                     f"baselines: static file, /health, under the same load)")
        lines.append(f"    locust figures: {run['csv']}")
    return "\n".join(lines)
