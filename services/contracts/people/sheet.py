"""The people register's spreadsheets: the columns an import reads and an export writes, how
their cells read (a consent given in five columns, roles as a comma list of role labels for
the home area, dates in B.E. or C.E. as Thai people write them), and what an export row shows.
An export's rows come from the service (`export_page`), already masked as the caller may see
them; restricted people are never among them. The reading, writing and template are the kit's
(`services.chassis.registers.sheets`)."""
from __future__ import annotations

import re
from datetime import date, datetime

from services.chassis.messages import CATALOGUE
from services.chassis.registers.sheets import CodeList, Sheet, columns
from services.chassis.registers.sheets.cells import LIST_JOIN, CellValues, place_name
from services.chassis.thai import buddhist_era, to_arabic_digits
from services.chassis.vocabulary import synonyms

from .vocabulary import CONSENT_CHANNELS, CONSENT_PURPOSES, LANGUAGES, LEGAL_BASES, ROLES, SKILLS, STATUSES

REQUIRED = ("given_name", "province", "district", "subdistrict", "legal_basis")
# the consent's columns -> its fields (schemas.Consent), in the order a consent is built
CONSENT = {"consent_purposes": "purposes", "consent_notice": "notice_version", "consent_on": "given_on",
           "consent_channel": "channel", "consent_witness": "witness"}
DATES = ("consent_on",)
# a person's consent status (`Person.consent`), as an export shows it
CONSENT_STATUSES = {"given": ("ให้ความยินยอมแล้ว", "Given"), "withdrawn": ("ถอนความยินยอมแล้ว", "Withdrawn"),
                    "not_needed": ("ใช้ฐานทางกฎหมายอื่น", "Another legal basis")}
# what people write for a role besides its labels (documented in docs/spreadsheets.md)
SYNONYMS = {"roles": synonyms(ROLES, {
    "วิทยากร": "facilitator", "ผู้นำ": "leader", "แกนนำชุมชน": "leader", "จิตอาสา": "volunteer",
    "อาสาสมัคร": "volunteer", "ผู้ปฏิบัติการออนไลน์": "online_worker",
})}
_THAI_MONTHS = {name: n for n, names in enumerate((
    ("มกราคม", "ม.ค."), ("กุมภาพันธ์", "ก.พ."), ("มีนาคม", "มี.ค."), ("เมษายน", "เม.ย."), ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."), ("กรกฎาคม", "ก.ค."), ("สิงหาคม", "ส.ค."), ("กันยายน", "ก.ย."), ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."), ("ธันวาคม", "ธ.ค.")), start=1) for name in names}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_DAY_MONTHNAME_YEAR = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.|ค\.ศ\.)?\s*(\d{4})$")
_AREAS = re.compile(r"[\s,;]+")


def day_text(value) -> str:
    """A date cell as ISO text whose year may be B.E. (the schema reads it): a date the
    spreadsheet typed as one, or text written day/month/year (15/3/2568, 15-03-2025) or with a
    Thai month (15 มี.ค. 2568), in Thai or Arabic digits; anything else as written."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = to_arabic_digits(str(value)).strip()
    found = _DAY_MONTH_YEAR.match(text)
    if found:
        day, month, year = (int(n) for n in found.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    found = _DAY_MONTHNAME_YEAR.match(text)
    if found and found[2] in _THAI_MONTHS:
        return f"{int(found[3]):04d}-{_THAI_MONTHS[found[2]]:02d}-{int(found[1]):02d}"
    return text


def written_day(iso: str | None) -> str | None:
    """An ISO C.E. date as an export writes it: day/month/B.E. year (an import reads it back)."""
    if not iso:
        return None
    day = date.fromisoformat(str(iso)[:10])
    return f"{day.day:02d}/{day.month:02d}/{buddhist_era(day.year)}"


class PersonCells(CellValues):
    """The kit's cell reading, then what a person's row adds: the consent columns make the
    consent, the roles are roles for the home area, dates read as `day_text` does, a national
    ID typed as a number gets back the leading zero the spreadsheet dropped, work areas are a
    list of place codes."""

    def from_cells(self, cells: dict) -> dict:
        cells = {name: day_text(value) if name in DATES else value for name, value in cells.items()}
        if isinstance(cells.get("national_id"), (int, float)):
            cells["national_id"] = f"{int(cells['national_id']):013d}"
        out = super().from_cells(cells)
        consent = {CONSENT[name]: out.pop(name) for name in CONSENT if name in out}
        if consent:
            out["consent"] = consent
        if "roles" in out:
            out["roles"] = [{"role": role} for role in out["roles"]]
        if "work_areas" in out:
            out["work_areas"] = [to_arabic_digits(code) for code in _AREAS.split(out["work_areas"]) if code]
        return out


CELLS = PersonCells(
    numbers=("birth_year", "years_experience"), years=("birth_year",),
    vocabularies={"skills": SKILLS, "languages": LANGUAGES, "roles": ROLES, "legal_basis": LEGAL_BASES,
                  "consent_purposes": CONSENT_PURPOSES, "consent_channel": CONSENT_CHANNELS, "status": STATUSES,
                  "consent_status": CONSENT_STATUSES},
    lists=("skills", "languages", "roles", "consent_purposes"), synonyms=SYNONYMS,
)
_AS_GIVEN = ("given_name", "family_name", "name_en", "phone", "email", "line_id", "address", "notes",
             "province", "district", "subdistrict", "years_experience", "id", "version", "center", "created_at",
             "updated_at")


def consent_in_force(person: dict) -> dict:
    """The person's latest consent that is not withdrawn (none if there is none)."""
    given = [c for c in person.get("consents") or [] if not c.get("withdrawn_on")]
    return max(given, key=lambda c: (c.get("given_on") or "", int(c.get("consent") or 0)), default={})


def to_cells(person: dict) -> dict:
    """A person as the service shows them to the caller (masked or not) -> their export row,
    by column field: Thai labels for codes (an import reads them back), years in B.E., dates
    as day/month/B.E. year. The national ID is never written whole: only its last digits, in
    a read-only column (the importable one stays blank: a blank cell changes nothing)."""
    consent = consent_in_force(person)
    return {
        **{name: person.get(name) for name in _AS_GIVEN},
        "birth_year": buddhist_era(person["birth_year"]) if isinstance(person.get("birth_year"), int) else None,
        "skills": CELLS.labels("skills", person.get("skills")),
        "languages": CELLS.labels("languages", person.get("languages")),
        "work_areas": LIST_JOIN.join(person.get("work_areas") or []) or None,
        "roles": CELLS.labels("roles", [r["role"] for r in person.get("roles") or []]),
        "legal_basis": CELLS.label("legal_basis", person.get("legal_basis")),
        "consent_purposes": CELLS.labels("consent_purposes", consent.get("purposes")),
        "consent_notice": consent.get("notice_version"),
        "consent_on": written_day(consent.get("given_on")),
        "consent_channel": CELLS.label("consent_channel", consent.get("channel")) if consent else None,
        "consent_witness": consent.get("witness"),
        "national_id_last4": person.get("national_id"),
        "province_name": place_name("province", person.get("province")),
        "district_name": place_name("district", person.get("district")),
        "subdistrict_name": place_name("subdistrict", person.get("subdistrict")),
        "status": CELLS.label("status", person.get("status")),
        "consent_status": CELLS.label("consent_status", person.get("consent")),
        "trainings": LIST_JOIN.join(f"{t['name']} ({written_day(t.get('on'))})" for t in person.get("trainings") or [])
        or None,
    }


EXAMPLE_ON = date(2025, 3, 15)


def example() -> dict:
    """The template's example row as the payload a read of it gives."""
    return {
        "given_name": CATALOGUE["example_given_name"][0], "family_name": CATALOGUE["example_family_name"][0],
        "phone": "081-234-5678", "address": CATALOGUE["example_person_address"][0], "birth_year": 2515,
        "province": "50", "district": "5001", "subdistrict": "500101", "skills": ["facilitation", "agriculture"],
        "languages": ["th", "northern"], "years_experience": 5, "roles": [{"role": "volunteer"}],
        "legal_basis": "consent",
        "consent": {"purposes": ["network_register", "capability"], "notice_version": "2568-1",
                    "given_on": f"{buddhist_era(EXAMPLE_ON.year)}-{EXAMPLE_ON.month:02d}-{EXAMPLE_ON.day:02d}",
                    "channel": "paper"},
    }


class PeopleSheet(Sheet):
    """The kit's Sheet, with an example row whose consent and roles are spread over their columns."""

    def example_cells(self) -> dict:
        row = dict(self.example())
        consent, roles = row.pop("consent", {}), row.pop("roles", [])
        row.update({name: consent[part] for name, part in CONSENT.items() if part in consent})
        row["roles"] = [r["role"] for r in roles]
        row["consent_on"] = written_day(EXAMPLE_ON.isoformat())
        for name in self.cells.vocabularies:
            if name in row:
                row[name] = self.cells.labels(name, row[name]) if name in self.cells.lists else self.cells.label(
                    name, row[name])
        return row


SHEET = PeopleSheet(
    data_sheet="sheet_people",
    guide_note="people_guide_note",
    columns=columns(("given_name", "family_name", "name_en", "national_id", "phone", "email", "line_id", "address",
                     "birth_year", "province", "district", "subdistrict", "roles", "skills", "languages",
                     "years_experience", "work_areas", "notes", "legal_basis", *CONSENT),
                    required=REQUIRED, texts={"name_en": "person_name_en", "address": "person_address"}),
    # read-only columns an export adds; an import recognises and ignores them (round trips work)
    export_only=columns(("national_id_last4", "province_name", "district_name", "subdistrict_name", "trainings", "id",
                         "version", "center", "status", "consent_status", "created_at", "updated_at"),
                        texts={"id": "person_id", "consent_status": "consent"}),
    cells=CELLS,
    to_cells=to_cells,
    example=example,
    other_center="person_other_center",
    exported="people_export_done",
    wide=("given_name", "family_name", "address", "notes", "roles", "skills", "consent_purposes"),
    lists=(CodeList("sheet_roles", ROLES, dropdown="roles"), CodeList("sheet_skills", SKILLS, dropdown="skills"),
           CodeList("sheet_languages", LANGUAGES, dropdown="languages"),
           CodeList("sheet_legal_bases", LEGAL_BASES, dropdown="legal_basis"),
           CodeList("sheet_consent_purposes", CONSENT_PURPOSES, dropdown="consent_purposes"),
           CodeList("sheet_consent_channels", CONSENT_CHANNELS, dropdown="consent_channel")),
    export_rpc="export_page",
    # a problem of the consent (built from five columns) is about the column its part came from
    problem_columns={"consent": "legal_basis", **{f"consent.{part}": name for name, part in CONSENT.items()}},
)
