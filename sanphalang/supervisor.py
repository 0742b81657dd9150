"""`sanphalang up`: start every running service as its own process, wait until the gateway
is healthy, print its URL, and stop them all on Ctrl-C (or when one dies)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import requests

from services.settings import PRIVATE, key_store_var

from .config import RUNNING_SERVICES, settings


def environment(service: str) -> dict:
    """A service process's environment: this one's, less the settings private to another
    service. A register of personal data gets its key store's URL from the settings
    (`<NAME>_KEYS_DATABASE_URL`, else its SQLite file under the var directory) and the master
    key if it is set (else it makes, then reads, var/master.key itself); no other does."""
    mine, private = PRIVATE.get(service, ()), {name for names in PRIVATE.values() for name in names}
    out = {k: v for k, v in os.environ.items() if k in mine or k not in private}
    if mine:
        out[key_store_var(service)] = settings().key_store_url(service)
    return out


def start(service: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sanphalang", "serve", service],
        env={**environment(service), **(env or {})},
        start_new_session=True,
    )


def wait_healthy(url: str, timeout: float = 60.0, stopping: threading.Event | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (stopping and stopping.is_set()):
        try:
            if requests.get(f"{url}/health", timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def stop(processes: list[subprocess.Popen], timeout: float | None = None) -> None:
    """SIGTERM to all at once: each finishes its in-flight work within the shutdown timeout;
    whatever still runs a moment after that is killed."""
    timeout = settings().shutdown_timeout + 1.5 if timeout is None else timeout
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def _no_users_yet() -> bool:
    from gateway.users import UserStore
    from services.chassis.database import make_engine

    store = UserStore(make_engine(settings().database_url("gateway")))
    store.create_schema()
    return store.count() == 0


def up() -> int:
    """Ctrl-C and SIGTERM only set a flag, checked between steps: an exception raised by the
    signal could land in a finalizer or a library's cleanup, which would swallow it."""
    config = settings()
    url = f"http://{config.host}:{config.port}"
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    processes = []
    try:
        processes.extend(start(service) for service in RUNNING_SERVICES)
        if not wait_healthy(url, stopping=stopping):
            if stopping.is_set():
                return 0
            print("Sanphalang did not become healthy within 60 s; see the messages above.", file=sys.stderr)
            return 1
        print(f"\nSanphalang is running: {url}\n  API: {url}/api/v1/openapi.json\n  Ctrl-C stops everything.\n",
              flush=True)
        if not stopping.is_set() and _no_users_yet():
            print("No user yet. Create the first admin in another terminal:\n"
                  "  .venv/bin/sanphalang users add admin --role admin\n", flush=True)
        while not stopping.wait(0.5):
            if any(p.poll() is not None for p in processes):
                print("A service stopped; stopping the rest.", file=sys.stderr)
                return 1
        return 0
    finally:
        stop(processes)
