"""The registry of Sanphalang's services: every register (an event source of DESIGN §2) and
the services that read them, one entry each. The CLI, reporting, the gateway's health and
audit pages and the test harness read this list; adding a register is one entry here
(docs/adding-a-register.md). Nothing here imports a service: entries name their classes."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """A nameko service. `name` is its nameko name, its `sanphalang serve` argument and the
    prefix of its database setting (`<NAME>_DATABASE_URL`)."""

    name: str
    entry: str | None  # "module:Class" of the nameko service; None while it is not built
    source: bool = False  # a register: it keeps an event log that reporting reads
    contract: str | None = None  # the module of its published contract (events, schemas, code lists)
    personal: bool = False  # holds personal data: a key store of its own and the master key (DESIGN §2b)
    # Tables of its database holding personal values in plaintext (the read model's names, staged
    # import rows): a backup leaves them empty, and the service rebuilds its read model on start
    plaintext: tuple[str, ...] = ()

    @property
    def built(self) -> bool:
        return self.entry is not None

    @property
    def label(self) -> str:
        """The catalogue code of a register's name, as people read it."""
        return f"source_{self.name}"


SERVICES: tuple[Service, ...] = (
    Service("orgs", "services.orgs.service:OrgsService", source=True, contract="services.contracts.orgs"),
    Service("people", "services.people.service:PeopleService", source=True, contract="services.contracts.people",
            personal=True, plaintext=("people", "import_staged")),
    Service("knowledge", "services.knowledge.service:KnowledgeService", source=True,
            contract="services.contracts.knowledge"),
    Service("reporting", "services.reporting.service:ReportingService"),
)
BY_NAME = {service.name: service for service in SERVICES}

GATEWAY = "gateway"  # the HTTP front (Flask, not nameko); it keeps users and import jobs
SOURCES = tuple(s.name for s in SERVICES if s.source)  # the envelope's `source` values
BUILT_SOURCES = tuple(s.name for s in SERVICES if s.source and s.built)
BUILT_SERVICES = tuple(s.name for s in SERVICES if s.built)
PROCESSES = (*BUILT_SERVICES, GATEWAY)  # what `sanphalang up` starts
DATABASES = (*(s.name for s in SERVICES), GATEWAY)  # each has <NAME>_DATABASE_URL
KEY_STORES = tuple(s.name for s in SERVICES if s.personal)  # each also has <NAME>_KEYS_DATABASE_URL, apart
# Each database's tables that a backup leaves empty (personal values in plaintext): the gateway's
# uploaded spreadsheets wait there only until their import has run
PLAINTEXT = {**{s.name: s.plaintext for s in SERVICES if s.plaintext}, GATEWAY: ("import_uploads",)}


def service_class(name: str):
    """The nameko service class of a built service."""
    entry = BY_NAME[name].entry
    if entry is None:
        raise LookupError(f"{name} is not built yet")
    module, _, attribute = entry.partition(":")
    return getattr(importlib.import_module(module), attribute)


def has(name: str, part: str) -> bool:
    """Whether a register's contract has `part` (not every register has spreadsheets)."""
    service = BY_NAME[name]
    return service.contract is not None and importlib.util.find_spec(f"{service.contract}.{part}") is not None


def contract(name: str, part: str):
    """A module of a built register's contract: `events`, `schemas`, `vocabulary`, `limits`,
    `messages` (and `sheet` where it imports spreadsheets)."""
    return importlib.import_module(f"{BY_NAME[name].contract}.{part}")
