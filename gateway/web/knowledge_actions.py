"""What is done to a knowledge item besides editing it (small forms on its page): submit it for
review; the reviewers' publish, return (saying what to change), archive and restore; attach
a file and remove one.

Each form posts the item's version and an idempotency key: the knowledge service refuses a
stale version, and the page then shows what changed since it was opened. The page asks only
whether the user may take the step somewhere (reviewing is for central admins); the service
decides for the item's center. Problems are shown next to their input."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import flash, redirect, request, url_for

from gateway.api import plain_id, rpc
from gateway.api.knowledge import upload
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict
from services.contracts.knowledge import events as ev

from . import bp, knowledge_history, require, text
from .actions import said, version_of
from .knowledge import render_record


@dataclass(frozen=True)
class Step:
    call: Callable  # (knowledge, item_id, note, version, key) -> the item
    done: str
    action: str


STEPS = {
    "submit": Step(lambda k, i, note, v, key: k.submit(i, v, note, key=key), "web_knowledge_submitted_done",
                   can.WRITE_KNOWLEDGE),
    "publish": Step(lambda k, i, note, v, key: k.publish(i, v, key=key), "web_knowledge_published_done",
                    can.PUBLISH_KNOWLEDGE),
    "return": Step(lambda k, i, note, v, key: k.return_item(i, v, note, key=key), "web_knowledge_returned_done",
                   can.PUBLISH_KNOWLEDGE),
    "archive": Step(lambda k, i, note, v, key: k.archive(i, v, note, key=key), "web_knowledge_archived_done",
                    can.PUBLISH_KNOWLEDGE),
    "restore": Step(lambda k, i, note, v, key: k.restore(i, v, note, key=key), "web_knowledge_restored_done",
                    can.PUBLISH_KNOWLEDGE),
}
INPUTS = ("note", "file")  # the inputs of the item's forms a problem can be shown at


def problems_by_input(error: CommandRejected) -> dict[str, list[str]]:
    """The service's problems by form input; others (the item's state, its center) above."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        name = problem["field"].split(".")[0]
        out.setdefault(name if name in INPUTS else "_schema", []).append(said(problem))
    return out


def _refused(item_id: str, action: str, error: CommandRejected, status: int = 422, **values):
    with rpc() as cluster:
        item = cluster.knowledge.get(item_id)
    return render_record(item, status, posted_action=action, action_values=values,
                         action_problems=problems_by_input(error))


def stale(item_id: str, version: int):
    """Someone changed the item after the page was opened: what changed, and the current item
    with fresh forms; nothing was done."""
    with rpc() as cluster:
        now = cluster.knowledge.get(item_id)
        events = cluster.knowledge.history(item_id)
    changed = knowledge_history.changed_since(events, ev.stream_of(item_id), version, now["version"],
                                              knowledge_history.apply_item, knowledge_history.ITEM_ORDER)
    return render_record(now, 409, stale={"version": now["version"], "changes": changed})


@bp.post("/knowledge/<uuid:item_id>/<any(submit, publish, return, archive, restore):step>",
         endpoint="knowledge_step")
def knowledge_step(item_id, step):
    user, item_id, spec = require(can.READ_KNOWLEDGE), str(item_id), STEPS[step]
    can.require_somewhere(user, spec.action)
    note = (request.form.get("note") or "").strip() or None
    version, key = version_of(request.form.get("version")), plain_id(request.form.get("key"))
    try:
        with rpc() as cluster:
            spec.call(cluster.knowledge, item_id, note, version, key)
    except CommandRejected as error:
        return _refused(item_id, step, error, note=note or "")
    except Conflict:
        return stale(item_id, version)
    flash(text.t(spec.done), "success")
    return redirect(url_for("web.knowledge_item", item_id=item_id))


@bp.post("/knowledge/<uuid:item_id>/attach", endpoint="knowledge_attach")
def knowledge_attach(item_id):
    """A file for the item: sent to the service, which checks its bytes are what its name says."""
    user, item_id = require(can.READ_KNOWLEDGE), str(item_id)
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    try:
        posted = upload()  # first: a file too large for the gateway is refused before the form is read
    except CommandRejected as error:
        return _refused(item_id, "attach", error, 413 if error.problems[0]["code"] == "attachment_too_large" else 422)
    version, key = version_of(request.form.get("version")), plain_id(request.form.get("key"))
    try:
        with rpc() as cluster:
            cluster.knowledge.attach(item_id, posted, version, key=key)
    except CommandRejected as error:
        return _refused(item_id, "attach", error)
    except Conflict:
        return stale(item_id, version)
    flash(text.t("web_knowledge_attached_done", name=posted["name"]), "success")
    return redirect(url_for("web.knowledge_item", item_id=item_id))


@bp.post("/knowledge/<uuid:item_id>/detach", endpoint="knowledge_detach")
def knowledge_detach(item_id):
    user, item_id = require(can.READ_KNOWLEDGE), str(item_id)
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    version, key = version_of(request.form.get("version")), plain_id(request.form.get("key"))
    try:
        with rpc() as cluster:
            cluster.knowledge.detach(item_id, (request.form.get("sha256") or "").strip(), version, key=key)
    except CommandRejected as error:
        return _refused(item_id, "detach", error)
    except Conflict:
        return stale(item_id, version)
    flash(text.t("web_knowledge_detached_done"), "success")
    return redirect(url_for("web.knowledge_item", item_id=item_id))
