"""The people register passes the suite every register must (source_contract.py), on SQLite
and PostgreSQL, with its key store in a database of its own."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.contracts.people import events as ev
from services.people import readmodel
from services.people.names import normalize
from tests.people import people_service, unique_people

from .source_contract import ACTOR, ImportContract, SourceCase

ROWS = unique_people(50, seed=43)


class TestPeopleSource(ImportContract):
    @pytest.fixture
    def case(self, database_url, tmp_path):
        people = people_service(database_url, f"sqlite:///{tmp_path / 'keys.sqlite'}")
        store = people.store

        def records() -> int:
            with store.engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(readmodel.people)).scalar()

        yield SourceCase(
            service=people.as_(ACTOR), store=store,
            create=lambda service, n, key: service.register(ROWS[n], key=key),
            edit=lambda service, person, version, key: service.amend(
                person["id"], {"years_experience": (person["years_experience"] or 0) + 1}, version, key=key),
            bad={**ROWS[0], "phone": "0812", "legal_basis": "because"},
            rows=lambda count: [dict(row) for row in ROWS[:count]],
            spoil=lambda row: {**row, "national_id": "1234567890123"},
            stream_of=ev.stream_of, records=records,
        )
        people.close()


def test_the_rows_are_distinct_people():
    assert len({(r["subdistrict"], normalize(f"{r['given_name']} {r['family_name']}")) for r in ROWS}) == len(ROWS)
