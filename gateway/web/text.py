"""What the pages say, in the reader's language: the language switch, `t(code)` from the one
message catalogue, the labels of codes, and values shown the Thai way (B.E. years and dates,
Bangkok time)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, request, session

from services import reference
from services.chassis.messages import CATALOGUE
from services.orgs import vocabulary as vocab
from services.orgs.schemas import BE_OFFSET

LANGUAGES = ("th", "en")
BANGKOK = ZoneInfo("Asia/Bangkok")


def lang() -> str:
    """The reader's language: `?lang=en|th` switches it and, once sessions are signed, the
    session remembers it; Thai by default."""
    if "lang" not in g:
        asked = request.args.get("lang")
        signed = bool(current_app.secret_key)
        if asked in LANGUAGES and signed:
            session["lang"] = asked
        remembered = session.get("lang") if signed else None
        g.lang = asked if asked in LANGUAGES else remembered if remembered in LANGUAGES else "th"
    return g.lang


def t(code: str, **params) -> str:
    """The catalogue's text for `code` in the reader's language (a missing code is a bug: KeyError)."""
    text = CATALOGUE[code][0 if lang() == "th" else 1]
    return text.format(**params) if params else text


def text_of(pair: dict | tuple) -> str:
    """One side of a {"th", "en"} message or a (Thai, English) label."""
    if isinstance(pair, dict):
        return pair.get(lang()) or pair.get("th", "")
    return pair[0 if lang() == "th" else 1]


# --- code lists
CODE_LISTS = {
    "type": vocab.ORG_TYPES, "source": vocab.SOURCES, "areas": vocab.WORK_AREAS, "status": vocab.STATUSES,
    "strength": vocab.STRENGTH_LEVELS, "strength_level": vocab.STRENGTH_LEVELS,
    "strength_criteria": vocab.STRENGTH_CRITERIA,
}


def options(list_name: str) -> list[tuple[str, str]]:
    """(code, label) of a code list, in its own order."""
    return [(code, text_of(pair)) for code, pair in CODE_LISTS[list_name].items()]


def code_label(list_name: str, code: str | None) -> str:
    pair = CODE_LISTS[list_name].get(code) if code else None
    return text_of(pair) if pair else (code or "")


def _name(place) -> str:
    return place.name_th if lang() == "th" else place.name_en


def province_options() -> list[tuple[str, str]]:
    return sorted(((p.code, _name(p)) for p in reference.provinces()), key=lambda o: o[1])


def district_options(province: str | None) -> list[tuple[str, str]]:
    if not province or not reference.province(province):
        return []
    return sorted(((d.code, _name(d)) for d in reference.districts(province)), key=lambda o: o[1])


def subdistrict_options(district: str | None) -> list[tuple[str, str]]:
    if not district or not reference.district(district):
        return []
    return sorted(((s.code, _name(s)) for s in reference.subdistricts(district)), key=lambda o: o[1])


def center_options() -> list[tuple[str, str]]:
    return [(c.code, _name_of_center(c)) for c in reference.centers()]


def _name_of_center(center) -> str:
    return center.name_th if lang() == "th" else center.name_en


def center_name(code: str | None) -> str:
    found = reference.center(code) if code else None
    return _name_of_center(found) if found else (code or "")


def place_name(kind: str, code: str | None) -> str:
    found = getattr(reference, kind)(code) if code else None
    return _name(found) if found else (code or "")


def location(org: dict) -> str:
    """'ศรีภูมิ, เมืองเชียงใหม่, เชียงใหม่': subdistrict, district, province."""
    names = [place_name(kind, org.get(kind)) for kind in ("subdistrict", "district", "province") if org.get(kind)]
    return ", ".join(names)


# --- years, dates, times
def year(ce: int | None) -> str:
    """A year as พ.ศ. in Thai, C.E. in English."""
    if ce is None:
        return ""
    return t("web_year_be", year=ce + BE_OFFSET) if lang() == "th" else str(ce)


def day(value: str | date | None) -> str:
    """A date: '15 มี.ค. 2568' in Thai, '15 Mar 2025' in English."""
    if not value:
        return ""
    day_ = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    month = t(f"web_month_{day_.month}")
    shown_year = day_.year + BE_OFFSET if lang() == "th" else day_.year
    return f"{day_.day} {month} {shown_year}"


def moment(iso: str | None) -> str:
    """A UTC time from the log as Bangkok time: '15 มี.ค. 2568 09:30'."""
    if not iso:
        return ""
    at = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    local = at.astimezone(BANGKOK)
    return f"{day(local.date())} {local:%H:%M}"


# --- a field's value as a person reads it
FIELD_LABELS = {
    "name": "col_name", "name_en": "col_name_en", "type": "col_type", "province": "col_province",
    "district": "col_district", "subdistrict": "col_subdistrict", "village_no": "col_village_no",
    "address": "col_address", "founded_year": "col_founded_year", "members": "col_members",
    "areas": "col_areas", "contact_person": "col_contact_person", "source": "col_source", "center": "col_center",
    "status": "col_status", "strength_level": "col_strength_level", "strength_criteria": "web_strength_criteria",
    "strength_assessed_on": "web_strength_assessed_on", "strength_assessor": "web_strength_assessor",
    "verified_on": "col_verified_on", "verified_by": "web_verified_by", "merged_into": "web_merged_into",
    "version": "col_version", "created_at": "col_created_at", "updated_at": "col_updated_at", "id": "col_id",
}


def field_label(name: str) -> str:
    return t(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def show(name: str, value) -> str:
    """`value` of field `name` as text: labels for codes, names for places, B.E. for years."""
    if value is None or value == "" or value == []:
        return "—"
    if name in ("province", "district", "subdistrict"):
        return f"{place_name(name, value)} ({value})"
    if name == "center":
        return center_name(value)
    if name in ("areas", "strength_criteria"):
        return ", ".join(code_label(name, code) for code in value)
    if name in CODE_LISTS:
        return code_label(name, value)
    if name == "founded_year":
        return year(int(value))
    if name in ("strength_assessed_on", "verified_on"):
        return day(value)
    if name in ("created_at", "updated_at"):
        return moment(value)
    if name == "members":
        return f"{int(value):,}"
    return str(value)
