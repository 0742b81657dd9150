"""The organization form: what a browser posts, checked with the same schemas the service
uses, the fields an edit changed, and the problems to show next to each field."""
from __future__ import annotations

from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from services.chassis.validation import load, located
from services.chassis.thai import buddhist_era
from services.contracts.orgs.schemas import LOCATION, OrgChanges, OrgRegistration

from . import diffs

TEXT_FIELDS = ("name", "name_en", "type", "province", "district", "subdistrict", "village_no", "address",
               "founded_year", "members", "source")
FIELDS = (*TEXT_FIELDS, "areas")
_registration, _changes = OrgRegistration(), OrgChanges()


def posted(form) -> dict:
    """The form as the user typed it: text (stripped) for each field, a list for areas."""
    values = {name: (form.get(name) or "").strip() for name in TEXT_FIELDS}
    values["areas"] = [code for code in form.getlist("areas") if code]
    return values


def shown(org: dict, lang: str) -> dict:
    """A record's values as the form shows them: the founding year as B.E. in Thai."""
    values = {name: "" if org.get(name) is None else str(org[name]) for name in TEXT_FIELDS}
    if org.get("founded_year") and lang == "th":
        values["founded_year"] = str(buddhist_era(int(org["founded_year"])))
    values["areas"] = list(org.get("areas") or [])
    return values


def registration(values: dict) -> dict:
    """The payload of a new organization (blank fields left out): checked here first, so the
    page answers a typo without a round trip; location problems come from the reference data.
    Raises CommandRejected."""
    payload = {k: v for k, v in values.items() if v not in ("", [])}
    located(load(_registration, payload))
    return payload


def center_of(values: dict) -> str:
    return located(values)


def changes(values: dict, loaded: dict) -> tuple[dict, dict]:
    """The fields the user changed from the record as the form was loaded (`loaded`, a folded
    state), as the payload of an amendment (blanks clear a field), and every field as typed
    values. Raises CommandRejected."""
    payload = {k: (None if v == "" else v) for k, v in values.items()}
    typed = {k: _plain(v) for k, v in load(_changes, payload).items()}
    changed = {k: payload[k] for k in FIELDS if diffs.changes({k: loaded.get(k)}, {k: typed.get(k)})}
    if any(k in changed for k in LOCATION):  # a move checks the whole new location
        moved = {**{k: loaded.get(k) for k in LOCATION}, **{k: typed.get(k) for k in LOCATION if k in changed}}
        located(moved)
    return changed, typed


def _plain(value):
    return str(value) if hasattr(value, "hex") else value


def problems(error: CommandRejected, lang: str) -> dict[str, list[str]]:
    """Messages by form field ("areas.0" is shown at "areas"; "_schema" above the form)."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        name = problem["field"].split(".")[0]
        text = message(problem["code"], **(problem.get("params") or {}))
        out.setdefault(name if name in FIELDS else "_schema", []).append(text[lang])
    return out


def conflict(values: dict, typed: dict, mine: set, loaded: dict, current: dict, lang: str) -> tuple[list[dict], dict]:
    """A stale edit: each field the user (`mine`) or someone else changed, with the value as
    loaded, the current value and the user's; and the form that re-applies the user's changes
    onto the current version."""
    rows = diffs.conflict_rows(FIELDS, typed, mine, loaded, current)
    reapply = {**shown(current, lang), **{k: values[k] for k in mine}}
    return rows, reapply
