"""What a center does to a campaign besides amending it (small forms on its page): change its
status, record a result, archive or restore it. Each form posts the campaign's version and
an idempotency key; a stale version shows what changed since the page was opened. The
service decides for the campaign's center; problems are shown next to their input."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import flash, redirect, request, url_for

from gateway.api import plain_id, rpc
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict
from services.contracts.knowledge import events as ev

from . import bp, knowledge_history, require, text
from .actions import said, version_of
from .campaigns import render_campaign

RESULT = ("on", "reach", "participants", "outcome_count", "outcome", "channel")


@dataclass(frozen=True)
class Action:
    values: Callable[[dict], object]  # the posted form -> what the call takes
    call: Callable  # (knowledge, campaign_id, value, version, key) -> the campaign
    done: str
    inputs: dict  # the service's field -> the form's input ("_schema" of the form too)


def _result(form) -> dict:
    """A result as typed: the blank inputs left to the service's defaults."""
    typed = {name: (form.get(f"result_{name}") or "").strip() for name in RESULT}
    return {k: v for k, v in typed.items() if v}


ACTIONS = {
    "status": Action(lambda form: (form.get("status") or "").strip(),
                     lambda k, i, status, v, key: k.set_campaign_status(i, status, v, key=key),
                     "web_campaign_status_done", {"status": "status"}),
    "result": Action(_result, lambda k, i, result, v, key: k.record_result(i, result, v, key=key),
                     "web_campaign_result_done", {**{name: f"result_{name}" for name in RESULT}, "_schema": "result"}),
    "archive": Action(lambda form: (form.get("reason") or "").strip() or None,
                      lambda k, i, reason, v, key: k.archive_campaign(i, v, reason, key=key),
                      "web_campaign_archived_done", {"reason": "reason"}),
    "restore": Action(lambda form: (form.get("reason") or "").strip() or None,
                      lambda k, i, reason, v, key: k.restore_campaign(i, v, reason, key=key),
                      "web_campaign_restored_done", {"reason": "reason"}),
}


def _problems(error: CommandRejected, inputs: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        out.setdefault(inputs.get(problem["field"].split(".")[0], "_schema"), []).append(said(problem))
    return out


def _stale(campaign_id: str, version: int):
    with rpc() as cluster:
        now = cluster.knowledge.get_campaign(campaign_id)
        events = cluster.knowledge.campaign_history(campaign_id)
    changed = knowledge_history.changed_since(events, ev.campaign_stream(campaign_id), version, now["version"],
                                              knowledge_history.apply_campaign, knowledge_history.CAMPAIGN_ORDER)
    return render_campaign(now, 409, stale={"version": now["version"], "changes": changed})


@bp.post("/campaigns/<uuid:campaign_id>/<any(status, result, archive, restore):action>",
         endpoint="campaigns_action")
def campaign_action(campaign_id, action):
    user, campaign_id, spec = require(can.READ_KNOWLEDGE), str(campaign_id), ACTIONS[action]
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    value = spec.values(request.form)
    version, key = version_of(request.form.get("version")), plain_id(request.form.get("key"))
    try:
        with rpc() as cluster:
            spec.call(cluster.knowledge, campaign_id, value, version, key)
    except CommandRejected as error:
        with rpc() as cluster:
            campaign = cluster.knowledge.get_campaign(campaign_id)
        typed = {k: (request.form.get(k) or "").strip() for k in ("reason", *(f"result_{n}" for n in RESULT))}
        return render_campaign(campaign, 422, posted_action=action, action_values=typed,
                               action_problems=_problems(error, spec.inputs))
    except Conflict:
        return _stale(campaign_id, version)
    flash(text.t(spec.done), "success")
    return redirect(url_for("web.campaigns_record", campaign_id=campaign_id))
