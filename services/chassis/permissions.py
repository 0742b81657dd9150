"""Who may do what: the one set of rules every permission decision is made by. The gateway
uses it for its pages and friendly errors; every service enforces it as the authority, on the
actor its verified assertion names (DESIGN §2a). Plain Python, tested as a matrix (role x
action x own/other center)."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import Forbidden

CENTER_STAFF, ADMIN, AUDITOR, PUBLIC = "center_staff", "admin", "auditor", "public"
ROLES = (CENTER_STAFF, ADMIN, AUDITOR, PUBLIC)  # the roles of people (accounts)
SERVICE = "service"  # a service asking another, signed with its own key (reporting's catch-up)

# Reading
READ_INDICATORS = "read_indicators"  # aggregate figures: everyone
READ_ORGS = "read_orgs"  # the register, its exports and each record's history
AUDIT = "audit"  # any record as of a date, chain verification, search across all events
READ_EVENTS = "read_events"  # a source's log page by page, its head and its chain (catch-up, verify)
# Writing records of a center (the record's own center, or for a new one, the center its location gives)
CREATE_ORG = "create_org"
EDIT_ORG = "edit_org"  # amend, relocate, assess, verify, archive, restore, merge, unmerge
IMPORT_ORGS = "import_orgs"
# The people register (personal data: who sees what in full is `people` masking's rule)
READ_PEOPLE = "read_people"  # list and see people, masked where the reader may not see them in full
CREATE_PERSON = "create_person"
EDIT_PERSON = "edit_person"  # correct, assign and end roles (for the role's center), consent, trainings, merge
IMPORT_PEOPLE = "import_people"
HANDLE_REQUESTS = "handle_requests"  # data-subject requests of the center's people: record, handle, restrict
ERASE_PERSON = "erase_person"  # erasure (PDPA s.33) is final: central admins only
# The knowledge base and the campaign issues
READ_PUBLIC = "read_public"  # published knowledge, running and concluded campaigns, names people let be published
READ_KNOWLEDGE = "read_knowledge"  # every item and campaign, drafts and archived ones too
WRITE_KNOWLEDGE = "write_knowledge"  # draft, revise, submit and attach to the center's items; its campaigns
PUBLISH_KNOWLEDGE = "publish_knowledge"  # review: publish or return, archive and restore (central admins)
# Running the network
REBUILD = "rebuild"  # replay reporting from the logs
MANAGE_USERS = "manage_users"
SET_TARGETS = "set_targets"
ACTIONS = (READ_INDICATORS, READ_ORGS, AUDIT, READ_EVENTS, CREATE_ORG, EDIT_ORG, IMPORT_ORGS, READ_PEOPLE,
           CREATE_PERSON, EDIT_PERSON, IMPORT_PEOPLE, HANDLE_REQUESTS, ERASE_PERSON, READ_PUBLIC, READ_KNOWLEDGE,
           WRITE_KNOWLEDGE, PUBLISH_KNOWLEDGE, REBUILD, MANAGE_USERS, SET_TARGETS)
CENTER_WRITES = frozenset({CREATE_ORG, EDIT_ORG, IMPORT_ORGS, CREATE_PERSON, EDIT_PERSON, IMPORT_PEOPLE,
                           HANDLE_REQUESTS, WRITE_KNOWLEDGE})

_READS = {
    READ_INDICATORS: {CENTER_STAFF, ADMIN, AUDITOR, PUBLIC, SERVICE},
    READ_ORGS: {CENTER_STAFF, ADMIN, AUDITOR},
    READ_PEOPLE: {CENTER_STAFF, ADMIN, AUDITOR},
    READ_PUBLIC: {CENTER_STAFF, ADMIN, AUDITOR, PUBLIC, SERVICE},
    READ_KNOWLEDGE: {CENTER_STAFF, ADMIN, AUDITOR},
    AUDIT: {ADMIN, AUDITOR},
    READ_EVENTS: {ADMIN, AUDITOR, SERVICE},
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


@dataclass(frozen=True)
class Actor:
    """Who is asking, as a service verified it: the user its assertion names, the request the
    assertion was signed for, and the key that signed it (None for a public call)."""

    user: User
    request: str | None = None
    signed_by: str | None = None
    trace: str | None = None  # the caller's own request id, for the logs

    @property
    def key(self) -> str | None:
        """The command's idempotency key: the request, within the user's own keys (one user's
        key can neither answer nor block another's command; the name's length first, so no
        name and request can spell another pair's key)."""
        return f"{len(self.user.name)}:{self.user.name}|{self.request}" if self.request else None

    def record(self) -> dict:
        """The `actor` of the events this actor's command appends."""
        user = self.user
        return {"user": user.name, "role": user.role, "center": user.center, "request": self.request or "",
                "signed_by": self.signed_by}

    def require(self, action: str, center: str | None = None) -> None:
        require(self.user, action, center)

    def require_somewhere(self, action: str) -> None:
        require_somewhere(self.user, action)

    def may(self, action: str, center: str | None = None) -> bool:
        """Whether the actor may do `action` to records of `center`; with no center, whether
        it may everywhere (what a center's staff may only do at home is not allowed here)."""
        return allowed(self.user, action, center)


PUBLIC_ACTOR = Actor(ANONYMOUS)
