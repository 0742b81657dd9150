"""What center staff and auditors do with organizations, in the real browser against the real
system: sign in, register through the form, find it in the list and in the center's indicator,
edit it, read the diff in the history; import a spreadsheet with one bad row and read the
error; an auditor sees no edit button and a direct POST of the edit form is refused."""
from __future__ import annotations

import re
import secrets
import time
import uuid

from .conftest import shot, sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def register(system, name: str) -> str:
    """An organization in Chiang Mai (center P50), registered behind the pages' back."""
    payload = {"name": name, "type": "savings_group", "province": "50", "district": "5001", "subdistrict": "500101",
               "village_no": 3, "founded_year": 2560, "members": 40, "address": "12 หมู่ 3",
               "areas": ["economy"], "source": "survey"}
    with system.rpc() as rpc:
        return rpc.orgs.register(payload, key=str(uuid.uuid4()))["id"]


def organizations_counted(page, center: str) -> int:
    """Indicator 3 (community organization records) of one center, as its page shows it."""
    page.goto(f"/indicators?scope=center&code={center}")
    cell = page.locator("table.indicators tbody tr").nth(2).locator("td.number").first
    return int(cell.inner_text().replace(",", ""))


def test_center_staff_registers_finds_edits_and_reads_the_history(page, browser, make_user):
    staff, password = make_user("center_staff", "P50")
    sign_in(page, staff, password)
    expect = browser.expect
    counted_before = organizations_counted(page, "P50")

    # register through the form; the cascade fills district and subdistrict lists
    marker = secrets.token_hex(3)
    name = f"กลุ่มออมทรัพย์บ้านทดสอบ {marker}"
    page.goto("/orgs/new")
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=type]").select_option("savings_group")
    page.locator("input[name=members]").fill("๔๐")  # Thai digits are accepted
    page.locator("select[name=province]").select_option("50")
    expect(page.locator("select[name=district] option[value='5001']")).to_have_count(1)
    page.locator("select[name=district]").select_option("5001")
    expect(page.locator("select[name=subdistrict] option[value='500101']")).to_have_count(1)
    page.locator("select[name=subdistrict]").select_option("500101")
    shot(page, "org-new-filled")
    page.locator("form.record-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(rf"/orgs/{UUID}$"))
    org_url = page.url
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("40")
    shot(page, "org-record")

    # the list finds it by part of its name
    page.goto(f"/orgs?q={marker}")
    expect(page.locator("table.records")).to_contain_text(name)
    expect(page.locator("p.total")).to_contain_text("1")
    shot(page, "orgs-list-search")

    # the center's indicator counts it (reporting is fed by events: allow it a few seconds)
    deadline = time.monotonic() + 10
    while (counted := organizations_counted(page, "P50")) != counted_before + 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert counted == counted_before + 1, (counted_before, counted)
    shot(page, "indicators-center")

    # edit: members 40 -> 55
    page.goto(org_url)
    page.locator("a[href$='/edit']").click()
    page.wait_for_url(re.compile(rf"/orgs/{UUID}/edit$"))
    page.locator("input[name=members]").fill("55")
    page.locator("form.record-form button[type=submit].primary").click()
    page.wait_for_url(org_url)
    expect(page.locator("main")).to_contain_text("บันทึกแล้ว")
    expect(page.locator("main")).to_contain_text("55")

    # the history shows who changed what: members 40 -> 55, by this staff member
    page.goto(org_url + "/history")
    diff = page.locator("ol.events table.diff").first
    expect(diff.locator("del")).to_have_text("40")
    expect(diff.locator("ins")).to_have_text("55")
    expect(page.locator("ol.events li.event").first).to_contain_text(staff)
    shot(page, "org-history")


def test_an_import_with_one_bad_row_names_the_row_and_writes_nothing(page, browser, system, make_user, tmp_path):
    staff, password = make_user("center_staff", "P50")
    sign_in(page, staff, password)
    expect = browser.expect
    marker = secrets.token_hex(3)
    upload = tmp_path / "organizations.csv"
    upload.write_text(
        "ชื่อองค์กร,ประเภท,จังหวัด,อำเภอ/เขต,ตำบล/แขวง,จำนวนสมาชิก\n"
        f"กลุ่มนำเข้าดี {marker},savings_group,50,5001,500101,20\n"
        f"กลุ่มนำเข้าเสีย {marker},savings_group,50,5001,500101,ยี่สิบ\n", encoding="utf-8-sig")

    page.goto("/orgs/import")
    page.locator("input[type=file][name=file]").set_input_files(upload)
    page.locator("input[name=mode][value=import]").check()
    page.locator("form.filters button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/orgs/import/[^/]+$"))
    problems = page.locator("table.problems-table tbody tr")
    expect(problems).to_have_count(1, timeout=30_000)  # the page refreshes itself until the job ends
    cells = problems.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # the header is row 1
    expect(cells.nth(1)).to_have_text("จำนวนสมาชิก")
    expect(cells.nth(2)).to_contain_text("จำนวนเต็ม")
    expect(page.locator("main")).to_contain_text("ยังไม่ได้บันทึกข้อมูลใดๆ")
    shot(page, "import-bad-row")

    # nothing was written, not even the good row
    page.goto(f"/orgs?q={marker}")
    expect(page.locator("p.total")).to_contain_text("0")
    with system.rpc() as rpc:
        assert rpc.orgs.list({"q": marker}, 1, 10)["total"] == 0


def test_an_auditor_cannot_edit(page, browser, system, make_user):
    org_id = register(system, f"กลุ่มผู้สูงอายุตรวจสอบ {secrets.token_hex(3)}")
    auditor, password = make_user("auditor")
    sign_in(page, auditor, password)
    expect = browser.expect

    page.goto(f"/orgs/{org_id}")
    expect(page.locator("h1")).to_contain_text("กลุ่มผู้สูงอายุตรวจสอบ")
    expect(page.locator(f"a[href$='/orgs/{org_id}/edit']")).to_have_count(0)
    expect(page.locator(f"a[href$='/orgs/{org_id}/history']")).to_have_count(1)  # reading is fine
    shot(page, "org-record-auditor")

    # opening the form is refused, and so is a POST of it with the session's valid CSRF token
    # (taken from the header's sign-out form), so it is the permission that refuses it
    tokens = page.locator("input[name=csrf_token]")
    token = tokens.first.get_attribute("value") if tokens.count() else None
    assert page.goto(f"/orgs/{org_id}/edit").status == 403
    refused = page.request.post(f"/orgs/{org_id}/edit", form={
        "csrf_token": token or "", "version": "1", "name": "แก้โดยผู้ตรวจสอบ", "type": "savings_group",
        "province": "50", "district": "5001", "subdistrict": "500101", "members": "1", "source": "survey"})
    assert refused.status == 403, (refused.status, token)
    with system.rpc() as rpc:
        assert rpc.orgs.get(org_id)["version"] == 1


def test_the_list_on_a_phone(browser, system, make_user):
    """360 x 740, as most center staff see it: nothing wider than the screen."""
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", viewport={"width": 360, "height": 740},
                                          device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        register(system, f"วิสาหกิจชุมชนบ้านจอมทอง {secrets.token_hex(3)}")
        staff, password = make_user("center_staff", "P50")
        sign_in(page, staff, password)
        page.goto("/orgs")
        assert page.locator("html").get_attribute("lang") == "th"
        browser.expect(page.locator("table.records")).to_contain_text("วิสาหกิจชุมชน")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the list is {width} px wide on a 360 px screen"
        shot(page, "orgs-list-360", full_page=False)
    finally:
        context.close()


def test_the_english_switch_is_kept_across_pages(page, browser, make_user):
    staff, password = make_user("center_staff", "P50")
    sign_in(page, staff, password)
    page.goto("/orgs")
    assert page.locator("html").get_attribute("lang") == "th"
    page.locator("nav.languages a[hreflang=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    browser.expect(page.locator("h1")).to_have_text("Community organizations")
    page.goto("/indicators")  # the choice stays with the session
    assert page.locator("html").get_attribute("lang") == "en"
    browser.expect(page.locator("nav.languages a[hreflang=th]")).to_have_text("ภาษาไทย")
    shot(page, "indicators-english")
