"""Log lines (services/chassis/logs.py, services/edge/logging.py, gateway/logs.py), in memory:
the JSON and text lines and their fields, per-green-thread request fields, tracebacks that name
an exception without quoting it, one line per nameko worker with caller errors as codes (and
nameko's own traceback of them gone), one line per gateway request without its query string,
token or the user's name."""
from __future__ import annotations

import io
import json
import logging
import re
import sys
from datetime import datetime

import eventlet
import pytest
from flask import Flask, g, jsonify
from nameko.containers import ServiceContainer
from nameko.extensions import Entrypoint

from services.chassis import logs
from services.chassis.errors import CommandError, CommandRejected, NotFound
from services.edge.logging import RequestLog, WorkerErrors, quiet_worker_errors

THAI = "กลุ่มทดสอบรั่ว-ค่าส่วนตัว"  # a value that must never reach a line
TOKEN = "sp_secret-token-value-123"


@pytest.fixture
def lines():
    """configure() into a buffer; read() gives the lines written so far, parsed when JSON."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook
    buffers = []

    def setup(fmt: str = "json", service: str = "probe", level: str = "INFO"):
        buffer = io.StringIO()
        buffers.append(buffer)
        logs.configure(service, fmt, level, stream=buffer)

        def read() -> list:
            text = buffer.getvalue()
            return [json.loads(line) for line in text.splitlines()] if fmt == "json" else text

        return read

    yield setup
    for handler in root.handlers[:]:
        if getattr(handler, "sanphalang", False):
            root.removeHandler(handler)
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    sys.excepthook = saved[2]
    logging.captureWarnings(False)
    logs.clear()


# -- the lines -----------------------------------------------------------------------------


def test_a_json_line_has_its_fields_in_order(lines):
    read = lines("json", service="orgs")
    with logs.context(request="req-1"):
        logging.getLogger("sanphalang.security").warning(
            "assertion refused", extra={"code": "assertion_expired", "kid": "gateway-1a2b"})
    [line] = read()
    assert list(line)[:6] == ["time", "level", "service", "logger", "message", "request"]
    assert line == {**line, "level": "WARNING", "service": "orgs", "logger": "sanphalang.security",
                    "message": "assertion refused", "request": "req-1", "code": "assertion_expired",
                    "kid": "gateway-1a2b"}
    assert line["time"].endswith("Z") and datetime.fromisoformat(line["time"].replace("Z", "+00:00")).utcoffset().seconds == 0


def test_a_line_outside_any_request_has_a_null_request_and_odd_extras_do_not_break_it(lines):
    read = lines("json")
    logging.getLogger("x").info("started", extra={"when": datetime(2026, 12, 3), "thing": object()})
    [line] = read()
    assert line["request"] is None and line["when"].startswith("2026-12-03") and "object" in line["thing"]


def test_text_lines_for_a_terminal(lines):
    read = lines("text", service="gateway")
    with logs.context(request="req-2"):
        logging.getLogger("sanphalang.security").warning(
            "assertion refused", extra={"code": "assertion_expired", "kid": "gateway-1a2b", "note": "two words"})
    logging.getLogger("y").info("no request")
    first, second = read().splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING gateway \[req-2\] assertion refused "
                        r'code=assertion_expired kid=gateway-1a2b note="two words"', first), first
    assert re.fullmatch(r"\S+Z INFO gateway \[-\] no request", second), second


def test_auto_is_text_on_a_terminal_and_json_otherwise():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert isinstance(logs.formatter("auto", Terminal()), logs.TextLines)
    assert isinstance(logs.formatter("auto", io.StringIO()), logs.JsonLines)
    assert isinstance(logs.formatter(None, io.StringIO()), logs.JsonLines)
    assert isinstance(logs.formatter("TEXT", io.StringIO()), logs.TextLines)
    with pytest.raises(ValueError, match="SANPHALANG_LOG_FORMAT"):
        logs.formatter("xml", io.StringIO())


def test_configure_installs_one_handler_at_the_level_and_keeps_libraries_quiet(lines):
    lines("json", level="DEBUG")
    lines("json", level="warning")  # a second call replaces the first
    root = logging.getLogger()
    assert len([h for h in root.handlers if getattr(h, "sanphalang", False)]) == 1
    assert root.level == logging.WARNING
    lines("json", level="DEBUG")
    assert logging.getLogger("nameko").level == logging.INFO  # at DEBUG nameko logs RPC replies
    assert logging.getLogger("amqp").level == logging.WARNING
    with pytest.raises(ValueError, match="SANPHALANG_LOG_LEVEL"):
        logs.configure("probe", "json", "LOUD", stream=io.StringIO())


def test_an_exception_that_ends_the_process_is_a_line_too(lines):
    read = lines("json")
    sys.excepthook(*_raised(LookupError(THAI)))
    [line] = read()
    assert line["level"] == "CRITICAL" and line["error"] == "LookupError" and THAI not in json.dumps(line, ensure_ascii=False)
    assert "LookupError: (message withheld)" in line["traceback"]


# -- per-request fields ----------------------------------------------------------------------


def test_bound_fields_belong_to_their_green_thread(lines):
    read = lines("json")
    log = logging.getLogger("worker")
    logs.bind(request="parent")
    seen_at_start = {}

    def work(n: int) -> None:
        seen_at_start[n] = logs.bound()
        logs.bind(request=f"req-{n}", center=f"P{n}")
        eventlet.sleep(0.001 * (n % 3))  # interleave the threads
        log.info("work %d", n)

    pool = eventlet.GreenPool()
    for n in range(30):
        pool.spawn(work, n)
    pool.waitall()
    assert all(fields == {} for fields in seen_at_start.values())  # each starts empty, not with the parent's
    by_message = {line["message"]: line for line in read()}
    assert len(by_message) == 30
    for n in range(30):
        assert by_message[f"work {n}"]["request"] == f"req-{n}" and by_message[f"work {n}"]["center"] == f"P{n}"
    assert logs.bound() == {"request": "parent"}
    logs.clear()
    assert logs.bound() == {}


def test_context_restores_what_was_bound_and_none_unbinds():
    logs.clear()
    logs.bind(request="outer", job="j1")
    with logs.context(request="inner", center="P50"):
        assert logs.bound() == {"request": "inner", "job": "j1", "center": "P50"}
    assert logs.bound() == {"request": "outer", "job": "j1"}
    logs.bind(job=None)
    assert logs.bound() == {"request": "outer"}
    logs.clear()


# -- tracebacks ------------------------------------------------------------------------------


def _raised(error: BaseException):
    try:
        raise error
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__


def test_a_traceback_names_the_exception_and_withholds_its_message(lines):
    read = lines("json")
    try:
        try:
            int(THAI)
        except ValueError as error:
            raise RuntimeError(f"could not register {THAI}") from error
    except RuntimeError:
        logging.getLogger("x").exception("registration failed")
    [line] = read()
    assert THAI not in json.dumps(line, ensure_ascii=False)
    assert "ValueError: (message withheld)" in line["traceback"]
    assert "RuntimeError: (message withheld)" in line["traceback"]
    assert 'int(THAI)' in line["traceback"]  # the frames are all there


def test_machinery_keeps_its_message_and_caller_errors_show_their_code():
    refused = logs.safe_traceback(_raised(ConnectionRefusedError(111, "Connection refused")))
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in refused
    rejected = logs.safe_traceback(_raised(CommandRejected([{"field": "name", "code": "too_long", "row": 3,
                                                             "params": {"value": THAI}}])))
    assert rejected.endswith("CommandRejected: validation_failed") and THAI not in rejected
    noted = ValueError(THAI)
    noted.add_note(f"while reading {THAI}")
    assert THAI not in logs.safe_traceback(_raised(noted))


# -- nameko workers --------------------------------------------------------------------------


class Tap(Entrypoint):
    """An entrypoint without a broker: the test spawns its workers."""


tap = Tap.decorator
FORBIDDEN_LOOKING = "assertion_expired"


class Refused(CommandError):
    code = FORBIDDEN_LOOKING

    def _state(self) -> dict:
        return {}


class Probe:
    name = "probe"
    request_log = RequestLog()

    @tap
    def fine(self):
        logging.getLogger("services.probe").info("inside the worker")
        return {"secret": THAI}

    @tap
    def bound_by_assertion(self):
        logs.bind(request="req-from-assertion")  # what the lead's assertion check does
        return "ok"

    @tap
    def reject(self):
        raise CommandRejected([{"field": "name", "code": "too_long", "row": 7, "params": {"value": THAI}},
                               {"field": "type", "code": "not_one_of", "row": 1502, "params": {"given": THAI}}])

    @tap
    def missing(self):
        raise NotFound(f"org-{THAI}")

    @tap
    def refused(self):
        raise Refused()

    @tap
    def boom(self):
        raise ValueError(f"cannot read {THAI}")

    @tap
    def health(self):
        return {}


class Bare:
    """A service without a RequestLog: only the filter stands between nameko and the log."""

    name = "bare"

    @tap
    def reject(self):
        raise CommandRejected([{"field": "name", "code": "blank", "row": 2, "params": {"value": THAI}}])

    @tap
    def boom(self):
        raise KeyError(THAI)


def _run(service_cls, *methods: str) -> None:
    container = ServiceContainer(service_cls, {})
    container.start()
    try:
        for method in methods:
            entrypoint = next(e for e in container.entrypoints if e.method_name == method)
            container.spawn_worker(entrypoint, (), {}, context_data={})
            container._worker_pool.waitall()
    finally:
        container.stop()


def test_one_line_per_worker_ok_with_its_duration_and_the_call_id_as_request(lines):
    read = lines("json", service="probe")
    _run(Probe, "fine", "bound_by_assertion")
    inside, fine, bound = [line for line in read() if line["logger"] in ("services.probe", "sanphalang.worker")]
    assert fine["message"] == "probe.fine ok" and fine["level"] == "INFO" and fine["outcome"] == "ok"
    assert fine["entrypoint"] == "probe.fine" and fine["kind"] == "rpc" and isinstance(fine["duration_ms"], float)
    assert fine["request"].startswith("probe.fine.") and inside["request"] == fine["request"]
    assert inside["entrypoint"] == "probe.fine"  # every line of the worker carries it
    assert bound["request"] == "req-from-assertion"
    assert THAI not in json.dumps(read(), ensure_ascii=False)  # the result is not logged


def test_a_caller_error_is_a_coded_line_without_its_text_or_any_value(lines):
    read = lines("json", service="probe")
    _run(Probe, "reject", "missing", "refused")
    text = json.dumps(read(), ensure_ascii=False)
    assert THAI not in text and "Traceback" not in text and "error handling worker" not in text
    rejected, missing, refused = [line for line in read() if line["logger"] == "sanphalang.worker"]
    assert rejected["level"] == "INFO" and rejected["code"] == rejected["outcome"] == "validation_failed"
    assert rejected["problems"] == 2 and rejected["codes"] == ["not_one_of", "too_long"]
    assert rejected["fields"] == ["name", "type"] and rejected["rows"] == [7, 1502]
    assert "traceback" not in rejected
    assert missing["level"] == "INFO" and missing["code"] == "not_found"
    assert refused["level"] == "WARNING" and refused["code"] == FORBIDDEN_LOOKING


def test_an_unexpected_error_is_one_error_line_with_a_traceback_that_quotes_nothing(lines):
    read = lines("json", service="probe")
    _run(Probe, "boom")
    errors = [line for line in read() if line["level"] == "ERROR"]
    assert len(errors) == 1  # ours, not nameko's too
    [error] = errors
    assert error["logger"] == "sanphalang.worker" and error["outcome"] == "error" and error["error"] == "ValueError"
    assert "ValueError: (message withheld)" in error["traceback"] and THAI not in json.dumps(read(), ensure_ascii=False)


def test_a_polled_entrypoint_logs_its_successes_at_debug(lines):
    read = lines("json", service="probe")
    _run(Probe, "health")
    assert not [line for line in read() if line["logger"] == "sanphalang.worker"]


def test_without_a_request_log_nameko_keeps_real_failures_named_by_type_and_drops_caller_errors(lines):
    read = lines("json", service="bare")
    quiet_worker_errors()
    _run(Bare, "reject", "boom")
    written = read()
    assert THAI not in json.dumps(written, ensure_ascii=False)
    [kept] = [line for line in written if "error handling worker" in line["message"]]
    assert kept["logger"] == "nameko.containers" and kept["message"].endswith(": KeyError")
    assert "KeyError: (message withheld)" in kept["traceback"]


def test_the_filter_itself():
    keep = WorkerErrors()
    rejected = CommandRejected([{"field": "name", "code": "blank", "row": 2, "params": {}}])

    def record(error, msg="error handling worker %s: %s"):
        return logging.LogRecord("nameko.containers", logging.ERROR, __file__, 1, msg, ("<ctx>", error),
                                 _raised(error))

    assert keep.filter(record(rejected)) is False
    assert keep.filter(record(rejected, "(expected) error handling worker %s: %s")) is False
    assert keep.filter(record(ValueError(THAI))) is True
    assert keep.filter(logging.LogRecord("nameko.containers", logging.INFO, __file__, 1, "starting %s", ("x",),
                                         None)) is True


# -- the gateway -----------------------------------------------------------------------------


def _gateway_app() -> Flask:
    from types import SimpleNamespace

    from gateway import logs as gateway_logs

    app = Flask("probe")

    @app.before_request
    def _who():
        g.request_id = "req-gw-1"
        g.user = SimpleNamespace(name="somchai.private", role="center_staff", center="P50")

    gateway_logs.init_app(app)

    @app.get("/things/<thing_id>")
    def thing(thing_id):
        return jsonify({"name": THAI})

    @app.post("/things")
    def bad():
        response = jsonify({"error": {"code": "validation_failed", "message": {"th": THAI, "en": THAI},
                                      "fields": [{"field": "name", "row": None, "code": "too_long",
                                                  "message": {"th": THAI}}]}})
        response.status_code = 422
        return response

    @app.get("/health")
    def health():
        return jsonify({"ok": True})

    return app


def test_one_line_per_request_without_query_token_or_name(lines):
    read = lines("json", service="gateway")
    client = _gateway_app().test_client()
    client.get(f"/things/123?q={THAI}&token={TOKEN}", headers={"Authorization": f"Bearer {TOKEN}"})
    client.post("/things", json={"name": THAI}, headers={"Cookie": f"session={TOKEN}"})
    client.get(f"/nowhere/{THAI}")
    client.get("/health")
    written = read()
    text = json.dumps(written, ensure_ascii=False)
    assert THAI not in text and TOKEN not in text and "somchai" not in text
    got, rejected, nowhere = written  # /health's success is a DEBUG line
    assert got["message"] == "GET /things/<thing_id> 200" and got["route"] == "/things/<thing_id>"
    assert got["request"] == "req-gw-1" and got["role"] == "center_staff" and got["center"] == "P50"
    assert got["status"] == 200 and got["level"] == "INFO" and isinstance(got["duration_ms"], float)
    assert rejected["status"] == 422 and rejected["code"] == "validation_failed"
    assert rejected["fields"] == ["name"] and rejected["codes"] == ["too_long"]
    assert nowhere["route"] is None and nowhere["status"] == 404
    assert logs.bound() == {}  # nothing left bound for the connection's next request


def test_a_breached_rate_limit_does_not_name_its_key():
    from gateway import logs as gateway_logs

    record = logging.LogRecord("flask-limiter", logging.INFO, __file__, 1, "ratelimit %s (%s) exceeded at endpoint: %s",
                               ("10 per 1 minute", "user:somchai.private", "web.sign_in"), None)
    assert gateway_logs._RateLimits().filter(record)
    assert record.getMessage() == "rate limit exceeded: 10 per 1 minute at web.sign_in"
    assert record.code == "too_many_requests"
