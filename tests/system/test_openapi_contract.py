"""The OpenAPI contract, fuzzed: schemathesis reads /api/v1/openapi.json from the running
gateway (PostgreSQL behind it) and sends generated requests to every operation over HTTP, as
an admin with a Bearer token made by the CLI. Every response must be no server error, carry a
status code the spec lists, and match the spec's schema for that code.

Bounded: MAX_EXAMPLES cases per operation (openapi_fuzz.py), derandomized (the same cases every run), a per-case
deadline; all operations' failures are reported together, each with a curl line to repeat it.
The operations are fuzzed in shares at once, each share a process of its own
(tests/system/openapi_fuzz.py), each part of the API (orgs, people...) whole in one share.

Then, on the same system, every operation again as each other role (center staff of P50, an
auditor, the public with no token: tests/system/openapi_roles.py), ROLE_EXAMPLES cases each
(tests/faults/test_openapi_roles.py sends more): the same checks, and no partial write."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import schemathesis

from tests.hostile import tried
from tests.support import ROOT, running_system

from .openapi_roles import check_roles, collect, fuzz_in_shares

WORKERS = max(2, os.cpu_count() or 2)  # shares fuzzed at once
ROLE_EXAMPLES = 8  # cases per operation and role: the roles' bounded run in `make test`


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """A system of its own: the fuzzed requests write what they may, and the derandomized cases
    meet the same data every run."""
    with running_system(tmp_path_factory.mktemp("contract"), "postgres") as running:
        yield running


@pytest.fixture(scope="module")
def admin_token(system) -> str:
    """`sanphalang users add ... --role admin --password-stdin`, then `users token`."""
    def cli(*args, stdin=None):
        done = subprocess.run([sys.executable, "-m", "sanphalang", *args], env=system.env, cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr or done.stdout
        return done.stdout

    cli("users", "add", "contract-admin", "--role", "admin", "--password-stdin", stdin="contract-admin-pw-1\n")
    return cli("users", "token", "contract-admin").split()[-1]


@pytest.fixture(scope="module")
def labels(system) -> list[str]:
    schema = schemathesis.openapi.from_url(f"{system.url}/api/v1/openapi.json", timeout=30)
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert len(labels) >= 10, f"only {len(labels)} operations in the spec"
    return labels


@pytest.mark.timeout(600)  # its system's start, then two shares of ~40 operations fuzzed at once
def test_every_operation_conforms_to_the_spec(system, admin_token, labels, tmp_path):
    result = collect(fuzz_in_shares(system.url, admin_token, labels, WORKERS, tmp_path), timeout=540)
    tried("OpenAPI as admin", operations=len(result["operations"]), cases=result["cases"], **result["answers"])
    assert sorted(result["operations"]) == sorted(labels), "every operation fuzzed, once"
    assert not result["failures"], f"{len(result['failures'])} contract failures:\n\n" + "\n\n".join(result["failures"])


@pytest.mark.timeout(300)
def test_every_operation_conforms_as_every_other_role_and_writes_only_what_it_answered(system, labels, tmp_path):
    check_roles(system, labels, tmp_path, examples=ROLE_EXAMPLES, shares=1, ignore={"contract-admin"})
