"""Cell values <-> API values for a register's spreadsheets: codes or their Thai/English
labels, place codes or names, numbers typed as text, dates, and what an export shows."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache, lru_cache

from services import reference
from services.chassis.thai import to_arabic_digits
from services.chassis.vocabulary import Synonyms, Vocabulary, label_key, readings

PLACES = ("province", "district", "subdistrict")  # in this order: a district's name is looked up in its province
LIST_JOIN = ", "
_LIST_SEPARATORS = re.compile(r"[,;\n、]")
_FORMULA = re.compile(r"^[=+\-@\t\r].")  # what Excel may run as a formula when it opens a CSV
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r].)")
_SPACES = re.compile(r"\s+")


class CellValues:
    """How one register's cells read. `numbers`: fields left as typed for the schema to read
    (Thai digits, "1,200"); `years`: fields whose date cell means its year; `vocabularies`:
    field -> code list, whose cells may hold a code, its Thai or English label, or one of the
    list's `synonyms` (field -> variant -> code); `lists`: those of them that hold several
    codes (comma-separated). A value none of these reads stays as written, for the service to
    refuse naming the closest codes."""

    def __init__(self, numbers: tuple[str, ...] = (), years: tuple[str, ...] = (),
                 vocabularies: dict[str, Vocabulary] | None = None, lists: tuple[str, ...] = (),
                 synonyms: dict[str, Synonyms] | None = None):
        self.numbers, self.years, self.lists = frozenset(numbers), frozenset(years), frozenset(lists)
        self.vocabularies, self.synonyms = vocabularies or {}, synonyms or {}
        self._labels = {name: readings(codes, self.synonyms.get(name)) for name, codes in self.vocabularies.items()}
        # a file repeats a few combinations of a list's codes on every row
        self._list_codes = {name: lru_cache(maxsize=8192)(lambda text, labels=self._labels[name]: tuple(
            labels.get(label_key(p), p) for p in (p.strip() for p in _LIST_SEPARATORS.split(text)) if p))
            for name in self.lists}

    # -- reading --------------------------------------------------------------------------

    def from_cells(self, cells: dict) -> dict:
        """Non-blank cells by field -> an API payload: labels become codes, place names become
        codes, whole numbers stay numbers (the service validates everything else)."""
        out = {}
        numbers, years, lists, labels = self.numbers, self.years, self._list_codes, self._labels
        for name, value in cells.items():
            if isinstance(value, str):
                value = value.strip()
                if value[:1] == "'":
                    value = _GUARDED.sub("", value)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, (datetime, date)):
                value = value.year if name in years else value.isoformat()
            if name in numbers:
                out[name] = value
            elif name in lists:
                out[name] = list(lists[name](str(value)))
            elif name in labels:
                out[name] = labels[name].get(label_key(value), str(value))
            else:
                out[name] = str(value)
        for place in PLACES:
            if place in out:
                out[place] = place_code(place, out[place], out)
        return out

    # -- writing --------------------------------------------------------------------------

    def label(self, field: str, code):
        """A code's Thai label (the code itself when the list does not have it)."""
        codes = self.vocabularies[field]
        return codes[code][0] if code in codes else code

    def labels(self, field: str, codes) -> str | None:
        """A list of codes as the cell shows it: Thai labels, comma-separated."""
        return LIST_JOIN.join(self.label(field, code) for code in codes or []) or None


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


def place_code(kind: str, value: str, row: dict) -> str:
    """A code as given (Thai digits allowed), or the code of a name within its parent place;
    anything else unchanged, for the service to report."""
    text = to_arabic_digits(value).strip()
    if text.isdigit():
        return text
    parent = {"province": None, "district": row.get("province"), "subdistrict": row.get("district")}[kind]
    if kind != "province" and not (parent and parent.isdigit()):
        return value
    return _places_in(kind, parent).get(_place_key(text), value)


@cache
def place_name(kind: str, code: str | None) -> str | None:
    """The Thai name of a province, district or subdistrict code."""
    if not code:
        return None
    found = getattr(reference, kind)(code)
    return found.name_th if found else None


def guard_formula(value):
    """Text Excel would run as a formula when it opens a CSV gets a leading apostrophe
    (read back without it by `from_cells`)."""
    return f"'{value}" if isinstance(value, str) and _FORMULA.match(value) else value
