"""A monthly report's figures (plan 4.3, the office record and report system): a dashboard's
(indicators against targets, the monthly series, the places one level down, the breakdowns;
dashboard_data.py) as of the month's last day, what changed in the month by center
(reporting's `activity`), and the organizations not verified for a year (the orgs register's
search, `unverified_since`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services import reference
from services.chassis.thai import BANGKOK_TIME, common_era, to_arabic_digits
from services.contracts.reporting import NATION

from . import dashboard_data, dashboard_places
from .dashboard_data import Dashboard
from .dashboard_places import Place

LIST_MAX = 200  # organizations a report names; the whole list is the register's CSV export
SERIES_MONTHS = 12  # the months of the series a report shows (the dashboards show them all)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int  # C.E.
    number: int

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last(self) -> date:
        following = date(self.year + self.number // 12, self.number % 12 + 1, 1)
        return following - timedelta(days=1)

    def before(self) -> "Month":
        return Month(self.year - 1, 12) if self.number == 1 else Month(self.year, self.number - 1)


def month_of(text: str) -> Month | None:
    """"2026-11" (or B.E. "2569-11", Thai digits too) as a Month; None when it is not one."""
    found = _MONTH.match(to_arabic_digits((text or "").strip()))
    if not found:
        return None
    year, number = common_era(int(found.group(1))), int(found.group(2))
    return Month(year, number) if 1 <= number <= 12 and year >= 1900 else None


def bangkok_today() -> date:
    return datetime.now(BANGKOK_TIME).date()


def report_day(month: Month, today: date) -> date | None:
    """The day a month's report is as of: its last day, today while the month is not over, or
    None for a month to come."""
    if month.first > today:
        return None
    return min(month.last, today)


def _anniversary(day: date) -> date:
    """A verification made on `day` goes stale on this day (reporting's rule: the same date a
    year on, 28 Feb for 29 Feb; docs/reporting.md)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def unverified_cutoff(as_of: date) -> date:
    """The first verification day still counted as recent on `as_of`: an organization last
    verified before it (or never) has not been verified for a year, as reporting's
    verification breakdown counts it."""
    try:
        cutoff = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 Feb
        cutoff = as_of.replace(year=as_of.year - 1, day=28)
    while _anniversary(cutoff) <= as_of:
        cutoff += timedelta(days=1)
    while _anniversary(cutoff - timedelta(days=1)) > as_of:
        cutoff -= timedelta(days=1)
    return cutoff


@dataclass
class CenterCounts:
    place: Place
    active: int
    stale: int
    never: int


@dataclass
class Unverified:
    cutoff: str  # ISO day: last verified before it, or never, is "not verified for a year"
    stale: int  # from reporting's breakdown of the place, as of the report's day
    never: int
    filters: dict  # the orgs search's filters of the list (and of its CSV export)
    items: list[dict] | None = None  # by name, up to LIST_MAX (None: not listed here)
    total: int | None = None  # how many the register's search finds
    by_center: list[CenterCounts] = field(default_factory=list)  # nation and region: one row a center


@dataclass
class MonthlyReport:
    place: Place
    month: Month
    as_of: str  # ISO day
    so_far: bool  # the month is not over: the figures are today's
    board: Dashboard
    activity: dict  # reporting's `activity` answer
    unverified: Unverified


def centers_of(place: Place) -> list[Place]:
    """The coordination centers within a place, in reference order."""
    found = reference.centers()
    if place.scope == "region":
        found = [c for c in found if c.region == place.code]
    elif place.scope == "province":
        found = [c for c in found if c.province_code == place.code]
    elif place.scope == "center":
        found = [c for c in found if c.code == place.code]
    return [dashboard_places.center(c.code) for c in found]


def load(cluster, place: Place, month: Month, as_of: date, list_orgs: bool) -> MonthlyReport:
    """Everything a report shows, asked over `cluster` (the gateway's RPC). `list_orgs`: the
    reader may read the register (names of organizations), so the unverified ones are named."""
    day = as_of.isoformat()
    board = dashboard_data.load(cluster, place, day)
    activity = cluster.reporting.activity(place.scope, place.code or NATION, month.code)
    verification = _counts(board.tables["org_verification"])
    cutoff = unverified_cutoff(as_of).isoformat()
    unverified = Unverified(cutoff, verification.get("stale", 0), verification.get("never", 0),
                            _filters(place, cutoff))
    if place.scope in ("center", "province"):
        if list_orgs:
            found = cluster.orgs.list(unverified.filters, 1, LIST_MAX)
            unverified.items, unverified.total = found["items"], found["total"]
    else:
        unverified.by_center = _by_center(cluster, place, day)
    return MonthlyReport(place, month, day, as_of < month.last, board, activity, unverified)


def _counts(table) -> dict[str, int]:
    return dict(zip([row.key for row in table.rows], table.column("count")))


def _filters(place: Place, cutoff: str) -> dict:
    where = {"center": place.code} if place.scope == "center" else {"province": place.code} \
        if place.scope == "province" else {}
    return {**where, "status": "active", "unverified_since": cutoff}


def _by_center(cluster, place: Place, day: str) -> list[CenterCounts]:
    """Active, stale and never verified organizations of every center of the nation or a region."""
    reporting = cluster.reporting
    values = {p["code"]: p for p in reporting.indicators("center", None, day).get("places", [])}
    shares = {p["code"]: p.get("breakdowns", {}) for p in reporting.breakdowns("center", None, day).get("places", [])}
    rows = []
    for center in centers_of(place):
        active = next((i["value"] for i in values.get(center.code, {}).get("indicators", [])
                       if i["key"] == "community_orgs"), 0)
        ages = shares.get(center.code, {}).get("community_orgs", {}).get("verification", {})
        rows.append(CenterCounts(center, int(active), int(ages.get("stale", 0)), int(ages.get("never", 0))))
    return rows
