"""The tables behind a dashboard's charts, built from reporting's answers. A table holds numbers
and (Thai, English) labels, not text of one language: the page, the XLSX and CSV files and the
JSON API show the same table, each in its own way (gateway/web/dashboard.py, dashboard_files.py).

Each chart is drawn from its table (dashboard_charts.py), so what a chart shows is always
also there to read, to download and for a screen reader."""
from __future__ import annotations

from dataclasses import dataclass, field

from services.chassis.messages import CATALOGUE
from services.contracts.reporting import INDICATORS

from . import text
from .dashboard_places import Place

STRONG_GOAL = 60  # percent of organizations strong: the network's goal (ร้อยละ 60)
PEOPLE = ("online_workers", "facilitators", "community_leaders", "volunteers")
# (table, indicator, dimension, code list, percent of the whole): the breakdowns' tables
BREAKDOWNS = (
    ("org_type", "community_orgs", "type", "orgs.type", True),
    ("org_strength", "community_orgs", "strength", "orgs.strength", True),
    ("org_verification", "community_orgs", "verification", None, True),
    ("knowledge_category", "knowledge_items", "category", "knowledge.category", True),
    ("knowledge_kind", "knowledge_items", "kind", "knowledge.kind", True),
    ("campaign_status", "campaign_issues", "status", "knowledge.campaign_status", True),
    ("campaign_channel", "campaign_issues", "channel", "knowledge.channel", False),  # a campaign has several
)
# codes reporting adds to the registers' own lists, labelled in the catalogue (web_dash_code_*)
EXTRA_CODES = {"strength": ("unassessed",), "verification": ("recent", "stale", "never"), "skill": ("none",)}


def pair(code: str, **params) -> tuple[str, str]:
    """A catalogue text in both languages."""
    th, en = CATALOGUE[code]
    return (th.format(**params), en.format(**params)) if params else (th, en)


@dataclass(frozen=True)
class Column:
    key: str
    title: tuple[str, str]
    kind: str = "count"  # "label" (a row's name), "text", "count" or "percent"


@dataclass(frozen=True)
class Row:
    key: str  # the row's code: a place's, a month ("2026-01"), a code of a code list
    cells: tuple  # the first a (Thai, English) label; then numbers (None: none), or labels
    place: Place | None = None  # the place a row is about (its link drills down)


@dataclass
class Table:
    id: str
    title: tuple[str, str]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    def column(self, key: str) -> list:
        """The values of one column, in row order."""
        at = [c.key for c in self.columns].index(key)
        return [row.cells[at] for row in self.rows]


def percent(part: int, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def indicator_name(item) -> tuple[str, str]:
    return (f"{item.number}. {item.name_th}", f"{item.number}. {item.name_en}")


def indicator_row(answer: dict | None, scope: str) -> dict[str, dict]:
    """key -> {"value", "target", "target_kind", "share"} of one place of an `indicators`
    answer (zeros for a place it does not list)."""
    given = {item["key"]: item for item in (answer or {}).get("indicators", [])}
    row = {}
    for indicator in INDICATORS:
        item = given.get(indicator.key, {})
        value, target = int(item.get("value") or 0), item.get("target")
        kind = item.get("target_kind") or ("national" if target and scope == "nation" else None)
        share = item["share"] if item.get("share") is not None else percent(value, target)
        row[indicator.key] = {"value": value, "target": target, "target_kind": kind if target else None,
                              "share": share}
    return row


def indicators_table(values: dict[str, dict]) -> Table:
    table = Table("indicators", pair("web_dash_progress"), [
        Column("indicator", pair("web_indicator"), "label"),
        Column("value", pair("web_indicator_value")),
        Column("target", pair("web_indicator_target")),
        Column("share", pair("web_indicator_share"), "percent"),
        Column("target_kind", pair("web_dash_target_kind"), "text"),
    ])
    for indicator in INDICATORS:
        item = values[indicator.key]
        kind = pair(f"web_dash_target_{item['target_kind']}") if item["target_kind"] else None
        table.rows.append(Row(indicator.key, (indicator_name(indicator), item["value"], item["target"],
                                              item["share"], kind)))
    return table


def places_table(table_id: str, scope: str, places: list[Place], answer: dict) -> Table:
    """One row a place (those the answer does not list count 0): each indicator's value and
    the share of its target."""
    columns = [Column("place", pair(f"web_scope_{scope}"), "label")]
    for indicator in INDICATORS:
        name = indicator_name(indicator)
        columns.append(Column(indicator.key, name))
        columns.append(Column(f"{indicator.key}.share", (pair("web_dash_share_of", name=name[0])[0], pair("web_dash_share_of", name=name[1])[1]), "percent"))
    table = Table(table_id, pair(f"web_dash_by_{scope}"), columns)
    by_code = {p["code"]: p for p in answer.get("places", [])}
    for place in places:
        values = indicator_row(by_code.get(place.code), scope)
        cells = [place.name]
        for indicator in INDICATORS:
            cells += [values[indicator.key]["value"], values[indicator.key]["share"]]
        table.rows.append(Row(place.code, tuple(cells), place))
    return table


def month_label(month: str) -> tuple[str, str]:
    """"2026-01" as "ม.ค. 2569" and "Jan 2026"."""
    year, number = (int(part) for part in month.split("-"))
    th, en = CATALOGUE[f"web_month_{number}"]
    return f"{th} {year + 543}", f"{en} {year}"


def series_table(answer: dict) -> Table:
    """The value of each indicator at the end of each month (the as-of day for the last)."""
    columns = [Column("month", pair("web_dash_month"), "label")]
    columns += [Column(i.key, indicator_name(i)) for i in INDICATORS]
    table = Table("series", pair("web_dash_series"), columns)
    values = answer.get("indicators", {})
    for n, month in enumerate(answer.get("months", [])):
        cells = [month_label(month)] + [int((values.get(i.key) or [0] * (n + 1))[n] or 0) for i in INDICATORS]
        table.rows.append(Row(month, tuple(cells)))
    return table


def code_label(list_name: str | None, dimension: str, code: str) -> tuple[str, str]:
    if code in EXTRA_CODES.get(dimension, ()):
        return pair(f"web_dash_code_{code}")
    found = text.CODE_LISTS.get(list_name or "", {}).get(code)
    return tuple(found) if found else (code, code)


def _codes(list_name: str | None, dimension: str, counted: dict) -> list[str]:
    """The code list's codes in its order, reporting's own after them, then any other counted."""
    known = list(text.CODE_LISTS.get(list_name or "", {})) + [c for c in EXTRA_CODES.get(dimension, ())]
    return known + sorted(c for c in counted if c not in known)


def breakdown_table(table_id: str, indicator: str, dimension: str, list_name: str | None, with_percent: bool,
                    breakdowns: dict, whole: int | None = None) -> Table:
    """Counts by one dimension of one indicator, with each code's percent of the whole (of
    `whole` when given: all active organizations for their strength, unassessed included)."""
    counted = dict(breakdowns.get(indicator, {}).get(dimension, {}))
    if dimension == "strength" and whole is not None and "unassessed" not in counted:
        counted["unassessed"] = max(0, whole - sum(counted.values()))  # an answer that leaves them out
    columns = [Column("code", pair(f"web_dash_dimension_{dimension}"), "label"), Column("count", pair("web_dash_count"))]
    if with_percent:
        columns.append(Column("percent", pair("web_dash_percent"), "percent"))
    table = Table(table_id, pair(f"web_dash_{table_id}"), columns)
    total = whole if whole is not None else sum(counted.values())
    for code in _codes(list_name, dimension, counted):
        n = int(counted.get(code, 0))
        cells = (code_label(list_name, dimension, code), n) + ((percent(n, total),) if with_percent else ())
        table.rows.append(Row(code, cells))
    return table


def skills_table(breakdowns: dict) -> Table:
    """People by skill, per role indicator (a person counts under each skill they list)."""
    by_role = {key: breakdowns.get(key, {}).get("skill", {}) for key in PEOPLE}
    counted = {code for codes in by_role.values() for code in codes}
    named = {i.key: i for i in INDICATORS}
    columns = [Column("code", pair("web_dash_dimension_skill"), "label")]
    columns += [Column(key, indicator_name(named[key])) for key in PEOPLE]
    table = Table("people_skill", pair("web_dash_people_skill"), columns)
    for code in _codes("people.skills", "skill", dict.fromkeys(counted)):
        table.rows.append(Row(code, (code_label("people.skills", "skill", code),
                                     *(int(by_role[key].get(code, 0)) for key in PEOPLE))))
    return table


def breakdown_tables(breakdowns: dict, organizations: int) -> list[Table]:
    tables = []
    for table_id, indicator, dimension, list_name, with_percent in BREAKDOWNS:
        whole = organizations if dimension == "strength" else None
        tables.append(breakdown_table(table_id, indicator, dimension, list_name, with_percent, breakdowns, whole))
    tables.insert(3, skills_table(breakdowns))
    return tables


def strong_share(tables: dict[str, Table]) -> float | None:
    """The percent of organizations assessed strong (of all active ones)."""
    strength = tables["org_strength"]
    return dict(zip([r.key for r in strength.rows], strength.column("percent"))).get("strong")
