"""Who sees a person's values in full, decided in the service (DESIGN §2b): central admins,
and center staff for their own center's people; auditors when they state a reason (which is
recorded); everyone else who may read people sees them masked. The national ID is never shown
whole, only its last four digits."""
from __future__ import annotations

from services.chassis import permissions as can
from services.chassis.permissions import Actor
from services.chassis.personal import last_digits, masked_email, masked_name

FULL, MASKED = "full", "masked"
_HIDDEN = ("address", "birth_year", "notes")


def view(actor: Actor, center: str | None, reason: str | None = None) -> str:
    """How `actor` sees a person of `center` (Forbidden for those who may not read people)."""
    actor.require(can.READ_PEOPLE)
    user = actor.user
    if user.role == can.ADMIN or (user.role == can.CENTER_STAFF and user.center == center):
        return FULL
    if user.role == can.AUDITOR and reason:
        return FULL
    return MASKED


def names_shown(actor: Actor, reason: str | None = None) -> bool:
    """Other centers' staff see names (the network works with them); auditors without a reason do not."""
    return actor.user.role != can.AUDITOR or bool(reason)


def values(plain: dict, seen: str, names: bool = True) -> dict:
    """A person's personal values as a caller sees them."""
    out = dict(plain)
    out["national_id"] = last_digits(plain.get("national_id"))
    if seen == FULL:
        return out
    out["phone"] = last_digits(plain.get("phone"))
    out["email"] = masked_email(plain.get("email"))
    out["line_id"] = masked_name(plain.get("line_id"))
    for name in _HIDDEN:
        out[name] = None
    if not names:
        for name in ("given_name", "family_name", "name_en"):
            out[name] = masked_name(plain.get(name))
    return out
