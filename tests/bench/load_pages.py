"""Page and API reads under load: 100 concurrent users (locust, its own process) against a
system on PostgreSQL holding `count` organizations (the full dataset: 200,000), reading the
list page, search, record pages, the API list, search and records, and the indicators. Each
p95 is printed beside baselines measured under the same load in the same run: a static file
served by the same gateway (the server's floor) and /health (one RPC round trip).

Two runs, one after the other, at two paces (PACES): people reading before the next click
(the target's load), then every user clicking about once a second (the capacity).

    python -m tests.bench.run --only pages [--orgs N]
    SANPHALANG_BENCH_USERS=100 SANPHALANG_BENCH_SECONDS=60 SANPHALANG_BENCH_THINK=3,10  (defaults)
    SANPHALANG_BENCH_GATEWAYS=2: that many gateway processes, the users dealt out among them"""
from __future__ import annotations

import csv
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from eventlet.greenpool import GreenPool

from services.registry import BUILT_SERVICES
from tests.support import ROOT, free_port

from .data import org_rows
from .import_orgs import CHUNK, IN_FLIGHT, caught_up, write_side

TARGET_P95_MS = 150.0
SPAWN_RATE = 5  # users arriving a second
SIGN_IN_GRACE = 300  # seconds the sign-ins may take past the arrival before the run is given up
# Seconds between one user's requests. "people": center staff reading a list or a record
# before the next click (the target's load); "stress": every user clicking about once a
# second, to show the capacity (requests/s served) of this 2-core machine.
PACES = {"people": os.environ.get("SANPHALANG_BENCH_THINK", "3,10"), "stress": "0.5,1.5"}
USERS = int(os.environ.get("SANPHALANG_BENCH_USERS", "100"))
GATEWAYS = int(os.environ.get("SANPHALANG_BENCH_GATEWAYS", "1"))
SECONDS = int(os.environ.get("SANPHALANG_BENCH_SECONDS", "60"))
TERMS = ["กลุ่ม", "ออมทรัพย์", "วิสาหกิจ", "บ้าน", "สหกรณ์", "ผู้สูงอายุ", "เครือข่าย", "savings", "group", "น้ำ"]


def _load(system, rows: list[dict]) -> None:
    """The rows through the real batch path, as the import benchmark does."""
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    lanes = [chunks[lane::IN_FLIGHT] for lane in range(IN_FLIGHT)]

    def send(lane):
        with system.rpc(timeout=600) as own:
            return [own.orgs.register_batch(chunk) for chunk in lane]

    list(GreenPool(IN_FLIGHT).imap(send, lanes))
    with system.rpc(timeout=600) as rpc:
        caught_up(rpc, len(rows))


def _cli(system, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "sanphalang", *args], env=system.env, cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"sanphalang {' '.join(args)}: {done.stderr or done.stdout}")
    return done.stdout


def run(count: int) -> dict:
    # readers' replicas serve RPCs concurrently (the default workers), unlike the bulk loads'
    with write_side(max_workers=int(os.environ.get("SANPHALANG_MAX_WORKERS", "10"))) as system:
        started = time.perf_counter()
        _load(system, org_rows(count))
        loaded_s = time.perf_counter() - started
        # the other registers, empty (their own SQLite): the gateway's /health asks every one
        others = [s for s in BUILT_SERVICES if s not in system.services.values()]
        for service in others:
            system.start(service)
        system.wait_answering(others)
        # 100 people signing in from one loopback address: the per-address limit would
        # refuse all but ten of them, and their page reads would measure the sign-in redirect
        system.start("gateway", SANPHALANG_SIGN_IN_LIMIT="1000 per minute")
        system.wait_healthy()
        hosts = [system.url] + [_replica(system, n) for n in range(1, GATEWAYS)]
        user, password = "bench-reader", secrets.token_urlsafe(12)
        _cli(system, "users", "add", user, "--role", "admin", "--password-stdin", stdin=password + "\n")
        token = _cli(system, "users", "token", user).split()[-1]
        work = Path(tempfile.mkdtemp(prefix="sanphalang-load-"))
        ids = requests.get(f"{system.url}/api/v1/orgs", params={"per_page": 500},
                           headers={"Authorization": f"Bearer {token}"}, timeout=60).json()["items"]
        (work / "ids.txt").write_text("\n".join(org["id"] for org in ids))
        (work / "terms.txt").write_text("\n".join(TERMS), encoding="utf-8")
        env = {**os.environ, "SANPHALANG_BENCH_USER": user, "SANPHALANG_BENCH_PASSWORD": password,
               "SANPHALANG_BENCH_TOKEN": token, "SANPHALANG_BENCH_IDS": str(work / "ids.txt"),
               "SANPHALANG_BENCH_TERMS": str(work / "terms.txt"), "SANPHALANG_BENCH_HOSTS": " ".join(hosts)}
        env.pop("PSYCOPG_WAIT_FUNC", None)
        runs = {pace: _locust(system, env, work, pace, think) for pace, think in PACES.items()}
    return {"count": count, "loaded_s": loaded_s, "users": USERS, "seconds": SECONDS, "runs": runs,
            "gateways": GATEWAYS}


def _replica(system, n: int) -> str:
    """Another gateway process on a port of its own (same secret key and accounts): its URL."""
    port = free_port()
    system.start("gateway", name=f"gateway-{n}", SANPHALANG_PORT=str(port), SANPHALANG_SIGN_IN_LIMIT="1000 per minute")
    url = f"http://127.0.0.1:{port}"
    system.wait_healthy(url=url)
    return url


def _locust(system, env: dict, work: Path, pace: str, think: str, users: str = "locust_pages.py") -> dict:
    """One locust run of USERS users (of the locust file `users`) for SECONDS at this pace: its
    stats per request name."""
    # Users arrive at SPAWN_RATE a second, each signing in (an Argon2 check); the figures are
    # reset once every one has signed in (locust_pages.py), so they cover SECONDS of reading
    # by every user, not a sign-in storm no center would make. The time limit only guards.
    ramp = -(-USERS // SPAWN_RATE)
    signed_in = work / f"{pace}_signed_in.txt"
    locust = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name(users)), "--headless",
         "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{ramp + SECONDS + SIGN_IN_GRACE}s", "--host", system.url,
         "--csv", str(work / pace), "--only-summary", "--stop-timeout", "5", "--exit-code-on-error", "0",
         "--loglevel", "WARNING"],
        env={**env, "SANPHALANG_BENCH_THINK": think, "SANPHALANG_BENCH_WINDOW": str(SECONDS),
             "SANPHALANG_BENCH_SIGNED_IN": str(signed_in)}, cwd=ROOT, capture_output=True, text=True,
        timeout=ramp + SECONDS + SIGN_IN_GRACE + 120,
    )
    if not signed_in.exists():
        raise RuntimeError(f"not every user signed in within {ramp + SIGN_IN_GRACE} s:\n{locust.stderr[-4000:]}")
    path = work / f"{pace}_stats.csv"
    if not path.exists():
        raise RuntimeError(f"locust did not report:\n{locust.stderr[-4000:]}")
    with open(path, newline="", encoding="utf-8") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    took, refused = signed_in.read_text().split()
    return {"think": think, "stats": stats, "csv": str(path), "signed_in_s": float(took), "refused": int(refused)}


def report(figures: dict) -> str:
    lines = [f"page and API reads, {figures['users']} signed-in users for {figures['seconds']} s at each pace "
             f"through {figures.get('gateways', 1)} gateway process(es) "
             f"(locust, loopback), PostgreSQL with {figures['count']:,} organizations (loaded in "
             f"{figures['loaded_s']:.0f} s)"]
    for pace, run in figures["runs"].items():
        stats = {name: row for name, row in run["stats"].items() if name != "Aggregated" and int(row["Request Count"])}
        low, high = run["think"].split(",")
        total = run["stats"].get("Aggregated", {})
        lines += [f"  {pace}: {low}-{high} s between one user's requests, "
                  f"{float(total.get('Requests/s', 0)):.1f} requests/s served "
                  f"(all signed in {run['signed_in_s']:.0f} s after the first arrived, {run['refused']} refused; "
                  f"figures from then on)",
                  f"    {'':34} {'requests':>9} {'failed':>7} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>7}"]
        for name, row in sorted(stats.items(), key=lambda item: (item[0].startswith("baseline"), item[0])):
            lines.append(f"    {name:34} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7,} "
                         f"{row['50%']:>7} {row['95%']:>7} {float(row['Requests/s']):>7.1f}")
        reads = [row for name, row in stats.items() if name.startswith(("page:", "api:"))]
        worst = max((float(row["95%"]) for row in reads), default=float("nan"))
        failed = sum(int(row["Failure Count"]) for row in reads)
        verdict = f"target <= {TARGET_P95_MS:.0f} ms" if pace == "people" else "capacity, no target"
        lines.append(f"    worst read p95: {worst:.0f} ms, {failed} failed reads   ({verdict}; baselines: static file, "
                     f"/health, under the same load)")
        lines.append(f"    locust figures: {run['csv']}")
    return "\n".join(lines)
