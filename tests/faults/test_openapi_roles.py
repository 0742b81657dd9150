"""`make test-faults`: the OpenAPI contract fuzzed as every role other than the admin at
ROLE_EXAMPLES cases per operation (`make test` sends 8: tests/system/test_openapi_contract.py),
on a PostgreSQL system of its own: no server error, status codes and bodies as the spec says,
every event accounted for by a 2xx answer of its user, none by the auditor or the public, and
every log's chain verifies (tests/system/openapi_roles.py)."""
from __future__ import annotations

import pytest
import schemathesis

from tests.support import running_system
from tests.system.openapi_roles import check_roles

ROLE_EXAMPLES = 60
SHARES = 2  # processes a role: the three roles' six at once keep the gateway busy


@pytest.mark.timeout(3600)
def test_every_operation_as_every_other_role_at_length(tmp_path):
    with running_system(tmp_path, "postgres") as system:
        schema = schemathesis.openapi.from_url(f"{system.url}/api/v1/openapi.json", timeout=30)
        labels = [result.ok().label for result in schema.get_all_operations()]
        reports = check_roles(system, labels, tmp_path, examples=ROLE_EXAMPLES, shares=SHARES, ignore=set())
    assert all(report["cases"] >= len(labels) for report in reports.values())
