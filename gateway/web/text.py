"""What the pages say, in the reader's language: the language switch, `t(code)` from the one
message catalogue, the labels of codes, and values shown the Thai way (B.E. years and dates,
Bangkok time)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, g, request, session

from services import reference
from services.chassis.messages import CATALOGUE, message
from services.chassis.thai import bangkok_time, buddhist_era
from services.registry import BUILT_SOURCES, BY_NAME, contract

LANGUAGES = ("th", "en")


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


def problem_text(error) -> str:
    """What a field's ValidationError (its message a catalogue code) says, in the reader's language."""
    return message(str(error.messages[0]))[lang()]


def text_of(pair: dict | tuple) -> str:
    """One side of a {"th", "en"} message or a (Thai, English) label."""
    if isinstance(pair, dict):
        return pair.get(lang()) or pair.get("th", "")
    return pair[0 if lang() == "th" else 1]


# --- code lists, namespaced by register: "orgs.type" is the organization register's types
CODE_LISTS: dict[str, dict[str, tuple[str, str]]] = {
    f"{register}.{name}": codes
    for register in BUILT_SOURCES for name, codes in contract(register, "vocabulary").CODE_LISTS.items()
}


def options(list_name: str) -> list[tuple[str, str]]:
    """(code, label) of a code list ("orgs.type"), in its own order."""
    return [(code, text_of(pair)) for code, pair in CODE_LISTS[list_name].items()]


def code_label(list_name: str, code: str | None) -> str:
    pair = CODE_LISTS[list_name].get(code) if code else None
    return text_of(pair) if pair else (code or "")


def event_label(kind: str) -> str:
    """An event type as people read it ("OrgAmended": แก้ไขข้อมูล); its own name if it has none."""
    code = f"event_{kind}"
    return t(code) if code in CATALOGUE else kind


def source_name(source: str) -> str:
    """An event source (a register) by its name."""
    code = BY_NAME[source].label if source in BY_NAME else ""
    return t(code) if code in CATALOGUE else source


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
    return t("web_year_be", year=buddhist_era(ce)) if lang() == "th" else str(ce)


def day(value: str | date | None) -> str:
    """A date: '15 มี.ค. 2568' in Thai, '15 Mar 2025' in English."""
    if not value:
        return ""
    day_ = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    month = t(f"web_month_{day_.month}")
    shown_year = buddhist_era(day_.year) if lang() == "th" else day_.year
    return f"{day_.day} {month} {shown_year}"


def moment(iso: str | None) -> str:
    """A UTC time from the log as Bangkok time: '15 มี.ค. 2568 09:30'."""
    if not iso:
        return ""
    local = bangkok_time(iso)
    return f"{day(local.date())} {local:%H:%M}"


# --- a record's fields as a person reads them
@dataclass(frozen=True)
class RecordText:
    """How the records of one register read: each field's label (a catalogue code), and each
    value as text: labels for codes (the register's code list of the field's name), names for
    places and centers, B.E. years, Thai dates and Bangkok times."""

    register: str
    labels: dict[str, str]
    years: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    moments: tuple[str, ...] = ("created_at", "updated_at")
    counts: tuple[str, ...] = ()
    lists: dict[str, str] = field(default_factory=dict)  # a field -> its code list, where the names differ

    def label(self, name: str) -> str:
        return t(self.labels[name]) if name in self.labels else name

    def code_label(self, list_name: str, code: str | None) -> str:
        return code_label(f"{self.register}.{list_name}", code)

    def options(self, list_name: str) -> list[tuple[str, str]]:
        return options(f"{self.register}.{list_name}")

    def show(self, name: str, value) -> str:
        """`value` of field `name` as text."""
        if value is None or value == "" or value == []:
            return "—"
        if name in PLACES:
            return f"{place_name(name, value)} ({value})"
        if name == "center":
            return center_name(value)
        list_name = self.lists.get(name, name)
        if f"{self.register}.{list_name}" in CODE_LISTS:
            codes = value if isinstance(value, list) else [value]
            return ", ".join(self.code_label(list_name, code) for code in codes)
        if name in self.years:
            return year(int(value))
        if name in self.days:
            return day(value)
        if name in self.moments:
            return moment(value)
        if name in self.counts:
            return f"{int(value):,}"
        return str(value)

    def helpers(self) -> dict:
        """What a page of this register's records uses, for its templates."""
        return {"show": self.show, "label": self.label, "code_label": self.code_label, "code_options": self.options}


PLACES = ("province", "district", "subdistrict")
