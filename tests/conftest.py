"""Top-level test set-up. nameko's standalone RPC needs eventlet's monkey-patching before any
socket exists, or pytest hangs (DESIGN §3); psycopg must wait the green way (see cli._green).
The fixtures every tier past `unit` shares: the backend under test and an empty database of it."""
import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()

import pytest  # noqa: E402

from tests.keys import KEYS  # noqa: E402
from tests.support import pg_database  # noqa: E402

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
