"""The knowledge service in this process, for tests: its event store and read model on one
database, its files in a directory of the test, and the people register it asks about people
given as a stand-in that knows a set of ids (or a real in-process people service)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from services.chassis.database import make_engine
from services.chassis.store import EventStore
from services.knowledge import readmodel
from services.knowledge.files import Files
from services.knowledge.service import KnowledgeService
from tests.inprocess import InProcess
from tests.keys import ADMIN, STAFF_P50, asker, signed, signing

MAX_BYTES = 256 * 1024  # the tests' file size limit


@dataclass
class KnownPeople:
    """The people register as the knowledge service asks it (`public_names`): these ids exist."""

    ids: set = field(default_factory=set)
    asked: list = field(default_factory=list)

    def public_names(self, assertion, person_ids):
        self.asked.append(list(person_ids))
        return {p: {"roles": ["online_worker"], "center": "P50", "name": None} for p in person_ids if p in self.ids}


@dataclass
class Knowledge:
    store: EventStore
    files: Files
    people: object
    service: InProcess  # unsigned: sign with `as_(user)`

    def as_(self, user=STAFF_P50):
        return signed(self.service, user, "knowledge")

    @property
    def admin(self):
        return self.as_(ADMIN)

    def close(self) -> None:
        self.store.engine.dispose()


def knowledge_service(url: str, files_dir: Path, people=None) -> Knowledge:
    engine = make_engine(url)
    store = EventStore(engine, "knowledge")
    store.create_schema()
    readmodel.create_schema(engine)
    files = Files(files_dir, MAX_BYTES)
    people = people if people is not None else KnownPeople()
    service = InProcess(KnowledgeService, log=store, asking=asker("knowledge"), files=files, people=people,
                        signing=signing())
    return Knowledge(store, files, people, service)


def item_payload(n: int = 1, **changes) -> dict:
    """A small valid draft of the Chiang Mai center (P50)."""
    return {"title": f"ธนาคารขยะชุมชนบ้านป่าแดด ตอนที่ {n}", "summary": "การจัดการขยะโดยชุมชน",
            "body": f"## ความเป็นมา\n\nชุมชนร่วมกันคัดแยกขยะ ครั้งที่ {n}\n\n- ออมเงินจากขยะ\n- ลดขยะในหมู่บ้าน",
            "category": "healthy_community", "kind": "case_study", "tags": ["ขยะ", "ออมทรัพย์"],
            "province": "50", "district": "5001", "center": "P50", "year": 2567, **changes}


def campaign_payload(n: int = 1, **changes) -> dict:
    return {"title": f"รณรงค์ลดการเผาในที่โล่ง เชียงใหม่ {n}", "problem": "หมอกควันจากการเผาทุกปี",
            "goal": "ลดจุดความร้อนลงครึ่งหนึ่ง", "province": "50", "center": "P50", "status": "active",
            "channels": [{"channel": "facebook", "url": "https://www.facebook.com/example"}, {"channel": "offline"}],
            "starts_on": "2026-01-15", **changes}
