"""The people service in this process, for tests: its event store and read model on one
database, its key store on another (as DESIGN §2b wants), a master key of the test run."""
from __future__ import annotations

import os
from dataclasses import dataclass

from services.chassis.database import make_engine
from services.chassis.privacy.keystore import KeyStore, secure_delete
from services.chassis.privacy.sealing import Master
from services.chassis.store import EventStore
from services.people import readmodel
from services.people.service import PeopleService
from tests.inprocess import InProcess
from tests.keys import ADMIN, asker, signed

MASTER = Master(os.urandom(32))


@dataclass
class People:
    store: EventStore
    keys: KeyStore
    service: InProcess  # unsigned: sign with `as_(user)`

    def as_(self, user=ADMIN):
        return signed(self.service, user, "people")

    def close(self) -> None:
        self.store.engine.dispose()
        self.keys.engine.dispose()


def people_service(url: str, keys_url: str, master: Master = MASTER) -> People:
    engine = make_engine(url)
    secure_delete(engine)
    store = EventStore(engine, "people")
    store.create_schema()
    readmodel.create_schema(engine)
    keys = KeyStore(make_engine(keys_url), master)
    keys.create_schema()
    return People(store, keys, InProcess(PeopleService, log=store, keys=keys, asking=asker("people")))


def unique_people(count: int, seed: int = 2562) -> list[dict]:
    """`count` demo people, each a different person (no two share a natural key or a phone)."""
    from sanphalang.demo_people import person_rows
    from services.people.names import normalize

    seen, rows = set(), []
    for row in person_rows(count * 2, seed):
        keys = {("name", row["subdistrict"], normalize(f"{row['given_name']} {row.get('family_name', '')}")),
                ("phone", row.get("phone"))}
        if seen & keys:
            continue
        seen |= {k for k in keys if k[-1]}
        rows.append(row)
        if len(rows) == count:
            return rows
    raise ValueError("not enough distinct people")


def people_workbook(rows: list[dict]) -> bytes:
    """A people spreadsheet as a center makes one: the data sheet, Thai headers, `rows` of
    cells by column field."""
    import io

    import openpyxl

    from services.contracts.people.sheet import SHEET

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET.data_sheet_title
    sheet.append([c.th for c in SHEET.columns])
    for row in rows:
        sheet.append([row.get(c.field) for c in SHEET.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
