"""The fuzzing of tests/system/test_openapi_contract.py, one share of the operations in a
process of its own (`python -m tests.system.openapi_fuzz`, no eventlet): the shares run at
once, so one worker's generating and checking overlaps the services' answering another's.

A worker reads from its environment the gateway's URL (SANPHALANG_FUZZ_URL), the Bearer
token of whom it asks as (SANPHALANG_FUZZ_TOKEN; empty: the public, signed in as nobody), the
labels of its operations (SANPHALANG_FUZZ_OPERATIONS, JSON), optionally the cases per operation
(SANPHALANG_FUZZ_EXAMPLES, in place of MAX_EXAMPLES) and where to write its report
(SANPHALANG_FUZZ_REPORT): the labels it fuzzed, every distinct failure (each with a curl line
to repeat it), how many cases it sent and how they were answered, and the request ids of the
cases answered 2xx. Each case carries an id of its own (`<prefix>-<n>`, prefix
SANPHALANG_FUZZ_PREFIX) as its `X-Request-Id` and `Idempotency-Key`: the services record the
key as the `request` of every event the case's command appends, so an event can be traced to
its answer (tests/system/openapi_roles.py)."""
from __future__ import annotations

import json
import os
from collections import Counter
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


class Tally:
    """What a worker sent: cases by status class, and the request ids answered 2xx."""

    def __init__(self, prefix: str):
        self.prefix, self.cases, self.answers, self.accepted, self.accepted_imports = prefix, 0, Counter(), [], 0

    def next_id(self) -> str:
        self.cases += 1
        return f"{self.prefix}-{self.cases}"

    def answered(self, request_id: str, status: int, label: str) -> None:
        self.answers[f"{status // 100}xx"] += 1
        if 200 <= status < 300:
            self.accepted.append(request_id)
            self.accepted_imports += int(label.startswith("POST ") and label.endswith("/imports"))


def run_operation(operation, base_url: str, headers: dict, tally: Tally, examples: int | None = None) -> list[str]:
    """Fuzz one operation; the distinct failures, each with its reproduction."""
    failures: dict[str, str] = {}
    examples = examples or FEWER_EXAMPLES.get(group_of(operation.label), MAX_EXAMPLES)

    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def fuzz(case):
        request_id = tally.next_id()
        sent = {**headers, "X-Request-Id": request_id, "Idempotency-Key": request_id}
        try:
            response = case.call(base_url=base_url, headers=sent, timeout=30)
            tally.answered(request_id, response.status_code, operation.label)
            case.validate_response(response, checks=CHECKS, headers=sent,
                                   transport_kwargs={"base_url": base_url, "headers": sent, "timeout": 30})
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
    examples = int(os.environ.get("SANPHALANG_FUZZ_EXAMPLES") or 0) or None
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    tally = Tally(os.environ.get("SANPHALANG_FUZZ_PREFIX") or f"fuzz-{os.getpid()}")
    fuzzed, failures = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in mine:
            failures += run_operation(operation, url, headers, tally, examples)
            fuzzed.append(operation.label)
    Path(os.environ["SANPHALANG_FUZZ_REPORT"]).write_text(json.dumps({
        "operations": fuzzed, "failures": failures, "cases": tally.cases, "answers": dict(tally.answers),
        "accepted": tally.accepted, "accepted_imports": tally.accepted_imports}))


if __name__ == "__main__":
    main()
