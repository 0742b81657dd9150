import pytest

from tests.integration.conftest import backend  # noqa: F401  (sqlite and postgres)


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.faults)
