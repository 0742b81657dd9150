"""The security checks of issue 4 against a running system, on SQLite and on PostgreSQL: no
credentials, an auditor's writes, one center touching another's records, CSRF on what a session
cookie authenticates, the cookie's flags, stored XSS, and the sign-in rate limit. Every refused
write is also checked to have appended nothing to the orgs log."""
from __future__ import annotations

import io
import re
import uuid

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.support import PASSWORD, running_system

from .api import admin, org, register, wait_for

BANGKOK = {"province": "10", "district": "1026", "subdistrict": "102601"}


def head(system) -> int:
    with system.rpc() as rpc:
        return rpc.orgs.head()["seq"]


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture(scope="module")
def people(system):
    """An auditor and a center staff of Chiang Mai (P50), each with an API token."""
    return {
        "auditor": system.session("auditor1", "auditor"),
        "staff50": system.session("staff50", "center_staff", "P50"),
    }


@pytest.fixture(scope="module")
def records(system):
    """One organization of Chiang Mai and one of Bangkok, both registered by the admin."""
    p50 = register(system.url, org("กลุ่มออมทรัพย์เชียงใหม่ของแอดมิน"))
    bkk = register(system.url, org("กลุ่มออมทรัพย์กรุงเทพ", **BANGKOK))
    assert p50.status_code == bkk.status_code == 201, (p50.text, bkk.text)
    assert (p50.json()["center"], bkk.json()["center"]) == ("P50", "BKK1")
    return {"p50": p50.json(), "bkk": bkk.json()}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a CSRF token"
    return found.group(1)


def sign_in(url: str, name: str, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    """Sign in through the form as a browser does; returns the session and the form's answer."""
    session = requests.Session()
    token = csrf_of(session.get(f"{url}/sign-in", timeout=10).text)
    answer = session.post(f"{url}/sign-in", data={"username": name, "password": password, "csrf_token": token},
                          timeout=10, allow_redirects=False)
    return session, answer


# -- nobody signed in ----------------------------------------------------------------------------

def test_without_credentials_the_register_is_closed_and_the_indicators_are_open(system, records):
    before = head(system)
    some = records["p50"]["id"]
    for method, path in (("get", "/api/v1/orgs"), ("get", f"/api/v1/orgs/{some}"),
                         ("get", f"/api/v1/orgs/{some}/history"), ("get", "/api/v1/orgs/export.csv"),
                         ("get", "/api/v1/orgs/duplicates"), ("post", "/api/v1/orgs")):
        answer = getattr(requests, method)(f"{system.url}{path}", json=org() if method == "post" else None, timeout=10)
        assert answer.status_code == 401, (path, answer.status_code, answer.text)
        assert error_code(answer) == "sign_in_required"
        assert answer.json()["error"]["message"]["th"]
    refused = requests.patch(f"{system.url}/api/v1/orgs/{some}", json={"members": 1}, headers={"If-Match": '"1"'},
                             timeout=10)
    assert refused.status_code == 401 and error_code(refused) == "sign_in_required"
    bad_token = requests.get(f"{system.url}/api/v1/orgs", headers={"Authorization": "Bearer not-a-token"}, timeout=10)
    assert bad_token.status_code == 401 and error_code(bad_token) == "sign_in_required"
    indicators = requests.get(f"{system.url}/api/v1/indicators", timeout=10)
    assert indicators.status_code == 200 and indicators.json()["places"]
    assert head(system) == before


# -- an auditor reads everything and writes nothing ----------------------------------------------

def test_an_auditor_reads_the_register_and_the_history(system, people, records):
    auditor, some = people["auditor"], records["bkk"]["id"]
    assert auditor.get(f"{system.url}/api/v1/orgs", timeout=10).status_code == 200
    one = auditor.get(f"{system.url}/api/v1/orgs/{some}", timeout=10)
    assert one.status_code == 200 and one.json()["id"] == some
    history = auditor.get(f"{system.url}/api/v1/orgs/{some}/history", timeout=10)
    assert history.status_code == 200 and [e["type"] for e in history.json()] == ["OrgRegistered"]


def test_every_write_of_an_auditor_is_forbidden_and_appends_nothing(system, people, records):
    auditor, url = people["auditor"], f"{system.url}/api/v1/orgs"
    p50, bkk = records["p50"], records["bkk"]
    if_match = {"If-Match": f'"{p50["version"]}"'}
    before = head(system)
    attempts = {
        "create": auditor.post(url, json=org("กลุ่มของผู้ตรวจสอบ"), timeout=10),
        "amend": auditor.patch(f"{url}/{p50['id']}", json={"members": 99}, headers=if_match, timeout=10),
        "verify": auditor.post(f"{url}/{p50['id']}/verify", json={}, headers=if_match, timeout=10),
        "assess": auditor.post(f"{url}/{p50['id']}/assess", json={"level": "strong"}, headers=if_match, timeout=10),
        "archive": auditor.post(f"{url}/{p50['id']}/archive", json={}, headers=if_match, timeout=10),
        "relocate": auditor.post(f"{url}/{p50['id']}/relocate", json=BANGKOK, headers=if_match, timeout=10),
        "merge": auditor.post(f"{url}/{p50['id']}/merge", json={"duplicate": bkk["id"], "duplicate_version": 1},
                              headers=if_match, timeout=10),
        "batch": auditor.post(f"{url}/batch", json={"items": [org("กลุ่มชุดของผู้ตรวจสอบ")]}, timeout=10),
        "import": auditor.post(f"{url}/imports", files={"file": ("orgs.csv", io.BytesIO(b"name\n"))},
                               data={"dry_run": "false"}, timeout=10),
    }
    for what, answer in attempts.items():
        assert answer.status_code == 403, (what, answer.status_code, answer.text)
        assert error_code(answer) == "forbidden", what
    assert head(system) == before
    current = admin.get(f"{url}/{p50['id']}", timeout=10).json()
    assert current["version"] == p50["version"] and current["members"] == p50["members"]


# -- a center touches only its own records -------------------------------------------------------

def test_center_staff_create_and_edit_in_their_own_province(system, people, records):
    staff, url = people["staff50"], f"{system.url}/api/v1/orgs"
    created = staff.post(url, json=org("กลุ่มของเจ้าหน้าที่เชียงใหม่"), timeout=10)
    assert created.status_code == 201, created.text
    mine = created.json()
    assert mine["center"] == "P50" and mine["version"] == 1
    amended = staff.patch(f"{url}/{mine['id']}", json={"members": 31}, headers={"If-Match": '"1"'}, timeout=10)
    assert amended.status_code == 200, amended.text
    assert amended.json()["members"] == 31
    history = admin.get(f"{url}/{mine['id']}/history", timeout=10).json()
    assert [e["actor"]["user"] for e in history] == ["staff50", "staff50"]
    assert history[0]["actor"]["center"] == "P50" and history[0]["actor"]["role"] == "center_staff"
    # a record of their center made by someone else is theirs to edit too
    theirs = records["p50"]
    fresh = admin.get(f"{url}/{theirs['id']}", timeout=10).json()
    verified = staff.post(f"{url}/{theirs['id']}/verify", json={}, headers={"If-Match": f'"{fresh["version"]}"'},
                          timeout=10)
    assert verified.status_code == 200, verified.text


def test_center_staff_cannot_touch_another_center(system, people, records):
    staff, url = people["staff50"], f"{system.url}/api/v1/orgs"
    mine = staff.post(url, json=org("กลุ่มที่จะย้ายไม่ได้"), timeout=10).json()
    bkk = admin.get(f"{url}/{records['bkk']['id']}", timeout=10).json()
    theirs_match, mine_match = {"If-Match": f'"{bkk["version"]}"'}, {"If-Match": f'"{mine["version"]}"'}
    before = head(system)
    attempts = {
        "create in Bangkok": staff.post(url, json=org("กลุ่มในกรุงเทพของเชียงใหม่", **BANGKOK), timeout=10),
        "amend Bangkok's": staff.patch(f"{url}/{bkk['id']}", json={"members": 1}, headers=theirs_match, timeout=10),
        "verify Bangkok's": staff.post(f"{url}/{bkk['id']}/verify", json={}, headers=theirs_match, timeout=10),
        "archive Bangkok's": staff.post(f"{url}/{bkk['id']}/archive", json={}, headers=theirs_match, timeout=10),
        "move own to Bangkok by amend": staff.patch(f"{url}/{mine['id']}", json=BANGKOK, headers=mine_match,
                                                    timeout=10),
        "move own to Bangkok by relocate": staff.post(f"{url}/{mine['id']}/relocate", json=BANGKOK,
                                                      headers=mine_match, timeout=10),
        "merge Bangkok's into own": staff.post(
            f"{url}/{mine['id']}/merge", json={"duplicate": bkk["id"], "duplicate_version": bkk["version"]},
            headers=mine_match, timeout=10),
        "merge own into Bangkok's": staff.post(
            f"{url}/{bkk['id']}/merge", json={"duplicate": mine["id"], "duplicate_version": mine["version"]},
            headers=theirs_match, timeout=10),
    }
    for what, answer in attempts.items():
        assert answer.status_code == 403, (what, answer.status_code, answer.text)
        assert error_code(answer) == "forbidden", what
    assert head(system) == before
    assert admin.get(f"{url}/{bkk['id']}", timeout=10).json()["version"] == bkk["version"]
    assert admin.get(f"{url}/{mine['id']}", timeout=10).json()["center"] == "P50"


def test_a_batch_with_one_row_of_another_center_names_that_row_and_writes_nothing(system, people):
    staff = people["staff50"]
    rows = [org("กลุ่มชุดหนึ่ง"), org("กลุ่มชุดสองกรุงเทพ", **BANGKOK), org("กลุ่มชุดสาม")]
    before = head(system)
    answer = staff.post(f"{system.url}/api/v1/orgs/batch", json={"items": rows, "first_row": 2}, timeout=20)
    assert answer.status_code == 422, answer.text
    problems = answer.json()["error"]["fields"]
    assert [(p["row"], p["field"], p["code"]) for p in problems] == [(3, "province", "other_center")]
    assert problems[0]["message"]["th"] and problems[0]["message"]["en"]
    assert head(system) == before
    ok = staff.post(f"{system.url}/api/v1/orgs/batch", json={"items": [rows[0], rows[2]]}, timeout=20)
    assert ok.status_code == 201 and ok.json()["registered"] == 2


# -- sessions: CSRF and cookie flags -------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_user(system):
    return system.add_user("browser50", "center_staff", "P50")


def test_the_session_cookie_is_httponly_and_samesite_lax(system, browser_user):
    _, answer = sign_in(system.url, browser_user)
    assert answer.status_code == 302, answer.text
    cookies = answer.raw.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert session, cookies
    flags = [part.strip().lower() for part in session[-1].split(";")]
    assert "httponly" in flags and "samesite=lax" in flags


def test_a_sign_in_without_its_csrf_token_is_refused(system, browser_user):
    session = requests.Session()
    session.get(f"{system.url}/sign-in", timeout=10)
    answer = session.post(f"{system.url}/sign-in", data={"username": browser_user, "password": PASSWORD},
                          timeout=10, allow_redirects=False)
    assert answer.status_code == 400
    assert session.get(f"{system.url}/api/v1/orgs", timeout=10).status_code == 401


def test_an_api_write_with_the_session_cookie_needs_the_csrf_header(system, browser_user):
    session, answer = sign_in(system.url, browser_user)
    assert answer.status_code == 302
    assert session.get(f"{system.url}/api/v1/orgs", timeout=10).status_code == 200  # reads need no token
    before = head(system)
    refused = session.post(f"{system.url}/api/v1/orgs", json=org("กลุ่มไม่มีโทเค็น"), timeout=10)
    assert refused.status_code == 400 and error_code(refused) == "csrf_failed", refused.text
    wrong = session.post(f"{system.url}/api/v1/orgs", json=org("กลุ่มโทเค็นผิด"), headers={"X-CSRFToken": "x" * 40},
                         timeout=10)
    assert wrong.status_code == 400 and error_code(wrong) == "csrf_failed"
    stranger = requests.Session()  # another browser's token is not this session's
    foreign = csrf_of(stranger.get(f"{system.url}/sign-in", timeout=10).text)
    crossed = session.post(f"{system.url}/api/v1/orgs", json=org("กลุ่มโทเค็นคนอื่น"), headers={"X-CSRFToken": foreign},
                           timeout=10)
    assert crossed.status_code == 400 and error_code(crossed) == "csrf_failed"
    assert head(system) == before

    token = csrf_of(session.get(f"{system.url}/orgs/new", timeout=10).text)
    made = session.post(f"{system.url}/api/v1/orgs", json=org("กลุ่มมีโทเค็น"), headers={"X-CSRFToken": token},
                        timeout=10)
    assert made.status_code == 201, made.text
    assert made.json()["center"] == "P50"
    assert head(system) == before + 1

    assert session.post(f"{system.url}/sign-out", timeout=10, allow_redirects=False).status_code == 400
    out = session.post(f"{system.url}/sign-out", data={"csrf_token": token}, timeout=10, allow_redirects=False)
    assert out.status_code == 302
    assert session.get(f"{system.url}/api/v1/orgs", timeout=10).status_code == 401


# -- stored XSS ----------------------------------------------------------------------------------

def test_a_script_in_a_name_is_shown_as_text(system, browser_user):
    marker = uuid.uuid4().hex[:8]
    created = register(system.url, org("<script>alert(1)</script>", name_en=f"xss {marker} <img src=x onerror=alert(2)>",
                                       address="<b onmouseover=alert(3)>บ้าน</b>"))
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["name"] == "<script>alert(1)</script>"  # kept as typed: it is the pages' job to escape it
    session, _ = sign_in(system.url, browser_user)
    page = session.get(f"{system.url}/orgs/{record['id']}", timeout=10)
    assert page.status_code == 200
    listed, _ = wait_for(lambda: (r := session.get(f"{system.url}/orgs", params={"q": marker}, timeout=10))
                         and record["id"] in r.text and r)
    for html in (page.text, listed.text):
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html
    assert "<b onmouseover" not in page.text


# -- the sign-in rate limit ----------------------------------------------------------------------

class _From(HTTPAdapter):
    """Connect from another loopback address, as another client would."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def attempt(session: requests.Session, url: str, name: str, password: str) -> requests.Response:
    token = csrf_of(session.get(f"{url}/sign-in", timeout=10).text)
    return session.post(f"{url}/sign-in", data={"username": name, "password": password, "csrf_token": token},
                        timeout=10, allow_redirects=False)


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A small system of its own with a limit of 3 sign-ins a minute (SQLite: the limiter keeps
    its counts in the gateway's memory, whatever the backend)."""
    with running_system(tmp_path_factory.mktemp("limited"), "sqlite",
                        gateway={"SANPHALANG_SIGN_IN_LIMIT": "3 per minute"}) as system:
        system.add_user("victim", "auditor")
        system.add_user("bystander", "auditor")
        yield system


def test_too_many_failed_sign_ins_for_one_name_are_refused_with_429(limited):
    url, first = limited.url, client("127.0.0.1")
    for _ in range(3):
        assert attempt(first, url, "victim", "wrong password!").status_code == 401
    blocked = attempt(first, url, "Victim", PASSWORD)  # even the right password, in any case
    assert blocked.status_code == 429
    assert error_code(blocked) == "too_many_requests"
    assert blocked.json()["error"]["message"]["th"]
    # the user name stays locked from another address
    elsewhere = attempt(client("127.0.0.2"), url, "victim", PASSWORD)
    assert elsewhere.status_code == 429 and error_code(elsewhere) == "too_many_requests"
    # while someone else, from yet another address, signs in
    other = attempt(client("127.0.0.3"), url, "bystander", PASSWORD)
    assert other.status_code == 302, other.text
    # and the sign-in page itself is still served
    assert client("127.0.0.1").get(f"{url}/sign-in", timeout=10).status_code == 200
