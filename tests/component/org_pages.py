"""What the organization pages' tests share: who is signed in, and a registration."""
from __future__ import annotations

from gateway import permissions
from services.orgs import handlers

STAFF = permissions.User("somchai", permissions.CENTER_STAFF, "P50")
OTHER_STAFF = permissions.User("malee", permissions.CENTER_STAFF, "P10")
AUDITOR = permissions.User("audit", permissions.AUDITOR)
ACTOR = {"user": "somsri", "role": "center_staff", "center": "P50", "request": "r"}
CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}


def register(store, name="กลุ่มออมทรัพย์บ้านทดสอบ", **fields):
    payload = {"name": name, "type": "savings_group", **CHIANG_MAI, "founded_year": "2559", "members": 25, **fields}
    return handlers.register(store, payload, ACTOR)
