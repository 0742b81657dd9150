"""Log lines an operator can use: one handler on the root logger writing JSON lines (or plain
text for a terminal), each with the time, level, service, logger, message, the request it
belongs to and whatever a call adds (`log.warning("...", extra={"code": ...})`).

Per-request fields live in a context variable (`bind`, `context`, `clear`). Every green thread
has its own: greenlet >= 1 gives each greenlet its own contextvars context, empty when it
starts, so a nameko worker or a gateway request binds its request id once and every line it
logs carries it, without reaching another worker's lines (tests/unit/test_logs.py).

What a line never holds: a personal value or a credential. The callers log codes, field
names, row numbers and counts, never payloads; and a traceback names each exception's type
but withholds its message unless the type is known to carry none (a database error's
message holds the row's values, a ValueError the text it could not read).

Framework-free (stdlib logging and python-json-logger): the nameko edge and the gateway add
what is theirs (services/edge/logging.py, gateway/logs.py). The format and level come from
SANPHALANG_LOG_FORMAT and SANPHALANG_LOG_LEVEL, read by those callers (services/settings.py)."""
from __future__ import annotations

import json
import logging
import sys
import traceback
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text", "auto")
WITHHELD = "(message withheld)"

_fields: ContextVar[dict | None] = ContextVar("sanphalang_log_fields", default=None)
_service = "sanphalang"  # the service name every line carries (configure sets it)

# Loggers of libraries kept at least this quiet whatever the level: at DEBUG nameko logs every
# RPC reply (results and all), amqp its heartbeats and channels.
FLOORS = {"nameko": logging.INFO, "kombu": logging.INFO, "amqp": logging.WARNING, "urllib3": logging.WARNING,
          "sqlalchemy": logging.WARNING, "flask-limiter": logging.INFO}
_SKIP = frozenset(RESERVED_ATTRS) | {"taskName", "message", "asctime", "sanphalang_fields", "color_message"}
_FIRST = ("time", "level", "service", "logger", "message", "request")


# -- per-request fields ---------------------------------------------------------------------

def bind(**fields) -> None:
    """Add fields to every line this green thread logs from now on (None removes a field)."""
    current = dict(_fields.get() or {})
    for key, value in fields.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    _fields.set(current)


def bound() -> dict:
    """The fields bound in this green thread."""
    return dict(_fields.get() or {})


def clear() -> None:
    _fields.set(None)


@contextmanager
def context(**fields):
    """`with logs.context(request=...):` the fields for the lines logged inside, then as before."""
    token = _fields.set({**(_fields.get() or {}), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _fields.reset(token)


# -- what a line holds ----------------------------------------------------------------------

ROWS_NAMED = 20  # row numbers a line lists at most


def problem_fields(problems: list) -> dict:
    """What a line may say about a list of problems ({field, row, code, ...}): how many, their
    codes, fields and first rows. Never their parameters, which may quote what was typed."""
    named = [p for p in problems or () if isinstance(p, dict)]
    fields = {"problems": len(named), "codes": sorted({str(p.get("code")) for p in named}),
              "fields": sorted({str(p.get("field")) for p in named})}
    rows = sorted({p["row"] for p in named if isinstance(p.get("row"), int)})
    if rows:
        fields["rows"] = rows[:ROWS_NAMED]
    return fields


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _message_is_safe(error: BaseException) -> bool:
    """Whether an exception's message is about the machinery (a socket, the broker, a timeout),
    not data; any other message may quote what was read or written."""
    kind = type(error)
    module = kind.__module__ or ""
    if isinstance(error, (OSError, TimeoutError)):
        return True
    if module.split(".")[0] in ("amqp", "kombu", "socket", "ssl", "eventlet", "greenlet"):
        return True
    # nameko's own errors name services and timeouts; RemoteError carries another process's message
    return module == "nameko.exceptions" and kind.__name__ != "RemoteError"


def _exception_text(error: BaseException) -> str:
    code = getattr(error, "code", None)
    if isinstance(code, str) and (type(error).__module__ or "").startswith("services."):
        return code  # a caller error: its code says it all (CommandRejected's text lists rows)
    return str(error) if _message_is_safe(error) else WITHHELD


def safe_traceback(exc_info) -> str:
    """The traceback of `exc_info` (its causes and contexts too), every exception named by its
    type, its message withheld unless it cannot carry data (see _message_is_safe)."""
    _kind, error, _tb = exc_info
    if error is None:
        return ""
    te = traceback.TracebackException.from_exception(error, capture_locals=False)
    pairs, seen_error, seen_te = [], error, te
    while seen_te is not None and seen_error is not None:
        pairs.append((seen_te, seen_error))
        if seen_te.__cause__ is not None:
            seen_te, seen_error = seen_te.__cause__, seen_error.__cause__
        elif seen_te.__context__ is not None and not seen_te.__suppress_context__:
            seen_te, seen_error = seen_te.__context__, seen_error.__context__
        else:
            break
    for each, raised in pairs:
        each._str = _exception_text(raised)  # what format_exception_only prints after the type
        if hasattr(each, "__notes__"):
            each.__notes__ = None  # notes (add_note) may quote data too
    return "".join(te.format()).rstrip("\n")


def fields_of(record: logging.LogRecord) -> dict:
    """A record's line as an ordered dict: time, level, service, logger, message, request, the
    bound fields, the call's `extra` fields, and a traceback when there is one."""
    bound_fields = getattr(record, "sanphalang_fields", None)
    if bound_fields is None:  # formatted without the handler's stamp (a test, another handler)
        bound_fields = {"service": _service, **bound()}
    line = {"time": _time(record), "level": record.levelname, "service": bound_fields.get("service", _service),
            "logger": record.name, "message": record.getMessage(), "request": bound_fields.get("request")}
    for key, value in bound_fields.items():
        if key not in line:
            line[key] = value
    for key, value in record.__dict__.items():
        if key not in _SKIP and not key.startswith("_") and key not in _FIRST:
            line[key] = value
    if record.exc_info and record.exc_info[1] is not None:
        line["traceback"] = safe_traceback(record.exc_info)
    if record.stack_info:
        line["stack"] = record.stack_info
    return line


class Stamp(logging.Filter):
    """Copies the service and this green thread's bound fields onto each record as it is
    handled (in the thread that logged it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.sanphalang_fields = {"service": _service, **bound()}
        return True


class JsonLines(JsonFormatter):
    """One JSON object a line, UTF-8 (Thai stays readable), fields in a fixed order."""

    def __init__(self):
        super().__init__(json_ensure_ascii=False)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data.update(fields_of(record))

    def format(self, record: logging.LogRecord) -> str:
        return self.serialize_log_record(self.process_log_record(fields_of(record)))


def _text_value(value) -> str:
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        value = ",".join(str(v) for v in value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if text and " " not in text and "=" not in text and '"' not in text else json.dumps(
        text, ensure_ascii=False)


class TextLines(logging.Formatter):
    """`time level service [request] message key=value ...`, a traceback on the lines below."""

    def format(self, record: logging.LogRecord) -> str:
        line = fields_of(record)
        trace = line.pop("traceback", None)
        head = f"{line.pop('time')} {line.pop('level')} {line.pop('service')} [{line.pop('request') or '-'}] " \
               f"{line.pop('message')}"
        line.pop("logger")
        extra = " ".join(f"{key}={_text_value(value)}" for key, value in line.items())
        text = f"{head} {extra}" if extra else head
        return f"{text}\n{trace}" if trace else text


# -- set-up ---------------------------------------------------------------------------------

def _level(level) -> int:
    if isinstance(level, int):
        return level
    value = logging.getLevelName(str(level).strip().upper())
    if not isinstance(value, int):
        raise ValueError(f"SANPHALANG_LOG_LEVEL: unknown level {level!r}")
    return value


def formatter(fmt: str | None, stream) -> logging.Formatter:
    fmt = (fmt or "auto").strip().lower()
    if fmt not in FORMATS:
        raise ValueError(f"SANPHALANG_LOG_FORMAT: {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = "text" if getattr(stream, "isatty", lambda: False)() else "json"
    return JsonLines() if fmt == "json" else TextLines()


def _uncaught(kind, error, trace) -> None:
    """sys.excepthook: a process that dies of an exception says so in a line of its log."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logging.getLogger("sanphalang").critical("uncaught exception, the process ends", exc_info=(kind, error, trace),
                                             extra={"error": kind.__name__})


def configure(service: str, fmt: str | None = None, level="INFO", stream=None) -> logging.Handler:
    """Install the one handler of the root logger (replacing one installed before): JSON or
    text (`auto`: text when the stream is a terminal) at `level`, every line naming `service`.
    Python warnings and an exception that ends the process become log lines too."""
    global _service
    _service = service
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(fmt, stream))
    handler.addFilter(Stamp())
    handler.sanphalang = True
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "sanphalang", False) or type(h) is logging.StreamHandler]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(_level(level))
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    logging.captureWarnings(True)
    sys.excepthook = _uncaught
    return handler
