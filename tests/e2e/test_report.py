"""The monthly report in the real browser against the real system, on a 360-px phone: from the nation's dashboard
down to a center (the dashboards' own walk), then the header's "monthly report" link, the
month picker, the report drawn, and its PDF downloaded with a click on its link: a PDF (made by
the running gateway's headless Chromium) whose text holds the center's name."""
from __future__ import annotations

import re
import secrets
import subprocess
from datetime import datetime

import pytest

from services.chassis.thai import BANGKOK_TIME

from .conftest import shot
from .test_dashboards import PHONE, drill_to_center, register

CENTER = "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่"


@pytest.fixture
def phone(browser, system):
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", timezone_id="Asia/Bangkok",
                                          viewport=PHONE, device_scale_factor=2, accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_centers_monthly_report_downloads_as_a_pdf_holding_its_name(phone, browser, system, tmp_path):
    expect = browser.expect
    register(system, f"กลุ่มออมทรัพย์รายงาน {secrets.token_hex(3)}")
    system.settle()
    page = phone
    now = datetime.now(BANGKOK_TIME)

    drill_to_center(page, expect)
    page.locator("nav.main").get_by_role("link", name="รายงานประจำเดือน").click()
    page.wait_for_url(re.compile(r"/report$"))
    page.get_by_label("พื้นที่").select_option("center:P50")
    page.get_by_label("เดือน", exact=True).select_option(str(now.month))
    page.get_by_label("ปี", exact=True).select_option(str(now.year))
    page.get_by_role("button", name="เปิดรายงาน").click()
    page.wait_for_url(re.compile(rf"/report/center/P50/{now:%Y-%m}$"))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")  # every chart drawn
    expect(page.locator("h1")).to_contain_text(f"รายงานประจำเดือน")
    expect(page.locator(".report-place")).to_contain_text(CENTER)
    assert page.locator(".report-chart[data-drawn]").count() >= 3
    shot(page, "report-center")

    # a click on the link, once the browser is waiting for the download
    page.evaluate("() => setTimeout(() => document.querySelector('.report-tools a[download]').click(), 300)")
    download = page.wait_for_event("download", timeout=120_000)
    assert download.suggested_filename == f"sanphalang-report-center-P50-{now:%Y-%m}.pdf"
    pdf = tmp_path / "report.pdf"
    download.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert CENTER in text and "1. ตัวชี้วัดเทียบกับเป้าหมาย" in text
