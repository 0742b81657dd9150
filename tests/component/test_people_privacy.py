"""The people register's personal data, made real (DESIGN §2b, PDPA): what the events and the
files hold, who sees what, consent and its withdrawal, data-subject requests, and erasure,
down to the bytes of the database files and a backup restored after it. SQLite files, and
PostgreSQL (event database and key store both) where storage is the question."""
from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from services.chassis.errors import AssertionRefused, CommandRejected, Forbidden, NotFound
from services.chassis.assertions import Signer, SignedService, make_key_pair
from services.chassis.permissions import User
from services.people import rights
from tests.keys import ADMIN, STAFF_P50
from tests.people import people_service, unique_people
from tests.support import pg_database

ROWS = unique_people(40, seed=13)
AUDITOR = User("audit1", "auditor")
STAFF_P10 = User("somchai", "center_staff", "P10")
PUBLIC = User("anonymous", "public")
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}


def of_p50(n: int, **changes) -> dict:
    """Demo row n moved to a home in Chiang Mai (center P50), with consent (None: a field left out)."""
    row = {**ROWS[n], "province": "50", "district": "5001", "subdistrict": "500101", "legal_basis": "consent",
           "consent": CONSENT, **changes}
    return {k: v for k, v in row.items() if v is not None}


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    where = tmp_path_factory.mktemp("people")
    service = people_service(f"sqlite:///{where / 'people.sqlite'}", f"sqlite:///{where / 'keys.sqlite'}")
    service.where = where
    yield service
    service.close()


@pytest.fixture(scope="module")
def pg_people(tmp_path_factory):
    with pg_database() as url, pg_database() as keys_url:
        service = people_service(url, keys_url)
        yield service
        service.close()


def personal_values(row: dict) -> list[str]:
    values = [row["given_name"], row.get("family_name"), row.get("email"), row.get("address")]
    if row.get("phone"):
        values.append(row["phone"].replace("-", "")[1:])  # the digits as stored (E.164 drops the 0)
    if row.get("national_id"):
        values.append(row["national_id"])
    return [v for v in values if v]


# -- what is stored -----------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["people", "pg_people"])
def test_no_personal_value_is_in_an_event_and_only_names_are_in_the_read_model(which, request):
    people = request.getfixturevalue(which)
    row = of_p50(1, national_id="0101700207031", email="someone@example.org", phone="081-234-5678")
    person = people.as_(ADMIN).register(row)
    with people.store.engine.connect() as conn:
        events = " ".join(r[0] for r in conn.execute(text("SELECT data FROM events")))
        stored = conn.execute(text("SELECT * FROM people WHERE id = :i"), {"i": person["id"]}).mappings().one()
    for value in personal_values(row) + ["812345678", "someone@example.org"]:
        assert value not in events
        assert all(value not in str(v) for k, v in stored.items() if k not in ("given_name", "family_name", "name", "name_key"))
    assert person["national_id"] == "•••••••••7031"  # never whole, even in full view


def test_a_0_prefixed_national_id_is_accepted_and_a_wrong_check_digit_is_named_without_its_value(people):
    service = people.as_(ADMIN)
    service.register(of_p50(2, national_id="0-1017-00207-03-1"))
    with pytest.raises(CommandRejected) as error:
        service.register(of_p50(3, national_id="1101700207031", phone="0812"))
    assert {(p["field"], p["code"]) for p in error.value.problems} == {
        ("national_id", "national_id_check_digit"), ("phone", "phone_impossible")}
    assert "1101700207031" not in str(error.value.to_dict()) and "0812" not in str(error.value.to_dict())


def test_a_person_needs_consent_or_another_legal_basis(people):
    service, head = people.as_(ADMIN), people.as_(ADMIN).head()["seq"]
    for row, field in ((of_p50(4, legal_basis=None, consent=None), "legal_basis"),
                       (of_p50(4, consent=None), "consent"),
                       (of_p50(4, consent={**CONSENT, "channel": "verbal"}), "consent.witness")):
        with pytest.raises(CommandRejected) as error:
            service.register({k: v for k, v in row.items() if v is not None})
        assert field in {p["field"] for p in error.value.problems}
    assert service.head()["seq"] == head
    assert service.register(of_p50(4, legal_basis="public_task", consent=None))["consent"] == "not_needed"


# -- who sees what ------------------------------------------------------------------------------

def test_masking_is_by_role_in_the_service_and_full_reads_are_recorded(people):
    person = people.as_(STAFF_P50).register(of_p50(5, phone="089-123-4567", address="12 หมู่ 3"))
    own = people.as_(STAFF_P50).get(person["id"])
    assert (own["masked"], own["phone"], own["address"]) == (False, "+66891234567", "12 หมู่ 3")
    other = people.as_(STAFF_P10).get(person["id"])
    assert other["masked"] and other["phone"].endswith("4567") and "891234" not in other["phone"]
    assert other["address"] is None and other["given_name"] == ROWS[5]["given_name"]
    audited = people.as_(AUDITOR).get(person["id"])
    assert audited["masked"] and ROWS[5]["given_name"] not in audited["given_name"]
    glass = people.as_(AUDITOR).get(person["id"], reason="ตรวจสอบข้อร้องเรียน 12/2569")
    assert not glass["masked"] and glass["phone"] == "+66891234567"
    with pytest.raises(AssertionRefused):  # the public asks unsigned, and nothing personal is public
        people.as_(PUBLIC).get(person["id"])
    reads = people.as_(ADMIN).everything(person["id"])["reads"]
    assert [(r["user"], r["what"], r["reason"]) for r in reads[:3]] == [
        ("admin1", "access", None), ("audit1", "record", "ตรวจสอบข้อร้องเรียน 12/2569"), ("somsri", "record", None)]
    history = people.as_(STAFF_P10).history(person["id"])
    assert "891234" not in str(history) and "12 หมู่ 3" not in str(history)


def test_a_role_is_assigned_by_the_center_of_its_area_and_another_centers_person_is_not_edited(people):
    person = people.as_(STAFF_P50).register(of_p50(6))
    with pytest.raises(Forbidden):
        people.as_(STAFF_P50).start_role(person["id"], {"role": "leader", "province": "10", "district": "1001",
                                                        "subdistrict": "100101"}, person["version"])
    with pytest.raises(Forbidden):
        people.as_(STAFF_P10).amend(person["id"], {"years_experience": 3}, person["version"])
    other = people.as_(User("nid", "center_staff", "P11")).start_role(
        person["id"], {"role": "leader", "province": "11", "district": "1101", "subdistrict": "110101"},
        person["version"])
    assert {r["role"]: r["center"] for r in other["roles"]}["leader"] == "P11"


def test_a_forged_assertion_is_refused(people, tmp_path):
    forger = Signer.from_file(make_key_pair(tmp_path, "gateway")[0])
    with pytest.raises(AssertionRefused):
        SignedService(people.service, "people", forger, ADMIN).register(of_p50(7))


# -- consent and requests -----------------------------------------------------------------------

def test_a_withdrawn_consent_stops_listing_until_a_new_one_is_recorded(people):
    service = people.as_(STAFF_P50)
    person = service.register(of_p50(8))
    name = ROWS[8]["given_name"]
    assert person["id"] in {p["id"] for p in service.list({"q": name})["items"]}
    withdrawn = service.withdraw_consent(person["id"], {"consent": "1"}, person["version"])
    assert (withdrawn["restricted"], withdrawn["consent"]) == ("consent_withdrawn", "withdrawn")
    assert person["id"] not in {p["id"] for p in service.list({"q": name})["items"]}
    with pytest.raises(CommandRejected):
        service.lift_restriction(person["id"], withdrawn["version"])
    again = service.record_consent(person["id"], {**CONSENT, "given_on": date.today().isoformat()},
                                   withdrawn["version"])
    assert again["restricted"] is None and again["consent"] == "given"
    assert person["id"] in {p["id"] for p in service.list({"q": name})["items"]}


def test_requests_have_a_30_day_clock_and_refusals_a_ground(people):
    service = people.as_(STAFF_P50)
    person = service.register(of_p50(9))
    received = (date.today() - timedelta(days=40)).isoformat()
    request = service.receive_request({"person": person["id"], "right": "access", "channel": "paper",
                                       "received_on": received, "note": "ขอสำเนาทางไปรษณีย์"})
    assert request["due_on"] == (date.today() - timedelta(days=10)).isoformat()
    later = service.receive_request({"person": person["id"], "right": "objection", "channel": "email"})
    listed = service.requests({})["items"]
    assert [r["id"] for r in listed if r["person"] == person["id"]] == [request["id"], later["id"]]
    assert next(r for r in listed if r["id"] == request["id"])["overdue"]
    with pytest.raises(CommandRejected) as error:
        service.handle_request(request["id"], {"outcome": "refused"}, request["version"])
    assert error.value.problems[0]["field"] == "ground"
    done = service.handle_request(request["id"], {"outcome": "refused", "ground": "identity_not_verified"},
                                  request["version"])
    assert (done["status"], done["ground"], done["handled_by"]) == ("refused", "identity_not_verified", "somsri")
    with pytest.raises(Forbidden):
        people.as_(STAFF_P10).receive_request({"person": person["id"], "right": "access", "channel": "paper"})
    everything = service.everything(person["id"])
    assert {r["right"] for r in everything["requests"]} == {"access", "objection"}
    assert everything["person"]["given_name"] == ROWS[9]["given_name"] and everything["history"]


# -- erasure ------------------------------------------------------------------------------------

def _files(where) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(where.iterdir()) if p.name.startswith("people.sqlite"))


def test_erasure_leaves_nothing_readable_and_a_backup_restored_after_it_stays_erased(people):
    row = of_p50(10, phone="086-555-0199", email="erase.me@example.org")
    service = people.as_(ADMIN)
    person = service.register({k: v for k, v in row.items() if v is not None})
    service.record_training(person["id"], {"name": "หลักสูตรวิทยากรกระบวนการ", "on": "2025-02-01",
                                           "certificate": "CERT-77-1"}, person["version"])
    people.store.engine.dispose()
    backup = people.where / "backup.sqlite"
    shutil.copy(people.where / "people.sqlite", backup)  # the WAL was checkpointed when the pool closed
    values = personal_values(row) + ["CERT-77-1"]
    assert ROWS[10]["given_name"].encode() in backup.read_bytes()

    assert service.erase([person["id"]]) == {"erased": 1}
    people.store.engine.dispose()
    files = _files(people.where)
    assert not [v for v in values if v.encode() in files]
    assert service.list({"q": ROWS[10]["given_name"]})["items"] == [] or all(
        p["id"] != person["id"] for p in service.list({"q": ROWS[10]["given_name"]})["items"])
    with pytest.raises(NotFound):
        service.get(person["id"])
    history = service.history(person["id"])
    assert [e["type"] for e in history][-1] == "PersonErased" and history[0]["unreadable"]
    assert history[0]["data"]["given_name"] is None
    assert service.verify_chain()["ok"]
    with pytest.raises(CommandRejected) as error:
        service.register({**row, "id": person["id"]})
    assert error.value.problems[0]["code"] == "person_erased"

    people.store.engine.dispose()  # the service stops; the backup taken before is restored; it starts again
    shutil.copy(backup, people.where / "people.sqlite")
    for stale in people.where.glob("people.sqlite-*"):
        stale.unlink()
    assert rights.reapply_ledger(people.store, people.keys) == 1
    people.store.engine.dispose()
    assert not [v for v in values if v.encode() in _files(people.where)]
    assert service.verify_chain()["ok"]
    with pytest.raises(NotFound):
        service.get(person["id"])


def test_erasure_on_postgresql_drops_the_row_and_the_key_and_verify_passes(pg_people):
    service = pg_people.as_(ADMIN)
    rows = [of_p50(n, phone=None) for n in range(20, 30)]
    ids = service.register_batch(rows)["ids"]
    assert service.erase(ids[:5]) == {"erased": 5}
    assert service.erase(ids[:5]) == {"erased": 0}
    with pg_people.store.engine.connect() as conn:
        dumped = " ".join(str(r) for table in ("people", "events", "full_reads", "requests")
                          for r in conn.execute(text(f"SELECT * FROM {table}")))
    for row in rows[:5]:
        assert f"{row['given_name']} {row['family_name']}" not in dumped
    assert f"{rows[5]['given_name']} {rows[5]['family_name']}" in dumped  # the others are still there
    assert pg_people.keys.erased(ids) == set(ids[:5]) and set(pg_people.keys.sealers(ids)) == set(ids[5:])
    assert service.verify_chain()["ok"]
    with pytest.raises(Forbidden):
        pg_people.as_(STAFF_P50).erase(ids[5:6])


def test_duplicates_are_found_by_phone_and_by_name_and_a_restricted_person_drops_out(people):
    service = people.as_(STAFF_P50)
    first = service.register(of_p50(30, phone="082-111-2233"))
    typo = service.register(of_p50(30, family_name=ROWS[30]["family_name"] + "ย์", phone="0821112233"))
    titled = service.register(of_p50(31, given_name="นาย" + ROWS[31]["given_name"], phone=None, national_id=None))
    plain = service.register(of_p50(31, phone=None, national_id=None))
    groups = service.duplicates({"subdistrict": "500101"})["groups"]
    found = {frozenset(m["id"] for m in g["people"]): g["why"] for g in groups}
    assert found[frozenset((first["id"], typo["id"]))] == "phone"
    assert found[frozenset((titled["id"], plain["id"]))] == "name"
    assert "082" not in str(groups) and "1112233" not in str(groups)
    service.restrict(plain["id"], {"ground": "objection"}, plain["version"])
    groups = service.duplicates({"subdistrict": "500101"})["groups"]
    assert all(plain["id"] not in {m["id"] for m in g["people"]} for g in groups)
    merged = service.merge(first["id"], {"duplicate": typo["id"], "duplicate_version": typo["version"]},
                           first["version"])
    assert merged["version"] == 2 and service.get(typo["id"])["merged_into"] == first["id"]
    undone = service.unmerge(typo["id"], service.get(typo["id"])["version"])
    assert undone["status"] == "active"
