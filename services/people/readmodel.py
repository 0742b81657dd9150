"""The register's own read model: one row per person, kept in the same transaction as the
events that change it. It holds in plaintext only what search needs (the names); every other
personal value stays sealed here as in the events, and the blind indexes of the national ID
and phone serve exact look-ups. A person's row is deleted on erasure (DESIGN §2b)."""
from __future__ import annotations

import orjson
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import bulk_insert
from services.chassis.privacy.sealing import BlindIndex, Sealer, is_sealed
from services.chassis.registers.staging import Stage
from services.contracts.people import events as ev

from . import domain
from .names import normalize as normalize_name
from .sealed import open_event

metadata = MetaData()

people = Table(
    "people",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("restricted", String(20)),
    Column("listed", String(1), nullable=False),  # y: active and not restricted (listed, exported, counted)
    Column("given_name", String(100)),  # plaintext names: what search needs (DESIGN §2b)
    Column("family_name", String(100)),
    Column("name", String(201), nullable=False),  # given and family name: searched and ordered by
    Column("name_en", String(200)),
    Column("name_key", String(201), nullable=False),
    Column("sealed", Text, nullable=False),  # JSON: the sealed tokens of the other personal values
    Column("national_id_index", String(40), index=True),  # blind indexes (sealing.BlindIndex)
    Column("phone_index", String(40), index=True),
    Column("province", String(2), nullable=False, index=True),
    Column("district", String(4), index=True),
    Column("subdistrict", String(6)),
    Column("center", String(8), nullable=False, index=True),
    Column("roles", String(80), nullable=False),  # " facilitator volunteer ": the roles held, for filters
    Column("skills", String(400), nullable=False),  # " health law "
    Column("languages", String(200), nullable=False),
    Column("training_names", Text, nullable=False),  # the trainings' names, for filters
    Column("years_experience", Integer),
    Column("work_areas", Text, nullable=False),  # JSON list of place codes
    Column("legal_basis", String(20), nullable=False),
    Column("consent", String(12), nullable=False),
    Column("detail", Text, nullable=False),  # JSON: roles, consents, trainings, orgs (sealed where personal)
    Column("merged_into", String(36)),
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
    Index("ix_people_natural_key", "subdistrict", "name_key"),
)

# Who read whose full record, when and why (DESIGN §2b): no personal value
full_reads = Table(
    "full_reads",
    metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("person", String(36), nullable=False, index=True),
    Column("user", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("center", String(8)),
    Column("what", String(20), nullable=False),  # record, history, access report, export
    Column("reason", String(300)),
    Column("request", String(128)),
    Column("at", String(27), nullable=False),
)

# Data-subject requests (PDPA s.30-36) and their 30-day clocks: no personal value
requests = Table(
    "requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("person", String(36), nullable=False, index=True),
    Column("right", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("center", String(8), nullable=False, index=True),
    Column("received_on", String(10), nullable=False),
    Column("due_on", String(10), nullable=False, index=True),
    Column("status", String(10), nullable=False, index=True),  # open, done, refused
    Column("ground", String(30)),
    Column("handled_on", String(10)),
    Column("received_by", String(100), nullable=False),
    Column("handled_by", String(100)),
    Column("updated_at", String(27), nullable=False),
)

# An import's checked rows, with the natural key each is found again by: the subdistrict and
# the name without its title (docs/people.md: two rows of one name in one subdistrict are one person)
STAGE = Stage(metadata, keys=(Column("subdistrict", String(6), nullable=False),
                              Column("name_key", String(201), nullable=False)),
              key_of=lambda fields: (fields["subdistrict"], normalize_name(_name(fields))))

_CLEAR = ("province", "district", "subdistrict", "center", "skills", "languages", "years_experience", "work_areas",
          "legal_basis", "merged_into")


def create_schema(engine: Engine) -> None:
    from .search import SEARCH

    metadata.create_all(engine)
    SEARCH.create_schema(engine)


def _name(values: dict) -> str:
    return " ".join(part for part in (values.get("given_name"), values.get("family_name")) if part)


def _words(codes) -> str:
    return " " + " ".join(sorted(codes or [])) + " "


def _json(value) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def row_of(sealed: domain.Person, plain: dict, blind: BlindIndex, at: str, created_at: str | None = None) -> dict:
    """The row of a person: `sealed` as the events hold it (personal values as tokens),
    `plain` its names and the normalized national ID and phone in plaintext."""
    values = sealed.values
    name = _name(plain)
    return {
        "id": sealed.id, "version": sealed.version, "status": sealed.status, "restricted": sealed.restricted,
        "listed": "y" if domain.listed(sealed) else "n",
        "given_name": plain.get("given_name"), "family_name": plain.get("family_name"), "name": name,
        "name_en": plain.get("name_en"), "name_key": normalize_name(name),
        "sealed": _json({k: values.get(k) for k in ev.PERSONAL if k not in ("given_name", "family_name", "name_en")}),
        "national_id_index": blind("national_id", plain.get("national_id")),
        "phone_index": blind("phone", plain.get("phone")),
        **{k: values.get(k) for k in _CLEAR},
        "skills": _words(values.get("skills")), "languages": _words(values.get("languages")),
        "work_areas": _json(values.get("work_areas") or []),
        "roles": _words(sealed.roles), "training_names": " | ".join(t["name"] for t in sealed.trainings),
        "consent": sealed.consent,
        "detail": _json({"roles": sealed.roles, "consents": sealed.consents, "trainings": sealed.trainings,
                         "orgs": sealed.orgs}),
        "created_at": created_at or at, "updated_at": at,
    }


def sealed_person(row: dict) -> domain.Person:
    """The person as the events hold them (personal values as tokens), from their row."""
    detail = orjson.loads(row["detail"])
    values = {k: row[k] for k in _CLEAR}
    values.update(skills=row["skills"].split(), languages=row["languages"].split(),
                  work_areas=orjson.loads(row["work_areas"]), **orjson.loads(row["sealed"]))
    return domain.Person(id=row["id"], version=row["version"], status=row["status"], restricted=row["restricted"],
                         values=values, roles=detail["roles"], consents=detail["consents"],
                         trainings=detail["trainings"], orgs=detail["orgs"])


def plain_person(row: dict, sealer: Sealer | None) -> domain.Person:
    """The person with every personal value opened (None where unreadable)."""
    person = sealed_person(row)
    values = {k: _open(sealer, k, v) for k, v in person.values.items()}
    values.update(given_name=row["given_name"], family_name=row["family_name"], name_en=row["name_en"])
    consents = {k: {**c, "witness": _open(sealer, "witness", c.get("witness"))} for k, c in person.consents.items()}
    trainings = [{**t, "certificate": _open(sealer, "certificate", t.get("certificate"))} for t in person.trainings]
    return domain.Person(id=person.id, version=person.version, status=person.status, restricted=person.restricted,
                         values=values, roles=person.roles, consents=consents, trainings=trainings, orgs=person.orgs)


def _open(sealer: Sealer | None, name: str, value):
    """A stored value opened; a sealed one without its key (erased) is None."""
    if not is_sealed(value):
        return value
    return sealer.open(name, value) if sealer is not None else None


class Projection:
    """The rows up to date with a command's events (the store's `prepare`): `sealers` open
    the personal values the plaintext columns and blind indexes need."""

    def __init__(self, sealers: dict[str, Sealer], blind: BlindIndex, by: str = ""):
        self.sealers, self.blind, self.by = sealers, blind, by  # `by`: who the command's events are by
        self.plain: dict[tuple[str, int], dict] = {}  # (stream, version) -> data before sealing (`Sealing.seal`)

    def __call__(self, conn: Connection, stored: list[dict]) -> None:
        new = [self._new_row(e) for e in stored if e["type"] == ev.REGISTERED]
        bulk_insert(conn, people, new)
        erased = [ev.person_id_of(e["stream"]) for e in stored if e["type"] == ev.ERASED]
        for first in range(0, len(erased), 500):  # the rows of erased people, a statement for 500
            conn.execute(delete(people).where(people.c.id.in_(erased[first:first + 500])))
        for event in stored:
            if not ev.is_person(event["stream"]):
                _request(conn, event, (event.get("actor") or {}).get("user") or self.by)
                continue
            if event["type"] == ev.REGISTERED:
                continue
            person_id = ev.person_id_of(event["stream"])
            row = get_row(conn, person_id) if event["type"] != ev.ERASED else None  # erased: dropped above
            if row is None:
                continue
            sealed = domain.apply(sealed_person(row), event)
            plain = {k: row[k] for k in ("given_name", "family_name", "name_en")}
            if event["type"] == ev.AMENDED:
                opened = self._opened(event, person_id)
                plain.update({k: opened[k] for k in ("given_name", "family_name", "name_en", "national_id", "phone")
                              if k in opened})
            new_row = row_of(sealed, plain, self.blind, event["at"], row["created_at"])
            if "national_id" not in plain:
                new_row["national_id_index"] = row["national_id_index"]
            if "phone" not in plain:
                new_row["phone_index"] = row["phone_index"]
            conn.execute(people.update().where(people.c.id == person_id).values(new_row))

    def _new_row(self, event: dict) -> dict:
        person = domain.apply(domain.Person(id=ev.person_id_of(event["stream"])), event)
        return row_of(person, self._opened(event, person.id), self.blind, event["at"])

    def _opened(self, event: dict, person_id: str) -> dict:
        """The event's data in plaintext: as the command had it before sealing, else opened
        (the values were just sealed: opening them again would only cost time)."""
        kept = self.plain.get((event["stream"], event["version"]))
        return kept if kept is not None else open_event(event, self.sealers.get(person_id))["data"]


def _request(conn: Connection, event: dict, by: str) -> None:
    data, request_id = event["data"], ev.request_id_of(event["stream"])
    if event["type"] == ev.REQUEST_RECEIVED:
        conn.execute(requests.insert(), {
            "id": request_id, "version": event["version"], "person": data["person"], "right": data["right"],
            "channel": data["channel"], "center": data["center"], "received_on": data["received_on"],
            "due_on": data["due_on"], "status": "open", "received_by": by,
            "updated_at": event["at"]})
    elif event["type"] == ev.REQUEST_HANDLED:
        conn.execute(requests.update().where(requests.c.id == request_id).values(
            version=event["version"], status=data["outcome"], ground=data.get("ground"), handled_on=data["on"],
            handled_by=by, updated_at=event["at"]))


def get_row(conn: Connection, person_id: str) -> dict | None:
    found = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
    return dict(found) if found else None


def get(engine: Engine, person_id: str) -> dict | None:
    with engine.connect() as conn:
        return get_row(conn, person_id)


def rows(engine: Engine, person_ids: list[str]) -> dict[str, dict]:
    found = {}
    with engine.connect() as conn:
        for first in range(0, len(person_ids), 500):
            query = select(people).where(people.c.id.in_(person_ids[first:first + 500]))
            found.update({r["id"]: dict(r) for r in conn.execute(query).mappings()})
    return found


def by_index(engine: Engine, column: str, values: list[str]) -> dict[str, str]:
    """Blind index value -> person id, for the people (not merged) who have one."""
    found, wanted = {}, [v for v in dict.fromkeys(values) if v]
    with engine.connect() as conn:
        for first in range(0, len(wanted), 500):
            chunk = wanted[first:first + 500]
            query = select(people.c[column], people.c.id).where(people.c[column].in_(chunk), people.c.status != "merged")
            found.update({value: person for value, person in conn.execute(query)})
    return found
