"""services.chassis.permissions as a full matrix: every role x every action x the record's center (the
user's own center P50, another center P10, none). The expected answers are written out by hand
below, from docs/web.md's table of roles, not derived from the code under test."""
from __future__ import annotations

import pytest

from services.chassis import permissions as p

OWN, OTHER, NONE = "P50", "P10", None
CENTERS = (OWN, OTHER, NONE)

USERS = {
    "center_staff": p.User("staff50", p.CENTER_STAFF, "P50"),
    "center_staff_without_center": p.User("lost", p.CENTER_STAFF, None),
    "admin": p.User("root", p.ADMIN),
    "auditor": p.User("audit", p.AUDITOR),
    "public": p.ANONYMOUS,
    "service": p.User("service:reporting", p.SERVICE),
}

Y, N = True, False
# user -> action -> (record of P50, record of P10, no center given)
EXPECTED = {
    "center_staff": {
        "read_indicators": (Y, Y, Y),
        "read_orgs": (Y, Y, Y),
        "audit": (N, N, N),
        "read_events": (N, N, N),
        "rebuild": (N, N, N),
        "create_org": (Y, N, N),
        "edit_org": (Y, N, N),
        "import_orgs": (Y, N, N),
        "read_people": (Y, Y, Y),
        "create_person": (Y, N, N),
        "edit_person": (Y, N, N),
        "import_people": (Y, N, N),
        "handle_requests": (Y, N, N),
        "erase_person": (N, N, N),
        "read_public": (Y, Y, Y),
        "read_knowledge": (Y, Y, Y),
        "write_knowledge": (Y, N, N),
        "publish_knowledge": (N, N, N),
        "manage_users": (N, N, N),
        "set_targets": (N, N, N),
    },
    "center_staff_without_center": {
        "read_indicators": (Y, Y, Y),
        "read_orgs": (Y, Y, Y),
        "audit": (N, N, N),
        "read_events": (N, N, N),
        "rebuild": (N, N, N),
        "create_org": (N, N, N),
        "edit_org": (N, N, N),
        "import_orgs": (N, N, N),
        "read_people": (Y, Y, Y),
        "create_person": (N, N, N),
        "edit_person": (N, N, N),
        "import_people": (N, N, N),
        "handle_requests": (N, N, N),
        "erase_person": (N, N, N),
        "read_public": (Y, Y, Y),
        "read_knowledge": (Y, Y, Y),
        "write_knowledge": (N, N, N),
        "publish_knowledge": (N, N, N),
        "manage_users": (N, N, N),
        "set_targets": (N, N, N),
    },
    "admin": {
        "read_indicators": (Y, Y, Y),
        "read_orgs": (Y, Y, Y),
        "audit": (Y, Y, Y),
        "read_events": (Y, Y, Y),
        "rebuild": (Y, Y, Y),
        "create_org": (Y, Y, Y),
        "edit_org": (Y, Y, Y),
        "import_orgs": (Y, Y, Y),
        "read_people": (Y, Y, Y),
        "create_person": (Y, Y, Y),
        "edit_person": (Y, Y, Y),
        "import_people": (Y, Y, Y),
        "handle_requests": (Y, Y, Y),
        "erase_person": (Y, Y, Y),
        "read_public": (Y, Y, Y),
        "read_knowledge": (Y, Y, Y),
        "write_knowledge": (Y, Y, Y),
        "publish_knowledge": (Y, Y, Y),
        "manage_users": (Y, Y, Y),
        "set_targets": (Y, Y, Y),
    },
    "auditor": {
        "read_indicators": (Y, Y, Y),
        "read_orgs": (Y, Y, Y),
        "audit": (Y, Y, Y),
        "read_events": (Y, Y, Y),
        "rebuild": (N, N, N),
        "create_org": (N, N, N),
        "edit_org": (N, N, N),
        "import_orgs": (N, N, N),
        "read_people": (Y, Y, Y),
        "create_person": (N, N, N),
        "edit_person": (N, N, N),
        "import_people": (N, N, N),
        "handle_requests": (N, N, N),
        "erase_person": (N, N, N),
        "read_public": (Y, Y, Y),
        "read_knowledge": (Y, Y, Y),
        "write_knowledge": (N, N, N),
        "publish_knowledge": (N, N, N),
        "manage_users": (N, N, N),
        "set_targets": (N, N, N),
    },
    "public": {
        "read_indicators": (Y, Y, Y),
        "read_orgs": (N, N, N),
        "audit": (N, N, N),
        "read_events": (N, N, N),
        "rebuild": (N, N, N),
        "create_org": (N, N, N),
        "edit_org": (N, N, N),
        "import_orgs": (N, N, N),
        "read_people": (N, N, N),
        "create_person": (N, N, N),
        "edit_person": (N, N, N),
        "import_people": (N, N, N),
        "handle_requests": (N, N, N),
        "erase_person": (N, N, N),
        "read_public": (Y, Y, Y),
        "read_knowledge": (N, N, N),
        "write_knowledge": (N, N, N),
        "publish_knowledge": (N, N, N),
        "manage_users": (N, N, N),
        "set_targets": (N, N, N),
    },
    "service": {  # a service asking another as itself: it reads logs and figures, nothing else
        "read_indicators": (Y, Y, Y),
        "read_orgs": (N, N, N),
        "audit": (N, N, N),
        "read_events": (Y, Y, Y),
        "rebuild": (N, N, N),
        "create_org": (N, N, N),
        "edit_org": (N, N, N),
        "import_orgs": (N, N, N),
        "read_people": (N, N, N),
        "create_person": (N, N, N),
        "edit_person": (N, N, N),
        "import_people": (N, N, N),
        "handle_requests": (N, N, N),
        "erase_person": (N, N, N),
        "read_public": (Y, Y, Y),
        "read_knowledge": (N, N, N),
        "write_knowledge": (N, N, N),
        "publish_knowledge": (N, N, N),
        "manage_users": (N, N, N),
        "set_targets": (N, N, N),
    },
}

# user -> the actions allowed on at least some center's records
SOMEWHERE = {
    "center_staff": {"read_indicators", "read_orgs", "create_org", "edit_org", "import_orgs", "read_people",
                     "create_person", "edit_person", "import_people", "handle_requests", "read_public",
                     "read_knowledge", "write_knowledge"},
    "center_staff_without_center": {"read_indicators", "read_orgs", "read_people", "read_public", "read_knowledge"},
    "admin": set(p.ACTIONS),
    "auditor": {"read_indicators", "read_orgs", "audit", "read_events", "read_people", "read_public", "read_knowledge"},
    "public": {"read_indicators", "read_public"},
    "service": {"read_indicators", "read_events", "read_public"},
}

CASES = [(who, action, center, EXPECTED[who][action][i])
         for who in EXPECTED for action in EXPECTED[who] for i, center in enumerate(CENTERS)]


def test_the_table_covers_every_role_and_every_action():
    assert {u.role for u in USERS.values()} == {*p.ROLES, p.SERVICE}
    assert set(EXPECTED) == set(USERS) == set(SOMEWHERE)
    for who, row in EXPECTED.items():
        assert set(row) == set(p.ACTIONS), who
    assert len(CASES) == len(USERS) * len(p.ACTIONS) * len(CENTERS)


@pytest.mark.parametrize("who,action,center,expected", CASES, ids=[f"{w}-{a}-{c}" for w, a, c, _ in CASES])
def test_allowed(who, action, center, expected):
    assert p.allowed(USERS[who], action, center) is expected


@pytest.mark.parametrize("who", list(USERS))
@pytest.mark.parametrize("action", p.ACTIONS)
def test_allowed_somewhere(who, action):
    assert p.allowed_somewhere(USERS[who], action) is (action in SOMEWHERE[who])


@pytest.mark.parametrize("who", list(USERS))
def test_an_unknown_action_is_allowed_to_nobody(who):
    for center in CENTERS:
        assert p.allowed(USERS[who], "drop_everything", center) is False
    assert p.allowed_somewhere(USERS[who], "drop_everything") is False


def test_only_anonymous_is_not_signed_in():
    assert [who for who, user in USERS.items() if not user.signed_in] == ["public"]


@pytest.mark.parametrize("who,action,center,expected", CASES, ids=[f"{w}-{a}-{c}" for w, a, c, _ in CASES])
def test_require_raises_exactly_when_not_allowed(who, action, center, expected):
    user = USERS[who]
    if expected:
        assert p.require(user, action, center) is None
        return
    with pytest.raises(p.Forbidden) as refused:
        p.require(user, action, center)
    assert refused.value.action == action
    if who == "public":
        assert (refused.value.code, refused.value.status) == ("sign_in_required", 401)
    else:
        assert (refused.value.code, refused.value.status) == ("forbidden", 403)


@pytest.mark.parametrize("who", list(USERS))
@pytest.mark.parametrize("action", p.ACTIONS)
def test_require_somewhere(who, action):
    user = USERS[who]
    if action in SOMEWHERE[who]:
        assert p.require_somewhere(user, action) is None
        return
    with pytest.raises(p.Forbidden) as refused:
        p.require_somewhere(user, action)
    expected = ("sign_in_required", 401) if who == "public" else ("forbidden", 403)
    assert (refused.value.code, refused.value.status) == expected


def test_center_staff_of_another_center_is_refused_what_p50_staff_may_do():
    other = p.User("staff10", p.CENTER_STAFF, "P10")
    assert p.allowed(other, p.EDIT_ORG, "P10") and not p.allowed(other, p.EDIT_ORG, "P50")
    assert not p.allowed(other, p.CREATE_ORG, None)
