"""The indicators, audit and import pages of a running system (SQLite: the pages do not depend
on the backend), used as a person uses them: the public indicators, an auditor's search, a
center staff's import of a file with a bad row."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests

from tests.system.api import org, register, wait_for
from tests.support import ROOT

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def system(shared_system):
    """The run's running system on SQLite (the pages do not depend on the backend)."""
    return shared_system("sqlite")


def nation_cell(url: str) -> int:
    """The value of indicator 3 (community organizations) in the page's nation table."""
    page = requests.get(f"{url}/indicators", params={"lang": "th"}, timeout=10).text
    row = re.search(r"3\. ข้อมูลองค์กรชุมชน</td>\s*<td[^>]*>([\d,]+)</td>", page)
    assert row, page[:2000]
    return int(row.group(1).replace(",", ""))


def test_the_public_indicators_page_counts_a_registered_organization(system):
    before = nation_cell(system.url)
    assert register(system.url, org("กลุ่มออมทรัพย์หน้าตัวชี้วัด")).status_code == 201
    wait_for(lambda: nation_cell(system.url) == before + 1)
    page = requests.get(f"{system.url}/indicators", params={"scope": "province", "lang": "th"}, timeout=10).text
    assert "เชียงใหม่" in page and "ตัวชี้วัดรายจังหวัด" in page


# -- signed in --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def users(system):
    if requests.get(f"{system.url}/sign-in", timeout=10).status_code != 200:
        pytest.skip("no sign-in page yet (gateway/auth.py)")
    for name, role, center in (("importer50", "center_staff", "P50"), ("auditor9", "auditor", None)):
        args = ["users", "add", name, "--role", role, *(["--center", center] if center else []), "--password-stdin"]
        made = subprocess.run([sys.executable, "-m", "sanphalang", *args], input=PASSWORD + "\n", text=True,
                              env=system.env, cwd=ROOT, capture_output=True, timeout=60)
        assert made.returncode == 0, made.stderr
    return system


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    return found.group(1) if found else ""


def sign_in(url: str, name: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{url}/sign-in", timeout=10).text
    inputs = re.findall(r'<input[^>]*>', page)
    names = [re.search(r'name="([^"]+)"', i).group(1) for i in inputs
             if re.search(r'type="(?:text|password|email)"', i) and 'name="' in i]
    assert len(names) >= 2, "the sign-in form has a user name and a password input"
    answer = session.post(f"{url}/sign-in", data={names[0]: name, names[1]: PASSWORD, "csrf_token": csrf(page)},
                          timeout=10)
    assert answer.ok
    return session


def test_the_auditor_finds_the_event_of_a_known_user(users):
    staff = sign_in(users.url, "importer50")
    page = staff.get(f"{users.url}/orgs/new", timeout=10).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    form = {**hidden, "name": "กลุ่มที่ผู้ตรวจสอบค้นพบ", "name_en": "", "type": "savings_group", "province": "50",
            "district": "5001", "subdistrict": "500101", "village_no": "", "address": "", "founded_year": "",
            "members": "", "source": "survey"}
    created = staff.post(f"{users.url}/orgs/new", data=form, timeout=30, allow_redirects=False)
    assert created.status_code == 302, created.text[:500]
    org_id = created.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    assert staff.get(f"{users.url}/audit", timeout=10).status_code == 403
    auditor = sign_in(users.url, "auditor9")
    found = auditor.get(f"{users.url}/audit", params={"user": "importer50", "lang": "th"}, timeout=10).text
    assert "พบ 1 เหตุการณ์" in found and "กลุ่มที่ผู้ตรวจสอบค้นพบ" in found
    assert f"/orgs/{org_id}/history" in found
    assert "ถูกต้องครบถ้วน" in found  # the chain of a small log is verified at once
    other = auditor.get(f"{users.url}/audit", params={"user": "importer5", "lang": "th"}, timeout=10).text
    assert "พบ 0 เหตุการณ์" in other


CSV_HEADER = "ชื่อองค์กร,ประเภท,จังหวัด,อำเภอ/เขต,ตำบล/แขวง,จำนวนสมาชิก\n"


def job_page(session, url: str, response) -> str:
    assert response.status_code == 303, response.text[:500]
    location = response.headers["Location"]
    location = location if location.startswith("http") else f"{url}{location}"
    page, _ = wait_for(lambda: (lambda r: r.text if "Refresh" not in r.headers else None)(
        session.get(location, params={"lang": "th"}, timeout=10)), timeout=60, step=0.5)
    return page


def test_an_import_with_a_bad_row_reports_it_in_thai_and_imports_nothing(users):
    staff = sign_in(users.url, "importer50")
    form = staff.get(f"{users.url}/orgs/import", timeout=10).text
    assert 'for="file"' in form and "/api/v1/orgs/template.xlsx" in form
    body = (CSV_HEADER + "กลุ่มนำเข้าหน้าเว็บหนึ่ง,savings_group,50,5001,500101,20\n"
            "กลุ่มนำเข้าหน้าเว็บสอง,savings_group,50,5001,500101,ยี่สิบ\n").encode("utf-8")
    before = staff.get(f"{users.url}/api/v1/orgs", params={"q": "กลุ่มนำเข้าหน้าเว็บ"}, timeout=10).json()
    sent = staff.post(f"{users.url}/orgs/import", data={"mode": "import", "csrf_token": csrf(form)},
                      files={"file": ("orgs.csv", body, "text/csv")}, timeout=30, allow_redirects=False)
    page = job_page(staff, users.url, sent)
    problems = re.search(r'<table class="records problems-table".*?</table>', page, re.S).group(0)
    assert re.search(r"<td[^>]*>3</td>\s*<td[^>]*>จำนวนสมาชิก</td>\s*<td[^>]*>ต้องเป็นจำนวนเต็ม", problems), problems
    assert "ยังไม่ได้บันทึกข้อมูลใดๆ" in page and "ยืนยันการนำเข้า" not in page
    assert "/errors.csv" in page
    after = staff.get(f"{users.url}/api/v1/orgs", params={"q": "กลุ่มนำเข้าหน้าเว็บ"}, timeout=10).json()
    assert after["total"] == before["total"] == 0


def test_a_clean_dry_run_is_confirmed_and_then_imported(users):
    staff = sign_in(users.url, "importer50")
    form = staff.get(f"{users.url}/orgs/import", timeout=10).text
    body = (CSV_HEADER + "กลุ่มนำเข้ายืนยันแล้ว,savings_group,50,5001,500101,20\n").encode("utf-8")
    sent = staff.post(f"{users.url}/orgs/import", data={"mode": "dry_run", "csrf_token": csrf(form)},
                      files={"file": ("orgs.csv", body, "text/csv")}, timeout=30, allow_redirects=False)
    page = job_page(staff, users.url, sent)
    assert "ทดลองตรวจสอบเท่านั้น" in page and re.search(r'id="count-created">1<', page)
    assert staff.get(f"{users.url}/api/v1/orgs", params={"q": "กลุ่มนำเข้ายืนยันแล้ว"}, timeout=10).json()["total"] == 0
    confirm = re.search(r'<form method="post" action="([^"]+/confirm)"', page).group(1)
    done = job_page(staff, users.url, staff.post(f"{users.url}{confirm}", data={"csrf_token": csrf(page)},
                                                 timeout=30, allow_redirects=False))
    assert "บันทึกข้อมูลแล้ว" in done and re.search(r'id="count-created">1<', done)
    assert staff.get(f"{users.url}/api/v1/orgs", params={"q": "กลุ่มนำเข้ายืนยันแล้ว"}, timeout=10).json()["total"] == 1
    again = staff.post(f"{users.url}{confirm}", data={"csrf_token": csrf(page)}, timeout=30, allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"].endswith("/orgs/import")  # runs once
