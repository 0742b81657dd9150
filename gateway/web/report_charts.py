"""What static/report.js draws in a monthly report, as JSON in the page (never run): each chart's
categories and series, taken from the report's tables, in the reader's language, long labels
broken at word boundaries (chart_labels.py). A printed report cannot switch what a chart shows,
so each chart shows one thing: every indicator's percent of its target, the same month by
month, organizations' strength against the 60% goal, their types, and (nation and region) the
province map of one indicator's percent of its target."""
from __future__ import annotations

from services.contracts.reporting import BY_KEY, INDICATORS

from . import text
from .chart_labels import wrap
from .dashboard_tables import STRONG_GOAL, Table, indicator_name
from .report_data import MonthlyReport

MAP_DEFAULT = "community_orgs"


def _name(indicator) -> str:
    return text.text_of(indicator_name(indicator))


def shares_chart(report: MonthlyReport) -> dict:
    """Each indicator's percent of its target at the month's end, against 100%."""
    values = report.board.indicators
    return {"kind": "bars", "percent": True,
            "categories": [wrap(_name(i), 22) for i in INDICATORS],
            "series": [{"name": text.t("web_indicator_share"), "values": [values[i.key]["share"] for i in INDICATORS]}],
            "goal": {"value": 100, "label": ""}}  # the axis says 100% already


def series_chart(report: MonthlyReport, months: list[str]) -> dict:
    """Every indicator with a target as a line of its percent of that target at each month's end."""
    series = report.board.series
    targets = series.get("targets") or {}
    everything = series.get("months") or []
    lines = []
    for indicator in INDICATORS:
        target = targets.get(indicator.key) or report.board.indicators[indicator.key]["target"]
        values = (series.get("indicators") or {}).get(indicator.key) or []
        if not target:
            continue
        by_month = dict(zip(everything, values))
        lines.append({"name": _name(indicator),
                      "values": [round(100 * int(by_month.get(m) or 0) / target, 1) for m in months]})
    return {"kind": "lines", "percent": True, "categories": [_month_label(m) for m in months], "series": lines}


def _month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{text.t(f'web_month_{number}')} {year + 543 if text.lang() == 'th' else year}"


def strength_chart(table: Table) -> dict:
    """Organizations by strength, in percent of all active ones, against the goal."""
    return {"kind": "bars", "percent": True, "categories": [wrap(text.text_of(r.cells[0]), 22) for r in table.rows],
            "series": [{"name": text.t("web_dash_percent"), "values": table.column("percent")}],
            "goal": {"value": STRONG_GOAL, "label": text.t("web_dash_goal", goal=STRONG_GOAL)}}


def counts_chart(table: Table) -> dict:
    """A breakdown's counts as bars (codes counted none left out: a printed chart has no room to spare)."""
    rows = [r for r in table.rows if r.cells[1]]
    return {"kind": "bars", "percent": False, "categories": [wrap(text.text_of(r.cells[0]), 22) for r in rows],
            "series": [{"name": text.t("web_dash_count"), "values": [r.cells[1] for r in rows]}]}


def map_chart(report: MonthlyReport, indicator: str, geo: dict) -> dict:
    """The provinces of the nation or the region, coloured by one indicator's percent of target."""
    table = report.board.tables["provinces"]
    shares = table.column(f"{indicator}.share")
    return {"kind": "map", "name": _name(BY_KEY[indicator]), "geo": geo,
            "areas": [{"code": r.key, "name": text.text_of(r.cells[0]), "value": share}
                      for r, share in zip(table.rows, shares)]}


def charts(report: MonthlyReport, months: list[str], map_indicator: str | None, geo: dict | None) -> dict[str, dict]:
    """Chart id -> its spec."""
    drawn = {"shares": shares_chart(report), "series": series_chart(report, months),
             "org_strength": strength_chart(report.board.tables["org_strength"]),
             "org_type": counts_chart(report.board.tables["org_type"])}
    if map_indicator and geo:
        drawn["map"] = map_chart(report, map_indicator, geo)
    return drawn
