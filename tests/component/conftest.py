"""The component tier: one database at a time (a SQLite file, or PostgreSQL where the test is
about storage), no broker and no service process; services are called in this process."""
from __future__ import annotations

import pytest

from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.orgs import readmodel
from services.orgs.service import OrgsService
from tests.inprocess import InProcess, Pool
from tests.keys import asker


def orgs_store(url: str) -> EventStore:
    """The orgs service's event store and register, schema created, on the database at `url`."""
    engine = make_engine(url)
    store = EventStore(engine, "orgs")
    store.create_schema()
    readmodel.create_schema(engine)
    return store


@pytest.fixture
def store(tmp_path):
    """The orgs service's event store and register on a fresh SQLite file."""
    store = orgs_store(f"sqlite:///{tmp_path / 'orgs.sqlite'}")
    yield store
    store.engine.dispose()


@pytest.fixture
def backend_store(database_url):
    """The orgs service's event store and register on the backend under test (a SQLite file, or
    a PostgreSQL database): a module's `store` where what it tests is stored."""
    store = orgs_store(database_url)
    yield store
    store.engine.dispose()


@pytest.fixture
def orgs(store):
    """The orgs service's RPCs over `store`, in this process."""
    return InProcess(OrgsService, log=store, asking=asker("orgs"))


@pytest.fixture
def signed_in(monkeypatch):
    """Sign a user in for the pages: `signed_in(user)` (center staff of P50 to begin with)."""
    import gateway.api as api
    import gateway.web as web
    import gateway.web.orgs as pages

    from .org_pages import STAFF

    def sign_in(user):
        for module in (web, pages, api):  # the pages, and whom the gateway signs the calls for
            monkeypatch.setattr(module, "current_user", lambda: user)

    sign_in(STAFF)
    return sign_in


@pytest.fixture
def client(orgs, signed_in):
    """Flask's test client of the gateway over the orgs service in this process."""
    from gateway.app import create_app

    app = create_app(pool=Pool(orgs=orgs))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    return app.test_client()


@pytest.fixture
def engine(database_url):
    """An empty indicator projection (reporting's tables) on the backend's database."""
    from services.reporting import projections

    engine = make_engine(database_url)
    projections.create_schema(engine)
    yield engine
    engine.dispose()
