"""Top-level test set-up. nameko's standalone RPC needs eventlet's monkey-patching before any
socket exists, or pytest hangs (DESIGN §3); psycopg must wait the green way (see cli._green).
The fixtures every tier past `unit` shares: the backend under test, an empty database of it,
and the run's shared running systems (`shared_system`)."""
import contextlib
import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()

import pytest  # noqa: E402

from tests.keys import KEYS  # noqa: E402
from tests.support import finish_teardowns, pg_database, running_system  # noqa: E402

os.environ["SANPHALANG_KEYS"] = str(KEYS)  # every service, gateway and CLI of this run trusts these

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, tmp_path):
    """An empty database of the backend under test: a SQLite file or a PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    with pg_database() as url:
        yield url


# The shared systems' gateways allow this many sign-ins a minute from one address: the modules
# sharing them all sign in from 127.0.0.1 (the limit itself is tested on a system of its own).
SHARED_ENV = {"SANPHALANG_SIGN_IN_LIMIT": "1000 per minute"}


@pytest.fixture(scope="session")
def shared_system(tmp_path_factory):
    """shared_system(backend) -> the run's one running System on `backend`, started when first
    asked for, stopped at the end of the run, and settled (reporting caught up with every
    register) each time it is asked for. Every module and tier that asks for it shares it: its
    tests measure deltas, name what they make uniquely and break nothing (those that do start
    a system of their own)."""
    with contextlib.ExitStack() as stack:
        started = {}

        def get(backend: str):
            if backend not in started:
                workdir = tmp_path_factory.mktemp(f"shared-{backend}")
                started[backend] = stack.enter_context(running_system(workdir, backend, env=SHARED_ENV))
            started[backend].settle()
            return started[backend]

        yield get


@pytest.fixture(scope="session", autouse=True)
def _system_teardowns():
    """Systems are torn down in the background (tests/support.py); the run ends with them."""
    yield
    finish_teardowns()


def pytest_terminal_summary(terminalreporter):
    """The hostile-input suites' counts of cases tried (tests/hostile.py), when any ran."""
    from tests.hostile import LINES

    if LINES:
        terminalreporter.section("hostile input: cases tried")
        for line in LINES:
            terminalreporter.write_line(line)
