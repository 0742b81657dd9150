"""Who is asking, against the real services over the real broker (DESIGN §2a): a standalone
RPC client, as any process that reaches RabbitMQ could make one, with a made-up actor, an
expired assertion, one signed by an unknown key, one replayed for another request or service,
and a valid assertion of a center's staff against another center's organization. Each is
refused with its code, nothing is appended, and the service writes a security log line that
does not hold the token."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest

from services.chassis.assertions import ALGORITHM, Signer, make_key_pair
from services.chassis.errors import AssertionRefused, CommandRejected, Forbidden
from services.chassis.permissions import ADMIN, AUDITOR, CENTER_STAFF, SERVICE, User
from tests.keys import GATEWAY, KEYS, REPORTING

CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}  # center P50
KORAT = {"province": "30", "district": "3001", "subdistrict": "300101"}  # center P30
STAFF_P30 = User("staff30", CENTER_STAFF, "P30")
STAFF_P50 = User("staff50", CENTER_STAFF, "P50")


@pytest.fixture(scope="module")
def system(shared_system):
    """The run's running system on SQLite (what is refused here does not depend on the backend)."""
    return shared_system("sqlite")


@pytest.fixture(autouse=True)
def log_start(system) -> int:
    """Where orgs' log stood when the test began: the system is shared, and a test finds its
    own security lines only."""
    _LOG_START["orgs"] = len(system.log("orgs"))
    return _LOG_START["orgs"]


_LOG_START = {"orgs": 0}


@pytest.fixture(scope="module")
def org(system):
    """A Chiang Mai organization (center P50), registered by an operator."""
    with system.rpc() as rpc:
        return rpc.orgs.register({"name": f"กลุ่มออมทรัพย์ {uuid.uuid4().hex[:6]}", "type": "savings_group",
                                  **CHIANG_MAI}, key=str(uuid.uuid4()))


def head(system) -> int:
    with system.rpc() as rpc:
        return rpc.orgs.head()["seq"]


def refused(system, call, error=AssertionRefused) -> str:
    """Run `call(rpc)` on a plain broker client: it must be refused and append nothing."""
    before = head(system)
    with system.unsigned_rpc() as rpc, pytest.raises(error) as raised:
        call(rpc)
    assert head(system) == before
    return raised.value.code


def token(user: User, call: str, audience: str = "orgs", request: str = "r-1", signer: Signer = GATEWAY,
          **claims) -> str:
    return signer.sign(user, audience, call, request) if not claims else jwt.encode(
        {"sub": user.name, "role": user.role, "center": user.center, "req": request, "aud": audience, "call": call,
         "iat": int(time.time()), "exp": int(time.time()) + 60, **claims},
        signer.private, algorithm=ALGORITHM, headers={"kid": signer.kid})


def security_lines(system, code: str) -> list[str]:
    """orgs' security lines with `code`, written since the test began."""
    return [line for line in system.log("orgs")[_LOG_START["orgs"]:].splitlines()
            if "sanphalang.security" in line and code in line]


def test_a_made_up_actor_is_refused_in_either_place_it_could_be_put(system, org):
    made_up = {"user": "nobody", "role": "admin", "center": "P10", "request": "x"}
    assert refused(system, lambda rpc: rpc.orgs.amend(made_up, org["id"], {"members": 999}, org["version"])) \
        == "assertion_malformed"
    # the call as it was before assertions: the organization's id where the assertion goes
    assert refused(system, lambda rpc: rpc.orgs.amend(org["id"], {"members": 999}, org["version"], made_up)) \
        == "assertion_malformed"
    with system.rpc() as rpc:
        assert rpc.orgs.get(org["id"])["members"] == org["members"]
    assert security_lines(system, "assertion_malformed")


def test_an_expired_a_forged_and_an_unknown_key_assertion_are_refused(system, org, tmp_path):
    admin = User("admin1", ADMIN)
    expired = token(admin, "archive", iat=int(time.time()) - 600, exp=int(time.time()) - 300)
    assert refused(system, lambda rpc: rpc.orgs.archive(expired, org["id"], org["version"], "ปิดกลุ่ม")) \
        == "assertion_expired"
    good = token(admin, "archive")
    forged = good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB")
    assert refused(system, lambda rpc: rpc.orgs.archive(forged, org["id"], org["version"], "ปิดกลุ่ม")) \
        == "assertion_forged"
    make_key_pair(tmp_path, "gateway")  # a gateway key nobody told the services about
    stranger = Signer.from_file(tmp_path / "gateway.key")
    assert refused(system, lambda rpc: rpc.orgs.archive(token(admin, "archive", signer=stranger), org["id"], org["version"],
                                                         "ปิดกลุ่ม")) == "assertion_unknown_key"
    too_long = token(admin, "get", exp=int(time.time()) + 3600)
    assert refused(system, lambda rpc: rpc.orgs.get(too_long, org["id"])) == "assertion_too_long"
    for code in ("assertion_expired", "assertion_forged", "assertion_unknown_key"):
        (line, *_) = security_lines(system, code)
        assert expired not in line and good not in line and forged not in line


def test_an_assertion_is_good_for_its_own_request_and_service_only(system, org):
    admin = User("admin1", ADMIN)
    signed_for_a = token(admin, "amend", request="request-a")
    assert refused(system, lambda rpc: rpc.orgs.amend(signed_for_a, org["id"], {"members": 5}, org["version"],
                                                      key="request-b")) == "assertion_other_request"
    for_reporting = token(admin, "get", audience="reporting")
    assert refused(system, lambda rpc: rpc.orgs.get(for_reporting, org["id"])) == "assertion_other_service"
    assert security_lines(system, "assertion_other_request")
    read = token(admin, "get", request="request-c")  # a read's assertion, seen on the wire
    assert refused(system, lambda rpc: rpc.orgs.archive(read, org["id"], org["version"], "ปิดกลุ่ม")) \
        == "assertion_other_call"


def test_a_service_key_speaks_only_for_its_service(system, org):
    as_admin = token(User("admin1", ADMIN), "amend", signer=REPORTING)
    assert refused(system, lambda rpc: rpc.orgs.amend(as_admin, org["id"], {"members": 5}, org["version"])) \
        == "assertion_not_allowed"
    itself = token(User("service:reporting", SERVICE), "events_since", signer=REPORTING)
    with system.unsigned_rpc() as rpc:
        assert rpc.orgs.events_since(itself, 0, 1)  # what reporting may read
    writes = token(User("service:reporting", SERVICE), "amend", signer=REPORTING, request="r-2")
    assert refused(system, lambda rpc: rpc.orgs.amend(writes, org["id"], {"members": 5}, org["version"]),
                   Forbidden) == "forbidden"


def test_staff_of_one_center_cannot_touch_another_centers_organization_through_rpc(system, org):
    staff = token(STAFF_P30, "amend")  # Korat's staff; the organization is Chiang Mai's
    assert refused(system, lambda rpc: rpc.orgs.amend(staff, org["id"], {"members": 999}, org["version"]),
                   Forbidden) == "forbidden"
    assert refused(system, lambda rpc: rpc.orgs.archive(token(STAFF_P30, "archive", request="r-3"), org["id"], org["version"],
                                                        "ปิด"), Forbidden) == "forbidden"
    assert refused(system, lambda rpc: rpc.orgs.relocate(token(STAFF_P30, "relocate", request="r-4"), org["id"], KORAT,
                                                         org["version"]), Forbidden) == "forbidden"
    with system.rpc() as rpc:
        own = rpc.orgs.register({"name": "กลุ่มโคราช", "type": "savings_group", **KORAT}, key=str(uuid.uuid4()))
    merge = {"duplicate": org["id"], "duplicate_version": org["version"]}
    assert refused(system, lambda rpc: rpc.orgs.merge(token(STAFF_P30, "merge", request="r-5"), own["id"], merge,
                                                      own["version"]), Forbidden) == "forbidden"
    row = {"name": "กลุ่มนำเข้าของเชียงใหม่", "type": "savings_group", **CHIANG_MAI}
    error = refused(system, lambda rpc: rpc.orgs.import_rows(token(STAFF_P30, "import_rows", request="r-6"), [row], key="r-6"),
                    CommandRejected)
    assert error == "validation_failed"
    with system.unsigned_rpc() as rpc:
        checked = rpc.orgs.check_rows(token(STAFF_P30, "check_rows", request="r-7"), [row], 1, "stage-p30")
        assert [p["code"] for p in checked["rejected"]] == ["other_center"]
    with system.rpc() as rpc:
        assert rpc.orgs.get(org["id"]) == org  # untouched
    assert security_lines(system, "forbidden")  # the refused permission is on the security log too


def test_staff_may_still_edit_their_own_centers_organization(system, org):
    with system.unsigned_rpc() as rpc:
        own = rpc.orgs.register(token(STAFF_P50, "register", request="own-1"), {"name": "กลุ่มของเชียงใหม่เอง",
                                                                      "type": "savings_group", **CHIANG_MAI})
        amended = rpc.orgs.amend(token(STAFF_P50, "amend", request="own-2"), own["id"], {"members": 12}, own["version"],
                                 key="own-2")
        history = rpc.orgs.history(token(STAFF_P50, "history"), own["id"])
    assert amended["members"] == 12
    assert [e["actor"]["user"] for e in history] == ["staff50", "staff50"]
    assert [e["actor"]["request"] for e in history] == ["own-1", "own-2"]
    assert {e["actor"]["signed_by"] for e in history} == {GATEWAY.kid}


def test_an_auditor_cannot_write_and_the_public_reads_only_what_is_public(system, org):
    auditor = User("audit1", AUDITOR)
    assert refused(system, lambda rpc: rpc.orgs.register(token(auditor, "register"), {"name": "กลุ่มใหม่", "type": "savings_group",
                                                                   **CHIANG_MAI}), Forbidden) == "forbidden"
    assert refused(system, lambda rpc: rpc.orgs.get(None, org["id"])) == "assertion_missing"
    assert refused(system, lambda rpc: rpc.orgs.events_since(None, 0)) == "assertion_missing"
    with system.unsigned_rpc() as rpc:
        assert rpc.orgs.get(token(auditor, "get"), org["id"])["id"] == org["id"]  # auditors read everything
        assert rpc.reporting.indicators(None, "nation")["places"]  # aggregate figures are public
        with pytest.raises(AssertionRefused):
            rpc.reporting.verify(None)
    assert security_lines(system, "assertion_missing")
