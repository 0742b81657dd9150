"""What the organization pages' tests share: who is signed in, and a registration."""
from __future__ import annotations

from services.chassis import permissions
from services.orgs import handlers
from tests import keys

STAFF = permissions.User("somchai", permissions.CENTER_STAFF, "P50")
OTHER_STAFF = permissions.User("malee", permissions.CENTER_STAFF, "P10")
AUDITOR = permissions.User("audit", permissions.AUDITOR)
SOMSRI = permissions.User("somsri", permissions.CENTER_STAFF, "P50")  # another of P50's staff


def ACTOR():  # noqa: N802 (read as a constant: somsri, each call a request of her own)
    return keys.actor(SOMSRI)
CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}


def register(store, name="กลุ่มออมทรัพย์บ้านทดสอบ", **fields):
    payload = {"name": name, "type": "savings_group", **CHIANG_MAI, "founded_year": "2559", "members": 25, **fields}
    return handlers.register(store, ACTOR(), payload)
