"""The dashboards in the real browser against the real system, on a 360-px phone: from the
nation down to a center by clicking a region's bar, a province on the map and a center in the
table; a chart's table read; the map switched to another indicator and to percent of target
(its colours and its legend change); every chart drawn with the Sarabun web font, nothing
wider than the screen.

`drill_to_center(page, expect)` is the walk itself, for other tests that start from a center's
dashboard (the monthly report's)."""
from __future__ import annotations

import re
import secrets
import uuid

import pytest

from .conftest import shot

PHONE = {"width": 360, "height": 740}
CHIANG_MAI = (98.98, 18.79)  # longitude, latitude: a point inside the province


def register(system, name: str) -> str:
    """An organization in Chiang Mai (center P50), registered behind the pages' back."""
    payload = {"name": name, "type": "savings_group", "province": "50", "district": "5001", "subdistrict": "500101",
               "founded_year": 2560, "members": 40, "source": "survey"}
    with system.rpc() as rpc:
        return rpc.orgs.register(payload, key=str(uuid.uuid4()))["id"]


@pytest.fixture
def phone(browser, system):
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", timezone_id="Asia/Bangkok",
                                          viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def drawn(page, expect) -> None:
    """Wait until every chart of the page is drawn."""
    expect(page.locator(".chart[data-chart]:not([data-drawn])")).to_have_count(0)


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas svg'))
        .filter(svg => svg.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")
    assert wide == 0, f"{wide} charts wider than the screen at {page.url}"


def click_at(page, selector: str, script: str) -> None:
    """Click the point of a chart that `script` (given the chart's ECharts instance) answers."""
    canvas = page.locator(f"{selector} .chart-canvas")
    canvas.scroll_into_view_if_needed()
    x, y = canvas.evaluate(f"(el) => {{ const chart = echarts.getInstanceByDom(el); return {script}; }}")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


LOOK = """() => { const svg = document.querySelector('.chart[data-chart=map] svg'); return [
    Array.from(svg.querySelectorAll('path')).map(p => p.getAttribute('fill')),
    Array.from(svg.querySelectorAll('text')).map(t => t.textContent).join(' ')]; }"""


def map_look(page, unlike: list | None = None) -> tuple[list, str]:
    """The map's province colours and its legend's text (once they are unlike `unlike`)."""
    if unlike is not None:
        page.wait_for_function(f"(before) => JSON.stringify(({LOOK})()) !== JSON.stringify(before)", arg=unlike)
    return page.evaluate(LOOK)


def drill_to_center(page, expect) -> None:
    """From /dashboard to /dashboard/center/P50: the north's bar, Chiang Mai on the map, then its
    center in the table."""
    page.goto("/dashboard")
    drawn(page, expect)
    click_at(page, ".chart[data-chart=regions]",  # the north's bar, at half its length
             "chart.convertToPixel({seriesIndex: 0}, [chart.getOption().series[0].data[0] / 2, 0])")
    page.wait_for_url(re.compile(r"/dashboard/region/north$"))
    drawn(page, expect)
    fits(page)
    click_at(page, ".chart[data-chart=map]", f"chart.convertToPixel({{seriesIndex: 0}}, {list(CHIANG_MAI)})")
    page.wait_for_url(re.compile(r"/dashboard/province/50$"))
    page.locator("#table-centers a[href='/dashboard/center/P50']").click()
    page.wait_for_url(re.compile(r"/dashboard/center/P50$"))


def test_from_the_nation_down_to_a_center_on_a_phone(phone, browser, system):
    expect = browser.expect
    register(system, f"กลุ่มออมทรัพย์แดชบอร์ด {secrets.token_hex(3)}")
    system.settle()
    page = phone

    page.goto("/dashboard")
    drawn(page, expect)
    fits(page)
    assert page.evaluate("document.fonts.check('16px Sarabun', 'ภาษาไทย')")  # the charts' font was there
    expect(page.locator(".chart[data-chart=map] .chart-controls")).to_be_visible()
    shot(page, "dashboard-nation-phone", full_page=False)  # the whole page is 77 provinces long

    # the map: another indicator changes its colours, percent of target its legend
    colours, legend = first = map_look(page)
    assert len(set(colours)) > 1, "Chiang Mai stands out from the provinces with no organization"
    page.locator("#map-series").select_option(label="6. ข้อมูลพลเมืองจิตอาสา")
    second = map_look(page, unlike=list(first))
    assert second[0] != colours
    page.locator("#map-measure").select_option("shares")
    _, percent_legend = map_look(page, unlike=list(second))
    assert "100%" in percent_legend and "100%" not in legend
    page.locator(".chart[data-chart=map]").scroll_into_view_if_needed()
    shot(page, "dashboard-map-switched-phone", full_page=False)

    drill_to_center(page, expect)
    drawn(page, expect)
    fits(page)
    expect(page.locator("h1")).to_contain_text("ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่")
    expect(page.locator("nav.trail")).to_contain_text("ภาคเหนือ")

    # a chart's table: the month-by-month chart's last month is the indicator's figure today
    organizations = int(page.locator("#table-indicators tbody tr").nth(2).locator("td").first.inner_text()
                        .replace(",", ""))
    assert organizations >= 1
    last_month = page.locator("#table-series tbody tr").last
    header = page.locator("#table-series thead th").all_inner_texts()
    column = header.index("3. ข้อมูลองค์กรชุมชน")
    assert int(last_month.locator("th, td").nth(column).inner_text().replace(",", "")) == organizations
    shot(page, "dashboard-center-phone", full_page=False)
