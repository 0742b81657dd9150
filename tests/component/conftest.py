"""The component tier: one database at a time (a SQLite file, or PostgreSQL where the test is
about storage), no broker and no service process; services are called in this process."""
from __future__ import annotations

import pytest

from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.orgs import readmodel
from services.orgs.service import OrgsService
from tests.inprocess import InProcess


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
def orgs(store):
    """The orgs service's RPCs over `store`, in this process."""
    return InProcess(OrgsService, log=store)
