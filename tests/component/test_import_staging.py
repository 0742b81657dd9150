"""The stage between an import's check and its write (the kit's import stage), on SQLite and
PostgreSQL: the write registers what the check loaded, consumes it in the same transaction,
answers a redelivered call from its key, and refuses a range it does not find whole."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from sanphalang.demo import org_rows
from services.chassis.errors import FILE, CommandRejected
from services.chassis.registers import staging
from services.orgs import readmodel
from services.orgs.service import OrgsService
from tests.inprocess import InProcess
from tests.keys import ADMIN, asker, signed



STAGE = readmodel.STAGE


@pytest.fixture
def store(backend_store):
    return backend_store


@pytest.fixture
def orgs(store):
    return signed(InProcess(OrgsService, log=store, asking=asker("orgs")), ADMIN)


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_the_write_registers_what_the_check_staged_and_consumes_it(orgs, store):
    rows = org_rows(30, seed=5)
    rows[4]["members"] = "มาก"  # row 5 is rejected, so 29 are staged
    checked = orgs.check_rows(rows, 1, "s1")
    assert [(p["row"], p["field"]) for p in checked["rejected"]] == [(5, "members")]
    assert _count(store, STAGE.table) == 29 and store.head()["seq"] == 0  # held, not registered
    first = orgs.import_staged("s1", 1, 20, 19, key="k1")
    second = orgs.import_staged("s1", 21, 30, 10, key="k2")
    assert (first["created"], second["created"]) == (19, 10)
    assert _count(store, readmodel.organizations) == 29 and _count(store, STAGE.table) == 0
    assert store.head()["seq"] == 29
    registered = orgs.get(first["ids"][0])
    assert registered["name"] == rows[0]["name"].strip() and registered["center"]


def test_a_redelivered_write_is_answered_from_its_key_and_appends_nothing(orgs, store):
    orgs.check_rows(org_rows(10, seed=6), 1, "s2")
    done = orgs.import_staged("s2", 1, 10, 10, key="k3")
    head = store.head()
    again = orgs.import_staged("s2", 1, 10, 10, key="k3")  # the stage is consumed by now
    assert again == done and store.head() == head


def test_a_file_imported_again_unchanged_is_answered_from_its_key_and_leaves_nothing_staged(orgs, store):
    """The same file with nothing written in between has the same chunk keys: the second import's
    check stages its rows again, and its write, answered from the key, drops them (found by
    tests/component/test_hostile_imports.py: they stayed until the purge)."""
    rows = org_rows(10, seed=10)
    orgs.check_rows(rows, 1, "s-first")
    done = orgs.import_staged("s-first", 1, 10, 10, key="k-same-file")
    orgs.check_rows(rows, 1, "s-again")
    assert orgs.import_staged("s-again", 1, 10, 10, key="k-same-file") == done
    assert _count(store, STAGE.table) == 0 and store.head()["seq"] == 10


def test_a_range_not_found_whole_is_refused_and_writes_nothing(orgs, store):
    orgs.check_rows(org_rows(10, seed=7), 1, "s3")
    for stage, expected in (("s3", 11), ("unknown", 10)):
        with pytest.raises(CommandRejected) as error:
            orgs.import_staged(stage, 1, 10, expected, key=f"k-{stage}")
        assert [(p["field"], p["code"]) for p in error.value.problems] == [(FILE, "import_stage_gone")]
    assert store.head()["seq"] == 0 and _count(store, STAGE.table) == 10  # the stage is untouched
    assert store.recorded("k-s3") is None  # a refused call records no result for its key


def test_a_redelivered_check_stages_its_rows_once(orgs, store):
    rows = org_rows(10, seed=8)
    orgs.check_rows(rows, 1, "s4")
    orgs.check_rows(rows, 1, "s4")
    assert _count(store, STAGE.table) == 10
    assert orgs.import_staged("s4", 1, 10, 10, key="k4")["created"] == 10


def test_staged_rows_amend_only_the_fields_they_give(orgs, store):
    row = org_rows(1, seed=9)[0]
    orgs.check_rows([row], 1, "s5")
    (org_id,) = orgs.import_staged("s5", 1, 1, 1, key="k5")["ids"]
    changed = {k: row[k] for k in ("name", "type", "province", "district", "subdistrict")}  # members left blank
    changed["name_en"] = "Renamed in English"
    orgs.check_rows([changed], 1, "s6")
    result = orgs.import_staged("s6", 1, 1, 1, key="k6")
    assert (result["updated"], result["ids"]) == (1, [org_id])
    after = orgs.get(org_id)
    assert after["name_en"] == "Renamed in English" and after["members"] == row["members"]


def test_discard_and_purge_drop_stages_no_import_wrote(orgs, store):
    orgs.check_rows(org_rows(5, seed=10), 1, "old")
    orgs.check_rows(org_rows(5, seed=11), 1, "fresh")
    orgs.check_rows(org_rows(5, seed=12), 1, "dropped")
    assert orgs.discard_stage("dropped") == {"discarded": 5}
    later = datetime.now(timezone.utc) + timedelta(hours=staging.STAGE_HOURS, minutes=1)
    with store.engine.begin() as conn:  # "fresh" was staged just before the purge runs
        conn.execute(STAGE.table.update().where(STAGE.table.c.stage == "fresh")
                     .values(staged_at=(later - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
    assert STAGE.purge(store.engine, now=later) == 5
    with store.engine.connect() as conn:
        left = {stage for (stage,) in conn.execute(select(STAGE.table.c.stage).distinct())}
    assert left == {"fresh"}


def test_keys_apart_says_whether_two_writing_chunks_share_an_organization(orgs, store):
    rows = org_rows(30, seed=13)
    rows[24] = {**rows[0], "name": "  " + rows[0]["name"]}  # row 25 is row 1 again (the same natural key)
    orgs.check_rows(rows, 1, "s7")
    assert not orgs.stage_keys_apart("s7", 20)  # rows 1 and 25 in chunks 0 and 1
    assert orgs.stage_keys_apart("s7", 30)  # one chunk
    orgs.check_rows(org_rows(30, seed=14), 1, "s8")
    assert orgs.stage_keys_apart("s8", 10)
