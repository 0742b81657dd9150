"""How the organization register is searched (the kit's Thai text search over its names) and
where its duplicate candidates are looked for (within a subdistrict, on the name key)."""
from __future__ import annotations

from services.chassis.registers.duplicates import DuplicateSearch
from services.chassis.registers.search import TextSearch
from services.contracts.orgs.limits import COUNT_CAP, DUPLICATE_FILTERS, PLACE_FILTERS

from .readmodel import organizations

SEARCH = TextSearch(
    table=organizations,
    # filter name -> (column, operator); values are always bound parameters
    filters={
        "center": ("center", "="), "province": ("province", "="), "district": ("district", "="),
        "subdistrict": ("subdistrict", "="), "type": ("type", "="), "status": ("status", "="),
        "strength": ("strength_level", "="), "verified_since": ("verified_on", ">="),
        # not verified on or after the day: last verified before it, or never
        "unverified_since": ("verified_on", "({c} IS NULL OR {c} < {p})"),
    },
    places=PLACE_FILTERS,
    dates=("verified_since", "unverified_since"),
    keys=("status", "type", "strength_level", "verified_on"),
    # names follow the type (ชมรมผู้สูงอายุ... or สหกรณ์...): one type has its own name order
    ordered=("type",),
    count_cap=COUNT_CAP,
)

DUPLICATES = DuplicateSearch(
    table=organizations,
    shown=("id", "version", "name", "name_en", "type", "village_no", "address", "members", "founded_year",
           "source", "created_at"),
    filters=DUPLICATE_FILTERS,
    members="orgs",
)
