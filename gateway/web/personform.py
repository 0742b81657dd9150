"""The person form: what a browser posts, checked with the same schemas the people service
uses; the fields an edit changed; and the service's problems by form input. The national ID
is never shown whole (the service masks it for everyone), so an edit form starts it blank:
blank keeps it, a new number replaces it, the box `national_id_clear` removes it."""
from __future__ import annotations

import phonenumbers

from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from services.chassis.thai import buddhist_era, common_era_date_text
from services.chassis.validation import load, located
from services.contracts.people.schemas import EDITABLE, HOME, PersonChanges, PersonRegistration

from . import diffs

TEXT_FIELDS = ("given_name", "family_name", "name_en", "national_id", "phone", "email", "line_id", "address",
               "birth_year", "notes", "years_experience", "province", "district", "subdistrict")
LIST_FIELDS = ("skills", "languages", "work_areas")
FIELDS = (*EDITABLE, *HOME)
CONSENT_TEXT = ("notice_version", "given_on", "channel", "witness", "expires_on")
REGISTRATION_ONLY = ("legal_basis", "roles", "consent")
_registration, _changes = PersonRegistration(), PersonChanges()


def posted(form) -> dict:
    """The form as the user typed it: text (stripped) for each field, lists for the checkboxes."""
    values = {name: (form.get(name) or "").strip() for name in (*TEXT_FIELDS, "legal_basis")}
    values.update({name: [v for v in form.getlist(name) if v] for name in (*LIST_FIELDS, "roles")})
    values.update({f"consent_{name}": (form.get(f"consent_{name}") or "").strip() for name in CONSENT_TEXT})
    values["consent_purposes"] = [v for v in form.getlist("consent_purposes") if v]
    values["national_id_clear"] = bool(form.get("national_id_clear"))
    return values


def consent_of(values: dict) -> dict | None:
    """A consent from the form's consent inputs (None when none of them is filled in); an
    expiry in B.E. is read as one (the schema's date takes C.E. only)."""
    if not values.get("consent_purposes") and not any(values.get(f"consent_{n}") for n in CONSENT_TEXT):
        return None
    consent = {"purposes": values.get("consent_purposes") or []}
    for name in CONSENT_TEXT:
        typed = values.get(f"consent_{name}") or None
        if typed or name in ("witness", "expires_on"):
            consent[name] = common_era_date_text(typed) if typed and name == "expires_on" else typed
    return consent


def registration(values: dict) -> dict:
    """The payload of a new person (blank fields left out), checked here first so the page
    answers a typo without a round trip. Raises CommandRejected."""
    payload = {k: values[k] for k in (*TEXT_FIELDS, "legal_basis") if values.get(k)}
    payload.update({k: values[k] for k in LIST_FIELDS if values.get(k)})
    payload["roles"] = [{"role": role} for role in values.get("roles") or []]
    if (consent := consent_of(values)) is not None:
        payload["consent"] = consent
    located(load(_registration, payload))
    return payload


def center_of(values: dict) -> str:
    return located(values)


def phone_shown(value: str | None, lang: str = "th") -> str:
    """An E.164 phone as Thai people write it (092 600 3197); a masked one as it is."""
    if not value or not value.startswith("+"):
        return value or ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return value


def shown(person: dict, lang: str) -> dict:
    """A person's values as the edit form shows them: the birth year as B.E. in Thai, the
    phone the Thai way, the national ID blank (it is never shown whole)."""
    values = {name: "" if person.get(name) is None else str(person[name]) for name in TEXT_FIELDS}
    if person.get("birth_year") and lang == "th":
        values["birth_year"] = str(buddhist_era(int(person["birth_year"])))
    values["phone"] = phone_shown(person.get("phone"))
    values["national_id"] = ""
    values.update({name: list(person.get(name) or []) for name in LIST_FIELDS})
    values["national_id_clear"] = False
    return values


def changes(values: dict, loaded: dict) -> tuple[dict, dict]:
    """The fields the user changed from the person as the form was loaded (`loaded`, a folded
    state), as the payload of a correction (a blank clears a field), and every field as typed.
    Raises CommandRejected."""
    payload = {k: (values.get(k) or None) if k not in LIST_FIELDS else values.get(k) or [] for k in FIELDS}
    del payload["national_id"]
    if values.get("national_id"):
        payload["national_id"] = values["national_id"]
    elif values.get("national_id_clear"):
        payload["national_id"] = None
    typed = load(_changes, payload)
    changed = {k: payload[k] for k in payload if k == "national_id" or diffs.changes({k: loaded.get(k)}, {k: typed.get(k)})}
    if any(k in changed for k in HOME):  # a move checks the whole new home
        located({**{k: loaded.get(k) for k in HOME}, **{k: typed.get(k) for k in HOME if k in changed}})
    return changed, typed


def conflict(values: dict, typed: dict, mine: set, loaded: dict, current: dict, lang: str) -> tuple[list[dict], dict]:
    """A stale edit: each field the user (`mine`) or someone else changed, with the value as
    loaded, the current value and the user's; and the form that re-applies the user's changes
    onto the current version."""
    rows = diffs.conflict_rows(FIELDS, typed, mine, loaded, current)
    reapply = {**shown(current, lang), **{k: values[k] for k in mine if k in values}}
    return rows, reapply


def input_of(field: str) -> str:
    """The form input a problem of the service's `field` is shown at ("consent.channel" at
    "consent_channel", "skills.0" at "skills", "roles.0.role" at "roles")."""
    head, _, rest = field.partition(".")
    if head == "consent":
        inner = rest.split(".")[0]
        return f"consent_{inner}" if inner in (*CONSENT_TEXT, "purposes") else "consent_purposes"
    if head in (*FIELDS, "legal_basis", "roles"):
        return head
    return "_schema"


def problems(error: CommandRejected, lang: str) -> dict[str, list[str]]:
    """Messages by form input ("_schema": above the form)."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        text = message(problem["code"], **(problem.get("params") or {}))
        out.setdefault(input_of(problem["field"]), []).append(text[lang])
    return out
