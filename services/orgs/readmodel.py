"""The register's own read model: one row per organization, kept in the same transaction as
the events that change it, and the queries the service answers from it."""
from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import bulk_insert

from . import domain
from . import events as ev

metadata = MetaData()

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False, index=True),
    Column("province", String(2), nullable=False, index=True),
    Column("district", String(4), index=True),
    Column("subdistrict", String(6), index=True),
    Column("village_no", Integer),
    Column("founded_year", Integer),
    Column("members", Integer),
    Column("center", String(8), nullable=False, index=True),
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
)

FILTERS = ("center", "province", "district", "subdistrict", "type", "status")


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)


def project(conn: Connection, stored: list[dict]) -> None:
    """Bring the rows up to date with freshly appended events (same transaction)."""
    new = [e for e in stored if e["type"] == ev.REGISTERED]
    bulk_insert(conn, organizations, [_new_row(e) for e in new])
    for event in stored:
        if event["type"] == ev.REGISTERED:
            continue
        values = {"version": event["version"], "updated_at": event["at"]}
        if event["type"] == ev.AMENDED:
            values.update(event["data"])
        elif event["type"] == ev.ARCHIVED:
            values["status"] = "archived"
        conn.execute(
            organizations.update().where(organizations.c.id == ev.org_id_of(event["stream"])).values(**values)
        )


def _new_row(event: dict) -> dict:
    return {
        "id": ev.org_id_of(event["stream"]), "version": event["version"], "status": "active",
        **event["data"], "created_at": event["at"], "updated_at": event["at"],
    }


def load(engine: Engine, org_id: str) -> domain.Organization | None:
    row = get(engine, org_id)
    if row is None:
        return None
    values = {name: row[name] for name in (*domain.FIELDS, "center")}
    return domain.Organization(id=row["id"], version=row["version"], status=row["status"], values=values)


def get(engine: Engine, org_id: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(organizations).where(organizations.c.id == org_id)).mappings().first()
    return dict(row) if row else None


def search(engine: Engine, filters: dict, page: int = 1, per_page: int = 50) -> dict:
    query = select(organizations)
    count = select(func.count()).select_from(organizations)
    for name in FILTERS:
        if filters.get(name):
            query = query.where(organizations.c[name] == filters[name])
            count = count.where(organizations.c[name] == filters[name])
    if filters.get("q"):
        pattern = f"%{filters['q']}%"
        query = query.where(organizations.c.name.like(pattern))
        count = count.where(organizations.c.name.like(pattern))
    query = query.order_by(organizations.c.name, organizations.c.id).limit(per_page).offset((page - 1) * per_page)
    with engine.connect() as conn:
        items = [dict(r) for r in conn.execute(query).mappings()]
        total = conn.execute(count).scalar()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
