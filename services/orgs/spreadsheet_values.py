"""Cell values <-> API values for the register's spreadsheets: codes or their Thai/English
labels, place codes or names, numbers typed as text, and what an export shows."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache, lru_cache

from services import reference
from services.chassis.messages import CATALOGUE
from services.chassis.validation import to_arabic_digits

from .vocabulary import ORG_TYPES, SOURCES, STATUSES, STRENGTH_LEVELS, WORK_AREAS

NUMBERS = ("village_no", "founded_year", "members")
PLACES = ("province", "district", "subdistrict")
BE_OFFSET = 543
_VOCABULARIES = {"type": ORG_TYPES, "source": SOURCES, "areas": WORK_AREAS}
_AREA_SEPARATORS = re.compile(r"[,;\n、]")
_FORMULA = re.compile(r"^[=+\-@\t\r].")  # what Excel may run as a formula when it opens a CSV
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r].)")
AREA_JOIN = ", "
_SPACES = re.compile(r"\s+")


# -- reading ----------------------------------------------------------------------------------


def from_cells(cells: dict) -> dict:
    """Non-blank cells by field -> an API payload: labels become codes, place names become
    codes, whole numbers stay numbers (the service validates everything else)."""
    out = {}
    for name, value in cells.items():
        if isinstance(value, str):
            value = value.strip()
            if value[:1] == "'":
                value = _GUARDED.sub("", value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, (datetime, date)):
            value = value.year if name == "founded_year" else value.isoformat()
        if name in NUMBERS:
            out[name] = value
        elif name == "areas":
            out[name] = _areas(value)
        elif name in _VOCABULARIES:
            out[name] = _label_map(name).get(_label_key(value), str(value))
        else:
            out[name] = str(value)
    for place in PLACES:  # in this order: a district's name is looked up in its province
        if place in out:
            out[place] = _place_code(place, out[place], out)
    return out


@lru_cache(maxsize=8192)  # a file repeats a few labels (types, areas, sources) on every row
def _label_key(text) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFC", str(text)).casefold())


@cache
def _label_map(vocabulary: str) -> dict[str, str]:
    codes = _VOCABULARIES[vocabulary]
    return {_label_key(text): code for code, labels in codes.items() for text in (code, *labels)}


def _areas(value) -> list[str]:
    return list(_area_codes(str(value)))


@lru_cache(maxsize=8192)  # a file repeats a few combinations of areas on every row
def _area_codes(text: str) -> tuple[str, ...]:
    labels = _label_map("areas")
    parts = (p.strip() for p in _AREA_SEPARATORS.split(text))
    return tuple(labels.get(_label_key(p), p) for p in parts if p)


_PLACE_PREFIXES = ("จังหวัด", "จ.", "กิ่งอำเภอ", "อำเภอ", "อ.", "เขต", "ตำบล", "ต.", "แขวง")
_PLACE_ALIASES = {"กรุงเทพ": "10", "กรุงเทพฯ": "10", "กทม": "10", "กทม.": "10"}


def _place_key(text: str) -> str:
    key = unicodedata.normalize("NFC", text).strip().casefold()
    for prefix in _PLACE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    return _SPACES.sub("", key)


@cache
def _places_in(kind: str, parent: str | None) -> dict[str, str]:
    """Names (Thai and English, without อำเภอ/เขต/ตำบล/แขวง) -> code, within the parent place."""
    if kind == "province":
        found, names = reference.provinces(), {_place_key(k): v for k, v in _PLACE_ALIASES.items()}
    else:
        found, names = (reference.districts if kind == "district" else reference.subdistricts)(parent), {}
    for place in found:
        names.setdefault(_place_key(place.name_th), place.code)
        names.setdefault(_place_key(place.name_en), place.code)
    return names


def _place_code(kind: str, value: str, row: dict) -> str:
    """A code as given (Thai digits allowed), or the code of a name within its parent place;
    anything else unchanged, for the service to report."""
    text = to_arabic_digits(value).strip()
    if text.isdigit():
        return text
    parent = {"province": None, "district": row.get("province"), "subdistrict": row.get("district")}[kind]
    if kind != "province" and not (parent and parent.isdigit()):
        return value
    return _places_in(kind, parent).get(_place_key(text), value)


# -- writing ----------------------------------------------------------------------------------


def to_cells(org: dict) -> dict:
    """An organization as the API returns it -> what its export row shows, by column field:
    Thai labels for codes (an import reads them back), the founding year in B.E."""
    strength, verified = org.get("strength") or {}, org.get("verified") or {}
    year = org.get("founded_year_be") or (org["founded_year"] + BE_OFFSET if org.get("founded_year") else None)
    return {
        **{name: org.get(name) for name in ("name", "name_en", "province", "district", "subdistrict",
                                            "village_no", "address", "members", "contact_person", "id",
                                            "version", "center", "created_at", "updated_at")},
        "type": _label(ORG_TYPES, org.get("type")),
        "founded_year": year,
        "areas": AREA_JOIN.join(_label(WORK_AREAS, a) for a in org.get("areas") or []) or None,
        "source": _label(SOURCES, org.get("source")),
        "province_name": _place_name("province", org.get("province")),
        "district_name": _place_name("district", org.get("district")),
        "subdistrict_name": _place_name("subdistrict", org.get("subdistrict")),
        "status": _label(STATUSES, org.get("status")),
        "strength_level": _label(STRENGTH_LEVELS, strength.get("level")),
        "verified_on": verified.get("on"),
    }


def _label(vocabulary: dict, code):
    return vocabulary[code][0] if code in vocabulary else code


@cache
def _place_name(kind: str, code: str | None) -> str | None:
    if not code:
        return None
    found = getattr(reference, kind)(code)
    return found.name_th if found else None


def guard_formula(value):
    """Text Excel would run as a formula when it opens a CSV gets a leading apostrophe
    (read back without it by `from_cells`)."""
    return f"'{value}" if isinstance(value, str) and _FORMULA.match(value) else value


def example() -> dict:
    """The template's example row as a payload."""
    return {
        "name": CATALOGUE["example_name"][0], "name_en": CATALOGUE["example_name"][1], "type": "savings_group",
        "province": "50", "district": "5001", "subdistrict": "500101", "village_no": 3,
        "address": CATALOGUE["example_address"][0], "founded_year": 2559, "members": 25,
        "areas": ["economy", "welfare"], "source": "survey",
    }


def example_cells() -> dict:
    """The example row as the template shows it: labels, not codes."""
    row = example()
    return {**row, "type": _label(ORG_TYPES, row["type"]), "source": _label(SOURCES, row["source"]),
            "areas": AREA_JOIN.join(_label(WORK_AREAS, a) for a in row["areas"])}
