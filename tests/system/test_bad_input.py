"""Bad input gets a clear Thai and English error naming the field, and appends nothing."""
from __future__ import annotations

import pytest

from .api import admin, org, register

CASES = {
    "unknown province": (org(province="99"), 422, "province", "unknown_province"),
    "no subdistrict": (org(subdistrict=None), 422, "subdistrict", "null"),
    "district not in province": (org(district="1001", subdistrict="100101"), 422, "district", "district_not_in_province"),
    "empty name": (org(name="   "), 422, "name", "blank"),
    "year in the future": (org(founded_year="๒๖๐๐"), 422, "founded_year", "year_in_future"),
    "a 10,000-character name": (org(name="ก" * 10_000), 422, "name", "too_long"),
    "control characters": (org(name="กลุ่ม\x00ทดสอบ"), 422, "name", "control_characters"),
    "center is derived": ({**org(), "center": "P10"}, 422, "center", "read_only"),
    "unknown type": (org(type="club"), 422, "type", "not_one_of"),
    "members not a number": (org(members="many"), 422, "members", "not_integer"),
    "members past 64 bits": (org(members=10**30), 422, "members", "out_of_range"),
}

QUERIES = {  # found by fuzzing the OpenAPI contract: each was a 500
    "a NUL byte in a filter": ("/api/v1/orgs", {"district": "10\x00"}, "district", "control_characters"),
    "a NUL byte in the search": ("/api/v1/orgs/export.csv", {"q": "ก\x00"}, "q", "control_characters"),
    "a page past 64 bits": ("/api/v1/orgs", {"page": str(10**27)}, "page", "out_of_range"),
    "a NUL byte in an indicator code": ("/api/v1/indicators", {"scope": "province", "code": "5\x00"}, "code",
                                       "control_characters"),
}


@pytest.mark.parametrize("case", sorted(QUERIES))
def test_bad_query_parameters_name_the_parameter(system, case):
    path, params, field, code = QUERIES[case]
    response = admin.get(f"{system.url}{path}", params=params, timeout=30)
    assert response.status_code == 422, response.text
    problem = next(p for p in response.json()["error"]["fields"] if p["field"] == field)
    assert problem["code"] == code and problem["message"]["th"]


def _head(system) -> int:
    with system.rpc() as rpc:
        return rpc.orgs.head()["seq"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_names_the_field_and_appends_nothing(system, case):
    payload, status, field, code = CASES[case]
    before = _head(system)
    response = register(system.url, payload)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    problem = next(p for p in error["fields"] if p["field"] == field)
    assert problem["code"] == code
    assert problem["message"]["th"] and problem["message"]["en"] and problem["message"]["th"] != problem["message"]["en"]
    assert _head(system) == before


def test_a_body_that_is_not_json_is_a_400_naming_the_body(system):
    before = _head(system)
    response = admin.post(f"{system.url}/api/v1/orgs", data=b'{"name": "unterminated',
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert response.json()["error"]["fields"][0]["field"] == "_body"
    assert _head(system) == before


def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_row(system):
    before = _head(system)
    items = [org(f"กลุ่มที่ {n}") for n in range(1, 11)]
    items[6]["province"] = "99"
    response = admin.post(f"{system.url}/api/v1/orgs/batch", json={"items": items, "first_row": 2}, timeout=30)
    assert response.status_code == 422
    problems = response.json()["error"]["fields"]
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(8, "province", "unknown_province")]
    assert _head(system) == before


def test_the_same_idempotency_key_twice_registers_once(system):
    before = _head(system)
    first = register(system.url, org("กลุ่มซ้ำ"), **{"Idempotency-Key": "test-key-1"})
    second = register(system.url, org("กลุ่มซ้ำ"), **{"Idempotency-Key": "test-key-1"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert _head(system) == before + 1


def test_an_idempotency_key_too_long_is_named_and_registers_nothing(system):
    before = _head(system)
    response = register(system.url, org("กลุ่มคีย์ยาว"), **{"Idempotency-Key": "k" * 101})
    assert response.status_code == 422, response.text
    (problem,) = response.json()["error"]["fields"]
    assert (problem["field"], problem["code"]) == ("Idempotency-Key", "too_long") and problem["message"]["th"]
    assert _head(system) == before


def test_an_odd_request_id_is_replaced_not_used(system):
    response = register(system.url, org("กลุ่มรหัสคำขอแปลก"), **{"X-Request-Id": "x" * 500})
    assert response.status_code == 201 and len(response.headers["X-Request-Id"]) == 36  # a fresh one


def test_a_body_over_the_size_limit_is_a_413_with_the_limit(system):
    response = admin.post(f"{system.url}/api/v1/orgs", data=b"x" * (9 * 1024 * 1024),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "file_too_large" and "8 MB" in error["message"]["en"]
