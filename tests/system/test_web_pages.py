"""The organization pages of a running system, used as a person uses them: sign in through
the form, create, edit, clash with another editor, read the history."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests

from tests.support import ROOT

PASSWORD = "correct horse battery staple"


STAFF, AUDITOR = "webstaff50", "webauditor1"  # names of this module's own: the system is shared


@pytest.fixture(scope="module")
def pages(shared_system):
    """The run's running system on SQLite (the pages do not depend on the backend)."""
    return shared_system("sqlite")


@pytest.fixture(scope="module")
def web(pages):
    """The running system with a center staff of Chiang Mai and an auditor."""
    system = pages
    if requests.get(f"{system.url}/sign-in", timeout=10).status_code != 200:
        pytest.skip("no sign-in page yet (gateway/web/account.py)")
    for name, role, center in ((STAFF, "center_staff", "P50"), (AUDITOR, "auditor", None)):
        args = ["users", "add", name, "--role", role, *(["--center", center] if center else []), "--password-stdin"]
        made = subprocess.run([sys.executable, "-m", "sanphalang", *args], input=PASSWORD + "\n", text=True,
                              env=system.env, cwd=ROOT, capture_output=True, timeout=60)
        assert made.returncode == 0, made.stderr
    return system


def test_the_frame_the_style_and_the_cascade_need_no_sign_in(pages):
    assert "districts" in requests.get(f"{pages.url}/web/places", params={"province": "50"}, timeout=10).json()
    style = requests.get(f"{pages.url}/static/web/site.css", timeout=10)
    assert style.ok and "focus-visible" in style.text
    refused = requests.get(f"{pages.url}/orgs", timeout=10, allow_redirects=False)
    assert refused.status_code in (302, 401)
    if refused.status_code == 401:
        assert '<html lang="th">' in refused.text and 'name="viewport"' in refused.text


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    return found.group(1) if found else ""


def sign_in(url: str, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/sign-in", timeout=10).text
    fields = re.findall(r'<input[^>]*type="(?:text|password|email)"[^>]*name="([^"]+)"', page) or \
        re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="(?:text|password|email)"', page)
    assert len(fields) >= 2, "the sign-in form has a user name and a password input"
    answer = session.post(f"{url}/sign-in", data={fields[0]: name, fields[1]: PASSWORD, "csrf_token": csrf(page)},
                          timeout=10)
    assert answer.ok and name in session.get(f"{url}/orgs", timeout=10).text
    return session


def form(session, url, path, **values):
    """POST a page's form as a browser would: its CSRF token and hidden inputs, then `values`."""
    page = session.get(f"{url}{path}", timeout=10).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    base = {"name": "", "name_en": "", "type": "savings_group", "province": "50", "district": "5001",
            "subdistrict": "500101", "village_no": "", "address": "", "founded_year": "", "members": "",
            "source": "survey"}
    return session.post(f"{url}{path}", data={**base, **hidden, **values}, timeout=30, allow_redirects=False)


def test_a_center_staff_creates_edits_and_reads_the_history(web):
    staff = sign_in(web.url, STAFF)
    created = form(staff, web.url, "/orgs/new", name="กลุ่มออมทรัพย์บ้านหน้าเว็บ", founded_year="๒๕๕๙", members="๒๕")
    assert created.status_code == 302, created.text[:500]
    record = created.headers["Location"]
    org_path = record.removeprefix(web.url)
    listed = staff.get(f"{web.url}/orgs", params={"q": "บ้านหน้าเว็บ"}, timeout=10).text
    assert "กลุ่มออมทรัพย์บ้านหน้าเว็บ" in listed and 'name="viewport"' in listed
    assert "พ.ศ. 2559" in staff.get(f"{web.url}{org_path}", timeout=10).text

    edited = form(staff, web.url, f"{org_path}/edit", name="กลุ่มออมทรัพย์บ้านหน้าเว็บ", founded_year="2559",
                  members="40")
    assert edited.status_code == 302
    history = staff.get(f"{web.url}{org_path}/history", timeout=10).text
    assert "<del>25</del>" in history and "<ins>40</ins>" in history and STAFF in history


def test_a_bad_year_is_shown_in_thai_next_to_the_field(web):
    staff = sign_in(web.url, STAFF)
    answer = form(staff, web.url, "/orgs/new", name="กลุ่มปีผิด", founded_year="๒๖๙๙")
    assert answer.status_code == 422
    assert '<p class="problem" id="founded_year-problem">ปีต้องไม่เกินปีปัจจุบัน</p>' in answer.text
    assert 'value="กลุ่มปีผิด"' in answer.text


def test_a_stale_edit_shows_both_versions(web):
    first, second = sign_in(web.url, STAFF), sign_in(web.url, STAFF)
    created = form(first, web.url, "/orgs/new", name="กลุ่มสองคนแก้", members="10")
    path = created.headers["Location"].removeprefix(web.url)
    stale = first.get(f"{web.url}{path}/edit", timeout=10).text  # the first editor opens the form
    assert form(second, web.url, f"{path}/edit", name="กลุ่มสองคนแก้ (ชื่อใหม่)", members="10").status_code == 302
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', stale))
    answer = first.post(f"{web.url}{path}/edit", timeout=30, data={
        **hidden, "name": "กลุ่มสองคนแก้", "type": "savings_group", "province": "50", "district": "5001",
        "subdistrict": "500101", "members": "11", "source": "survey"})
    assert answer.status_code == 409
    assert "กลุ่มสองคนแก้ (ชื่อใหม่)" in answer.text and ">11<" in answer.text
    assert 'name="version" value="2"' in answer.text


def test_an_auditor_cannot_edit_and_a_script_stays_text(web):
    staff = sign_in(web.url, STAFF)
    created = form(staff, web.url, "/orgs/new", name="<script>alert(1)</script>")
    path = created.headers["Location"].removeprefix(web.url)
    page = staff.get(f"{web.url}{path}", timeout=10).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    auditor = sign_in(web.url, AUDITOR)
    assert auditor.get(f"{web.url}{path}/edit", timeout=10).status_code == 403
    assert "/edit" not in auditor.get(f"{web.url}{path}", timeout=10).text
