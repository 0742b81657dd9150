"""A person's history as the pages read it: the events `people.history` returns (their personal
values opened, or masked, as the caller may see them) folded into a flat record, so that
`diffs.fold` shows what each event changed, field by field, and an edit form knows the record
as it was loaded. Plain Python."""
from __future__ import annotations

from services.contracts.people import events as ev

from . import diffs

# The order a person reads a record in; a diff lists its fields this way
ORDER = ("given_name", "family_name", "name_en", "national_id", "phone", "email", "line_id", "address", "birth_year",
         "notes", "province", "district", "subdistrict", "center", "skills", "languages", "years_experience",
         "work_areas", "legal_basis", "consent", "consents", "roles", "trainings", "orgs", "status", "restricted",
         "merged_into")


def _consent_state(state: dict) -> str:
    if state.get("legal_basis") != "consent":
        return "not_needed"
    return "given" if any(not c[2] for c in state.get("consents") or []) else "withdrawn"


def _consents(state: dict, change) -> list:
    """The consents as [id, given_on, withdrawn_on] rows, one changed by `change(rows)`."""
    return change([list(row) for row in state.get("consents") or []])


def apply(state: dict, event: dict) -> dict:
    """The person's flat record after `event`: their fields, the roles held (codes), the
    trainings (names), the organizations ([id, role]) and the consents ([id, given, withdrawn])."""
    kind, data = event["type"], event.get("data") or {}
    if kind == ev.REGISTERED:
        state = {k: v for k, v in data.items() if k not in ("consent", "roles")}
        consent = data.get("consent")
        state.update(status="active", roles=sorted(r["role"] for r in data.get("roles") or []), trainings=[], orgs=[],
                     consents=[[consent["consent"], consent.get("given_on"), None]] if consent else [])
    else:
        state = dict(state)
    if kind == ev.AMENDED:
        state.update(data)
    elif kind == ev.ROLE_STARTED:
        state["roles"] = sorted({*(state.get("roles") or []), data["role"]})
    elif kind == ev.ROLE_ENDED:
        state["roles"] = [r for r in state.get("roles") or [] if r != data["role"]]
    elif kind == ev.TRAINING_RECORDED:
        state["trainings"] = [*(state.get("trainings") or []), data.get("name")]
    elif kind == ev.ORG_LINKED:
        state["orgs"] = sorted([*[o for o in state.get("orgs") or [] if o[0] != data["org"]],
                                [data["org"], data["role_in_org"]]])
    elif kind == ev.ORG_UNLINKED:
        state["orgs"] = [o for o in state.get("orgs") or [] if o[0] != data["org"]]
    elif kind == ev.CONSENT_RECORDED:
        state["consents"] = _consents(state, lambda rows: [*rows, [data["consent"], data.get("given_on"), None]])
    elif kind == ev.CONSENT_WITHDRAWN:
        state["consents"] = _consents(state, lambda rows: [
            [c, given, data["on"] if c == data["consent"] else withdrawn] for c, given, withdrawn in rows])
    elif kind == ev.RESTRICTED:
        state["restricted"] = data.get("ground")
    elif kind == ev.RESTRICTION_LIFTED:
        state["restricted"] = None
    elif kind == ev.MERGED:
        state.update(status="merged", merged_into=data.get("into"))
    elif kind == ev.UNMERGED:
        state.update(status=data.get("status"), merged_into=None)
    elif kind == ev.ERASED:
        state["status"] = "erased"
    state["consent"] = _consent_state(state)
    return state  # ABSORBED, RELEASED and unknown kinds change no field


def fold(events: list[dict]) -> list[diffs.Step]:
    return diffs.fold(events, apply, ORDER)


def at_version(events: list[dict], person_id: str, version: int) -> dict | None:
    return diffs.at_version(events, ev.stream_of(person_id), version, apply)


def changed_since(events: list[dict], person_id: str, version: int, now: dict) -> list[diffs.Change]:
    """What changed in the person's record after `version` (a page opened then), up to `now`."""
    stream = ev.stream_of(person_id)
    current = diffs.at_version(events, stream, now["version"], apply) or {}
    loaded = diffs.at_version(events, stream, version, apply) or {}
    return [c for c in diffs.changes(loaded, current, ORDER) if c.field in ORDER]
