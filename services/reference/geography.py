"""Thai administrative divisions (from geothai) and the regions they belong to."""

from functools import cache

import geothai
from geothai.types import District, Province, Subdistrict

from ._data import read_csv

BANGKOK = "10"

REGIONS: dict[str, tuple[str, str]] = {
    "north": ("ภาคเหนือ", "North"),
    "northeast": ("ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    "central": ("ภาคกลาง", "Central"),
    "east": ("ภาคตะวันออก", "East"),
    "west": ("ภาคตะวันตก", "West"),
    "south": ("ภาคใต้", "South"),
    "bangkok": ("กรุงเทพมหานคร", "Bangkok"),
}


def provinces() -> list[Province]:
    return geothai.provinces()


def province(code: str) -> Province | None:
    return geothai.province(code)


def districts(province_code: str) -> list[District]:
    return geothai.districts(province_code)


def district(code: str) -> District | None:
    return geothai.district(code)


def subdistricts(district_code: str) -> list[Subdistrict]:
    return geothai.subdistricts(district_code)


def subdistrict(code: str) -> Subdistrict | None:
    return geothai.subdistrict(code)


@cache
def _regions() -> dict[str, str]:
    return {row["province_code"]: row["region"] for row in read_csv("regions.csv")}


def region_of(province_code: str) -> str | None:
    return _regions().get(province_code)


def check_location(
    province: str, district: str | None = None, subdistrict: str | None = None
) -> list[tuple[str, str]]:
    """Returns (field, message code) problems; empty and None codes count as not given.

    Bangkok needs a district because its coordination center depends on the zone.
    """
    if (province, district, subdistrict) in _places():  # the usual case, and one look-up
        return []
    found = geothai.province(province) if province else None
    problems = [] if found else [("province", "unknown_province")]
    if district:
        problems += _check_district(district, found)
    elif province == BANGKOK:
        problems.append(("district", "district_required_in_bangkok"))
    if subdistrict:
        problems += _check_subdistrict(subdistrict, district, found)
    return problems


@cache
def _places() -> frozenset[tuple[str, str, str]]:
    """(province, district, subdistrict) of every subdistrict: locations without a problem."""
    return frozenset(
        (p.code, d.code, s.code) for p in provinces() for d in districts(p.code) for s in subdistricts(d.code)
    )


def _check_district(code: str, parent: Province | None) -> list[tuple[str, str]]:
    found = geothai.district(code)
    if found is None:
        return [("district", "unknown_district")]
    if parent and found.province_code != parent.code:
        return [("district", "district_not_in_province")]
    return []


def _check_subdistrict(
    code: str, district_code: str | None, parent: Province | None
) -> list[tuple[str, str]]:
    found = geothai.subdistrict(code)
    if found is None:
        return [("subdistrict", "unknown_subdistrict")]
    if district_code:
        if geothai.district(district_code) and found.district_code != district_code:
            return [("subdistrict", "subdistrict_not_in_district")]
    elif parent and found.province_code != parent.code:
        return [("subdistrict", "subdistrict_not_in_province")]
    return []
