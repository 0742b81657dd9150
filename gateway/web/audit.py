"""The auditors' page (`/audit`, needs AUDIT): each source's chain verification, reporting's
comparison of its live projections with a fresh replay, and the search across all events
(by user, center, type, dates), each event linked to its record's history.

Verifying rehashes a whole log (seconds for 200,000 events) and the comparison replays it, so
both run when the auditor asks (a button); the chains are checked at once while the logs are
small (AUTO_VERIFY_MAX events in all)."""
from __future__ import annotations

import math

from flask import render_template, request, url_for
from marshmallow import ValidationError

from services.chassis import permissions as can
from gateway.api import rpc, signed
from gateway.imports import long_pool
from services.chassis.thai import day_end_utc, day_start_utc
from services.chassis.validation import iso_day
from services.registry import BUILT_SOURCES, contract

from . import HISTORY_PAGES, bp, page_number, require, text

PER_PAGE = 25
AUTO_VERIFY_MAX = 20_000
SEARCH_FIELDS = ("user", "center", "type", "from", "to")


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
                filters[name] = (day_end_utc if name == "to" else day_start_utc)(iso_day(typed[name]))
            except ValidationError as error:
                problems[name] = [text.problem_text(error)]
    if typed["type"] and typed["type"] not in EVENT_TYPES:
        problems["type"] = [text.t("not_one_of")]
    return typed, filters, problems


EVENT_TYPES = tuple(kind for source in BUILT_SOURCES for kind in contract(source, "events").EVENT_TYPES)


def _record_link(event: dict) -> str | None:
    """The history page of the event's record, where its register's pages have one."""
    history = HISTORY_PAGES.get(event["source"])
    return history(event["stream"]) if history is not None else None


def _chains(cluster, asked: bool) -> tuple[list[dict], bool]:
    """Each source's verification when asked or cheap; else each source's head only."""
    heads = {source: getattr(cluster, source).head()["seq"] for source in BUILT_SOURCES}
    if not asked and sum(heads.values()) > AUTO_VERIFY_MAX:
        return [{"source": source, "events": seq, "ok": None} for source, seq in heads.items()], False
    return [getattr(cluster, source).verify_chain() for source in BUILT_SOURCES], True


@bp.get("/audit", endpoint="audit")
def audit():
    require(can.AUDIT)
    check = request.args.get("check")
    typed, filters, problems = _search_query()
    source = typed["source"] if typed["source"] in BUILT_SOURCES else BUILT_SOURCES[0]
    page = page_number()
    result = {"items": [], "total": 0}
    comparison = None
    if check == "projections":  # replays every event: the long-timeout pool of the import jobs
        with long_pool().cluster() as cluster:
            comparison = signed(cluster).reporting.verify()
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
        sources=[(s, text.source_name(s)) for s in BUILT_SOURCES],
        source_names={s: text.source_name(s) for s in BUILT_SOURCES},
        centers=text.center_options(), types=[(kind, text.event_label(kind)) for kind in EVENT_TYPES],
        event_label=text.event_label, record_link=_record_link,
        check_url=lambda what: url_for("web.audit", **shown, check=what),
    )
