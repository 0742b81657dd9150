"""The organization aggregate: the rules of registering, amending and archiving, as plain
Python. Decisions return the events to append; `apply` evolves state from any event."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from services import reference
from services.chassis.envelope import new_ids
from services.chassis.errors import Archived, CommandRejected
from services.chassis.store import Pending

from . import events as ev

FIELDS = ("name", "type", "province", "district", "subdistrict", "village_no", "founded_year", "members")


@dataclass(frozen=True)
class Organization:
    id: str
    version: int = 0
    status: str = "active"
    values: dict = field(default_factory=dict)  # FIELDS plus the derived `center`

    @property
    def stream(self) -> str:
        return ev.stream_of(self.id)


def locate(values: dict, row: int | None = None) -> str:
    """Check the location against the reference data and return its coordination center."""
    problems = reference.check_location(values["province"], values.get("district"), values.get("subdistrict"))
    if problems:
        raise CommandRejected([{"field": f, "code": c, "row": row, "params": {}} for f, c in problems])
    return reference.center_for(values["province"], values.get("district")).code


def register(fields_: dict, org_id: str | None = None, row: int | None = None) -> Pending:
    """A new organization from validated fields (see schemas.OrgRegistration)."""
    org_id = org_id or new_ids(1)[0]
    data = {name: fields_.get(name) for name in FIELDS}
    data["center"] = locate(data, row)
    return Pending(stream=ev.stream_of(org_id), version=1, type=ev.REGISTERED, data=data)


def amend(org: Organization, changes: dict) -> list[Pending]:
    """Only the fields that differ become the event; an amendment that changes nothing
    appends nothing."""
    if org.status == "archived":
        raise Archived(org.stream)
    changed = {k: v for k, v in changes.items() if org.values.get(k) != v}
    if not changed:
        return []
    if changed.keys() & set(ev.LOCATION):
        merged = {**org.values, **changed}
        center = locate(merged)
        changed.update({k: merged[k] for k in ("province", "district", "subdistrict")}, center=center)
    return [Pending(stream=org.stream, version=org.version + 1, type=ev.AMENDED, data=changed)]


def archive(org: Organization, reason: str | None) -> list[Pending]:
    if org.status == "archived":
        return []
    return [Pending(stream=org.stream, version=org.version + 1, type=ev.ARCHIVED, data={"reason": reason})]


def apply(org: Organization, event: dict) -> Organization:
    kind, data = event["type"], event["data"]
    if kind == ev.REGISTERED:
        return replace(org, version=event["version"], values=dict(data), status="active")
    if kind == ev.AMENDED:
        return replace(org, version=event["version"], values={**org.values, **data})
    if kind == ev.ARCHIVED:
        return replace(org, version=event["version"], status="archived")
    return replace(org, version=event["version"])


def replay(org_id: str, history: list[dict]) -> Organization | None:
    org = None
    for event in history:
        org = apply(org or Organization(id=org_id), event)
    return org
