"""The person aggregate: the register's rules as plain Python. Decisions return the events to
append with personal values in plaintext; the service seals them (`sealed.seal`) before they
reach the store, so the rules never see a key. `apply` evolves state from an opened event."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import rejected
from services.chassis.validation import located
from services.contracts.people import events as ev
from services.contracts.people.schemas import EDITABLE, HOME

ACTIVE, MERGED, ERASED = "active", "merged", "erased"


@dataclass(frozen=True)
class Person:
    id: str
    version: int = 0
    status: str = ACTIVE
    restricted: str | None = None  # the ground, while the person's data is restricted
    values: dict = field(default_factory=dict)  # EDITABLE, HOME, center, legal_basis, merged_into
    roles: dict = field(default_factory=dict)  # role -> {center, province, district, subdistrict, started_on}
    consents: dict = field(default_factory=dict)  # consent id -> the consent, with `withdrawn_on`
    trainings: list = field(default_factory=list)
    orgs: dict = field(default_factory=dict)  # org id -> role in the organization

    @property
    def stream(self) -> str:
        return ev.stream_of(self.id)

    @property
    def center(self) -> str | None:
        return self.values.get("center")

    @property
    def consent(self) -> str:
        """given (a consent in force), withdrawn (none left), or not_needed (another legal basis)."""
        if self.values.get("legal_basis") != "consent":
            return "not_needed"
        return "given" if any(not c.get("withdrawn_on") for c in self.consents.values()) else "withdrawn"

    def next(self, kind: str, data: dict, offset: int = 1) -> Pending:
        return Pending(stream=self.stream, version=self.version + offset, type=kind, data=data)


def _iso(day) -> str | None:
    return day.isoformat() if isinstance(day, date) else day


def _consent(given: dict, consent_id: str, recorded_by: str) -> dict:
    return {"consent": consent_id, "purposes": sorted(set(given["purposes"])), "notice_version": given["notice_version"],
            "given_on": _iso(given["given_on"]), "channel": given["channel"], "recorded_by": recorded_by,
            "witness": given.get("witness"), "expires_on": _iso(given.get("expires_on"))}


def role_place(start: dict, home: dict, row: int | None = None) -> dict:
    """A role's area (its own, else the person's home) and the center it gives."""
    area = {k: start.get(k) for k in HOME} if start.get("province") else {k: home.get(k) for k in HOME}
    return {**area, "center": located(area, row)}


def _role(start: dict, home: dict, row: int | None = None) -> dict:
    return {"role": start["role"], **role_place(start, home, row),
            "started_on": _iso(start.get("started_on")) or date.today().isoformat()}


def register(fields_: dict, person_id: str, recorded_by: str, row: int | None = None) -> Pending:
    """A new person from validated fields (schemas.PersonRegistration)."""
    data = {name: _iso(fields_.get(name)) for name in (*EDITABLE, *HOME)}
    for name in ("skills", "languages"):
        data[name] = sorted(set(data[name] or []))
    data["work_areas"] = list(dict.fromkeys(data["work_areas"] or []))
    data["center"] = located(data, row)
    data["legal_basis"] = fields_["legal_basis"]
    given = fields_.get("consent")
    data["consent"] = _consent(given, "1", recorded_by) if given else None
    roles = {start["role"]: _role(start, data, row) for start in fields_.get("roles") or []}
    data["roles"] = list(roles.values())
    return Pending(stream=ev.stream_of(person_id), version=1, type=ev.REGISTERED, data=data)


def new_id() -> str:
    return new_ids(1)[0]


def _editable(person: Person) -> None:
    if person.status == MERGED:
        raise rejected("_schema", "person_merged")
    if person.status == ERASED:
        raise rejected("_schema", "person_erased")


def amend(person: Person, changes: dict) -> list[Pending]:
    """A correction: the fields that differ; a new home area carries its center."""
    _editable(person)
    changes = {k: _iso(v) for k, v in changes.items()}
    for name in ("skills", "languages"):
        if name in changes:
            changes[name] = sorted(set(changes[name] or []))
    edited = {k: v for k, v in changes.items() if k in EDITABLE and person.values.get(k) != v}
    home = {k: person.values.get(k) for k in HOME}
    moved = {**home, **{k: v for k, v in changes.items() if k in HOME}}
    if moved != home:
        edited.update(moved)
        edited["center"] = located(moved)
    return [person.next(ev.AMENDED, edited)] if edited else []


def start_role(person: Person, start: dict) -> list[Pending]:
    _editable(person)
    role = _role(start, person.values)
    if start["role"] in person.roles:
        held = person.roles[start["role"]]
        if all(held.get(k) == role[k] for k in (*HOME, "center")):
            return []
        raise rejected("role", "role_held", role=start["role"])
    return [person.next(ev.ROLE_STARTED, role)]


def end_role(person: Person, end: dict) -> list[Pending]:
    _editable(person)
    if end["role"] not in person.roles:
        raise rejected("role", "role_not_held", role=end["role"])
    return [person.next(ev.ROLE_ENDED, {"role": end["role"],
                                        "ended_on": _iso(end.get("ended_on")) or date.today().isoformat()})]


def record_training(person: Person, training: dict) -> list[Pending]:
    _editable(person)
    data = {"training": str(len(person.trainings) + 1), "name": training["name"], "on": _iso(training["on"]),
            "organizer": training.get("organizer"), "certificate": training.get("certificate")}
    return [person.next(ev.TRAINING_RECORDED, data)]


def link_org(person: Person, link: dict) -> list[Pending]:
    _editable(person)
    org, role = str(link["org"]), link["role_in_org"]
    if person.orgs.get(org) == role:
        return []
    return [person.next(ev.ORG_LINKED, {"org": org, "role_in_org": role})]


def unlink_org(person: Person, org: str) -> list[Pending]:
    _editable(person)
    if str(org) not in person.orgs:
        raise rejected("org", "org_not_linked")
    return [person.next(ev.ORG_UNLINKED, {"org": str(org)})]


def record_consent(person: Person, given: dict, recorded_by: str) -> list[Pending]:
    _editable(person)
    consent_id = str(len(person.consents) + 1)
    pending = [person.next(ev.CONSENT_RECORDED, _consent(given, consent_id, recorded_by))]
    if person.restricted == "consent_withdrawn":
        pending.append(person.next(ev.RESTRICTION_LIFTED, {"request": None}, offset=2))
    return pending


def withdraw_consent(person: Person, withdrawal: dict) -> list[Pending]:
    """Withdrawal stops every use but storage: once no consent is left in force, the person
    is restricted (when consent is their legal basis)."""
    _editable(person)
    consent = person.consents.get(withdrawal["consent"])
    if consent is None:
        raise rejected("consent", "consent_unknown")
    if consent.get("withdrawn_on"):
        return []
    pending = [person.next(ev.CONSENT_WITHDRAWN, {"consent": withdrawal["consent"],
                                                  "on": _iso(withdrawal.get("on")) or date.today().isoformat()})]
    in_force = [c for key, c in person.consents.items() if key != withdrawal["consent"] and not c.get("withdrawn_on")]
    if person.values.get("legal_basis") == "consent" and not in_force and not person.restricted:
        pending.append(person.next(ev.RESTRICTED, {"ground": "consent_withdrawn", "request": None}, offset=2))
    return pending


def restrict(person: Person, ground: str, request: str | None) -> list[Pending]:
    _editable(person)
    if person.restricted:
        return []
    return [person.next(ev.RESTRICTED, {"ground": ground, "request": request})]


def lift_restriction(person: Person, request: str | None) -> list[Pending]:
    _editable(person)
    if not person.restricted:
        raise rejected("_schema", "not_restricted")
    if person.restricted == "consent_withdrawn":
        raise rejected("_schema", "consent_needed")
    return [person.next(ev.RESTRICTION_LIFTED, {"request": request})]


def merge(survivor: Person, duplicate: Person) -> list[Pending]:
    if survivor.id == duplicate.id:
        raise rejected("duplicate", "person_merge_itself")
    _editable(survivor)
    _editable(duplicate)
    return [duplicate.next(ev.MERGED, {"into": survivor.id, "previous_status": duplicate.status}),
            survivor.next(ev.ABSORBED, {"duplicate": duplicate.id})]


def unmerge(duplicate: Person, survivor: Person, previous_status: str) -> list[Pending]:
    if duplicate.status != MERGED:
        raise rejected("_schema", "person_not_merged")
    return [duplicate.next(ev.UNMERGED, {"from": survivor.id, "status": previous_status}),
            survivor.next(ev.RELEASED, {"duplicate": duplicate.id})]


def erase(person: Person, request: str | None, on: date | None = None) -> list[Pending]:
    if person.status == ERASED:
        return []
    return [person.next(ev.ERASED, {"request": request, "on": (on or date.today()).isoformat()})]


def apply(person: Person, event: dict) -> Person:
    """`event` opened (its personal values in plaintext, or None once erased)."""
    kind, data, version = event["type"], event["data"], event["version"]
    person = replace(person, version=version)
    if kind == ev.REGISTERED:
        values = {k: v for k, v in data.items() if k not in ("consent", "roles")}
        consents = {"1": dict(data["consent"])} if data.get("consent") else {}
        roles = {r["role"]: {k: v for k, v in r.items() if k != "role"} for r in data.get("roles") or []}
        return replace(person, values=values, consents=consents, roles=roles, status=ACTIVE)
    if kind == ev.AMENDED:
        return replace(person, values={**person.values, **data})
    if kind == ev.ROLE_STARTED:
        return replace(person, roles={**person.roles, data["role"]: {k: v for k, v in data.items() if k != "role"}})
    if kind == ev.ROLE_ENDED:
        return replace(person, roles={k: v for k, v in person.roles.items() if k != data["role"]})
    if kind == ev.TRAINING_RECORDED:
        return replace(person, trainings=[*person.trainings, dict(data)])
    if kind == ev.ORG_LINKED:
        return replace(person, orgs={**person.orgs, data["org"]: data["role_in_org"]})
    if kind == ev.ORG_UNLINKED:
        return replace(person, orgs={k: v for k, v in person.orgs.items() if k != data["org"]})
    if kind == ev.CONSENT_RECORDED:
        return replace(person, consents={**person.consents, data["consent"]: dict(data)})
    if kind == ev.CONSENT_WITHDRAWN:
        consent = {**person.consents[data["consent"]], "withdrawn_on": data["on"]}
        return replace(person, consents={**person.consents, data["consent"]: consent})
    if kind == ev.RESTRICTED:
        return replace(person, restricted=data["ground"])
    if kind == ev.RESTRICTION_LIFTED:
        return replace(person, restricted=None)
    if kind == ev.MERGED:
        return replace(person, status=MERGED, values={**person.values, "merged_into": data["into"]})
    if kind == ev.UNMERGED:
        return replace(person, status=data["status"], values={**person.values, "merged_into": None})
    if kind == ev.ERASED:
        return replace(person, status=ERASED)
    return person


def replay(person_id: str, history: list[dict]) -> Person | None:
    person = None
    for event in history:
        person = apply(person or Person(id=person_id), event)
    return person


def listed(person: Person) -> bool:
    """Whether the person may be listed, exported and counted: active and not restricted."""
    return person.status == ACTIVE and not person.restricted
