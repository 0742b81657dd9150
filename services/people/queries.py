"""What the people register answers, as each caller may see it: a person (full or masked,
`masking`), a page of a search, duplicate candidates, a person's history. Every read of a
person's full record is recorded (`full_reads`) with who, when and why, and no personal value."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from services.chassis.envelope import utc_timestamp
from services.chassis.errors import NotFound
from services.chassis.permissions import Actor
from services.chassis.privacy.keystore import KeyStore
from services.chassis.store import EventStore
from services.contracts.people import events as ev
from services.contracts.people.limits import EXPORT_PAGE_MAX

from . import masking, readmodel
from . import search as register_search
from .sealed import open_event


def person_dict(person, row: dict) -> dict:
    """A person (plaintext aggregate) as the API shows them, before masking."""
    values = person.values
    return {
        "id": person.id, "version": person.version, "status": person.status, "restricted": person.restricted,
        **{k: values.get(k) for k in ev.PERSONAL}, **{k: values.get(k) for k in ev.HOME},
        "center": values.get("center"), "skills": values.get("skills") or [],
        "languages": values.get("languages") or [], "years_experience": values.get("years_experience"),
        "work_areas": values.get("work_areas") or [], "legal_basis": values.get("legal_basis"),
        "consent": person.consent, "merged_into": values.get("merged_into"),
        "roles": [{"role": role, **held} for role, held in sorted(person.roles.items())],
        "trainings": list(person.trainings),
        "orgs": [{"org": org, "role_in_org": role} for org, role in sorted(person.orgs.items())],
        "consents": [dict(c) for _, c in sorted(person.consents.items(), key=lambda kv: int(kv[0]))],
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


def _masked_parts(shown: dict, seen: str) -> dict:
    if seen == masking.FULL:
        return shown
    shown["consents"] = [{**c, "witness": masking.values({"given_name": c.get("witness")}, seen, False)["given_name"]}
                         for c in shown["consents"]]
    shown["trainings"] = [{**t, "certificate": None} for t in shown["trainings"]]
    return shown


def shown(row: dict, actor: Actor, keys: KeyStore, full_read: bool = True, reason: str | None = None,
          engine=None, what: str = "record") -> dict:
    """The person of `row` as `actor` sees them; a full view is recorded when `full_read`."""
    out = seen_by(row, actor, keys.sealers([row["id"]]).get(row["id"]), reason)
    if not out["masked"] and full_read and engine is not None:
        record_read(engine, actor, [row["id"]], what, reason)
    return out


def seen_by(row: dict, actor: Actor, sealer, reason: str | None = None) -> dict:
    """The person of `row`, opened with their `sealer`, as `actor` sees them (not recorded)."""
    seen = masking.view(actor, row["center"], reason)
    out = person_dict(readmodel.plain_person(row, sealer), row)
    out.update(masking.values(out, seen, masking.names_shown(actor, reason)))
    out["masked"] = seen != masking.FULL
    return _masked_parts(out, seen)


def record_read(engine, actor: Actor, person_ids: list[str], what: str, reason: str | None) -> None:
    at, user = utc_timestamp(), actor.user
    with engine.begin() as conn:
        conn.execute(readmodel.full_reads.insert(), [
            {"person": p, "user": user.name, "role": user.role, "center": user.center, "what": what,
             "reason": reason, "request": actor.trace or actor.request, "at": at} for p in person_ids])


def reads_of(engine, person_id: str, limit: int) -> list[dict]:
    table = readmodel.full_reads
    query = select(table).where(table.c.person == person_id).order_by(table.c.n.desc()).limit(limit)
    with engine.connect() as conn:
        return [{k: v for k, v in r.items() if k != "n"} for r in conn.execute(query).mappings()]


def get(store: EventStore, keys: KeyStore, actor: Actor, person_id: str, reason: str | None = None) -> dict:
    row = readmodel.get(store.engine, str(person_id))
    if row is None:
        raise NotFound(ev.stream_of(str(person_id)))
    return shown(row, actor, keys, reason=reason, engine=store.engine)


def _masked(name: str | None) -> str | None:
    return masking.values({"given_name": name}, masking.MASKED, False)["given_name"]


def listed(row: dict, actor: Actor) -> dict:
    """A search result: who and where, their roles and skills; no contact."""
    names = masking.names_shown(actor)
    name = row["name"] if names else _masked(row["name"])
    return {"id": row["id"], "version": row["version"], "name": name,
            "name_en": row["name_en"] if names else None, "center": row["center"], "province": row["province"],
            "district": row["district"], "subdistrict": row["subdistrict"], "roles": row["roles"].split(),
            "skills": row["skills"].split(), "languages": row["languages"].split(), "consent": row["consent"],
            "updated_at": row["updated_at"]}


def search(store: EventStore, actor: Actor, filters: dict, page: int, per_page: int) -> dict:
    actor.require_somewhere("read_people")
    result = register_search.SEARCH.query(store.engine, register_search.filters_for(filters), page, per_page)
    result["items"] = [listed(r, actor) for r in result["items"]]
    return result


def export_page(store: EventStore, keys: KeyStore, actor: Actor, filters: dict, page: int, per_page: int) -> dict:
    """A page of the people a search selects, as an export shows them to `actor`: every field,
    personal values masked by role as `get` masks them; restricted people are never listed.
    The people shown in full are recorded as read (`what="export"`), one record each."""
    actor.require_somewhere("read_people")
    per_page = min(max(int(per_page or EXPORT_PAGE_MAX), 1), EXPORT_PAGE_MAX)
    result = register_search.SEARCH.query(store.engine, register_search.filters_for(filters), page, per_page)
    sealers = keys.sealers([row["id"] for row in result["items"]])
    result["items"] = [seen_by(row, actor, sealers.get(row["id"])) for row in result["items"]]
    full = [person["id"] for person in result["items"] if not person["masked"]]
    if full:
        record_read(store.engine, actor, full, "export", None)
    return result


def duplicates(store: EventStore, actor: Actor, filters: dict, page: int, per_page: int) -> dict:
    actor.require_somewhere("read_people")
    result = register_search.duplicate_groups(store.engine, filters, page, per_page)
    names = masking.names_shown(actor)  # auditors without a reason see names masked, as in a search
    for group in result["groups"]:
        group["people"] = [{**m, "roles": (m.get("roles") or "").split(),
                            **({} if names else {"name": _masked(m["name"]), "name_en": None})}
                           for m in group["people"]]
    return result


def history(store: EventStore, keys: KeyStore, actor: Actor, person_id: str, reason: str | None = None,
            record: bool = True) -> list[dict]:
    """The person's events (and those of every duplicate merged into them), in log order,
    their personal values opened as the actor may see them."""
    person_id = str(person_id).removeprefix("person-")
    events = store.stream(ev.stream_of(person_id))
    if not events:
        raise NotFound(ev.stream_of(person_id))
    absorbed = {e["data"]["duplicate"] for e in events if e["type"] == ev.ABSORBED}
    for duplicate in sorted(absorbed):
        events += store.stream(ev.stream_of(duplicate))
    row = readmodel.get(store.engine, person_id)
    center = row["center"] if row else _last_center(events)
    seen = masking.view(actor, center, reason)
    names = masking.names_shown(actor, reason)
    sealers = keys.sealers({ev.person_id_of(e["stream"]) for e in events})
    out = []
    for event in sorted({e["seq"]: e for e in events}.values(), key=lambda e: e["seq"]):
        opened = open_event(event, sealers.get(ev.person_id_of(event["stream"])))
        out.append({**opened, "data": _masked_data(opened, seen, names)})
    if seen == masking.FULL and row is not None and record:
        record_read(store.engine, actor, [person_id], "history", reason)
    return out


def _masked_data(event: dict, seen: str, names: bool) -> dict:
    data = event["data"]
    if event["type"] not in ev.SEALED:
        return data
    personal = {k: data[k] for k in ev.PERSONAL if k in data}
    masked = {k: v for k, v in masking.values(personal, seen, names).items() if k in personal}
    data = {**data, **masked}
    if seen != masking.FULL:
        for name in ("certificate", "note"):
            if data.get(name):
                data[name] = "•••"
        if isinstance(data.get("consent"), dict) and data["consent"].get("witness"):
            data["consent"] = {**data["consent"], "witness": "•••"}
        if data.get("witness"):
            data["witness"] = "•••"
    return data


def _last_center(events: list[dict]) -> str | None:
    centers = [e["data"]["center"] for e in events if isinstance(e["data"].get("center"), str)]
    return centers[-1] if centers else None


def names(store: EventStore, actor: Actor, person_ids: list) -> dict:
    rows = readmodel.rows(store.engine, [str(p) for p in person_ids][:500])
    return {p: listed(row, actor)["name"] for p, row in rows.items() if row["listed"] == "y"}


def public_names(store: EventStore, person_ids: list) -> dict:
    """What another register's public pages may show of listed people: their roles and center,
    and their name only while a consent in force covers naming in the network's publications
    (`publication`); anyone else appears as a role at a center."""
    rows = readmodel.rows(store.engine, [str(p) for p in person_ids][:500])
    return {p: {"roles": row["roles"].split(), "center": row["center"],
                "name": row["name"] if _may_be_named(row) else None}
            for p, row in rows.items() if row["listed"] == "y"}


def _may_be_named(row: dict) -> bool:
    today = date.today().isoformat()
    consents = json.loads(row["detail"]).get("consents", {}).values()
    return any("publication" in c.get("purposes", []) and not c.get("withdrawn_on")
               and (not c.get("expires_on") or c["expires_on"] >= today) for c in consents)
