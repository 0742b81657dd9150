"""The people read model made again from the log and the key store (`services/people/rebuild.py`),
as a restored backup needs it (a backup leaves the plaintext rows out): the rows rebuilt equal
the rows the commands wrote, a person whose key is gone comes back as nothing readable and the
ledger then erases them, on both backends."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from services.people import readmodel, rebuild
from tests.keys import ADMIN
from tests.people import people_service, unique_people
from tests.support import pg_database

ROWS = unique_people(8, seed=47)
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}
HOME = {"province": "50", "district": "5001", "subdistrict": "500101", "legal_basis": "consent", "consent": CONSENT}


@pytest.fixture
def people(backend, tmp_path):
    if backend == "sqlite":
        service = people_service(f"sqlite:///{tmp_path / 'people.sqlite'}", f"sqlite:///{tmp_path / 'keys.sqlite'}")
        yield service
        service.close()
        return
    with pg_database() as url, pg_database() as keys_url:
        service = people_service(url, keys_url)
        yield service
        service.close()


def _tables(people) -> dict:
    with people.store.engine.connect() as conn:
        return {table.name: sorted((dict(r) for r in conn.execute(select(table)).mappings()), key=lambda r: r["id"])
                for table in (readmodel.people, readmodel.requests)}


def _drop_rows(people) -> None:
    with people.store.engine.begin() as conn:
        conn.execute(delete(readmodel.people))
        conn.execute(delete(readmodel.requests))


def test_the_rebuilt_read_model_equals_the_one_the_commands_wrote(people):
    service = people.as_(ADMIN)
    ids = service.register_batch([{**row, **HOME} for row in ROWS[:6]])["ids"]
    first = service.get(ids[0])
    service.amend(ids[0], {"years_experience": 7, "given_name": "สมหญิง"}, first["version"])
    service.start_role(ids[1], {"role": "leader"}, service.get(ids[1])["version"])
    service.record_training(ids[2], {"name": "หลักสูตรผู้นำ", "on": "2025-02-01", "certificate": "C-1"},
                            service.get(ids[2])["version"])
    request = service.receive_request({"person": ids[3], "right": "access", "channel": "paper"})
    service.handle_request(request["id"], {"outcome": "done"}, request["version"])
    service.erase([ids[4]])
    written = _tables(people)

    assert not rebuild.missing(people.store)
    _drop_rows(people)
    assert rebuild.missing(people.store)
    rebuild.before_answering(people.store, people.keys)
    assert _tables(people) == written
    assert [p["id"] for p in service.list({"q": "สมหญิง"})["items"]] == [ids[0]]  # search found it again


def test_a_person_erased_after_the_backup_is_rebuilt_unreadable_then_erased(people):
    service = people.as_(ADMIN)
    ids = service.register_batch([{**row, **HOME} for row in ROWS[6:8]])["ids"]
    _drop_rows(people)  # a backup taken now: the log without the rows
    people.keys.erase([ids[0]])  # erased after it: the ledger and the key store say so, the log does not
    rebuild.before_answering(people.store, people.keys)
    assert set(readmodel.rows(people.store.engine, ids)) == {ids[1]}
    assert service.history(ids[0])[-1]["type"] == "PersonErased" and service.history(ids[0])[0]["unreadable"]
    assert service.verify_chain()["ok"]
