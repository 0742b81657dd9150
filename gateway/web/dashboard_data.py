"""A dashboard's figures: reporting's `indicators`, `series` and `breakdowns` answers for one
place as of one day, made into the tables of dashboard_tables.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import dashboard_places as places
from . import dashboard_tables as tables
from .dashboard_places import Place
from .dashboard_tables import Table


@dataclass
class Dashboard:
    place: Place
    as_of: str | None  # ISO day, None: today
    data_at: str | None  # the newest projected event's time (UTC ISO), None: nothing projected yet
    indicators: dict[str, dict]  # key -> value, target, target_kind, share
    series: dict  # reporting's `series` answer (months, values, targets)
    tables: dict[str, Table] = field(default_factory=dict)  # in the page's order
    children: str | None = None  # the id of the table of the places one level down
    map: str | None = None  # the id of the table the province map is drawn from

    @property
    def trail(self) -> list[Place]:
        return places.trail(self.place)

    @property
    def strong_share(self) -> float | None:
        return tables.strong_share(self.tables)


def load(cluster, place: Place, as_of: str | None) -> Dashboard:
    """Everything one dashboard shows, asked of reporting over `cluster` (the gateway's RPC)."""
    reporting = cluster.reporting
    own = reporting.indicators(place.scope, place.code, as_of)
    found = own.get("places") or [{}]
    values = tables.indicator_row(found[0], place.scope)
    series = reporting.series(place.scope, place.code, as_of)
    board = Dashboard(place, as_of, own.get("data_at"), values, series)
    board.tables["indicators"] = tables.indicators_table(values)
    board.tables["series"] = tables.series_table(series)

    below = places.DOWN[place.scope]
    if below:
        answer = reporting.indicators(below, None, as_of)
        table_id = f"{below}s"
        board.tables[table_id] = tables.places_table(table_id, below, places.children(place), answer)
        board.children = table_id
    if place.scope == "nation":
        answer = reporting.indicators("province", None, as_of)
        board.tables["provinces"] = tables.places_table("provinces", "province", places.provinces_of(place), answer)
    if place.scope in ("nation", "region"):
        board.map = "provinces"

    breakdowns = reporting.breakdowns(place.scope, place.code, as_of).get("places") or [{}]
    for table in tables.breakdown_tables(breakdowns[0].get("breakdowns", {}), values["community_orgs"]["value"]):
        board.tables[table.id] = table
    return board
