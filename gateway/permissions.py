"""Who may do what: the one place every permission decision of the gateway is made, for the
web pages and the API alike. Plain Python, tested as a matrix (role x action x own/other
center)."""
from __future__ import annotations

from dataclasses import dataclass

CENTER_STAFF, ADMIN, AUDITOR, PUBLIC = "center_staff", "admin", "auditor", "public"
ROLES = (CENTER_STAFF, ADMIN, AUDITOR, PUBLIC)

# Reading
READ_INDICATORS = "read_indicators"  # aggregate figures: everyone
READ_ORGS = "read_orgs"  # the register, its exports and each record's history
AUDIT = "audit"  # any record as of a date, chain verification, search across all events
# Writing records of a center (the record's own center, or for a new one, the center its location gives)
CREATE_ORG = "create_org"
EDIT_ORG = "edit_org"  # amend, relocate, assess, verify, archive, restore, merge, unmerge
IMPORT_ORGS = "import_orgs"
# Running the network
MANAGE_USERS = "manage_users"
SET_TARGETS = "set_targets"
ACTIONS = (READ_INDICATORS, READ_ORGS, AUDIT, CREATE_ORG, EDIT_ORG, IMPORT_ORGS, MANAGE_USERS, SET_TARGETS)
CENTER_WRITES = frozenset({CREATE_ORG, EDIT_ORG, IMPORT_ORGS})

_READS = {
    READ_INDICATORS: {CENTER_STAFF, ADMIN, AUDITOR, PUBLIC},
    READ_ORGS: {CENTER_STAFF, ADMIN, AUDITOR},
    AUDIT: {ADMIN, AUDITOR},
}


@dataclass(frozen=True)
class User:
    name: str
    role: str = PUBLIC
    center: str | None = None  # a center code for center staff (P50, BKK1...)

    @property
    def signed_in(self) -> bool:
        return self.role != PUBLIC


ANONYMOUS = User(name="anonymous", role=PUBLIC)


class Forbidden(Exception):
    """`user` may not do `action`: 403 `forbidden` when signed in, else 401 `sign_in_required`."""

    def __init__(self, user: User, action: str):
        super().__init__(action)
        self.action = action
        self.code, self.status = ("forbidden", 403) if user.signed_in else ("sign_in_required", 401)


def allowed(user: User, action: str, center: str | None = None) -> bool:
    """Whether `user` may do `action`; for a write to a center's records, `center` is the
    record's center (None for a center-staff write means: not known to be theirs, so no)."""
    if action in _READS:
        return user.role in _READS[action]
    if user.role == ADMIN:
        return action in ACTIONS
    if user.role == CENTER_STAFF and action in CENTER_WRITES:
        return user.center is not None and center == user.center
    return False


def allowed_somewhere(user: User, action: str) -> bool:
    """Whether `user` may do `action` on some center's records (their own, for center staff)."""
    return allowed(user, action) or (user.center is not None and allowed(user, action, user.center))


def require(user: User, action: str, center: str | None = None) -> None:
    if not allowed(user, action, center):
        raise Forbidden(user, action)


def require_somewhere(user: User, action: str) -> None:
    """Refuse a role that may do `action` nowhere before anything is read on its behalf."""
    if not allowed_somewhere(user, action):
        raise Forbidden(user, action)
