"""The system tier: orgs, reporting and the gateway as real processes over the real broker,
on SQLite files or PostgreSQL."""
import pytest

from tests.conftest import BACKENDS
from tests.support import running_system


@pytest.fixture(scope="module", params=BACKENDS)
def system(request, tmp_path_factory):
    """One running system per backend, shared by a module's tests (they measure deltas)."""
    with running_system(tmp_path_factory.mktemp(f"system-{request.param}"), request.param) as running:
        yield running


@pytest.fixture
def fresh_system(backend, tmp_path):
    """A system of its own, for tests that break or restart things."""
    with running_system(tmp_path, backend) as running:
        yield running
