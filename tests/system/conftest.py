"""The system tier: orgs, reporting and the gateway as real processes over the real broker,
on SQLite files or PostgreSQL."""
import pytest

from tests.conftest import BACKENDS
from tests.support import running_system


@pytest.fixture(scope="module", params=BACKENDS)
def system(request, shared_system):
    """The run's running system of each backend (`shared_system` in tests/conftest.py), shared
    by every module that asks for it: tests measure deltas and name what they make uniquely.
    Reporting has caught up with every register when a module gets it."""
    return shared_system(request.param)


@pytest.fixture
def fresh_system(backend, tmp_path):
    """A system of its own, for tests that break or restart things."""
    with running_system(tmp_path, backend) as running:
        yield running
