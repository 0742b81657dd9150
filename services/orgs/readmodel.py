"""The register's own read model: one row per organization, kept in the same transaction as
the events that change it, the stage of its imports, and the look-ups the service makes."""
from __future__ import annotations

import json

import orjson
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, select, text, tuple_
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import is_postgres
from services.chassis.registers.readmodel import RowProjection
from services.chassis.registers.staging import Stage
from services.chassis.thai import buddhist_era
from services.contracts.orgs import events as ev

from . import domain
from .names import normalize

metadata = MetaData()

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("name_en", String(200)),
    Column("name_key", String(200), nullable=False),  # names.normalize(name): the natural key with subdistrict
    Column("type", String(40), nullable=False),  # indexed by (type, name, id) in search.py
    Column("province", String(2), nullable=False, index=True),
    Column("district", String(4), index=True),
    Column("subdistrict", String(6)),  # indexed by the natural key (subdistrict, name_key)
    Column("village_no", Integer),
    Column("address", String(300)),
    Column("founded_year", Integer),
    Column("members", Integer),
    Column("areas", Text, nullable=False),  # JSON list of codes
    Column("contact_person", String(36)),
    Column("source", String(20)),
    Column("center", String(8), nullable=False, index=True),
    Column("strength_level", String(20), index=True),
    Column("strength_criteria", Text),  # JSON list of codes
    Column("strength_assessed_on", String(10)),
    Column("strength_assessor", String(100)),
    Column("verified_on", String(10), index=True),
    Column("verified_by", String(100)),
    Column("merged_into", String(36)),
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
    Index("ix_organizations_natural_key", "subdistrict", "name_key"),
)

# An import's checked rows, with the natural key each is found again by
STAGE = Stage(metadata, keys=(Column("subdistrict", String(6), nullable=False),
                              Column("name_key", String(200), nullable=False)),
              key_of=lambda fields: (fields["subdistrict"], normalize(fields["name"])))


def create_schema(engine: Engine) -> None:
    from .search import SEARCH

    metadata.create_all(engine)
    SEARCH.create_schema(engine)


def _new_row(event: dict) -> dict:
    data = event["data"]
    return {
        "id": ev.org_id_of(event["stream"]), "version": event["version"], "status": "active",
        **data, "areas": _json(data.get("areas") or []), "name_key": normalize(data["name"]),
        "created_at": event["at"], "updated_at": event["at"],
    }


def _json(codes: list) -> str:
    return orjson.dumps(codes).decode()


def _changes(event: dict) -> dict:
    kind, data = event["type"], event["data"]
    if kind == ev.AMENDED:
        changes = dict(data)
        if "areas" in changes:
            changes["areas"] = _json(changes["areas"] or [])
        if "name" in changes:
            changes["name_key"] = normalize(changes["name"])
        return changes
    if kind == ev.RELOCATED:
        return dict(data)
    if kind == ev.STRENGTH_ASSESSED:
        return {"strength_level": data["level"], "strength_criteria": _json(data["criteria"]),
                "strength_assessed_on": data["assessed_on"], "strength_assessor": data["assessor"]}
    if kind == ev.VERIFIED:
        return {"verified_on": data["on"], "verified_by": data["by"]}
    if kind == ev.ARCHIVED:
        return {"status": "archived"}
    if kind == ev.RESTORED:
        return {"status": "active"}
    if kind == ev.MERGED:
        return {"status": "merged", "merged_into": data["into"]}
    if kind == ev.UNMERGED:
        return {"status": data["status"], "merged_into": None}
    return {}


# the rows up to date with each command's events, in its transaction
project = RowProjection(organizations, ev.REGISTERED, _new_row, _changes, ev.org_id_of)


def public(row: dict) -> dict:
    """A row as the API shows it."""
    out = {k: v for k, v in row.items() if not k.startswith(("strength_", "verified_")) and k != "name_key"}
    out["areas"] = json.loads(row["areas"] or "[]")
    out["founded_year_be"] = buddhist_era(row["founded_year"]) if row.get("founded_year") else None
    out["strength"] = {
        "level": row["strength_level"], "criteria": json.loads(row["strength_criteria"] or "[]"),
        "assessed_on": row["strength_assessed_on"], "assessor": row["strength_assessor"],
    } if row.get("strength_level") else None
    out["verified"] = {"on": row["verified_on"], "by": row["verified_by"]} if row.get("verified_on") else None
    return out


def load(engine: Engine, org_id: str) -> domain.Organization | None:
    row = get(engine, org_id)
    return _aggregate(row) if row else None


def _aggregate(row: dict) -> domain.Organization:
    shown = public(row)
    values = {name: shown[name] for name in (*domain.FIELDS, "center", "strength", "verified", "merged_into")}
    return domain.Organization(id=row["id"], version=row["version"], status=row["status"], values=values)


def get(engine: Engine, org_id: str) -> dict | None:
    return project.get(engine, org_id)


_NATURAL_KEY = tuple_(organizations.c.subdistrict, organizations.c.name_key)


def by_natural_key(engine: Engine, keys: list[tuple[str, str]]) -> dict[tuple[str, str], domain.Organization]:
    """The organizations (not merged) at (subdistrict, normalized name) keys: on PostgreSQL
    the keys as two arrays, elsewhere row-value IN lists."""
    found, step = {}, 2000 if is_postgres(engine) else 500
    with engine.connect() as conn:
        for first in range(0, len(keys), step):
            chunk = keys[first:first + step]
            if is_postgres(engine):
                subdistricts, names = [list(column) for column in zip(*chunk)]
                wanted = text("SELECT s, n FROM unnest(CAST(:s AS text[]), CAST(:n AS text[])) AS k(s, n)") \
                    .bindparams(s=subdistricts, n=names).columns(s=String, n=String).subquery()
                chunk = select(wanted.c.s, wanted.c.n)
            found.update(_at_keys(conn, chunk))
    return found


def at_keys_of(engine: Engine, keys) -> dict[tuple[str, str], domain.Organization]:
    """As `by_natural_key`, for the keys a query selects (subdistrict, name_key)."""
    with engine.connect() as conn:
        return _at_keys(conn, keys)


def _at_keys(conn: Connection, keys) -> dict[tuple[str, str], domain.Organization]:
    # A semi-join (IN), not a join: a table filled moments ago has no statistics yet, and the
    # PostgreSQL planner then costs a join against the keys as a hash join over a scan of the
    # whole table, once for every chunk of an import; for IN it walks the natural-key index.
    query = select(organizations).where(_NATURAL_KEY.in_(keys), organizations.c.status != "merged")
    return {(row["subdistrict"], row["name_key"]): _aggregate(dict(row)) for row in conn.execute(query).mappings()}
