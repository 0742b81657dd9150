"""The OpenAPI contract fuzzed as every role (tests/system/test_openapi_contract.py, and at more
cases per operation tests/faults/test_openapi_roles.py): the workers of openapi_fuzz.py in
processes of their own, and what a run must leave behind.

No partial write: every event appended while the roles were fuzzed is traced to the case that
asked for it (the case's id is its command's idempotency key, which the services record as the
event's `request`) and that case must have been answered 2xx; an import's chunks carry keys of
their own (`import-<digest>-<n>`), so an event of an import needs an import its user had
accepted (202). The auditor and the public may write nothing at all. Afterwards every log's
chain verifies."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from services.registry import BUILT_SOURCES
from tests.hostile import tried
from tests.support import ROOT

from .openapi_fuzz import share_out

# (prefix of its cases' ids, role, center): whom each run asks as besides the admin; the
# public sends no token. A case id is a plain id (no "_"), and so is its prefix.
ROLES = (("staff", "center_staff", "P50"), ("auditor", "auditor", None), ("public", None, None))
IMPORT_KEY = "import-"  # the pipeline's keys of an import's chunks


def fuzz_in_shares(url: str, token: str, labels: list[str], shares: int, workdir: Path, *,
                   examples: int | None = None, prefix: str = "admin") -> list[tuple[subprocess.Popen, Path, Path]]:
    """Start the workers fuzzing `labels` in `shares` processes as the owner of `token`;
    `collect()` waits for them."""
    workers = []
    for n, share in enumerate(share_out(labels, shares)):
        report, log = workdir / f"{prefix}-share-{n}.json", workdir / f"{prefix}-share-{n}.log"
        env = {**os.environ, "SANPHALANG_FUZZ_URL": url, "SANPHALANG_FUZZ_TOKEN": token,
               "SANPHALANG_FUZZ_OPERATIONS": json.dumps(share), "SANPHALANG_FUZZ_REPORT": str(report),
               "SANPHALANG_FUZZ_EXAMPLES": str(examples or ""), "SANPHALANG_FUZZ_PREFIX": f"{prefix}{n}"}
        with open(log, "wb") as output:
            workers.append((subprocess.Popen([sys.executable, "-m", "tests.system.openapi_fuzz"], env=env, cwd=ROOT,
                                             stdout=output, stderr=subprocess.STDOUT), report, log))
    return workers


def collect(workers, timeout: float) -> dict:
    """Wait for the workers; their reports merged (a worker that failed fails the test)."""
    merged = {"operations": [], "failures": [], "cases": 0, "answers": {}, "accepted": [], "accepted_imports": 0}
    try:
        for worker, report, log in workers:
            assert worker.wait(timeout) == 0, log.read_text(errors="replace")[-5000:]
            result = json.loads(report.read_text())
            for key in ("operations", "failures", "accepted"):
                merged[key] += result[key]
            merged["cases"] += result["cases"]
            merged["accepted_imports"] += result["accepted_imports"]
            for status, count in result["answers"].items():
                merged["answers"][status] = merged["answers"].get(status, 0) + count
    finally:
        stop(workers)
    return merged


def stop(workers) -> None:
    for worker, _, _ in workers:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def role_users(system) -> dict[str, tuple[str | None, str]]:
    """Each role's user (made through the CLI) and Bearer token ("" for the public)."""
    users = {}
    for prefix, role, center in ROLES:
        name = f"contract-{prefix}" if role else None
        users[prefix] = (name, system.token(system.add_user(name, role, center)) if name else "")
    return users


def heads(system) -> dict[str, int]:
    with system.rpc() as rpc:
        return {source: getattr(rpc, source).head()["seq"] for source in BUILT_SOURCES}


def unaccounted(system, since: dict[str, int], reports: dict[str, dict], users: dict[str, str | None],
                ignore: set[str]) -> list[str]:
    """Events appended after `since` (source -> seq) that no 2xx answer of their user's run
    accounts for; events of users in `ignore` (the admin's leftover import jobs) aside."""
    runs = {users[prefix] or "anonymous": report for prefix, report in reports.items()}
    found = []
    with system.rpc() as rpc:
        for source, after in since.items():
            while page := getattr(rpc, source).events_since(after, 1000):
                for event in page:
                    actor = event["actor"]
                    if actor["user"] in ignore:
                        continue
                    if not _accounted(actor, runs.get(actor["user"])):
                        found.append(f"{source} seq {event['seq']} {event['type']} by {actor['user']} "
                                     f"for {actor['request']}")
                after = page[-1]["seq"]
    return found


def _accounted(actor: dict, report: dict | None) -> bool:
    if report is None or actor["role"] in ("auditor", "public"):
        return False
    request = actor["request"] or ""
    if request.startswith(IMPORT_KEY):
        return report["accepted_imports"] > 0
    return request.split(":", 1)[0] in set(report["accepted"])


def chains_verify(system) -> list[dict]:
    """The chains of every log that does not verify (each register's, and reporting's own)."""
    with system.rpc(timeout=120) as rpc:
        found = rpc.reporting.verify(projection=False)
    return [chain for chain in found["chains"] if not chain["ok"]]


def check_roles(system, labels: list[str], workdir: Path, *, examples: int, shares: int, ignore: set[str]) -> dict:
    """Fuzz every operation as each role at once (`shares` processes a role, `examples` cases
    per operation), then check the answers and what was written; `ignore`: users whose events
    may still arrive (an admin's import jobs). Returns each role's merged report."""
    users = role_users(system)
    before = heads(system)
    running = {prefix: fuzz_in_shares(system.url, token, labels, shares, workdir, examples=examples, prefix=prefix)
               for prefix, (_, token) in users.items()}
    try:
        reports = {prefix: collect(workers, timeout=1200) for prefix, workers in running.items()}
    finally:  # a role's failure stops the other roles' workers too
        for workers in running.values():
            stop(workers)
    for prefix, report in reports.items():
        tried(f"OpenAPI as {prefix}", operations=len(report["operations"]), cases=report["cases"],
              **report["answers"])
    problems = [f"as {prefix}: {failure}" for prefix, report in reports.items() for failure in report["failures"]]
    assert all(sorted(r["operations"]) == sorted(labels) for r in reports.values()), "every operation, every role"
    assert not problems, f"{len(problems)} contract failures:\n\n" + "\n\n".join(problems)
    stray = unaccounted(system, before, reports, {prefix: name for prefix, (name, _) in users.items()}, ignore)
    assert not stray, "events no 2xx answer accounts for:\n" + "\n".join(stray[:50])
    assert not chains_verify(system)
    return reports
