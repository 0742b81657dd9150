"""The organization register's spreadsheets: the columns an import reads and an export writes,
how its cells read, and what an export row shows. The reading, writing and template are the
kit's (`services.chassis.registers.sheets`)."""
from __future__ import annotations

from services.chassis.messages import CATALOGUE
from services.chassis.registers.sheets import CodeList, Sheet, columns
from services.chassis.registers.sheets.cells import CellValues, place_name
from services.chassis.thai import buddhist_era

from .vocabulary import DATA_SOURCES, ORG_TYPES, STATUSES, STRENGTH_LEVELS, SYNONYMS, WORK_AREAS

REQUIRED = ("name", "type", "province", "district", "subdistrict")
CELLS = CellValues(
    numbers=("village_no", "founded_year", "members"), years=("founded_year",),
    vocabularies={"type": ORG_TYPES, "source": DATA_SOURCES, "areas": WORK_AREAS, "status": STATUSES,
                  "strength_level": STRENGTH_LEVELS},
    lists=("areas",), synonyms=SYNONYMS,
)
_AS_GIVEN = ("name", "name_en", "province", "district", "subdistrict", "village_no", "address", "members",
             "contact_person", "id", "version", "center", "created_at", "updated_at")


def to_cells(org: dict) -> dict:
    """An organization as the API returns it -> what its export row shows, by column field:
    Thai labels for codes (an import reads them back), the founding year in B.E."""
    strength, verified = org.get("strength") or {}, org.get("verified") or {}
    year = org.get("founded_year_be") or (buddhist_era(org["founded_year"]) if org.get("founded_year") else None)
    return {
        **{name: org.get(name) for name in _AS_GIVEN},
        "type": CELLS.label("type", org.get("type")),
        "founded_year": year,
        "areas": CELLS.labels("areas", org.get("areas")),
        "source": CELLS.label("source", org.get("source")),
        "province_name": place_name("province", org.get("province")),
        "district_name": place_name("district", org.get("district")),
        "subdistrict_name": place_name("subdistrict", org.get("subdistrict")),
        "status": CELLS.label("status", org.get("status")),
        "strength_level": CELLS.label("strength_level", strength.get("level")),
        "verified_on": verified.get("on"),
    }


def example() -> dict:
    """The template's example row as a payload."""
    return {
        "name": CATALOGUE["example_name"][0], "name_en": CATALOGUE["example_name"][1], "type": "savings_group",
        "province": "50", "district": "5001", "subdistrict": "500101", "village_no": 3,
        "address": CATALOGUE["example_address"][0], "founded_year": 2559, "members": 25,
        "areas": ["economy", "welfare"], "source": "survey",
    }


SHEET = Sheet(
    data_sheet="sheet_orgs",
    guide_note="guide_note",
    columns=columns(("name", "name_en", "type", "province", "district", "subdistrict", "village_no", "address",
                     "founded_year", "members", "areas", "contact_person", "source"), required=REQUIRED),
    # read-only columns an export adds; an import recognises and ignores them (round trips work)
    export_only=columns(("province_name", "district_name", "subdistrict_name", "id", "version", "center", "status",
                         "strength_level", "verified_on", "created_at", "updated_at")),
    cells=CELLS,
    to_cells=to_cells,
    example=example,
    other_center="other_center",
    exported="export_done",
    wide=("name", "address"),
    lists=(CodeList("sheet_types", ORG_TYPES, dropdown="type"), CodeList("sheet_sources", DATA_SOURCES, dropdown="source"),
           CodeList("sheet_areas", WORK_AREAS)),
)
