import pytest

from tests.support import pg_database, running_system

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
