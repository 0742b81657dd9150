"""The dashboards (public, `read_indicators`): nation → region → province → center, each with
every indicator against its target, a monthly series, the places one level down, the province
map (nation and region), the breakdowns, and the table behind every chart with its XLSX and CSV
download, as of any day (B.E. or C.E.). Center staff land on their own center's.

    /dashboard                                   the nation
    /dashboard/<region|province|center>/<code>   one place
    .../download.xlsx?table=<id>&as_of=<day>     one table as a file (.csv too)

Charts are drawn by static/dashboard.js (Apache ECharts, vendored at set-up) from JSON in the
page; every page and file here is sent with a policy that runs no inline script (`POLICY`)."""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from marshmallow import ValidationError

from gateway.api import rpc
from services import reference
from services.chassis import permissions as can
from services.chassis.errors import NotFound
from services.chassis.messages import message
from services.chassis.validation import iso_day

from . import NAV_TARGETS, bp, require, text
from . import dashboard_charts as charts
from . import dashboard_data as data
from . import dashboard_files as files
from . import dashboard_places as places
from .dashboard_places import Place
from .dashboard_tables import STRONG_GOAL, pair

SCOPES = "any(region,province,center)"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@bp.after_app_request
def _dashboard_headers(response):
    if request.path == "/dashboard" or request.path.startswith("/dashboard/"):
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def own_dashboard(user) -> str | None:
    """A center's staff's own center's dashboard (None for anyone else)."""
    if user.role == can.CENTER_STAFF and user.center and places.center(user.center):
        return url_for("web.dashboard", scope="center", code=user.center)
    return None


NAV_TARGETS["web.dashboard"] = own_dashboard  # the header's "indicators" link


def _as_of() -> tuple[str, str | None, dict]:
    """(what was typed, the ISO day or None, problems by field)."""
    typed = (request.args.get("as_of") or "").strip()
    if not typed:
        return typed, None, {}
    try:
        return typed, iso_day(typed), {}
    except ValidationError as error:
        said = f'{text.t("web_indicators_as_of")}: {text.problem_text(error)}'  # the field, then its problem
        return typed, None, {"as_of": [said]}


def _address(place: Place, endpoint: str = "web.dashboard", **args) -> str:
    """A place's dashboard (or its download)."""
    where = {} if place.scope == "nation" else {"scope": place.scope, "code": place.code}
    return url_for(endpoint, **where, **args)


@bp.get("/dashboard", endpoint="dashboard")
@bp.get(f"/dashboard/<{SCOPES}:scope>/<code>", endpoint="dashboard")
def dashboard(scope: str = "nation", code: str | None = None):
    require(can.READ_INDICATORS)
    place = places.place(scope, code)
    typed, as_of, problems = _as_of()
    kept = {"as_of": typed} if typed and not problems else {}

    def link(other: Place) -> str:
        return _address(other, **kept)

    board, drawn = None, {}
    if not problems:
        with rpc() as cluster:
            board = data.load(cluster, place, as_of)
        geo = url_for("web.static", filename="geo/th-provinces.geojson")
        drawn = charts.charts(board, link, geo)
    page = render_template(
        "dashboard/page.html", place=place, trail=places.trail(place), board=board, charts=drawn, typed=typed,
        as_of=as_of, problems=problems, link=link, measures=charts.measures(),
        download=lambda table, fmt: _address(place, "web.dashboard_download", fmt=fmt, table=table, **kept),
        action=_address(place), cell_text=cell_text, name_of=text.text_of,
        zones=place.scope == "province" and place.code == reference.BANGKOK, goal=STRONG_GOAL,
        texts={"open": text.t("web_dash_open"), "none": "—", "target": text.t("web_indicator_target")},
    )
    return page, (400 if problems else 200)


def cell_text(kind: str, value) -> str:
    """A table's value as the page shows it."""
    if value is None:
        return "—"
    if kind in ("label", "text"):
        return text.text_of(value)
    if kind == "percent":
        return f"{value:,.1f}%"
    return f"{value:,}"


@bp.get("/dashboard/download.<any(xlsx,csv):fmt>", endpoint="dashboard_download")
@bp.get(f"/dashboard/<{SCOPES}:scope>/<code>/download.<any(xlsx,csv):fmt>", endpoint="dashboard_download")
def download(fmt: str, scope: str = "nation", code: str | None = None):
    """One of a dashboard's tables (`?table=`) as a file, as of the page's day (`?as_of=`)."""
    require(can.READ_INDICATORS)
    place = places.place(scope, code)
    typed, as_of, problems = _as_of()
    if problems:
        return _bad_as_of(typed)
    with rpc() as cluster:
        board = data.load(cluster, place, as_of)
    table = board.tables.get(request.args.get("table", ""))
    if table is None:
        raise NotFound(request.args.get("table", ""))
    name = "-".join(part for part in ("sanphalang", place.scope, place.code, table.id, as_of or "latest") if part)
    if fmt == "csv":
        body, kind = files.csv_text(table).encode("utf-8"), files.CSV
    else:
        body, kind = files.xlsx(table, _about(board, table)), files.XLSX
    response = Response(body, content_type=kind)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _about(board: data.Dashboard, table) -> list[tuple[str, str]]:
    """What a file's second sheet says of its table."""
    return [
        (text.t("web_dash_file_table"), text.text_of(table.title)),
        (text.t(f"web_scope_{board.place.scope}"), text.text_of(board.place.name)),
        (text.t("web_indicators_as_of"), text.day(board.as_of) if board.as_of else text.t("web_indicators_now")),
        (text.t("web_dash_data_at_label"), text.moment(board.data_at) if board.data_at else "—"),
    ]


def _bad_as_of(typed: str) -> Response:
    """A file asked for as of a day that is not one: say so in Thai and English, naming the field."""
    try:
        iso_day(typed)
        code = "invalid_date"
    except ValidationError as error:
        code = str(error.messages[0])
    said = message(code)
    label = pair("web_indicators_as_of")
    body = f"{label[0]} (as_of): {said['th']}\n{label[1]} (as_of): {said['en']}\n"
    return Response(body, status=400, content_type="text/plain; charset=utf-8")
