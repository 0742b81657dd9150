"""The monthly report (plan 4.3, the office record and report system), for the nation, a region,
a province or a coordination center: the indicators against their targets at the month's end,
the monthly series, the places one level down with the province map (nation and region), the
breakdowns, what changed in the month by center, and the organizations not verified for a year.
An A4 print view in Thai (Buddhist-era dates; `?digits=thai` for Thai digits) and the same page
as a PDF. Aggregates only: anyone who may read the indicators may read a report; the names of
unverified organizations are listed for readers of the register (READ_ORGS).

    /report                                         the month picker
    /report/<nation|region|province|center>/<code>/<YYYY-MM>       the print view (nation: TH)
    /report/<nation|region|province|center>/<code>/<YYYY-MM>.pdf   the PDF

Charts are drawn by static/report.js (ECharts, SVG renderer) once the web font has loaded; it
sets `data-ready` on <body> when every chart is drawn. The PDF is gateway/pdf.py's: headless
Chromium runs the page's scripts within a virtual-time budget that lets them finish first."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from flask import Response, redirect, render_template, request, url_for

from gateway.api import rpc
from gateway.pdf import PdfError, pdf_from_html, thai_words
from services import reference
from services.chassis import permissions as can
from services.chassis.errors import NotFound
from services.contracts.reporting import BY_KEY, INDICATORS, NATION

from . import bp, require, text
from . import dashboard_places as places
from . import report_charts
from . import report_data as data
from .dashboard import POLICY, cell_text
from .dashboard_places import Place
from .dashboard_tables import STRONG_GOAL

SCOPES = "any(nation,region,province,center)"
SOURCES = ("orgs", "people", "knowledge")
YEARS = 6  # the picker's years: this one and the five before
_DIGIT_OR_ENTITY = re.compile(r"&#?\w+;|[0-9]")
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_TAG_OR_TEXT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<[^>]*>)", re.S | re.I)


@bp.after_app_request
def _report_headers(response):
    if request.path == "/report" or request.path.startswith("/report/"):
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _place(scope: str, code: str) -> Place:
    if scope == "nation":
        if code != NATION:
            raise NotFound(code)
        return places.nation()
    return places.place(scope, code)


def _code(place: Place) -> str:
    return place.code or NATION


def address(place: Place, month: str, pdf: bool = False, **args) -> str:
    """A place's report of a month (`YYYY-MM`), or its PDF."""
    return url_for("web.report_pdf" if pdf else "web.report", scope=place.scope, code=_code(place), month=month, **args)


# --- the month picker

def _place_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(value "scope:code", name)]) for the picker's one place list."""
    name = text.text_of
    return [
        (text.t("web_scope_nation"), [(f"nation:{NATION}", name(places.NATION_NAME))]),
        (text.t("web_scope_region"), [(f"region:{code}", name(names)) for code, names in reference.REGIONS.items()]),
        (text.t("web_scope_province"), [(f"province:{code}", label) for code, label in text.province_options()]),
        (text.t("web_scope_center"), [(f"center:{code}", label) for code, label in text.center_options()]),
    ]


def _chosen_place(user) -> str:
    scope, code = request.args.get("scope"), request.args.get("code")
    if scope and code:
        return f"{scope}:{code}"
    if request.args.get("place"):
        return request.args["place"]
    if user.role == can.CENTER_STAFF and user.center:
        return f"center:{user.center}"
    return f"nation:{NATION}"


@bp.get("/report", endpoint="report_picker")
def picker():
    """Choose a place and a month; with both chosen, go to the report."""
    user = require(can.READ_INDICATORS)
    today = data.bangkok_today()
    chosen = _chosen_place(user)
    year, number = request.args.get("year"), request.args.get("month")
    if request.args.get("place") and year and number:
        scope, _, code = chosen.partition(":")
        month = data.month_of(f"{year}-{number}")
        if month and scope in ("nation", "region", "province", "center"):
            args = {"digits": "thai"} if request.args.get("digits") == "thai" else {}
            return redirect(url_for("web.report", scope=scope, code=code, month=month.code, **args))
    default = data.Month(today.year, today.month).before()
    years = [(str(y), text.year(y)) for y in range(today.year, today.year - YEARS, -1)]
    months = [(str(n), text.t(f"web_report_month_{n}")) for n in range(1, 13)]
    return render_template("report/picker.html", options=_place_options(), chosen=chosen, years=years,
                           months=months, year=year or str(default.year), month=number or str(default.number))


# --- the report

@bp.get(f"/report/<{SCOPES}:scope>/<code>/<month>", endpoint="report")
def report(scope: str, code: str, month: str):
    return _page(scope, code, month)


@bp.get(f"/report/<{SCOPES}:scope>/<code>/<month>.pdf", endpoint="report_pdf")
def report_pdf(scope: str, code: str, month: str):
    page = _page(scope, code, month, pdf=True)
    if not isinstance(page, str):
        return page
    name = f"sanphalang-report-{scope}-{code}-{month}.pdf"
    response = Response(pdf_from_html(page), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.errorhandler(PdfError)
def _no_pdf(_error):
    """Chromium missing, failing or too slow: the print view still works."""
    return render_template("problem.html", code="unavailable"), 503


def _page(scope: str, code: str, typed_month: str, pdf: bool = False):
    user = require(can.READ_INDICATORS)
    place = _place(scope, code)
    month = data.month_of(typed_month)
    if month is None:
        raise NotFound(typed_month)
    if month.code != typed_month:  # B.E. or Thai digits: the address says C.E.
        return redirect(address(place, month.code, pdf, **request.args.to_dict()))
    as_of = data.report_day(month, data.bangkok_today())
    if as_of is None:
        return render_template("problem.html", code="web_report_future"), 404
    with rpc() as cluster:
        found = data.load(cluster, place, month, as_of, can.allowed(user, can.READ_ORGS))
    thai_digits = request.args.get("digits") == "thai"
    map_indicator = _map_indicator(place)
    months = found.board.series.get("months", [])[-data.SERIES_MONTHS:]
    geo = _geo(place) if map_indicator else None
    page = render_template(
        "report/page.html", report=found, place=place, month=month, months=months, pdf=pdf,
        thai_digits=thai_digits, charts=report_charts.charts(found, months, map_indicator, geo),
        map_indicator=BY_KEY[map_indicator] if map_indicator else None, indicators=INDICATORS,
        title=title(month), cell=cell_text, name_of=text.text_of, goal=STRONG_GOAL,
        made_at=datetime.now(timezone.utc).isoformat(), activity=_activity(found.activity, place),
        series_rows=[row for row in found.board.tables["series"].rows if row.key in months],
        pdf_address=address(place, month.code, True, **_kept()),
        digits_address=address(place, month.code, **{**_kept(), "digits": "arabic" if thai_digits else "thai"}),
        dashboard=url_for("web.dashboard", as_of=found.as_of,
                          **({} if place.scope == "nation" else {"scope": place.scope, "code": place.code})),
        csv_address=url_for("org_spreadsheets.ExportCsv", **found.unverified.filters),
        list_orgs=can.allowed(user, can.READ_ORGS), w=thai_words, today=data.bangkok_today().isoformat(),
    )
    return with_thai_digits(page) if thai_digits else page


def _kept() -> dict:
    return {k: v for k, v in request.args.items() if k in ("digits", "map", "lang")}


def title(month: data.Month) -> str:
    year = month.year + 543 if text.lang() == "th" else month.year
    return text.t("web_report_title", month=text.t(f"web_report_month_{month.number}"), year=year)


def _map_indicator(place: Place) -> str | None:
    """The indicator the map shows (`?map=`), for the nation and the regions."""
    if place.scope not in ("nation", "region"):
        return None
    asked = request.args.get("map")
    return asked if asked in BY_KEY else report_charts.MAP_DEFAULT


GEO = Path(bp.static_folder) / "geo" / "th-provinces.geojson"  # the dashboards' copy of the shapes


def _provinces_geo() -> dict | None:
    """Province code -> its shape (None while the file is missing)."""
    return _shapes(GEO.stat().st_mtime) if GEO.exists() else None


@lru_cache(maxsize=1)
def _shapes(_changed: float) -> dict:
    found = json.loads(GEO.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f["geometry"] for f in found.get("features", [])}


def _geo(place: Place) -> dict | None:
    """The map's provinces as GeoJSON in the page: the PDF's renderer fetches nothing."""
    shapes = _provinces_geo()
    if not shapes:
        return None
    codes = [p.code for p in places.provinces_of(place)]
    features = [{"type": "Feature", "properties": {"code": code}, "geometry": shapes[code]}
                for code in codes if code in shapes]
    return {"type": "FeatureCollection", "features": features}


def _activity(answer: dict, place: Place) -> list[dict]:
    """What changed, one table per register: its kinds of change that happened (columns), one
    row per center with a change, and the totals."""
    changes = answer.get("changes") or answer.get("kinds") or []
    tables = []
    for source in SOURCES:
        keys = [c for c in changes if answer.get("totals", {}).get(f"{source}.{c}")]
        if not keys:
            continue
        rows = [(center, [center["counts"].get(f"{source}.{c}", 0) for c in keys])
                for center in answer.get("centers", []) if any(center["counts"].get(f"{source}.{c}") for c in keys)]
        tables.append({"source": source, "name": text.source_name(source), "changes": keys,
                       "labels": [text.t(f"web_report_change_{c}") for c in keys], "rows": rows,
                       "totals": [answer["totals"].get(f"{source}.{c}", 0) for c in keys]})
    return tables


def with_thai_digits(page: str) -> str:
    """The page's text in Thai digits: text between tags only (never an address, a style, a
    script or a character reference)."""
    parts = _TAG_OR_TEXT.split(page)
    return "".join(part if n % 2 else _DIGIT_OR_ENTITY.sub(_thai_digit, part) for n, part in enumerate(parts))


def _thai_digit(found: re.Match) -> str:
    return found.group(0).translate(_THAI_DIGITS) if len(found.group(0)) == 1 else found.group(0)
