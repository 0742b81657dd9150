"""The OpenAPI contract, fuzzed: schemathesis reads /api/v1/openapi.json from the running
gateway (PostgreSQL behind it) and sends generated requests to every operation over HTTP, as
an admin with a Bearer token made by the CLI. Every response must be no server error, carry a
status code the spec lists, and match the spec's schema for that code.

Bounded: MAX_EXAMPLES cases per operation, derandomized (the same cases every run), a per-case
deadline; all operations' failures are reported together, each with a curl line to repeat it."""
from __future__ import annotations

import subprocess
import sys

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.support import ROOT, running_system

MAX_EXAMPLES = 100
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
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


def run_operation(operation, base_url: str, headers: dict) -> list[str]:
    """Fuzz one operation; the distinct failures, each with its reproduction."""
    failures: dict[str, str] = {}

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def fuzz(case):
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (FailureGroup, transport errors)
            kinds = sorted({getattr(e, "title", type(e).__name__) for e in getattr(error, "exceptions", [error])})
            failures.setdefault(", ".join(kinds), str(error).strip())

    fuzz()
    return [f"{operation.label}: {text}" for text in failures.values()]


def test_every_operation_conforms_to_the_spec(system, admin_token):
    schema = schemathesis.openapi.from_url(f"{system.url}/api/v1/openapi.json", timeout=30)
    headers = {"Authorization": f"Bearer {admin_token}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures += run_operation(operation, system.url, headers)
    assert operations >= 10, f"only {operations} operations in the spec"
    assert not failures, f"{len(failures)} contract failures:\n\n" + "\n\n".join(failures)
