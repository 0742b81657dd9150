"""Logs of a nameko service: `RequestLog`, one line per worker (an RPC, an event batch, a
timer), and the filter that keeps nameko's own worker errors out of the log when they are
expected outcomes.

The line names the entrypoint, its duration and its outcome: `ok`, or the caller error's
code (INFO for rejected input, conflicts, not found; WARNING for refused permissions and
assertions), or ERROR with a traceback for anything else. It never holds the arguments, the
result or a caller error's text (CommandRejected's lists rows): only codes, field names, row
numbers and counts. The request id is whatever the worker binds (`logs.bind(request=...)`,
once its assertion is verified), else the worker's nameko call id."""
from __future__ import annotations

import logging
import time

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from services.chassis import errors, logs
from services.settings import env

log = logging.getLogger("sanphalang.worker")
security = logging.getLogger("sanphalang.security")

REFUSALS = ("forbidden", "sign_in_required")  # and every assertion_* code: WARNING, not INFO
QUIET = frozenset({"health", "head"})  # polled all day (probes, reporting's catch-up): successes are DEBUG lines
WORKER_ERROR = "error handling worker"  # what nameko.containers' lines about a failed worker contain


def is_caller_error(error: BaseException | None) -> bool:
    """An outcome the caller caused and is told about (a code), not a failure of ours."""
    return isinstance(error, errors.CALLER_ERRORS) or isinstance(error, errors.CommandError)


def is_refusal(code: str) -> bool:
    return code in REFUSALS or code.startswith("assertion_")


def caller_error_fields(error) -> dict:
    """What a line may say about a caller error: its code and, for rejected input, how many
    problems, their codes, fields and first rows. Never its text or any value."""
    fields = {"code": error.code}
    problems = getattr(error, "problems", None)
    if isinstance(problems, list):
        fields.update(logs.problem_fields(problems))
    version = getattr(error, "current_version", None)
    if isinstance(version, int):
        fields["current_version"] = version
    return fields


def _kind(entrypoint) -> str:
    if isinstance(entrypoint, Timer):
        return "timer"
    if isinstance(entrypoint, EventHandler):
        return "event"
    return "rpc"


class RequestLog(DependencyProvider):
    """One line per worker of the service it is declared on (`request_log = RequestLog()`)."""

    def __init__(self):
        self.started: dict = {}  # worker context -> when its worker started

    def setup(self):
        quiet_worker_errors()

    def worker_setup(self, worker_ctx):
        # Each worker runs in a green thread of its own, whose context starts empty (greenlet
        # >= 1): nothing of another worker is bound here. A request id bound already (by a
        # dependency that verified the worker's assertion) is kept.
        fields = {"entrypoint": f"{worker_ctx.service_name}.{worker_ctx.entrypoint.method_name}"}
        if "request" not in logs.bound():
            # not the origin of the call stack: a pooled standalone proxy keeps one for all its calls
            fields["request"] = worker_ctx.data.get("request_id") or worker_ctx.call_id
        logs.bind(**fields)
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        line = {"entrypoint": f"{worker_ctx.service_name}.{entrypoint.method_name}", "kind": _kind(entrypoint),
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None}
        error = exc_info[1] if exc_info else None
        if error is None:
            quiet = entrypoint.method_name in QUIET or line["kind"] == "timer"
            log.log(logging.DEBUG if quiet else logging.INFO, "%s ok", line["entrypoint"],
                    extra={**line, "outcome": "ok"})
        elif is_caller_error(error):
            fields = caller_error_fields(error)
            level = logging.WARNING if is_refusal(fields["code"]) else logging.INFO
            log.log(level, "%s %s", line["entrypoint"], fields["code"], extra={**line, "outcome": fields["code"], **fields})
            if fields["code"] in REFUSALS:  # a refused permission is a security event too (refused assertions
                security.warning("refused: %s", fields["code"], extra={  # are logged where they are checked)
                    "code": fields["code"], "method": entrypoint.method_name})
        else:
            log.error("%s failed", line["entrypoint"], exc_info=exc_info,
                      extra={**line, "outcome": "error", "error": type(error).__name__})

    def worker_teardown(self, worker_ctx):
        self.started.pop(worker_ctx, None)


class WorkerErrors(logging.Filter):
    """On `nameko.containers`: drops nameko's line about a worker that ended in a caller error
    (an expected outcome, which RequestLog has logged with its code), and about any worker of
    a service with a RequestLog (whose ERROR line has the traceback, so there is one, not two).
    A failure nothing else logs keeps nameko's line, its exception named by type only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if WORKER_ERROR not in str(record.msg) or not record.exc_info:
            return True
        error = record.exc_info[1]
        if is_caller_error(error):
            return False
        worker_ctx = record.args[0] if isinstance(record.args, tuple) and record.args else None
        container = getattr(worker_ctx, "container", None)
        if any(isinstance(d, RequestLog) for d in getattr(container, "dependencies", ())):
            return False
        if isinstance(record.args, tuple) and len(record.args) == 2:
            record.args = (record.args[0], type(error).__name__)  # its message may quote data
        return True


def quiet_worker_errors() -> None:
    """Install WorkerErrors on nameko.containers (once)."""
    containers = logging.getLogger("nameko.containers")
    if not any(isinstance(f, WorkerErrors) for f in containers.filters):
        containers.addFilter(WorkerErrors())


def configure(service: str) -> None:
    """This process's logs as `service`, in the format and at the level the settings say."""
    logs.configure(service, env("SANPHALANG_LOG_FORMAT"), env("SANPHALANG_LOG_LEVEL"))
    quiet_worker_errors()
