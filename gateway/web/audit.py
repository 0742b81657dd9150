"""The auditors' page (`/audit`, needs AUDIT): each source's chain verification, reporting's
comparison of its live projections with a fresh replay, and the search across all events
(by user, center, type, dates), each event linked to its record's history.

Verifying rehashes a whole log (seconds for 200,000 events) and the comparison replays it, so
both run when the auditor asks (a button); the chains are checked at once while the logs are
small (AUTO_VERIFY_MAX events in all)."""
from __future__ import annotations

import math
from datetime import datetime, time, timezone

from flask import current_app, render_template, request, url_for
from marshmallow import ValidationError

from gateway import permissions as can
from gateway.api import rpc
from gateway.imports import long_pool
from sanphalang.config import RUNNING_SOURCES
from services.orgs import events as org_events

from . import bp, require, text
from .indicators import day_typed, problem_text

PER_PAGE = 25
AUTO_VERIFY_MAX = 20_000
SEARCH_FIELDS = ("user", "center", "type", "from", "to")


def _utc(day_iso: str, end: bool) -> str:
    """The first (or last) moment of a Bangkok day, in UTC, in the log's format."""
    moment = datetime.combine(datetime.fromisoformat(day_iso).date(), time.max if end else time.min,
                              tzinfo=text.BANGKOK)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _search_query() -> tuple[dict, dict, dict]:
    """The search as typed, as the store takes it (dates as UTC bounds), and problems by field."""
    typed = {k: (request.args.get(k) or "").strip() for k in (*SEARCH_FIELDS, "source")}
    filters, problems = {}, {}
    for name in ("user", "center", "type"):
        if typed[name]:
            filters[name] = typed[name]
    for name in ("from", "to"):
        if typed[name]:
            try:
                filters[name] = _utc(day_typed(typed[name]), end=name == "to")
            except ValidationError as error:
                problems[name] = [problem_text(error)]
    if typed["type"] and typed["type"] not in EVENT_TYPES:
        problems["type"] = [text.t("not_one_of")]
    return typed, filters, problems


EVENT_TYPES = tuple(org_events.PAYLOADS)


def _event_label(kind: str) -> str:
    code = f"web_event_{kind}"
    return text.t(code) if code in text.CATALOGUE else kind


def _source_name(source: str) -> str:
    code = f"web_source_{source}"
    return text.t(code) if code in text.CATALOGUE else source


def _record_link(event: dict) -> str | None:
    """The record's history page, when the page exists for the event's stream."""
    if event["source"] == org_events.SOURCE and event["stream"].startswith("org-") \
            and "web.org_history" in current_app.view_functions:
        return url_for("web.org_history", org_id=org_events.org_id_of(event["stream"]))
    return None


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _chains(cluster, asked: bool) -> tuple[list[dict], bool]:
    """Each source's verification when asked or cheap; else each source's head only."""
    heads = {source: getattr(cluster, source).head()["seq"] for source in RUNNING_SOURCES}
    if not asked and sum(heads.values()) > AUTO_VERIFY_MAX:
        return [{"source": source, "events": seq, "ok": None} for source, seq in heads.items()], False
    return [getattr(cluster, source).verify_chain() for source in RUNNING_SOURCES], True


@bp.get("/audit", endpoint="audit")
def audit():
    require(can.AUDIT)
    check = request.args.get("check")
    typed, filters, problems = _search_query()
    source = typed["source"] if typed["source"] in RUNNING_SOURCES else RUNNING_SOURCES[0]
    page = _page()
    result = {"items": [], "total": 0}
    comparison = None
    if check == "projections":  # replays every event: the long-timeout pool of the import jobs
        with long_pool().cluster() as cluster:
            comparison = cluster.reporting.verify()
        chains, verified = comparison["chains"], True
    else:
        with rpc() as cluster:
            chains, verified = _chains(cluster, check == "chains")
    if not problems:
        with rpc() as cluster:
            result = getattr(cluster, source).search_events(filters, page, PER_PAGE)
    shown = {k: v for k, v in typed.items() if v}
    return render_template(
        "audit.html", chains=chains, verified=verified, comparison=comparison, result=result, typed=typed,
        problems=problems, page=page, pages=max(1, math.ceil(result["total"] / PER_PAGE)),
        page_url=lambda n: url_for("web.audit", **shown, page=n),
        sources=[(s, _source_name(s)) for s in RUNNING_SOURCES],
        source_names={s: _source_name(s) for s in RUNNING_SOURCES},
        centers=text.center_options(), types=[(kind, _event_label(kind)) for kind in EVENT_TYPES],
        event_label=_event_label, record_link=_record_link,
        check_url=lambda what: url_for("web.audit", **shown, check=what),
    )
