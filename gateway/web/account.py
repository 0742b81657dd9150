"""Signing in and out and changing one's password: the "account" blueprint. The checks
themselves (passwords, sessions, rate limits) are gateway.auth's and gateway.users'."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from gateway import auth
from services.chassis.errors import CommandRejected

from . import text

bp = Blueprint("account", __name__, template_folder="templates")
_LIMITS = auth.sign_in_limits()


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never send someone signing in on to another site."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@_LIMITS[0]
@_LIMITS[1]
def sign_in():
    name, problem = request.form.get("username", ""), None
    if request.method == "POST":
        if auth.sign_in(name, request.form.get("password", "")) is not None:
            return redirect(_safe_next(request.args.get("next")))
        problem = text.t("bad_credentials")
    return render_template("account/sign_in.html", username=name, problem=problem), 401 if problem else 200


@bp.post("/sign-out")
def sign_out():
    auth.sign_out()
    return redirect(url_for("account.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    user = auth.current_user()
    if not user.signed_in:
        return redirect(url_for("account.sign_in", next=request.path))
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        old, new = request.form.get("old_password", ""), request.form.get("new_password", "")
        if new != request.form.get("new_password_again", ""):
            problems["new_password_again"] = [text.t("web_passwords_differ")]
        else:
            try:
                auth.users().change_password(user.name, old, new)
                flash(text.t("web_password_changed"), "ok")
                return redirect(url_for("web.home"))
            except CommandRejected as error:
                for p in error.problems:
                    problems.setdefault(p["field"], []).append(text.text_of(_message(p)))
    return render_template("account/password.html", problems=problems), 422 if problems else 200


def _message(problem: dict) -> dict:
    from services.chassis.messages import message

    return message(problem["code"], **(problem.get("params") or {}))
