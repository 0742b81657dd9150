"""Real infrastructure for tests: throwaway PostgreSQL databases and RabbitMQ vhosts on
loopback, and a whole Sanphalang system started as real processes."""
from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

from services.registry import BUILT_SERVICES, BUILT_SOURCES, GATEWAY, KEY_STORES, PROCESSES
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
    """An empty PostgreSQL database, the block's alone. A run reuses its databases: one given
    back is emptied (every connection to it ended, its schemas dropped with all they hold,
    an empty `public` made again) and handed out again, for CREATE DATABASE
    copies template1 and DROP DATABASE checkpoints (tenths of a second each, per test). The
    run's databases are dropped as it ends (`drop_pg_databases`)."""
    name = _FREE_DATABASES.pop() if _FREE_DATABASES else None
    if name is None:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        create_pg_database(name)
        _DATABASES.add(name)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        try:
            _empty_pg_database(name)
        except Exception:
            _DATABASES.discard(name)
            drop_pg_database(name)
            raise
        _FREE_DATABASES.append(name)


_DATABASES: set[str] = set()  # made by this run
_FREE_DATABASES: list[str] = []  # of those, the emptied ones nobody holds


def _empty_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                     "AND pid <> pg_backend_pid()", (name,))
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
        schemas = [row[0] for row in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")]
        with conn.transaction():
            for schema in schemas:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.execute("CREATE SCHEMA public")
            conn.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")


def drop_pg_databases() -> None:
    """Drop every database this run made (at its end)."""
    _FREE_DATABASES.clear()
    while _DATABASES:
        drop_pg_database(_DATABASES.pop())


@contextmanager
def rabbit_vhost():
    """A vhost of its own, so no queue or message of another run can reach this one. Made with
    guest's permissions in one `rabbitmqctl import_definitions` (each rabbitmqctl call starts an
    Erlang VM: a second or more), then waited for until guest can open it."""
    name = f"sp-test-{uuid.uuid4().hex[:10]}"
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        yield AMQP
        return
    definitions = {"vhosts": [{"name": name}],
                   "permissions": [{"user": "guest", "vhost": name, "configure": ".*", "write": ".*", "read": ".*"}]}
    subprocess.run([ctl, "-q", "import_definitions"], input=json.dumps(definitions), check=True, capture_output=True,
                   text=True, timeout=120)
    uri = f"amqp://guest:guest@127.0.0.1:5672/{name}"
    try:
        _wait_open(uri)
        yield uri
    finally:
        subprocess.run([ctl, "-q", "delete_vhost", name], capture_output=True, timeout=120)


def _wait_open(uri: str, timeout: float = 60) -> None:
    """Until guest may open the vhost (the definitions are applied as the import returns, but
    the broker does not promise it)."""
    from kombu import Connection

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Connection(uri, connect_timeout=5) as connection:
                connection.connect()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


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
        self.services: dict[str, str] = {}  # a process's name -> its service

    def start(self, service: str, name: str | None = None, **env) -> None:
        """Start a service process; `name` tells replicas of one service apart."""
        name = name or service
        self.services[name] = service
        log = open(self.workdir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "sanphalang", "serve", service],
            env={**self.env, **self.private_env.get(service, {}), **env}, cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_all(self, **env_by_service) -> "System":
        """Start every process: the registers, then (once each answers) the services that call
        them, reporting and the gateway, so reporting's first look at the registers' heads finds
        them there. The admin and its API token are made through the CLI meanwhile (the CLI
        needs only the gateway's database, whose schema it creates one at a time with the
        gateway's)."""
        (self.workdir / "var").mkdir(parents=True, exist_ok=True)
        registers = [service for service in self.SERVICES if service in BUILT_SOURCES]
        for service in registers:
            self.start(service, **env_by_service.get(service, {}))
        admin = _Background(lambda: self.token(self.add_user("admin", "admin")))
        try:
            self.wait_answering(registers)
            for service in self.SERVICES:
                if service not in registers:
                    self.start(service, **env_by_service.get(service, {}))
            self.wait_healthy()
        except BaseException:
            with contextlib.suppress(BaseException):
                admin.result()
            raise
        self.admin_token = ADMIN_TOKENS[self.url] = admin.result()
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

    def wait_answering(self, services, timeout: float = 60) -> None:
        """Until each of `services` answers its (public) health RPC."""
        deadline, waiting = time.monotonic() + timeout, list(services)
        while waiting:
            try:
                with self.unsigned_rpc(timeout=5) as rpc:
                    while waiting:
                        getattr(rpc, waiting[0]).health()
                        waiting.pop(0)
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{waiting[0]} did not answer; logs in {self.workdir}") from None
                time.sleep(0.1)

    def wait_healthy(self, timeout: float = 60, url: str | None = None) -> None:
        """Until the gateway (at `url`: a replica's; its own by default) answers /health with 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url or self.url}/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"system not healthy; logs in {self.workdir}")

    def caught_up(self) -> bool:
        """Whether reporting has applied every event of every register's log."""
        sources = [s for s in BUILT_SOURCES if s in self.services.values()]
        with self.rpc() as rpc:
            positions = rpc.reporting.positions()
            return all(positions.get(source) == getattr(rpc, source).head()["seq"] for source in sources)

    def settle(self, timeout: float = 60) -> None:
        """Wait until reporting has caught up with every register (a system shared by several
        modules: what one module wrote is counted before the next one measures)."""
        deadline = time.monotonic() + timeout
        while not self.caught_up():
            if time.monotonic() > deadline:
                raise RuntimeError(f"reporting did not catch up within {timeout} s; logs in {self.workdir}")
            time.sleep(0.1)

    def kill(self, service: str, sig=signal.SIGKILL) -> None:
        process = self.processes.pop(service)
        process.send_signal(sig)
        process.wait(30)

    def stop(self) -> None:
        """SIGTERM and wait: first the callers (the gateway, reporting), then the registers they
        call. Stopped all at once, a caller could be left waiting out its RPC timeout (20 s) for
        a register that has stopped answering, and log that as an error."""
        sources = set(BUILT_SOURCES)
        callers = [p for name, p in self.processes.items() if self.services.get(name, name) not in sources]
        registers = [p for p in self.processes.values() if all(p is not c for c in callers)]
        for group in (callers, registers):
            for process in group:
                if process.poll() is None:
                    process.terminate()
            for process in group:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
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
def running_system(tmp_path: Path, backend: str, env: dict[str, str] | None = None, **env_by_service):
    """A started System on `backend` ("sqlite" or "postgres"), torn down afterwards: `env` is
    given to every process (and the CLI), `env_by_service` to one service's process each.

    The teardown (processes stopped, databases given back, vhost deleted) runs in the background
    while the tests go on; `finish_teardowns()` (at the end of the test session) waits for it."""
    with contextlib.ExitStack() as stack:
        amqp = stack.enter_context(rabbit_vhost())
        urls = stack.enter_context(_databases(backend))
        system = System(tmp_path, amqp, urls, **(env or {}))
        stack.callback(system.stop)
        system.start_all(**env_by_service)
        teardown = stack.pop_all()  # started: from here the teardown is the background's
    try:
        yield system
    finally:
        _TEARDOWNS.append(_Background(teardown.close))


class _Background:
    """`work()` in a thread of its own (a green thread under eventlet's patching);
    `result()` waits for it and returns its value or raises its error."""

    def __init__(self, work):
        self._value, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work) -> None:
        try:
            self._value = work()
        except BaseException as error:  # noqa: BLE001  (handed to whoever waits for it)
            self._error = error

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


_TEARDOWNS: list[_Background] = []


def finish_teardowns() -> None:
    """Wait for every system teardown still running in the background, then drop the run's
    databases (tests/conftest.py calls this at the end of the session; atexit too, for runs
    outside pytest)."""
    errors = []
    while _TEARDOWNS:
        try:
            _TEARDOWNS.pop(0).result()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
    drop_pg_databases()
    if errors:
        raise errors[0]


atexit.register(finish_teardowns)


@contextmanager
def _databases(backend: str):
    if backend == "sqlite":
        yield {}
        return
    with contextlib.ExitStack() as databases:
        names = (*PROCESSES, *(f"{service}_keys" for service in KEY_STORES if service in PROCESSES))
        yield {name: databases.enter_context(pg_database(f"sp_{name}")) for name in names}
