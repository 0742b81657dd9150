"""Actor assertions with real key files (services/chassis/assertions.py): what a service
accepts and refuses, the rotation of a key with two trusted at once, the key files, and the
signed proxy that puts an assertion in front of every call."""
from __future__ import annotations

import logging
import os
import time

import jwt
import pytest

from services.chassis.assertions import (
    ALGORITHM, Asker, Keyring, Signed, Signer, ensure_keys, key_id, make_key_pair,
)
from services.chassis.errors import AssertionRefused, Forbidden
from services.chassis.permissions import (
    ADMIN, ANONYMOUS, AUDITOR, CENTER_STAFF, EDIT_ORG, READ_INDICATORS, Actor, User,
)

STAFF = User("somsri", CENTER_STAFF, "P50")


@pytest.fixture
def keys(tmp_path):
    ensure_keys(tmp_path, ("gateway", "cli", "reporting"))
    return tmp_path


def signer(keys, name="gateway") -> Signer:
    return Signer.from_file(keys / f"{name}.key")


def code(keyring: Keyring, token, key=None, call=None) -> str:
    with pytest.raises(AssertionRefused) as refused:
        keyring.verify(token, key, call)
    return refused.value.code


def test_a_verified_assertion_is_the_actor_it_names_with_its_key_and_request(keys):
    gateway = signer(keys)
    actor = Keyring(keys, "orgs").verify(gateway.sign(STAFF, "orgs", "amend", "req-7"), key="req-7")
    assert (actor.user, actor.request, actor.signed_by) == (STAFF, "req-7", gateway.kid)
    assert actor.record() == {"user": "somsri", "role": CENTER_STAFF, "center": "P50", "request": "req-7",
                              "signed_by": gateway.kid}
    assert actor.key == "6:somsri|req-7"  # one user's keys never meet another's
    assert Actor(User("a|b"), "c").key != Actor(User("a"), "b|c").key
    assert gateway.kid == key_id("gateway", gateway.private.public_key()) and gateway.kid.startswith("gateway-")


def test_each_way_an_assertion_can_be_wrong_has_its_code(keys, tmp_path_factory):
    gateway, keyring = signer(keys), Keyring(keys, "orgs")
    now = int(time.time())

    def crafted(**claims):
        body = {"sub": "a", "role": ADMIN, "center": None, "req": "r", "aud": "orgs", "call": "get", "iat": now,
                "exp": now + 60}
        return jwt.encode({**body, **claims}, gateway.private, algorithm=ALGORITHM, headers={"kid": gateway.kid})

    good = gateway.sign(User("a", ADMIN), "orgs", "get", "r")
    assert code(keyring, None) == "assertion_missing"
    assert code(keyring, {"user": "nobody", "role": "admin"}) == "assertion_malformed"
    assert code(keyring, "not.a.token") == "assertion_malformed"
    assert code(keyring, crafted(iat=now - 600, exp=now - 300)) == "assertion_expired"
    assert code(keyring, crafted(exp=now + 3600)) == "assertion_too_long"
    assert code(keyring, crafted(role=42)) == "assertion_malformed"
    assert code(keyring, crafted(role="superuser")) == "assertion_not_allowed"
    assert code(keyring, good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")) == "assertion_forged"
    assert code(keyring, gateway.sign(User("a", ADMIN), "people", "get")) == "assertion_other_service"
    assert code(keyring, good, key="another-request") == "assertion_other_request"
    assert keyring.verify(good, call="get").request == "r"
    assert code(keyring, good, call="archive") == "assertion_other_call"  # a read's assertion writes nothing
    assert code(keyring, crafted(req="x" * 129)) == "assertion_malformed"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    make_key_pair(elsewhere, "gateway")
    assert code(keyring, signer(elsewhere).sign(User("a", ADMIN), "orgs", "get")) == "assertion_unknown_key"
    none_alg = jwt.encode({"sub": "a", "role": ADMIN, "req": "r", "aud": "orgs", "iat": now, "exp": now + 60},
                          None, algorithm="none", headers={"kid": gateway.kid})
    assert code(keyring, none_alg) in ("assertion_malformed", "assertion_forged")


def test_a_service_key_speaks_only_for_that_service(keys):
    reporting, keyring = signer(keys, "reporting"), Keyring(keys, "orgs")
    assert keyring.verify(reporting.sign(reporting.as_service(), "orgs", "get")).user.name == "service:reporting"
    assert code(keyring, reporting.sign(User("root", ADMIN), "orgs", "get")) == "assertion_not_allowed"
    assert code(keyring, reporting.sign(User("service:orgs", "service"), "orgs", "get")) == "assertion_not_allowed"


def test_a_key_is_rotated_with_both_trusted_until_the_old_is_removed(keys, tmp_path_factory):
    keyring, old = Keyring(keys, "orgs"), signer(keys)
    fresh = tmp_path_factory.mktemp("new")
    make_key_pair(fresh, "gateway")
    new = signer(fresh)
    (keys / "gateway.2027-01.pub").write_bytes((fresh / "gateway.pub").read_bytes())  # step 2: trust it too
    os.utime(keys)  # the directory changed: the next unknown key id re-reads it at once
    for token in (old.sign(STAFF, "orgs", "get"), new.sign(STAFF, "orgs", "get")):
        assert keyring.verify(token).user == STAFF  # two keys valid at once, no restart
    (keys / "gateway.pub").unlink()  # step 4: the old key retired, and refused from the next call on
    assert keyring.verify(new.sign(STAFF, "orgs", "get")).signed_by == new.kid
    assert code(keyring, old.sign(STAFF, "orgs", "get")) == "assertion_unknown_key"


def test_key_files_private_for_the_owner_and_made_once(keys):
    assert (keys / "gateway.key").stat().st_mode & 0o777 == 0o600
    before = (keys / "gateway.key").read_bytes()
    ensure_keys(keys, ("gateway",))
    assert (keys / "gateway.key").read_bytes() == before
    assert not list(keys.glob("*.part"))


def test_the_asker_lets_the_public_reach_only_what_is_public_and_logs_refusals(keys, caplog):
    asker = Asker(Keyring(keys, "orgs"), "amend")
    assert asker(None, READ_INDICATORS).user == ANONYMOUS
    auditor = signer(keys).sign(User("audit", AUDITOR), "orgs", "amend")
    caplog.set_level(logging.WARNING, logger="sanphalang.security")
    with pytest.raises(Forbidden):
        asker(auditor, EDIT_ORG)  # auditors never write (the worker's line on the security log says so)
    with pytest.raises(AssertionRefused):
        asker(None, EDIT_ORG)
    with pytest.raises(AssertionRefused):
        asker(signer(keys).sign(User("audit", AUDITOR), "orgs", "get"), None)  # signed for another call
    lines = [(r.levelname, r.code, r.method) for r in caplog.records if r.name == "sanphalang.security"]
    assert lines == [("WARNING", "assertion_missing", "amend"), ("WARNING", "assertion_other_call", "amend")]
    assert all(auditor not in r.getMessage() and auditor not in str(r.__dict__) for r in caplog.records)


class _Orgs:
    """Stands in for a nameko proxy: records what each call received."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, method):
        return lambda *args, **kwargs: self.calls.append((method, args, kwargs))


def test_the_signed_proxy_signs_each_call_for_its_key_or_the_request(keys):
    orgs, keyring = _Orgs(), Keyring(keys, "orgs")
    cluster = Signed(type("Cluster", (), {"orgs": orgs})(), signer(keys), STAFF, request="http-1")
    cluster.orgs.amend("org-1", {"members": 3}, 2, key="k-9")
    cluster.orgs.get("org-1")
    (_, amend_args, amend_kwargs), (_, get_args, _) = orgs.calls
    assert amend_args[1:] == ("org-1", {"members": 3}, 2) and amend_kwargs == {"key": "k-9"}
    assert keyring.verify(amend_args[0], key="k-9", call="amend").request == "k-9"
    read = keyring.verify(get_args[0], call="get")
    assert read.request.startswith("http-1:") and read.trace == "http-1"  # a request of its own, traced
    Signed(type("Cluster", (), {"orgs": orgs})(), signer(keys), ANONYMOUS).orgs.get("org-1")
    assert orgs.calls[-1][1] == (None, "org-1")  # the public's calls carry no assertion
