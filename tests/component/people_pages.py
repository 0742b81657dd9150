"""What the people pages' and API's tests share: the people and orgs services in this process
(one set a module, on SQLite files), the gateway's app over them, who is signed in, and
people to register. Personal values come from the demo generator (realistic Thai names)."""
from __future__ import annotations

import pytest

from services.chassis import permissions
from services.orgs.service import OrgsService
from tests.inprocess import InProcess, Pool
from tests.keys import asker
from tests.people import people_service, unique_people

from .conftest import orgs_store

STAFF = permissions.User("somsri", permissions.CENTER_STAFF, "P50")
OTHER_STAFF = permissions.User("malee", permissions.CENTER_STAFF, "P10")
AUDITOR = permissions.User("audit1", permissions.AUDITOR)
ADMIN = permissions.User("admin1", permissions.ADMIN)
PUBLIC = permissions.ANONYMOUS
CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}
ROWS = iter(unique_people(200, seed=31))
# every module of the gateway that looks up who is signed in by a name of its own
SIGNED_IN_LOOKUPS = ("gateway.web", "gateway.web.orgs", "gateway.web.people", "gateway.web.people_rights",
                     "gateway.api", "gateway.api.people")


def person_row(**changes) -> dict:
    """A new demo person living in Chiang Mai (center P50), with their consent."""
    row = next(ROWS)
    return {**row, **CHIANG_MAI, "legal_basis": "consent", "consent": CONSENT, **changes}


class Who:
    """Who the pages and the API take to be signed in."""

    user = STAFF

    def __call__(self):
        return self.user


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """The people service (its key store on a file of its own) and the orgs service."""
    where = tmp_path_factory.mktemp("people-pages")
    people = people_service(f"sqlite:///{where / 'people.sqlite'}", f"sqlite:///{where / 'keys.sqlite'}")
    store = orgs_store(f"sqlite:///{where / 'orgs.sqlite'}")
    yield people, store, InProcess(OrgsService, log=store, asking=asker("orgs"))
    people.close()
    store.engine.dispose()


@pytest.fixture(scope="module")
def people(services):
    return services[0]


@pytest.fixture(scope="module")
def orgs_db(services):
    return services[1]


@pytest.fixture(scope="module")
def who():
    import importlib

    import gateway.app  # noqa: F401  (every page and API module loaded)

    who = Who()
    with pytest.MonkeyPatch.context() as patch:
        for name in SIGNED_IN_LOOKUPS:
            patch.setattr(importlib.import_module(name), "current_user", who)
        yield who


@pytest.fixture(scope="module")
def app(services, who):
    from gateway.app import create_app

    people, _, orgs = services
    app = create_app(pool=Pool(people=people.service, orgs=orgs))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    return app


@pytest.fixture
def client(app, who):
    """A fresh browser (no cookies) of center staff of Chiang Mai (P50); `sign_in(user)` changes who."""
    who.user = STAFF
    return app.test_client()


@pytest.fixture
def sign_in(who):
    def sign_in(user):
        who.user = user
    return sign_in


def register(people, user=STAFF, **changes) -> dict:
    """A person registered behind the pages' back (as `user`)."""
    return people.as_(user).register(person_row(**changes))


def full_reads(people, person_id: str) -> list[dict]:
    from sqlalchemy import select

    from services.people.readmodel import full_reads as reads

    with people.store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(reads).where(reads.c.person == person_id)).mappings()]


def events(people, person_id: str) -> list[dict]:
    return people.store.stream(f"person-{person_id}")
