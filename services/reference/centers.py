"""The 82 coordination centers: one per province outside Bangkok and six Bangkok zones."""

from dataclasses import dataclass
from functools import cache

from ._data import read_csv
from .geography import BANGKOK, check_location, province, provinces, region_of

# Bangkok zone groups in center order (BKK1..BKK6): Thai name, English name.
BANGKOK_ZONES: tuple[tuple[str, str], ...] = (
    ("กรุงเทพกลาง", "Central Bangkok"),
    ("กรุงเทพใต้", "South Bangkok"),
    ("กรุงเทพเหนือ", "North Bangkok"),
    ("กรุงเทพตะวันออก", "East Bangkok"),
    ("กรุงธนเหนือ", "North Thonburi"),
    ("กรุงธนใต้", "South Thonburi"),
)


@dataclass(frozen=True, slots=True)
class Center:
    code: str
    name_th: str
    name_en: str
    province_code: str
    region: str
    districts: tuple[str, ...] = ()


def _province_center(code: str) -> Center:
    p = province(code)
    return Center(
        code=f"P{p.code}",
        name_th=f"ศูนย์ประสานภาคีการพัฒนาจังหวัด{p.name_th}",
        name_en=f"{p.name_en} Provincial Coordination Center",
        province_code=p.code,
        region=region_of(p.code),
    )


@cache
def _zone_districts() -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {zone_th: [] for zone_th, _ in BANGKOK_ZONES}
    for row in read_csv("bangkok-zones.csv"):
        grouped[row["zone_th"]].append(row["district_code"])
    return {zone_th: tuple(sorted(codes)) for zone_th, codes in grouped.items()}


def _zone_center(number: int, zone_th: str, zone_en: str) -> Center:
    # "Central Bangkok" -> "Bangkok Central Zone ..."; Thonburi zones keep their full name.
    short_en = zone_en.removesuffix(" Bangkok")
    return Center(
        code=f"BKK{number}",
        name_th=f"ศูนย์ประสานภาคีการพัฒนา กทม. กลุ่ม{zone_th}",
        name_en=f"Bangkok {short_en} Zone Coordination Center",
        province_code=BANGKOK,
        region=region_of(BANGKOK),
        districts=_zone_districts()[zone_th],
    )


@cache
def _centers_by_code() -> dict[str, Center]:
    zones = [_zone_center(n, th, en) for n, (th, en) in enumerate(BANGKOK_ZONES, start=1)]
    provincial = [_province_center(p.code) for p in provinces() if p.code != BANGKOK]
    return {c.code: c for c in sorted(zones + provincial, key=lambda c: c.code)}


@cache
def _zone_center_by_district() -> dict[str, Center]:
    return {d: c for c in _centers_by_code().values() for d in c.districts}


def centers() -> list[Center]:
    return list(_centers_by_code().values())


def center(code: str) -> Center | None:
    return _centers_by_code().get(code)


def center_for(province_code: str, district_code: str | None = None) -> Center:
    """Raises KeyError for an unknown province, or a Bangkok location without a Bangkok district."""
    if province_code == BANGKOK:
        return _zone_center_by_district()[district_code]
    return _centers_by_code()[f"P{province_code}"]


LOCATION_CODES = ("province", "district", "subdistrict")


def locate(location) -> tuple[str | None, list[tuple[str, str]]]:
    """Where a record belongs: (its center's code, []) for a location (a mapping with province,
    district and subdistrict codes) that checks out, else (None, its (field, code) problems).
    The one rule of the network: the location gives the center."""
    province, district, subdistrict = (str(location.get(name) or "") or None for name in LOCATION_CODES)
    problems = check_location(province, district, subdistrict)
    if problems:
        return None, problems
    return center_for(province, district).code, []


def center_of(location) -> str | None:
    """The center of a location, or None when its codes do not check out (whoever then
    validates it names the field)."""
    return locate(location)[0]
