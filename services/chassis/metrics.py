"""What every Sanphalang process measures for Prometheus (`sanphalang_*`), and its /metrics listener.

The counters and histograms are this process's (prometheus_client's default registry, no
multiprocess mode): each replica is scraped on its own port, and Prometheus sums them. Labels
name code-defined things only (a service, a method, a route, a register, an outcome code, a
status), never a value a person typed. The lags are read when asked for (a scrape, a
heartbeat) from what each process watches: its register's relay, reporting's projection, the
dead-letter queue."""
from __future__ import annotations

import logging
from typing import Callable

from prometheus_client import REGISTRY, Counter, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)  # up to the RPC timeout
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

rpc_requests = Counter("sanphalang_rpc_requests", "RPCs a service handled, by outcome: ok, a caller "
                       "error's code (not_found, conflict, validation_failed, forbidden...) or error",
                       ("service", "method", "outcome"))
rpc_seconds = Histogram("sanphalang_rpc_duration_seconds", "Time a service took to handle an RPC",
                        ("service", "method"), buckets=SECONDS)
http_requests = Counter("sanphalang_http_requests", "HTTP requests the gateway answered, by route and status",
                        ("endpoint", "method", "status"))
http_seconds = Histogram("sanphalang_http_request_duration_seconds", "Time the gateway took to answer a request",
                         ("endpoint", "method"), buckets=SECONDS)
events_appended = Counter("sanphalang_events_appended", "Events this process appended to a log", ("source",))
import_rows = Counter("sanphalang_import_rows", "Spreadsheet rows imported into a register: created, updated, "
                      "unchanged (written), rejected (found wrong by a check)", ("register", "outcome"))


def rpc_done(service: str, method: str, outcome: str, seconds: float) -> None:
    rpc_requests.labels(service, method, outcome).inc()
    rpc_seconds.labels(service, method).observe(seconds)


def http_done(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    endpoint = endpoint or "(no route)"  # a path that matched no route is not a label
    method = method if method in HTTP_METHODS else "other"
    http_requests.labels(endpoint, method, str(status)).inc()
    http_seconds.labels(endpoint, method).observe(seconds)


def appended(source: str, count: int) -> None:
    if count:
        events_appended.labels(source).inc(count)


def imported(register: str, counts: dict) -> None:
    """An import's counts, by outcome (`created`, `updated`, `unchanged`, `rejected`)."""
    for outcome, count in counts.items():
        if count:
            import_rows.labels(register, outcome).inc(count)


# -- lags, read when asked -------------------------------------------------------------------

Relay = Callable[[], tuple[int, float]]  # () -> (events not yet published, seconds the oldest waited)
Projection = Callable[[], dict]  # () -> {source: {"events": behind, "seconds": lag or None, "position": seq}}
DeadLetters = Callable[[], dict]  # () -> {queue: messages}


class _Watched:
    """The lags this process can tell, each read by a function its owner registered."""

    def __init__(self):
        self.relays: dict[str, Relay] = {}
        self.projection: Projection | None = None
        self.dead_letters: DeadLetters | None = None

    def lags(self) -> dict:
        """{"relay": {source: {"events", "seconds"}}, "projection": {source: {...}}}: what this
        process watches, each part left out when reading it failed (the database is away)."""
        out: dict = {}
        relays = {}
        for source, read in self.relays.items():
            events, seconds = _safely(read, (None, None))
            if events is not None:
                relays[source] = {"events": events, "seconds": round(seconds, 3)}
        if relays:
            out["relay"] = relays
        if self.projection is not None:
            projection = _safely(self.projection, None)
            if projection is not None:
                out["projection"] = projection
        return out

    def collect(self):
        lags = self.lags()
        families = [*_gauges(RELAY_GAUGES, "source", lags.get("relay", {})),
                    *_gauges(PROJECTION_GAUGES, "source", lags.get("projection", {}))]
        if self.dead_letters is not None:
            waiting = {queue: {"messages": n} for queue, n in _safely(self.dead_letters, {}).items()}
            families += _gauges(DEAD_LETTER_GAUGES, "queue", waiting)
        return families


# (metric, the lag's field it shows, what it means), per part of what a process watches
RELAY_GAUGES = (
    ("sanphalang_relay_lag_events", "events", "Events committed to a register's log and not yet published by its relay"),
    ("sanphalang_relay_lag_seconds", "seconds", "How long the oldest event not yet published has waited (0: none)"),
)
PROJECTION_GAUGES = (
    ("sanphalang_projection_lag_events", "events", "Events of a source's log at reporting's last look at its head "
                                                   "not yet projected"),
    ("sanphalang_projection_lag_seconds", "seconds", "Time from append to projection of the last event of a source "
                                                     "reporting projected"),
    ("sanphalang_projection_position", "position", "The last seq of a source reporting projected"),
)
DEAD_LETTER_GAUGES = (
    ("sanphalang_dead_letters", "messages", "Messages waiting in the dead-letter queue of a consumed queue"),
)


def _gauges(specs: tuple, label: str, lags: dict):
    """One gauge family per spec, a sample per subject (a source, a queue) whose field is known."""
    for name, key, meaning in specs:
        family = GaugeMetricFamily(name, meaning, labels=[label])
        for subject, lag in sorted(lags.items()):
            if lag[key] is not None:
                family.add_metric([subject], lag[key])
        yield family


def _safely(read: Callable, fallback):
    try:
        return read()
    except Exception as error:  # noqa: BLE001  (a scrape or a heartbeat goes on without it)
        log.debug("a lag could not be read: %s", type(error).__name__)
        return fallback


WATCHED = _Watched()
REGISTRY.register(WATCHED)


def watch_relay(source: str, read: Relay) -> None:
    WATCHED.relays[source] = read


def watch_projection(read: Projection) -> None:
    WATCHED.projection = read


def watch_dead_letters(read: DeadLetters) -> None:
    """The hook for the dead-letter queues' depths: `read()` -> {queue: messages}."""
    WATCHED.dead_letters = read


def lags() -> dict:
    return WATCHED.lags()


# -- the listener ----------------------------------------------------------------------------

def serve(host: str, port: int) -> tuple[int, Callable[[], None]]:
    """This process's /metrics on a listener of its own (eventlet's WSGI server, in a green
    thread): `port` 0 takes any free one. Returns the port listened on and a stop."""
    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((host, port))
    server = eventlet.spawn(eventlet.wsgi.server, listener, make_wsgi_app(), log=logging.getLogger(__name__),
                            log_output=False, debug=False)
    bound = listener.getsockname()[1]
    log.info("metrics on http://%s:%s/metrics", host, bound, extra={"metrics_port": bound})
    return bound, server.kill
