"""The people register in the real browser, at phone size (360 x 740, as most center staff
see it), against the real system: center staff register a person with their consent through
the form, find them in the list, record a training on their page; a central admin erases
them after the page that says what erasure does, and the person is gone from the register
(the people service answers not found). Nothing is wider than the screen on any of these pages."""
from __future__ import annotations

import re
import secrets

import pytest

from .conftest import shot, sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def phone_page(browser, system, request):
    """A fresh context at 360 x 740, Thai, touch: a center's staff member's phone."""
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", timezone_id="Asia/Bangkok",
                                          viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                          is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    pages = []

    def open_page():
        pages.append(context.new_page())
        return pages[-1]

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed and pages:
        shot(pages[-1], f"failed-{request.node.name}")
    context.close()


def fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} is {width} px wide on a 360 px screen"


def test_register_find_train_and_erase_a_person_on_a_phone(phone_page, browser, system, make_user):
    expect = browser.expect
    staff, password = make_user("center_staff", "P50")
    page = phone_page()
    sign_in(page, staff, password)

    # register through the form, with consent; the cascade fills the district and subdistrict lists
    marker = secrets.token_hex(3)
    family = f"ทดสอบ{marker}"
    page.goto("/people/new")
    fits(page, "the registration form")
    page.locator("input[name=given_name]").fill("สมศรี")
    page.locator("input[name=family_name]").fill(family)
    page.locator("input[name=phone]").fill("๐๘๑-๒๓๔-๕๖๗๘")  # Thai digits are accepted
    page.locator("select[name=province]").select_option("50")
    expect(page.locator("select[name=district] option[value='5001']")).to_have_count(1)
    page.locator("select[name=district]").select_option("5001")
    expect(page.locator("select[name=subdistrict] option[value='500101']")).to_have_count(1)
    page.locator("select[name=subdistrict]").select_option("500101")
    page.locator("input[name=roles][value=volunteer]").check()
    page.locator("select[name=legal_basis]").select_option("consent")
    page.locator("input[name=consent_notice_version]").fill("2568-1")
    page.locator("input[name=consent_given_on]").fill("2568-06-01")
    page.locator("select[name=consent_channel]").select_option("paper")
    shot(page, "person-new-360", full_page=False)
    page.locator("form.record-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(rf"/people/{UUID}$"))
    person_url = page.url
    person_id = person_url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_contain_text(family)
    expect(page.locator("main")).to_contain_text("ให้ความยินยอมแล้ว")
    expect(page.locator("main")).to_contain_text("081 234 5678")
    fits(page, "the person's page")
    shot(page, "person-record-360", full_page=False)

    # find them in the list by part of the family name
    page.goto(f"/people?q={marker}")
    expect(page.locator("table.records")).to_contain_text(family)
    expect(page.locator("p.total")).to_contain_text("1")
    fits(page, "the list")
    shot(page, "people-list-360", full_page=False)

    # record a training on their page (a B.E. date)
    page.goto(person_url)
    form = page.locator("form.training-form")
    form.locator("input[name=training_name]").fill("อบรมวิทยากรกระบวนการ รุ่น 1")
    form.locator("input[name=training_on]").fill("2568-02-01")
    form.locator("button[type=submit]").click()
    page.wait_for_url(person_url)
    expect(page.locator("main")).to_contain_text("บันทึกการอบรมแล้ว")
    expect(page.locator("main")).to_contain_text("อบรมวิทยากรกระบวนการ รุ่น 1")
    expect(page.locator("main")).to_contain_text("1 ก.พ. 2568")
    with system.rpc() as rpc:
        assert [t["name"] for t in rpc.people.get(person_id)["trainings"]] == ["อบรมวิทยากรกระบวนการ รุ่น 1"]
    expect(page.locator(f"a[href$='/people/{person_id}/erase']")).to_have_count(0)  # staff never erase

    # a central admin erases them
    admin, admin_password = make_user("admin")
    page = phone_page()
    sign_in(page, admin, admin_password)
    page.goto(person_url)
    page.locator(f"a[href$='/people/{person_id}/erase']").click()
    page.wait_for_url(re.compile(rf"/people/{person_id}/erase$"))
    expect(page.locator("main")).to_contain_text("ย้อนกลับไม่ได้")
    fits(page, "the erasure page")
    shot(page, "person-erase-360", full_page=False)
    page.locator("input[name=confirm]").check()
    page.locator("form.erase-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people$"))
    expect(page.locator("main")).to_contain_text("ลบข้อมูลส่วนบุคคลแล้ว")
    assert page.goto(person_url).status == 404
    page.goto(f"/people?q={marker}")
    expect(page.locator("p.total")).to_contain_text("0")
    with system.rpc() as rpc:
        history = rpc.people.history(person_id)
    assert history[-1]["type"] == "PersonErased" and history[0]["data"]["family_name"] is None
