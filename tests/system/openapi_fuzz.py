"""The fuzzing of tests/system/test_openapi_contract.py, one share of the operations in a
process of its own (`python -m tests.system.openapi_fuzz`, no eventlet): the shares run at
once, so one worker's generating and checking overlaps the services' answering another's.

A worker reads from its environment the gateway's URL (SANPHALANG_FUZZ_URL), the admin's
Bearer token (SANPHALANG_FUZZ_TOKEN), the labels of its operations (SANPHALANG_FUZZ_OPERATIONS,
JSON) and where to write its report (SANPHALANG_FUZZ_REPORT): the labels it fuzzed and every
distinct failure, each with a curl line to repeat it."""
from __future__ import annotations

import json
import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

MAX_EXAMPLES = 100
# Reporting's reads take a scope, a code and a day, a small space; each case asks for several
# aggregates (a dashboard: five RPCs), so fewer cases cover them as well
FEWER_EXAMPLES = {"indicators": 30, "dashboard": 30}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def run_operation(operation, base_url: str, headers: dict) -> list[str]:
    """Fuzz one operation; the distinct failures, each with its reproduction."""
    failures: dict[str, str] = {}

    @settings(max_examples=FEWER_EXAMPLES.get(group_of(operation.label), MAX_EXAMPLES), derandomize=True,
              deadline=None, database=None,
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


def group_of(label: str) -> str:
    """The part of the API an operation belongs to: `GET /api/v1/orgs/{org_id}` -> `orgs`."""
    path = label.split(" ", 1)[1]
    return path.removeprefix("/api/v1/").split("/", 1)[0]


def share_out(labels: list[str], workers: int) -> list[list[str]]:
    """The operations in `workers` shares, each part of the API whole in one share (a register's
    operations stay in order, one at a time, as they were fuzzed before), the biggest parts
    first into the smallest share."""
    groups: dict[str, list[str]] = {}
    for label in labels:
        groups.setdefault(group_of(label), []).append(label)
    shares: list[list[str]] = [[] for _ in range(min(workers, len(groups)))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(shares, key=len).extend(group)
    return [sorted(share, key=labels.index) for share in shares]


def main() -> None:
    url, token = os.environ["SANPHALANG_FUZZ_URL"], os.environ["SANPHALANG_FUZZ_TOKEN"]
    mine = set(json.loads(os.environ["SANPHALANG_FUZZ_OPERATIONS"]))
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    fuzzed, failures = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in mine:
            failures += run_operation(operation, url, headers)
            fuzzed.append(operation.label)
    Path(os.environ["SANPHALANG_FUZZ_REPORT"]).write_text(json.dumps({"operations": fuzzed, "failures": failures}))


if __name__ == "__main__":
    main()
