"""Accounts and API tokens (gateway/users.py) on SQLite and PostgreSQL, and the `sanphalang users`
commands run as a person runs them, against a throwaway gateway database."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import select, update

from gateway import users as accounts
from services.chassis.permissions import User
from gateway.users import UserStore
from services.chassis.database import make_engine
from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from tests.support import ROOT

PASSWORD = "correct horse battery staple"
THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture
def store(database_url):
    engine = make_engine(database_url)
    users = UserStore(engine)
    users.create_schema()
    yield users
    engine.dispose()


def rejected(call) -> list[tuple[str, str]]:
    with pytest.raises(CommandRejected) as error:
        call()
    return [(p["field"], p["code"]) for p in error.value.problems]


def rows(store, table) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table)).mappings()]


# -- accounts ----------------------------------------------------------------------------------

def test_add_list_and_get(store):
    assert store.count() == 0
    assert store.add("Somchai", "center_staff", PASSWORD, "P50") == User("somchai", "center_staff", "P50")
    assert store.add("root", "admin", PASSWORD) == User("root", "admin", None)
    assert store.add("audit1", "auditor", PASSWORD) == User("audit1", "auditor", None)
    listed = store.list()
    assert [(r["name"], r["role"], r["center"], r["active"]) for r in listed] == [
        ("audit1", "auditor", None, True), ("root", "admin", None, True), ("somchai", "center_staff", "P50", True)]
    assert all(r["created_at"] for r in listed) and "password_hash" not in listed[0]
    assert store.count() == 3 and store.get("nobody") is None


def test_the_password_is_kept_only_as_an_argon2id_hash(store):
    store.add("somchai", "center_staff", PASSWORD, "P50")
    store.add("somsri", "center_staff", PASSWORD, "P50")
    stored = rows(store, accounts.users)
    hashes = [r["password_hash"] for r in stored]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1], "each hash has its own salt"
    for row in stored:
        assert all(PASSWORD not in str(value) for value in row.values())


def test_authenticate(store):
    store.add("somchai", "center_staff", PASSWORD, "P50")
    assert store.authenticate("somchai", PASSWORD) == User("somchai", "center_staff", "P50")
    assert store.authenticate("somchai", PASSWORD + "!") is None
    assert store.authenticate("somchai", "") is None
    assert store.authenticate("nobody", PASSWORD) is None
    assert store.authenticate("", "") is None
    store.disable("somchai")
    assert store.authenticate("somchai", PASSWORD) is None
    assert store.get("somchai") is None
    assert [r["active"] for r in store.list()] == [False]


def test_an_unknown_name_costs_the_same_argon2_check_as_a_wrong_password(store, monkeypatch):
    store.add("somchai", "admin", PASSWORD)
    checks = []
    real = accounts._hasher

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            checks.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    assert store.authenticate("nobody", PASSWORD) is None
    assert store.authenticate("somchai", "wrong password!") is None
    assert len(checks) == 2 and all(h.startswith("$argon2id$") for h in checks)


def test_names_are_case_insensitive(store):
    store.add("SomChai", "admin", PASSWORD)
    assert store.get("SOMCHAI") == User("somchai", "admin", None)
    assert store.authenticate("SOMchai", PASSWORD) == User("somchai", "admin", None)
    assert rejected(lambda: store.add("somchai", "auditor", PASSWORD)) == [("name", "user_exists")]
    assert rejected(lambda: store.add("SOMCHAI", "auditor", PASSWORD)) == [("name", "user_exists")]
    store.disable("SOMCHAI")
    assert store.authenticate("somchai", PASSWORD) is None
    assert store.count() == 1


def test_center_staff_need_a_real_center(store):
    assert rejected(lambda: store.add("a", "center_staff", PASSWORD)) == [("center", "center_required")]
    assert rejected(lambda: store.add("a", "center_staff", PASSWORD, "")) == [("center", "center_required")]
    assert rejected(lambda: store.add("a", "center_staff", PASSWORD, "P99")) == [("center", "unknown_center")]
    assert rejected(lambda: store.add("a", "admin", PASSWORD, "P50")) == [("center", "center_only_for_staff")]
    assert store.add("bkk", "center_staff", PASSWORD, "BKK1").center == "BKK1"
    assert store.count() == 1


def test_bad_roles_weak_passwords_and_duplicates_are_refused(store):
    assert rejected(lambda: store.add("a", "public", PASSWORD)) == [("role", "not_one_of")]
    assert rejected(lambda: store.add("a", "admin", "short")) == [("password", "weak_password")]
    assert rejected(lambda: store.add("a", "admin", "x" * 9)) == [("password", "weak_password")]
    assert store.add("a", "admin", "x" * 10).name == "a"
    assert rejected(lambda: store.add("a", "admin", PASSWORD)) == [("name", "user_exists")]
    assert rejected(lambda: store.add("   ", "admin", PASSWORD)) == [("name", "blank")]
    assert store.count() == 1


def test_reset_sets_a_new_password_and_enables_again(store):
    store.add("somchai", "admin", PASSWORD)
    store.disable("somchai")
    assert rejected(lambda: store.reset_password("somchai", "short")) == [("password", "weak_password")]
    store.reset_password("SOMCHAI", "a brand new password")
    assert store.authenticate("somchai", PASSWORD) is None
    assert store.authenticate("somchai", "a brand new password") == User("somchai", "admin", None)
    assert rejected(lambda: store.reset_password("nobody", "a brand new password")) == [("name", "unknown_user")]
    assert rejected(lambda: store.disable("nobody")) == [("name", "unknown_user")]


def test_change_password_needs_the_old_one(store):
    store.add("somchai", "admin", PASSWORD)
    assert rejected(lambda: store.change_password("somchai", "wrong password", "another password")) == [
        ("old_password", "bad_credentials")]
    assert rejected(lambda: store.change_password("somchai", PASSWORD, "short")) == [("new_password", "weak_password")]
    store.change_password("somchai", PASSWORD, "another password")
    assert store.authenticate("somchai", "another password") is not None
    assert store.authenticate("somchai", PASSWORD) is None


# -- API tokens ---------------------------------------------------------------------------------

def test_only_the_sha256_of_a_token_is_stored(store):
    store.add("somchai", "center_staff", PASSWORD, "P50")
    token = store.issue_token("SomChai", label="nightly script")
    assert len(token) >= 40
    stored = rows(store, accounts.tokens)
    assert [(r["digest"], r["user_name"], r["label"], r["revoked"]) for r in stored] == [
        (hashlib.sha256(token.encode()).hexdigest(), "somchai", "nightly script", False)]
    for row in stored + rows(store, accounts.users):
        assert all(token not in str(value) for value in row.values())
    assert store.user_for_token(token) == User("somchai", "center_staff", "P50")
    assert store.issue_token("somchai") != token, "every token is new"


def test_unknown_revoked_and_disabled_users_tokens_give_no_user(store):
    store.add("somchai", "admin", PASSWORD)
    store.add("somsri", "auditor", PASSWORD)
    kept, revoked, lost = store.issue_token("somchai"), store.issue_token("somchai"), store.issue_token("somsri")
    assert store.user_for_token("not a token") is None
    assert store.user_for_token("") is None
    assert store.revoke_token(revoked) is True and store.revoke_token("not a token") is False
    assert store.user_for_token(revoked) is None
    assert store.user_for_token(kept).name == "somchai"

    store.disable("somsri")
    assert store.user_for_token(lost) is None
    store.reset_password("somsri", "a brand new password")  # enabled again: old tokens stay revoked
    assert store.user_for_token(lost) is None
    assert rejected(lambda: store.issue_token("nobody")) == [("name", "unknown_user")]


def test_an_inactive_account_s_token_gives_no_user_even_if_not_revoked(store):
    store.add("somchai", "admin", PASSWORD)
    token = store.issue_token("somchai")
    with store.engine.begin() as conn:  # e.g. an account switched off by hand in the database
        conn.execute(update(accounts.users).values(active=False))
    assert store.user_for_token(token) is None


def test_a_disabled_user_cannot_be_given_a_token(store):
    store.add("somchai", "admin", PASSWORD)
    store.disable("somchai")
    assert rejected(lambda: store.issue_token("somchai")) == [("name", "unknown_user")]


# -- what a gateway keeps for a few seconds (SANPHALANG_USER_CACHE_SECONDS) ---------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_disabled_elsewhere_is_refused_once_the_kept_answer_is_older_than_its_bound(store):
    clock = Clock()
    gateway = UserStore(store.engine, remember=5, clock=clock)  # the CLI is `store`, another process
    store.add("somchai", "admin", PASSWORD)
    token = store.issue_token("somchai")
    assert gateway.get("SomChai") == gateway.user_for_token(token) == User("somchai", "admin", None)

    store.disable("somchai")  # its tokens revoked with it
    clock.now += 4.9  # within the bound the gateway still knows them
    assert gateway.get("somchai") is not None and gateway.user_for_token(token) is not None
    clock.now += 0.1  # 5 s after they were looked up: asked again, refused
    assert gateway.get("somchai") is None and gateway.user_for_token(token) is None
    store.reset_password("somchai", "a brand new password")  # a refusal is never kept
    assert gateway.get("somchai") is not None and gateway.user_for_token(token) is None


def test_through_the_same_store_a_disable_or_a_revocation_counts_at_once(store):
    gateway = UserStore(store.engine, remember=60, clock=Clock())
    gateway.add("somchai", "admin", PASSWORD)
    gateway.add("somsri", "auditor", PASSWORD)
    kept, revoked, lost = gateway.issue_token("somchai"), gateway.issue_token("somchai"), gateway.issue_token("somsri")
    assert all(gateway.user_for_token(token) for token in (kept, revoked, lost))
    assert gateway.revoke_token(revoked) is True
    gateway.disable("somsri")
    assert gateway.user_for_token(revoked) is None and gateway.user_for_token(lost) is None
    assert gateway.get("somsri") is None and gateway.user_for_token(kept).name == "somchai"


def test_with_no_seconds_to_remember_every_lookup_asks_the_database(store):
    gateway = UserStore(store.engine, clock=Clock())  # remember=0, the default
    store.add("somchai", "admin", PASSWORD)
    token = store.issue_token("somchai")
    assert gateway.user_for_token(token) is not None
    store.disable("somchai")
    assert gateway.get("somchai") is None and gateway.user_for_token(token) is None


# -- the CLI ------------------------------------------------------------------------------------

@pytest.fixture
def cli(database_url, tmp_path):
    env = {**os.environ, "SANPHALANG_VAR": str(tmp_path / "var"), "GATEWAY_DATABASE_URL": database_url}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sanphalang", "users", *args], env=env, cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=60)

    run.database_url = database_url
    return run


def catalogue(code: str, **params) -> str:
    text = message(code, **params)
    assert THAI.search(text["th"]) and text["en"]
    return f"{text['th']} / {text['en']}"


def test_cli_add_list_token_disable(cli):
    added = cli("add", "Somchai", "--role", "center_staff", "--center", "P50", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "somchai" in added.stdout and PASSWORD not in added.stdout + added.stderr
    assert cli("add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0

    listed = cli("list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["root\tadmin\t-", "somchai\tcenter_staff\tP50"]

    made = cli("token", "somchai", "--label", "script")
    assert made.returncode == 0, made.stderr
    token = made.stdout.split()[-1]
    engine = make_engine(cli.database_url)
    store = UserStore(engine)
    try:
        assert store.user_for_token(token) == User("somchai", "center_staff", "P50")
        assert store.authenticate("SOMCHAI", PASSWORD) == User("somchai", "center_staff", "P50")
        assert rows(store, accounts.users)[0]["password_hash"].startswith("$argon2id$")
        for row in rows(store, accounts.tokens) + rows(store, accounts.users):
            assert all(token not in str(v) and PASSWORD not in str(v) for v in row.values())

        disabled = cli("disable", "SomChai")
        assert disabled.returncode == 0, disabled.stderr
        assert store.user_for_token(token) is None
        assert store.authenticate("somchai", PASSWORD) is None
        assert cli("list").stdout.splitlines()[1] == "somchai\tcenter_staff\tP50  [disabled]"

        reset = cli("reset", "somchai", "--password-stdin", stdin="a brand new password\n")
        assert reset.returncode == 0, reset.stderr
        assert store.authenticate("somchai", "a brand new password") is not None
        assert cli("list").stdout.splitlines()[1] == "somchai\tcenter_staff\tP50"
        assert store.user_for_token(token) is None
    finally:
        engine.dispose()


@pytest.mark.parametrize("args,stdin,field,code,params", [
    (("add", "a", "--role", "center_staff", "--password-stdin"), PASSWORD, "center", "center_required", {}),
    (("add", "a", "--role", "center_staff", "--center", "P99", "--password-stdin"), PASSWORD, "center",
     "unknown_center", {}),
    (("add", "a", "--role", "admin", "--password-stdin"), "short", "password", "weak_password", {"min": 10}),
    (("disable", "nobody"), None, "name", "unknown_user", {}),
    (("token", "nobody"), None, "name", "unknown_user", {}),
    (("reset", "nobody", "--password-stdin"), PASSWORD, "name", "unknown_user", {}),
], ids=["center_required", "unknown_center", "weak_password", "disable_unknown", "token_unknown", "reset_unknown"])
def test_cli_bad_input_exits_non_zero_with_thai_and_english(cli, args, stdin, field, code, params):
    done = cli(*args, stdin=None if stdin is None else stdin + "\n")
    assert done.returncode != 0
    assert f"{field}: {catalogue(code, **params)}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert cli("list").stdout == ""


def test_cli_a_duplicate_name_is_user_exists(cli):
    assert cli("add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    again = cli("add", "ROOT", "--role", "auditor", "--password-stdin", stdin=PASSWORD + "\n")
    assert again.returncode != 0
    assert f"name: {catalogue('user_exists')}" in again.stderr
    assert cli("list").stdout.splitlines() == ["root\tadmin\t-"]
