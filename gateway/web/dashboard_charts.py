"""What static/dashboard.js draws, as JSON in the page (`<script type="application/json">`: data
the page's policy lets through, never run): each chart's categories and series, taken from its
table, in the reader's language, long labels broken at word boundaries (chart_labels.py)."""
from __future__ import annotations

from typing import Callable

from services.contracts.reporting import INDICATORS

from . import text
from .chart_labels import wrap
from .dashboard_data import Dashboard
from .dashboard_tables import STRONG_GOAL, Table, percent

Link = Callable[[object], str]  # a Place -> its dashboard's address


def _category(row, link: Link | None) -> dict:
    name = text.text_of(row.cells[0])
    return {"key": row.key, "name": name, "label": wrap(name), "href": link(row.place) if link and row.place else None}


def _indicator_series(table: Table, with_shares: bool) -> list[dict]:
    series = []
    for indicator in INDICATORS:
        one = {"key": indicator.key, "name": text.text_of(pair_of(indicator)), "values": table.column(indicator.key)}
        if with_shares:
            one["shares"] = table.column(f"{indicator.key}.share")
        series.append(one)
    return series


def pair_of(indicator) -> tuple[str, str]:
    return (f"{indicator.number}. {indicator.name_th}", f"{indicator.number}. {indicator.name_en}")


def places_chart(table: Table, link: Link) -> dict:
    """The places one level down as bars, one indicator at a time (counts or percent of target);
    a bar (or its name) opens that place's dashboard."""
    return {"kind": "bars", "table": table.id, "categories": [_category(r, link) for r in table.rows],
            "series": _indicator_series(table, True), "choose": True}


def map_chart(table: Table, link: Link, geo: str, region: str | None) -> dict:
    """The province map of the nation or of one region: colours by one indicator, as counts or
    as percent of target; names are the reference data's (not the GeoJSON's)."""
    areas = [{"code": r.key, "name": text.text_of(r.cells[0]), "href": link(r.place)} for r in table.rows]
    return {"kind": "map", "table": table.id, "geo": geo, "region": region, "areas": areas,
            "series": _indicator_series(table, True), "choose": True}


def series_chart(board: Dashboard) -> dict:
    table = board.tables["series"]
    targets = board.series.get("targets") or {}
    lines = []
    for indicator in INDICATORS:
        target = targets.get(indicator.key, board.indicators[indicator.key]["target"])
        values = table.column(indicator.key)
        lines.append({"key": indicator.key, "name": text.text_of(pair_of(indicator)), "values": values,
                      "shares": [percent(v, target) for v in values], "target": target})
    return {"kind": "line", "table": table.id, "categories": [text.text_of(r.cells[0]) for r in table.rows],
            "series": lines, "choose": True, "target_label": text.t("web_indicator_target")}


def breakdown_chart(table: Table) -> dict:
    """One breakdown as bars; organizations' strength as percents against the 60% goal, people's
    skills stacked by role indicator."""
    categories = [_category(r, None) for r in table.rows]
    if table.id == "org_strength":
        return {"kind": "bars", "table": table.id, "categories": categories, "percent": True,
                "series": [{"key": "percent", "name": text.t("web_dash_percent"), "values": table.column("percent")}],
                "goal": {"value": STRONG_GOAL, "label": text.t("web_dash_goal", goal=STRONG_GOAL)}}
    counted = [c for c in table.columns[1:] if c.kind == "count"]
    series = [{"key": c.key, "name": text.text_of(c.title), "values": table.column(c.key)} for c in counted]
    return {"kind": "bars", "table": table.id, "categories": categories, "series": series,
            "stack": len(series) > 1}


def charts(board: Dashboard, link: Link, geo: str) -> dict[str, dict]:
    """Table id -> the chart drawn from it."""
    drawn = {"series": series_chart(board)}
    if board.children:
        drawn[board.children] = places_chart(board.tables[board.children], link)
    if board.map:
        region = board.place.code if board.place.scope == "region" else None
        drawn["map"] = map_chart(board.tables[board.map], link, geo, region)
    for table_id, table in board.tables.items():
        if table_id not in drawn and table_id not in ("indicators", "provinces", board.children):
            drawn[table_id] = breakdown_chart(table)
    return drawn


def measures() -> list[tuple[str, str]]:
    """What a place chart may show of an indicator."""
    return [("values", text.t("web_dash_measure_values")), ("shares", text.t("web_dash_measure_shares"))]
