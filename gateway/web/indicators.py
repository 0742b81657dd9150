"""The indicators page (public): the seven indicators per nation, region, province or center,
with their targets and the share reached, as of any date (reporting's `indicators` RPC)."""
from __future__ import annotations

from flask import render_template, request
from marshmallow import ValidationError

from services.chassis import permissions as can
from gateway.api import rpc
from services import reference
from services.chassis.validation import iso_day
from services.contracts.reporting import SCOPES

from . import bp, require, text


def place_options(scope: str) -> list[tuple[str, str]]:
    """The places of a scope, for the place selector (empty for the nation)."""
    if scope == "region":
        return [(code, text.text_of(names)) for code, names in reference.REGIONS.items()]
    if scope == "province":
        return text.province_options()
    if scope == "center":
        return text.center_options()
    return []


def share(value: int, target: int | None) -> float | None:
    """The share of the target reached, in percent (None without a target)."""
    return round(100 * value / target, 1) if target else None


@bp.get("/indicators", endpoint="indicators")
def indicators():
    require(can.READ_INDICATORS)
    scope = request.args.get("scope") if request.args.get("scope") in SCOPES else "nation"
    options = place_options(scope)
    code = request.args.get("code") or None
    if code not in {c for c, _ in options}:
        code = None
    typed = {"scope": scope, "code": code or "", "as_of": (request.args.get("as_of") or "").strip()}
    problems, as_of = {}, None
    if typed["as_of"]:
        try:
            as_of = iso_day(typed["as_of"])
        except ValidationError as error:
            problems["as_of"] = [text.problem_text(error)]
    report = {"scope": scope, "as_of": None, "places": []}
    if not problems:
        with rpc() as cluster:
            report = cluster.reporting.indicators(scope, code, as_of)
    scopes = [(s, text.t(f"web_scope_{s}")) for s in SCOPES]
    return render_template(
        "indicators.html", report=report, typed=typed, problems=problems, as_of=as_of, share=share,
        scopes=scopes, scope_names=dict(scopes), places=options,
        name_of=lambda item: text.text_of({"th": item["name_th"], "en": item["name_en"]}),
    )
