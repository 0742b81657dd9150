"""The organization aggregate: the rules of the register as plain Python. Each decision
returns the events to append; `apply` evolves state from any event."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import Archived, rejected
from services.chassis.validation import located
from services.contracts.orgs import events as ev
from services.contracts.orgs.schemas import EDITABLE, FIELDS, LOCATION


@dataclass(frozen=True)
class Organization:
    id: str
    version: int = 0
    status: str = "active"
    values: dict = field(default_factory=dict)  # FIELDS, `center`, `strength`, `verified`, `merged_into`

    @property
    def stream(self) -> str:
        return ev.stream_of(self.id)

    def next(self, kind: str, data: dict, offset: int = 1) -> Pending:
        return Pending(stream=self.stream, version=self.version + offset, type=kind, data=data)


locate = located  # an organization's center is its location's (CommandRejected if that does not check out)


def _plain(values: dict) -> dict:
    """JSON-ready values: UUIDs as text."""
    person = values.get("contact_person")
    return {**values, "contact_person": str(person) if person else None} if "contact_person" in values else values


def register(fields_: dict, org_id: str | None = None, row: int | None = None) -> Pending:
    """A new organization from validated fields (see schemas.OrgRegistration)."""
    org_id = org_id or new_ids(1)[0]
    data = _plain({name: fields_.get(name) for name in FIELDS})
    data["areas"] = list(data["areas"] or [])
    data["center"] = locate(data, row)
    return Pending(stream=ev.stream_of(org_id), version=1, type=ev.REGISTERED, data=data)


def _editable(org: Organization) -> None:
    if org.status == "archived":
        raise Archived(org.stream)
    if org.status == "merged":
        raise rejected("_schema", "merged")


def amend(org: Organization, changes: dict) -> list[Pending]:
    """Only the fields that differ become events; location fields relocate. An amendment that
    changes nothing appends nothing."""
    _editable(org)
    changes = _plain(changes)
    edited = {k: v for k, v in changes.items() if k in EDITABLE and org.values.get(k) != v}
    pending = [org.next(ev.AMENDED, edited)] if edited else []
    moved = {k: v for k, v in changes.items() if k in LOCATION}
    if moved:
        org_after = replace(org, version=org.version + len(pending))
        pending += relocate(org_after, {**{k: org.values.get(k) for k in LOCATION}, **moved})
    return pending


def relocate(org: Organization, location: dict) -> list[Pending]:
    _editable(org)
    new = {k: location.get(k) for k in LOCATION}
    if all(org.values.get(k) == new[k] for k in LOCATION):
        return []
    new["center"] = locate(new)
    return [org.next(ev.RELOCATED, new)]


def assess(org: Organization, assessment: dict, assessor: str) -> list[Pending]:
    _editable(org)
    on = assessment.get("assessed_on") or date.today()
    data = {"level": assessment["level"], "criteria": sorted(set(assessment.get("criteria") or [])),
            "assessed_on": on.isoformat(), "assessor": assessor}
    return [org.next(ev.STRENGTH_ASSESSED, data)]


def confirm_current(org: Organization, on: date | None, by: str) -> list[Pending]:
    """The record was checked on `on` (default today) by `by` and found current."""
    _editable(org)
    return [org.next(ev.VERIFIED, {"on": (on or date.today()).isoformat(), "by": by})]


def archive(org: Organization, reason: str | None) -> list[Pending]:
    if org.status == "merged":
        raise rejected("_schema", "merged")
    if org.status == "archived":
        return []
    return [org.next(ev.ARCHIVED, {"reason": reason})]


def restore(org: Organization, reason: str | None) -> list[Pending]:
    if org.status != "archived":
        raise rejected("_schema", "not_archived")
    return [org.next(ev.RESTORED, {"reason": reason})]


def merge(survivor: Organization, duplicate: Organization) -> list[Pending]:
    """The duplicate stops counting and points at the survivor; neither loses a thing."""
    if survivor.id == duplicate.id:
        raise rejected("duplicate", "merge_itself")
    if survivor.status != "active":
        raise rejected("_schema", "survivor_not_active")
    if duplicate.status == "merged":
        raise rejected("duplicate", "merged")
    return [
        duplicate.next(ev.MERGED, {"into": survivor.id, "previous_status": duplicate.status}),
        survivor.next(ev.ABSORBED, {"duplicate": duplicate.id}),
    ]


def unmerge(duplicate: Organization, survivor: Organization, previous_status: str) -> list[Pending]:
    if duplicate.status != "merged":
        raise rejected("_schema", "not_merged")
    return [
        duplicate.next(ev.UNMERGED, {"from": survivor.id, "status": previous_status}),
        survivor.next(ev.RELEASED, {"duplicate": duplicate.id}),
    ]


def apply(org: Organization, event: dict) -> Organization:
    kind, data, version = event["type"], event["data"], event["version"]
    values = org.values
    if kind == ev.REGISTERED:
        return replace(org, version=version, values=dict(data), status="active")
    if kind in (ev.AMENDED, ev.RELOCATED):
        values = {**values, **data}
    elif kind == ev.STRENGTH_ASSESSED:
        values = {**values, "strength": dict(data)}
    elif kind == ev.VERIFIED:
        values = {**values, "verified": dict(data)}
    elif kind == ev.ARCHIVED:
        return replace(org, version=version, status="archived")
    elif kind == ev.RESTORED:
        return replace(org, version=version, status="active")
    elif kind == ev.MERGED:
        return replace(org, version=version, status="merged", values={**values, "merged_into": data["into"]})
    elif kind == ev.UNMERGED:
        return replace(org, version=version, status=data["status"], values={**values, "merged_into": None})
    return replace(org, version=version, values=values)


def replay(org_id: str, history: list[dict]) -> Organization | None:
    org = None
    for event in history:
        org = apply(org or Organization(id=org_id), event)
    return org
