"""The OpenAPI contract, fuzzed: schemathesis reads /api/v1/openapi.json from the running
gateway (PostgreSQL behind it) and sends generated requests to every operation over HTTP, as
an admin with a Bearer token made by the CLI. Every response must be no server error, carry a
status code the spec lists, and match the spec's schema for that code.

Bounded: MAX_EXAMPLES cases per operation (openapi_fuzz.py), derandomized (the same cases every run), a per-case
deadline; all operations' failures are reported together, each with a curl line to repeat it.
The operations are fuzzed in shares at once, each share a process of its own
(tests/system/openapi_fuzz.py), each part of the API (orgs, people...) whole in one share."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import schemathesis

from tests.support import ROOT, running_system

from .openapi_fuzz import share_out

WORKERS = max(2, os.cpu_count() or 2)  # shares fuzzed at once


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


@pytest.mark.timeout(600)  # its system's start, then two shares of ~25 operations fuzzed at once
def test_every_operation_conforms_to_the_spec(system, admin_token, tmp_path):
    schema = schemathesis.openapi.from_url(f"{system.url}/api/v1/openapi.json", timeout=30)
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert len(labels) >= 10, f"only {len(labels)} operations in the spec"
    workers = []
    for n, share in enumerate(share_out(labels, WORKERS)):
        report, log = tmp_path / f"share-{n}.json", tmp_path / f"share-{n}.log"
        env = {**os.environ, "SANPHALANG_FUZZ_URL": system.url, "SANPHALANG_FUZZ_TOKEN": admin_token,
               "SANPHALANG_FUZZ_OPERATIONS": json.dumps(share), "SANPHALANG_FUZZ_REPORT": str(report)}
        with open(log, "wb") as output:
            workers.append((subprocess.Popen([sys.executable, "-m", "tests.system.openapi_fuzz"], env=env, cwd=ROOT,
                                             stdout=output, stderr=subprocess.STDOUT), report, log))
    failures, fuzzed = [], []
    try:
        for worker, report, log in workers:
            assert worker.wait(540) == 0, log.read_text(errors="replace")[-5000:]
            result = json.loads(report.read_text())
            fuzzed += result["operations"]
            failures += result["failures"]
    finally:
        for worker, _, _ in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert sorted(fuzzed) == sorted(labels), "every operation fuzzed, once"
    assert not failures, f"{len(failures)} contract failures:\n\n" + "\n\n".join(failures)
