"""Small helpers for talking to a running gateway in tests."""
from __future__ import annotations

import time

import requests

from tests.support import ADMIN_TOKENS

CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101"}


def org(name: str = "กลุ่มออมทรัพย์บ้านทดสอบ", **overrides) -> dict:
    return {"name": name, "type": "savings_group", **CHIANG_MAI, "village_no": "๓", "founded_year": "๒๕๕๙",
            "members": 25, **overrides}


class _AsAdmin:
    """requests' get/post/... with the API token of the admin of the system the URL points at."""

    def __getattr__(self, method: str):
        def call(url: str, **kwargs) -> requests.Response:
            token = next(t for base, t in ADMIN_TOKENS.items() if url.startswith(base))
            kwargs["headers"] = {"Authorization": f"Bearer {token}", **(kwargs.get("headers") or {})}
            return getattr(requests, method)(url, **kwargs)

        return call


admin = _AsAdmin()


def register(url: str, payload: dict | None = None, **headers) -> requests.Response:
    return admin.post(f"{url}/api/v1/orgs", json=payload or org(), headers=headers, timeout=30)


def nation_value(url: str, key: str = "community_orgs", **params) -> int:
    report = requests.get(f"{url}/api/v1/indicators", params={"scope": "nation", **params}, timeout=30).json()
    return next(i["value"] for i in report["places"][0]["indicators"] if i["key"] == key)


def place_value(url: str, scope: str, code: str, key: str = "community_orgs") -> int:
    report = requests.get(f"{url}/api/v1/indicators", params={"scope": scope, "code": code}, timeout=30).json()
    return next(i["value"] for i in report["places"][0]["indicators"] if i["key"] == key)


def wait_for(predicate, timeout: float = 15.0, step: float = 0.02):
    """Poll until predicate() is truthy; return (value, seconds waited) or raise."""
    start = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(step)
