"""What the knowledge pages' and API's tests share: the knowledge, people and orgs services in
this process (one set a module, on SQLite files and a files directory; the knowledge service
asks the people service in this process about the people an item names), the gateway's app
over them, who is signed in, and small files to attach."""
from __future__ import annotations

import io
import zipfile

import pytest

from services.chassis import permissions
from services.orgs.service import OrgsService
from tests.inprocess import InProcess, Pool
from tests.keys import asker
from tests.knowledge import MAX_BYTES, campaign_payload, item_payload, knowledge_service
from tests.people import people_service, unique_people

from .conftest import orgs_store

STAFF = permissions.User("somsri", permissions.CENTER_STAFF, "P50")
OTHER_STAFF = permissions.User("malee", permissions.CENTER_STAFF, "P10")
AUDITOR = permissions.User("audit1", permissions.AUDITOR)
ADMIN = permissions.User("admin1", permissions.ADMIN)
PUBLIC = permissions.ANONYMOUS
# every module of the gateway that looks up who is signed in by a name of its own
SIGNED_IN_LOOKUPS = ("gateway.web", "gateway.web.orgs", "gateway.web.people", "gateway.web.knowledge",
                     "gateway.web.campaigns", "gateway.api", "gateway.api.knowledge", "gateway.api.campaigns")
ROWS = iter(unique_people(20, seed=47))

# A small PDF: what puremagic knows a PDF by, and enough of one to open
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
# The start of a Linux program: refused whatever it is called
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def big_pdf() -> bytes:
    """A PDF larger than the tests' limit for a file (tests/knowledge.py MAX_BYTES)."""
    return PDF + b"%" + b"x" * (MAX_BYTES + 1024) + b"\n%%EOF\n"


def docx() -> bytes:
    """A Word document as far as its package goes (the kind is downloaded, never shown inline)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


class Who:
    user = STAFF

    def __call__(self):
        return self.user


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """The knowledge service (asking the people service in this process), people and orgs."""
    where = tmp_path_factory.mktemp("knowledge-pages")
    people = people_service(f"sqlite:///{where / 'people.sqlite'}", f"sqlite:///{where / 'keys.sqlite'}")
    knowledge = knowledge_service(f"sqlite:///{where / 'knowledge.sqlite'}", where / "files", people.service)
    store = orgs_store(f"sqlite:///{where / 'orgs.sqlite'}")
    yield knowledge, people, store, InProcess(OrgsService, log=store, asking=asker("orgs"))
    knowledge.close()
    people.close()
    store.engine.dispose()


@pytest.fixture(scope="module")
def knowledge(services):
    return services[0]


@pytest.fixture(scope="module")
def people(services):
    return services[1]


@pytest.fixture(scope="module")
def orgs_db(services):
    return services[2]


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

    knowledge, people, _, orgs = services
    app = create_app(pool=Pool(knowledge=knowledge.service, people=people.service, orgs=orgs))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    return app


@pytest.fixture
def client(app, who):
    """A fresh browser of center staff of Chiang Mai (P50); `sign_in(user)` changes who."""
    who.user = STAFF
    return app.test_client()


@pytest.fixture
def sign_in(who):
    def sign_in(user):
        who.user = user
    return sign_in


def person(people) -> dict:
    """A person of the Chiang Mai center, registered by an admin."""
    row = {**next(ROWS), "province": "50", "district": "5001", "subdistrict": "500101", "legal_basis": "consent",
           "consent": {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01",
                       "channel": "paper"}}
    return people.as_().register(row)


def drafted(knowledge, user=STAFF, n: int = 1, **changes) -> dict:
    """An item drafted behind the pages' back (as `user`)."""
    return knowledge.as_(user).draft(item_payload(n, **changes))


def published(knowledge, n: int = 1, **changes) -> dict:
    item = drafted(knowledge, n=n, **changes)
    item = knowledge.as_(STAFF).submit(item["id"], item["version"])
    return knowledge.admin.publish(item["id"], item["version"])


def campaign(knowledge, user=STAFF, n: int = 1, **changes) -> dict:
    return knowledge.as_(user).register_campaign(campaign_payload(n, **changes))


def events(knowledge, stream: str) -> list[dict]:
    return knowledge.store.stream(stream)
