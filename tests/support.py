"""Real infrastructure for tests: throwaway PostgreSQL databases and RabbitMQ vhosts on
loopback, and a whole Sanphalang system started as real processes."""
from __future__ import annotations

import base64
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

from services.registry import BUILT_SERVICES, KEY_STORES, PROCESSES
from services.settings import MASTER_KEY, PRIVATE, key_store_var
from tests.keys import KEYS

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
AMQP = "amqp://guest:guest@127.0.0.1:5672/"
ROOT = Path(__file__).resolve().parents[1]


def create_pg_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def pg_database(prefix: str = "sp_test"):
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = create_pg_database(name)
    try:
        yield url
    finally:
        drop_pg_database(name)


@contextmanager
def rabbit_vhost():
    """A vhost of its own, so no queue or message of another run can reach this one."""
    name = f"sp-test-{uuid.uuid4().hex[:10]}"
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        yield AMQP
        return
    subprocess.run([ctl, "-q", "add_vhost", name], check=True, capture_output=True)
    subprocess.run([ctl, "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], check=True, capture_output=True)
    try:
        yield f"amqp://guest:guest@127.0.0.1:5672/{name}"
    finally:
        subprocess.run([ctl, "-q", "delete_vhost", name], capture_output=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ADMIN_TOKENS: dict[str, str] = {}  # a running gateway's URL -> the API token of its admin
PASSWORD = "correct horse battery staple"


def _private(name: str) -> str | None:
    """The service a setting is private to (a key store's URL, the master key), if any."""
    return next((service for service, names in PRIVATE.items() if name in names), None)


class System:
    """Every built service and the gateway as real processes over a real broker and databases.
    A register of personal data gets a key store and a master key of this run (`private_env`)
    that no other process is given: its key store a SQLite file of its own, or the database
    `database_urls` names `<service>_keys`."""

    SERVICES = PROCESSES

    def __init__(self, workdir: Path, amqp_uri: str, database_urls: dict[str, str], **extra_env):
        self.vhost = amqp_uri.rsplit("/", 1)[1] or "/"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.private_env = {service: {
            key_store_var(service): database_urls.get(f"{service}_keys") or
            f"sqlite:///{workdir / 'var' / (service + '_keys.sqlite')}",
            MASTER_KEY: base64.b64encode(os.urandom(32)).decode(),
        } for service in KEY_STORES}
        for name, value in extra_env.items():
            if _private(name):
                self.private_env[_private(name)][name] = value
        extra_env = {k: v for k, v in extra_env.items() if not _private(k)}
        database_urls = {s: url for s, url in database_urls.items() if not _private(f"{s.upper()}_DATABASE_URL")}
        self.env = {
            **{k: v for k, v in os.environ.items() if not _private(k)},
            "SANPHALANG_AMQP_URI": amqp_uri,
            "SANPHALANG_VAR": str(workdir / "var"),
            "SANPHALANG_PORT": str(self.port),
            "SANPHALANG_HOST": "127.0.0.1",
            "SANPHALANG_CATCHUP_INTERVAL": "1",
            "SANPHALANG_RPC_TIMEOUT": "20",
            "SANPHALANG_KEYS": str(KEYS),  # the keys this run signs with (tests/keys.py)
            **{f"{s.upper()}_DATABASE_URL": url for s, url in database_urls.items()},
            **extra_env,
        }
        self.database_urls = {s: self.env.get(f"{s.upper()}_DATABASE_URL") or
                              f"sqlite:///{workdir / 'var' / (s + '.sqlite')}" for s in BUILT_SERVICES}
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, service: str, name: str | None = None, **env) -> None:
        """Start a service process; `name` tells replicas of one service apart."""
        name = name or service
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "sanphalang", "serve", service],
            env={**self.env, **self.private_env.get(service, {}), **env}, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_all(self, **env_by_service) -> "System":
        for service in self.SERVICES:
            self.start(service, **env_by_service.get(service, {}))
        self.wait_healthy()
        self.admin_token = ADMIN_TOKENS[self.url] = self.token(self.add_user("admin", "admin"))
        return self

    def add_user(self, name: str, role: str, center: str | None = None, password: str = PASSWORD) -> str:
        """A user made through the real CLI; returns the name."""
        args = ["users", "add", name, "--role", role, "--password-stdin", *(["--center", center] if center else [])]
        done = subprocess.run([sys.executable, "-m", "sanphalang", *args], env=self.env, cwd=ROOT, input=password + "\n",
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return name

    def token(self, name: str) -> str:
        done = self.cli("users", "token", name)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[-1]

    def session(self, name: str, role: str, center: str | None = None) -> requests.Session:
        """A new user of `role` and an HTTP session that sends their API token."""
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token(self.add_user(name, role, center))}"
        return session

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"system not healthy; logs in {self.workdir}")

    def kill(self, service: str, sig=signal.SIGKILL) -> None:
        process = self.processes.pop(service)
        process.send_signal(sig)
        process.wait(30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sanphalang", *args], env=self.env, cwd=ROOT,
            capture_output=True, text=True, timeout=timeout,
        )

    @contextmanager
    def rpc(self, timeout: float = 30, user=None):
        """A nameko cluster proxy into this system, each call signed by the CLI's key for an
        operator (or `user`): `with system.rpc() as rpc: rpc.orgs.head()`."""
        from services.chassis.assertions import Signed, Signer
        from services.chassis.permissions import ADMIN, User

        with self.unsigned_rpc(timeout) as proxy:
            yield Signed(proxy, Signer.from_file(KEYS / "cli.key"), user or User("cli:test", ADMIN))

    @contextmanager
    def unsigned_rpc(self, timeout: float = 30):
        """A plain nameko cluster proxy into this system, as any broker client could make one:
        its calls carry whatever assertion the caller passes first."""
        from nameko.standalone.rpc import ClusterRpcProxy

        import services.edge.errors  # noqa: F401

        from services.chassis.wire import nameko_options

        config = {"AMQP_URI": self.env["SANPHALANG_AMQP_URI"], **nameko_options()}
        with ClusterRpcProxy(config, timeout=timeout) as proxy:
            yield proxy

    def log(self, service: str) -> str:
        return (self.workdir / f"{service}.log").read_text(errors="replace")


@contextmanager
def running_system(tmp_path: Path, backend: str, **env_by_service):
    """A started System on `backend` ("sqlite" or "postgres"), torn down afterwards."""
    with rabbit_vhost() as amqp, _databases(backend) as urls:
        system = System(tmp_path, amqp, urls)
        try:
            yield system.start_all(**env_by_service)
        finally:
            system.stop()


@contextmanager
def _databases(backend: str):
    if backend == "sqlite":
        yield {}
        return
    with contextlib.ExitStack() as databases:
        names = (*PROCESSES, *(f"{service}_keys" for service in KEY_STORES if service in PROCESSES))
        yield {name: databases.enter_context(pg_database(f"sp_{name}")) for name in names}
