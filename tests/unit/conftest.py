"""Fixtures the unit tests share."""
from __future__ import annotations

import pytest

from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.orgs import readmodel


@pytest.fixture
def store(tmp_path):
    """The orgs service's event store and register on a fresh SQLite file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'orgs.sqlite'}")
    store = EventStore(engine, "orgs")
    store.create_schema()
    readmodel.create_schema(engine)
    yield store
    engine.dispose()
