"""The places a dashboard is about: the nation, its regions, provinces and coordination centers
(services/reference), each with the places one level down that it drills into, the trail up to
the nation, and the provinces of its map."""
from __future__ import annotations

from dataclasses import dataclass

from services import reference
from services.chassis.errors import NotFound

NATION_NAME = ("ประเทศไทย", "Thailand")
DOWN = {"nation": "region", "region": "province", "province": "center", "center": None}


@dataclass(frozen=True)
class Place:
    scope: str
    code: str | None  # None for the nation
    name: tuple[str, str]  # Thai, English


def nation() -> Place:
    return Place("nation", None, NATION_NAME)


def region(code: str) -> Place | None:
    names = reference.REGIONS.get(code)
    return Place("region", code, names) if names else None


def province(code: str) -> Place | None:
    found = reference.province(code) if code and code.isdigit() else None
    return Place("province", found.code, (found.name_th, found.name_en)) if found else None


def center(code: str) -> Place | None:
    found = reference.center(code)
    return Place("center", found.code, (found.name_th, found.name_en)) if found else None


def place(scope: str, code: str | None) -> Place:
    """The place of a dashboard's address; NotFound for a scope or code there is not."""
    if scope == "nation":
        return nation()
    found = {"region": region, "province": province, "center": center}.get(scope, lambda _: None)(code or "")
    if found is None:
        raise NotFound(f"{scope}/{code}")
    return found


def trail(of: Place) -> list[Place]:
    """From the nation down to `of`, `of` last."""
    if of.scope == "nation":
        return [of]
    if of.scope == "region":
        return [nation(), of]
    if of.scope == "province":
        return [nation(), region(reference.region_of(of.code)), of]
    found = reference.center(of.code)
    return [nation(), region(found.region), province(found.province_code), of]


def children(of: Place) -> list[Place]:
    """The places one level down, in reference order (regions as listed, provinces by code,
    centers by code: Bangkok's six zones for province 10)."""
    if of.scope == "nation":
        return [region(code) for code in reference.REGIONS]
    if of.scope == "region":
        return provinces_of(of)
    if of.scope == "province":
        return [center(c.code) for c in reference.centers() if c.province_code == of.code]
    return []


def provinces_of(of: Place) -> list[Place]:
    """The provinces of the nation or of a region (its map's)."""
    return [province(p.code) for p in sorted(reference.provinces(), key=lambda p: p.code)
            if of.scope == "nation" or reference.region_of(p.code) == of.code]
