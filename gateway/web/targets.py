"""The targets page: each indicator's national target and every center's, with whether the
center's is its own or the default split (docs/reporting.md); central admins set one here, as
an event of reporting's log (reporting's `targets` and `set_target` RPCs)."""
from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for

from services import reference
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected
from services.contracts.reporting import BY_KEY, INDICATORS, NATION
from gateway.api import rpc

from . import bp, require, text
from .actions import said


KIND_LABELS = {"national": "web_target_kind_national", "set": "web_target_kind_set",
               "default": "web_target_kind_default"}


def _indicator() -> str:
    chosen = request.values.get("indicator")
    return chosen if chosen in BY_KEY else INDICATORS[0].key


def _rows(listing: dict, indicator: str) -> list[dict]:
    """The nation, then every center: its target, whether its own, who set it and when."""
    own = {row["center"]: row for row in listing["centers"] if row["indicator"] == indicator}
    defaults = listing["defaults"][indicator]
    rows = [{"code": NATION, "name": text.t("web_scope_nation"), "target": listing["national"][indicator],
             "kind": "national", "set": None}]
    for center in reference.centers():
        mine = own.get(center.code)
        rows.append({"code": center.code, "name": text.text_of((center.name_th, center.name_en)),
                     "target": mine["target"] if mine else defaults[center.code],
                     "kind": "set" if mine else "default", "set": mine})
    for row in rows:
        row["kind_label"] = text.t(KIND_LABELS[row["kind"]])
    return rows


@bp.route("/targets", methods=["GET", "POST"], endpoint="targets")
def targets_page():
    require(can.READ_INDICATORS)
    indicator, problems, typed = _indicator(), {}, {"center": "", "target": ""}
    if request.method == "POST":
        require(can.SET_TARGETS)
        typed = {"center": request.form.get("center", ""), "target": request.form.get("target", "").strip()}
        try:
            target = int(typed["target"])
        except ValueError:
            problems["target"] = [text.t("web_target_whole_number")]
        if not problems:
            try:
                with rpc() as cluster:
                    cluster.reporting.set_target(indicator, typed["center"], target, key=request.form.get("key"))
                flash(text.t("web_target_saved"), "ok")
                return redirect(url_for("web.targets", indicator=indicator))
            except CommandRejected as error:
                for problem in error.problems:
                    problems.setdefault(problem["field"], []).append(said(problem))
    with rpc() as cluster:
        listing = cluster.reporting.targets()
    centers = [(NATION, text.t("web_scope_nation")), *text.center_options()]
    status = 422 if problems else 200
    return render_template(
        "targets.html", indicator=indicator, indicators=[(i.key, f"{i.number}. {text.text_of((i.name_th, i.name_en))}")
                                                         for i in INDICATORS],
        rows=_rows(listing, indicator), centers=centers, typed=typed, problems=problems, key=uuid.uuid4().hex,
        set_targets=can.SET_TARGETS), status
