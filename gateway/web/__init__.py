"""The web pages: one blueprint "web", server-rendered Jinja (templates/), a small CSS and JS
(static/). Each page module adds its routes to `bp`; `register(app)` imports them all.

Every page sees, through the frame (base.html): `t(code, **params)` for the catalogue's text,
`user` (a permissions.User), `allowed(action, center)`, `nav` (the links this user may follow),
`lang`, and the value helpers of text.py."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from nameko.exceptions import RpcTimeout

from services.chassis import permissions
from services import reference
from services.chassis.errors import NotFound

from . import text

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/web")

# (endpoint, label, action): the header's navigation; a link shows when its page exists and
# the user may follow it. Page modules register these endpoints.
NAV = (
    ("web.orgs", "web_nav_orgs", permissions.READ_ORGS),
    ("web.people", "web_nav_people", permissions.READ_PEOPLE),
    ("web.knowledge", "web_nav_knowledge", permissions.READ_KNOWLEDGE),
    ("web.campaigns", "web_nav_campaigns", permissions.READ_KNOWLEDGE),
    ("web.data_requests", "web_nav_requests", permissions.HANDLE_REQUESTS),
    ("web.dashboard", "web_nav_indicators", permissions.READ_INDICATORS),
    ("web.report_picker", "web_nav_report", permissions.READ_INDICATORS),
    ("web.imports", "web_nav_import", permissions.IMPORT_ORGS),
    ("web.audit", "web_nav_audit", permissions.AUDIT),
    ("web.targets", "web_nav_targets", permissions.SET_TARGETS),
    ("web.processing", "web_nav_privacy", permissions.READ_INDICATORS),
    ("web.learn", "web_nav_learn", permissions.READ_PUBLIC),
)


# endpoint of NAV -> the address its link takes a user to instead (None: the endpoint's own);
# the dashboards send center staff to their own center's
NAV_TARGETS: dict[str, Callable[[permissions.User], str | None]] = {}

# event source -> the history page of the record an event of that source belongs to (a URL, or
# None for a stream that has none); each register's pages add theirs
HISTORY_PAGES: dict[str, Callable[[str], str | None]] = {}


def page_number(values=None) -> int:
    """The `page` asked for (of the query, or of `values`), from 1; anything else is page 1."""
    try:
        return max(1, int((request.args if values is None else values).get("page", 1)))
    except ValueError:
        return 1


def current_user() -> permissions.User:
    """The signed-in user (gateway.auth), or anonymous while there is no sign-in yet."""
    try:
        from gateway.auth import current_user as signed_in
    except ImportError:
        return permissions.ANONYMOUS
    return signed_in()


def require(action: str, center: str | None = None) -> permissions.User:
    user = current_user()
    permissions.require(user, action, center)
    return user


def _may_follow(user, action) -> bool:
    """Center staff may import and handle requests at their own center: those links show for them too."""
    return permissions.allowed_somewhere(user, action)


def _frame() -> dict:
    user = current_user()
    nav = [(endpoint, text.t(label), _nav_address(endpoint, user)) for endpoint, label, action in NAV
           if endpoint in current_app.view_functions and _may_follow(user, action)]
    return {
        "t": text.t, "lang": text.lang(), "user": user, "nav": nav,
        "allowed": lambda action, center=None: permissions.allowed(user, action, center),
        "center_name": text.center_name, "moment": text.moment, "day": text.day,
        "year": text.year, "location": text.location, "text_of": text.text_of, "has_endpoint": lambda e: e in current_app.view_functions,
        "role_label": lambda role: text.t(f"web_role_{role}") if role in permissions.ROLES else (role or ""),
        "switch_language": lambda code: _with_args(lang=code),
    }


def _nav_address(endpoint: str, user) -> str:
    target = NAV_TARGETS.get(endpoint)
    return (target(user) if target else None) or url_for(endpoint)


def _with_args(**changes) -> str:
    args = request.args.to_dict(flat=False)
    args.update({k: [v] for k, v in changes.items()})
    return url_for(request.endpoint, **(request.view_args or {}), **args) if request.endpoint else "?"


@bp.app_context_processor
def _context():
    """The frame's helpers for every template, so other blueprints' pages can extend base.html."""
    return _frame()


@bp.get("/")
def home():
    user = current_user()
    own = NAV_TARGETS["web.dashboard"](user) if "web.dashboard" in NAV_TARGETS else None
    if own:  # center staff: their own center's dashboard
        return redirect(own)
    if permissions.allowed(user, permissions.READ_ORGS):
        return redirect(url_for("web.orgs"))
    if "web.dashboard" in current_app.view_functions:
        return redirect(url_for("web.dashboard"))
    if "account.sign_in" in current_app.view_functions:
        return redirect(url_for("account.sign_in"))
    return render_template("home.html")


@bp.get("/web/places")
def places():
    """The cascade's lists: ?province=50 -> its districts; ?district=5001 -> its subdistricts."""
    district, province = request.args.get("district"), request.args.get("province")
    if district:
        found = reference.subdistricts(district) if reference.district(district) else []
        key = "subdistricts"
    elif province:
        found = reference.districts(province) if reference.province(province) else []
        key = "districts"
    else:
        found, key = reference.provinces(), "provinces"
    return jsonify({key: [{"code": p.code, "th": p.name_th, "en": p.name_en} for p in found]})


@bp.errorhandler(permissions.Forbidden)
def _forbidden(error: permissions.Forbidden):
    """A page refused: sign in first, or say it is not allowed."""
    if error.status == 401 and "account.sign_in" in current_app.view_functions:
        return redirect(url_for("account.sign_in", next=request.full_path))
    return render_template("problem.html", code=f"web_{error.code}"), error.status


@bp.errorhandler(NotFound)
def _not_found(_error):
    return render_template("problem.html", code="not_found"), 404


@bp.errorhandler(RpcTimeout)
def _unavailable(_error):
    return render_template("problem.html", code="unavailable"), 503


def register(app) -> None:
    """Add the pages to the app: import every page module (each adds its routes to `bp`)."""
    from . import orgs  # noqa: F401  (routes)
    from . import actions  # noqa: F401  (record actions, duplicates)
    from . import audit, imports, indicators  # noqa: F401  (the audit, import and indicator pages)
    from . import dashboard  # noqa: F401  (the dashboards: nation, region, province, center)
    from . import report  # noqa: F401  (the monthly report: print view and PDF)
    from . import people, people_actions, people_rights  # noqa: F401  (the people register's pages)
    from . import learn  # noqa: F401  (the public learning portal)
    from . import targets  # noqa: F401  (the indicators' targets, set by central admins)
    from . import campaign_actions, campaigns, knowledge, knowledge_actions  # noqa: F401  (knowledge, staff pages)

    from . import account

    app.register_blueprint(account.bp)
    app.register_blueprint(bp)

