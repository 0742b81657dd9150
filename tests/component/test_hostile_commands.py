"""Every command schema, and the commands behind them, fed hostile input (issue 16): arbitrary
JSON-ish values (wrong types, huge text, Thai, control and zero-width characters, NaN and
infinities, numbers past 64 bits, deep nesting, formula-like text) in the fields a schema
knows and in others.

- Every marshmallow schema under `services` (found by walking the package, so a new one is
  covered without a line here) either loads a value or raises ValidationError naming fields
  (each name the schema's, or the key sent, or `_schema`); never another exception. A command
  schema (StrictSchema) names each problem by a catalogue code that reads in Thai and English.
- The registers' commands, called in this process on SQLite stores as their RPCs are, either
  succeed or refuse with a caller error (CommandRejected, Conflict, NotFound...); a refused
  command appends no event and keeps no idempotency key.

hypothesis, derandomized (the same cases every run)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError
from sqlalchemy import func, select

import services
from sanphalang.demo import org_rows
from services.chassis import tables
from services.chassis.errors import CALLER_ERRORS, CommandRejected
from services.chassis.messages import CATALOGUE, message
from services.chassis.validation import StrictSchema, problems_from
from services.contracts.knowledge import schemas as knowledge_schemas
from services.contracts.orgs import schemas as org_schemas
from services.contracts.people import schemas as people_schemas
from services.orgs.service import OrgsService
from tests.component.conftest import orgs_store
from tests.hostile import Counted, json_values, payloads, tried
from tests.inprocess import InProcess
from tests.keys import ADMIN, asker, signed
from tests.knowledge import campaign_payload, item_payload, knowledge_service
from tests.people import people_service, unique_people

SCHEMA_CASES, COMMAND_CASES = 30, 300
COUNTS = {"schemas": Counted(), "commands": Counted(), "rejected": Counted()}


def every_schema() -> list[type[Schema]]:
    """Every marshmallow schema defined in a module under `services`."""
    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    found, waiting = set(), [Schema]
    while waiting:
        for child in waiting.pop().__subclasses__():
            waiting.append(child)
            if child.__module__.startswith("services.") and not inspect.isabstract(child):
                found.add(child)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


SCHEMAS = every_schema()


def test_the_walk_finds_the_command_schemas_of_every_register():
    names = {f"{cls.__module__}.{cls.__name__}" for cls in SCHEMAS}
    assert len(SCHEMAS) >= 60
    assert {"services.contracts.orgs.schemas.OrgRegistration", "services.contracts.people.schemas.PersonRegistration",
            "services.contracts.knowledge.schemas.ItemDraft", "services.chassis.envelope.EnvelopeSchema"} <= names


def named_fields(schema: Schema) -> set[str]:
    return {field.data_key or name for name, field in schema.load_fields.items()}


def check_refusal(schema: Schema, payload, error: ValidationError) -> None:
    """The refusal names fields; a command schema's, by codes the catalogue reads in Thai and English."""
    problems = problems_from(error)
    assert problems, "a refusal without a problem"
    sent = {str(key) for key in payload} if isinstance(payload, dict) else set()
    for problem in problems:
        top = problem["field"].split(".")[0]
        assert top in named_fields(schema) | sent | {"_schema"}, problem
        if isinstance(schema, StrictSchema):
            assert problem["code"] in CATALOGUE, problem
            text = message(problem["code"], **problem["params"])
            assert text["th"] and text["en"], problem


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda cls: f"{cls.__module__.removeprefix('services.')}.{cls.__name__}")
def test_a_schema_loads_or_names_what_is_wrong(schema_class):
    schema = schema_class()

    @settings(max_examples=SCHEMA_CASES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(payload=payloads(named_fields(schema)))
    def load(payload):
        COUNTS["schemas"].count()
        try:
            schema.load(payload)
        except ValidationError as error:
            check_refusal(schema, payload, error)

    load()


# -- the commands behind them, on SQLite stores -------------------------------------------------


class Registers:
    """The three registers in this process, each with one record of every kind to change."""

    def __init__(self, tmp):
        self.orgs_store = orgs_store(f"sqlite:///{tmp / 'orgs.sqlite'}")
        self.orgs = signed(InProcess(OrgsService, log=self.orgs_store, asking=asker("orgs")), ADMIN)
        self.people_service = people_service(f"sqlite:///{tmp / 'people.sqlite'}", f"sqlite:///{tmp / 'keys.sqlite'}")
        self.people = self.people_service.as_(ADMIN)
        self.knowledge_service = knowledge_service(f"sqlite:///{tmp / 'knowledge.sqlite'}", tmp / "files")
        self.knowledge = self.knowledge_service.admin
        self.org = self.orgs.register(ORG)["id"]
        self.person = self.people.register(PERSON)["id"]
        self.item = self.knowledge.draft(item_payload(1))["id"]
        self.campaign = self.knowledge.register_campaign(campaign_payload(1))["id"]

    def stores(self):
        return [self.orgs_store, self.people_service.store, self.knowledge_service.store]

    def written(self) -> tuple:
        """Every log's head and how many idempotency keys each keeps."""
        out = []
        for store in self.stores():
            with store.engine.connect() as conn:
                out.append((store.head()["seq"], conn.execute(select(func.count()).select_from(tables.commands)).scalar()))
        return tuple(out)

    def close(self):
        for store in self.stores():
            store.engine.dispose()
        self.people_service.keys.engine.dispose()


ORG = org_rows(1, seed=7)[0]
PERSON = unique_people(1, seed=7)[0]


def version(get, record_id) -> int:
    return get(record_id)["version"]


# (name, the command's schema, a valid payload to start from, the call with a payload)
COMMANDS = [
    ("orgs.register", org_schemas.OrgRegistration, ORG, lambda r, p: r.orgs.register(p)),
    ("orgs.amend", org_schemas.OrgChanges, {"members": 5},
     lambda r, p: r.orgs.amend(r.org, p, version(r.orgs.get, r.org))),
    ("orgs.relocate", org_schemas.OrgRelocation, {k: ORG[k] for k in ("province", "district", "subdistrict")},
     lambda r, p: r.orgs.relocate(r.org, p, version(r.orgs.get, r.org))),
    ("orgs.assess", org_schemas.StrengthAssessment, {"level": "strong"},
     lambda r, p: r.orgs.assess(r.org, p, version(r.orgs.get, r.org))),
    ("orgs.confirm_current", org_schemas.Verification, {}, lambda r, p: r.orgs.confirm_current(r.org, p, version(r.orgs.get, r.org))),
    ("orgs.merge", org_schemas.Merge, {"duplicate": str(uuid.UUID(int=1)), "duplicate_version": 1},
     lambda r, p: r.orgs.merge(r.org, p, version(r.orgs.get, r.org))),
    ("orgs.register_batch", org_schemas.OrgRegistration, ORG, lambda r, p: r.orgs.register_batch([ORG, p])),
    ("people.register", people_schemas.PersonRegistration, PERSON, lambda r, p: r.people.register(p)),
    ("people.amend", people_schemas.PersonChanges, {"notes": "x"},
     lambda r, p: r.people.amend(r.person, p, version(r.people.get, r.person))),
    ("people.start_role", people_schemas.RoleStart, {"role": "volunteer"},
     lambda r, p: r.people.start_role(r.person, p, version(r.people.get, r.person))),
    ("people.record_training", people_schemas.Training, {"name": "อบรม", "on": "2026-01-01"},
     lambda r, p: r.people.record_training(r.person, p, version(r.people.get, r.person))),
    ("people.record_consent", people_schemas.Consent, None,
     lambda r, p: r.people.record_consent(r.person, p, version(r.people.get, r.person))),
    ("people.restrict", people_schemas.Restriction, None,
     lambda r, p: r.people.restrict(r.person, p, version(r.people.get, r.person))),
    ("people.receive_request", people_schemas.RequestReceipt, None, lambda r, p: r.people.receive_request(p)),
    ("knowledge.draft", knowledge_schemas.ItemDraft, item_payload(2), lambda r, p: r.knowledge.draft(p)),
    ("knowledge.revise", knowledge_schemas.ItemChanges, {"summary": "สรุป"},
     lambda r, p: r.knowledge.revise(r.item, p, version(r.knowledge.get, r.item))),
    ("knowledge.register_campaign", knowledge_schemas.CampaignRegistration, campaign_payload(2),
     lambda r, p: r.knowledge.register_campaign(p)),
    ("knowledge.amend_campaign", knowledge_schemas.CampaignChanges, {"goal": "เป้าหมาย"},
     lambda r, p: r.knowledge.amend_campaign(r.campaign, p, version(r.knowledge.get_campaign, r.campaign))),
    ("knowledge.record_result", knowledge_schemas.CampaignResult, None,
     lambda r, p: r.knowledge.record_result(r.campaign, p, version(r.knowledge.get_campaign, r.campaign))),
]


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    registers = Registers(tmp_path_factory.mktemp("hostile-commands"))
    yield registers
    registers.close()


@st.composite
def commands(draw):
    name, schema, base, call = draw(st.sampled_from(COMMANDS))
    return name, call, draw(payloads(named_fields(schema()), base) | json_values())


@settings(max_examples=COMMAND_CASES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(command=commands())
def test_a_command_succeeds_or_is_refused_and_a_refused_one_writes_nothing(registers, command):
    name, call, payload = command
    COUNTS["commands"].count()
    before = registers.written()
    try:
        call(registers, payload)
    except CALLER_ERRORS as refusal:
        COUNTS["rejected"].count()
        assert registers.written() == before, f"{name} refused ({refusal}) but wrote"
        if isinstance(refusal, CommandRejected):
            assert all(p["field"] and p["code"] in CATALOGUE for p in refusal.problems), refusal.problems


def test_the_counts():
    tried("command schemas", schemas=len(SCHEMAS), cases=COUNTS["schemas"].cases)
    tried("commands", commands=len(COMMANDS), cases=COUNTS["commands"].cases, refused=COUNTS["rejected"].cases)
