"""`sanphalang status`'s plain table (sanphalang/status.py) and the labels the metrics may carry
(services/chassis/metrics.py): pure functions, no broker."""
from __future__ import annotations

from prometheus_client import REGISTRY

from sanphalang.status import lags, lines, listener_queue, table, uptime
from services.chassis import metrics
from services.chassis.errors import Conflict, NotFound
from services.edge.metrics import outcome

ORGS = {"id": "a1", "service": "orgs", "host": "node-1", "pid": 4242, "version": "0.1.0+gabc", "uptime_s": 3725.2,
        "metrics_port": 9700, "lags": {"relay": {"orgs": {"events": 3, "seconds": 0.4}}}, "stopping": False}
REPORTING = {**ORGS, "id": "b2", "service": "reporting", "pid": 4243, "uptime_s": 12,
             "lags": {"projection": {"people": {"events": 0, "seconds": None, "position": 0},
                                     "orgs": {"events": 2, "seconds": 0.125, "position": 40}}}}


def test_uptime_reads_in_its_two_largest_units():
    assert [uptime(s) for s in (0, 12.9, 65, 3725, 90000)] == ["0s", "12s", "1m 5s", "1h 2m", "1d 1h"]


def test_lags_name_the_relay_and_each_projected_source():
    assert lags(ORGS) == "relay orgs 3 ev / 0.40 s"
    assert lags(REPORTING) == "orgs 2 ev / 0.12 s, people 0 ev / -"
    assert lags({**ORGS, "lags": {}}) == "-"


def test_a_table_aligns_its_columns_without_trailing_spaces():
    assert table([("A", "BB"), ("ccc", 1)]) == ["A    BB", "ccc  1"]


def test_the_report_lists_instances_then_queues():
    status = {"listened_s": 4.5, "instances": [ORGS, REPORTING],
              "queues": [{"queue": "rpc-orgs", "messages": 0, "consumers": 2},
                         {"queue": "reporting.orgs.batches.dead-letters", "messages": None, "consumers": None}]}
    out = lines(status)
    assert out[0].split() == ["SERVICE", "HOST", "PID", "VERSION", "UPTIME", "METRICS", "LAGS"]
    assert out[1].split()[:7] == ["orgs", "node-1", "4242", "0.1.0+gabc", "1h", "2m", "9700"]
    assert out[2].startswith("reporting") and out[3] == ""
    assert out[4:] == ["QUEUE                                MESSAGES  CONSUMERS",
                       "rpc-orgs                             0         2",
                       "reporting.orgs.batches.dead-letters  -         (no such queue)"]
    assert lines({**status, "instances": []})[0] == "no instance heard within 4.5 s"


def test_a_listener_queue_is_named_apart_each_time():
    first, second = listener_queue(), listener_queue()
    assert first != second and first.startswith("sanphalang.status.") and len(first.rsplit(".", 1)[1]) == 32


def test_labels_are_the_codes_never_what_was_sent():
    assert outcome(None) == "ok"
    assert outcome(NotFound("org-1")) == "not_found" and outcome(Conflict("org-1", 3)) == "conflict"
    assert outcome(KeyError("กลุ่มของใคร")) == "error"
    metrics.http_done(None, "BREW", 418, 0.01)
    assert REGISTRY.get_sample_value("sanphalang_http_requests_total",
                                     {"endpoint": "(no route)", "method": "other", "status": "418"}) >= 1
