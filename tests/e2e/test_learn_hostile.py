"""The public learning portal against hostile content, in the real browser, against the real
system. The knowledge service refuses markup and unsafe links, so this writes them the way an
attacker with access to the database would: straight into the read model's rows of a
published item and a running campaign (title, summary, body, its rendered HTML, tags, sources,
a file's name, a campaign's channels and results). The item page, the search page and the
campaign page (and the portal's home and lists) must run nothing of it: no alert or flag set by it, no element with an event
attribute, no javascript: address, no inline script, and not even an attempt the page's
Content-Security-Policy had to block; the hostile text shows as text. At phone size (360 px)."""
from __future__ import annotations

import json
import re
import secrets

import pytest
import requests
from sqlalchemy import text as sql

from services.chassis.database import make_engine

from .conftest import shot

RUN = f"hostile{secrets.token_hex(4)}"  # one word to find the item by
HOSTILE = " ".join([
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='svg'\"><circle r=1 /></svg>",
    "<a href=\"javascript:window.__pwned='a'\">click</a>",
    "[x](javascript:window.__pwned='md')",
    "<iframe src=\"javascript:window.__pwned='frame'\"></iframe>",
])
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = () => { window.__pwned = name; };
"""
# what ran or could run: the flag, event attributes, javascript: addresses, inline scripts, active elements
INSPECT = """() => {
  const risky = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) risky.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value)) risky.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const el of document.querySelectorAll('svg, iframe, object, embed, frame, base, form[action^="javascript"]'))
    risky.push(el.tagName);
  for (const script of document.scripts) if (!script.src) risky.push('inline script');
  return {pwned: window.__pwned === undefined ? null : String(window.__pwned), risky, violations: window.__violations};
}"""


def _hostile_item(rpc) -> str:
    drafted = rpc.knowledge.draft({"title": f"{RUN} ธนาคารขยะ", "body": "เนื้อหา", "category": "healthy_community",
                                   "kind": "case_study", "center": "P50", "province": "50"}, key=f"{RUN}-d")
    submitted = rpc.knowledge.submit(drafted["id"], drafted["version"], key=f"{RUN}-s")
    return rpc.knowledge.publish(drafted["id"], submitted["version"], key=f"{RUN}-p")["id"]


def _hostile_campaign(rpc) -> str:
    return rpc.knowledge.register_campaign({"title": f"{RUN} รณรงค์", "problem": "ปัญหา", "province": "50",
                                            "center": "P50", "status": "active"}, key=f"{RUN}-c")["id"]


@pytest.fixture(scope="module")
def hostile(system):
    """A published item and a running campaign, made by the service, then made hostile in its
    database as an attacker would (the search index keeps the words the service wrote)."""
    with system.rpc() as rpc:
        item_id, campaign_id = _hostile_item(rpc), _hostile_campaign(rpc)
    attachment = {"sha256": "ab" * 32, "name": f"{HOSTILE}.pdf", "type": "text/html", "size": 10}
    engine = make_engine(system.database_urls["knowledge"])
    with engine.begin() as conn:
        conn.execute(sql("UPDATE items SET title = :title, summary = :text, body = :text, body_html = :html, "
                         "tags = :tags, sources = :sources, attachments = :files, kind = :kind WHERE id = :id"), {
            "id": item_id, "title": f"{RUN} {HOSTILE}", "text": HOSTILE, "html": f"<p>ok</p>{HOSTILE}",
            "tags": json.dumps([HOSTILE]), "kind": "<svg onload=alert(1)>",
            "sources": json.dumps([{"title": HOSTILE, "url": "javascript:window.__pwned='source'"},
                                   {"title": "x", "url": " JaVaScRiPt:window.__pwned='source2'"}]),
            "files": json.dumps([attachment])})
        conn.execute(sql("UPDATE campaigns SET title = :title, problem = :text, goal = :text, channels = :channels, "
                         "results = :results WHERE id = :id"), {
            "id": campaign_id, "title": f"{RUN} {HOSTILE}", "text": HOSTILE,
            "channels": json.dumps([{"channel": "facebook", "url": "javascript:window.__pwned='channel'", "name": HOSTILE}]),
            "results": json.dumps([{"on": "2026-01-01", "reach": 1, "outcome": HOSTILE, "channel": "facebook"}])})
    engine.dispose()
    return {"item": item_id, "campaign": campaign_id}


@pytest.fixture(scope="module")
def phone(browser, system):
    """A context at phone size, Thai, watching for anything run and any blocked attempt."""
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", timezone_id="Asia/Bangkok",
                                          viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    yield context
    context.close()


@pytest.mark.parametrize("where", ["item", "search", "campaign", "home", "campaigns"])
def test_hostile_content_runs_nothing(phone, hostile, where):
    url = {"item": f"/learn/{hostile['item']}", "search": f"/learn/search?q={RUN}",
           "campaign": f"/learn/campaigns/{hostile['campaign']}", "home": "/learn",
           "campaigns": f"/learn/campaigns?q={RUN}"}[where]
    page = phone.new_page()
    response = page.goto(url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # an image's error event fires after the load
    found = page.evaluate(INSPECT)
    shot(page, f"learn-hostile-{where}")
    assert found == {"pwned": None, "risky": [], "violations": []}, found
    assert "<script>window.__pwned='script'</script>" in page.locator("main").inner_text()  # shown as text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()


def test_the_public_api_gives_the_body_cleaned_and_no_unsafe_link(system, hostile):
    item = requests.get(f"{system.url}/api/v1/learn/items/{hostile['item']}", timeout=30).json()
    assert "<p>ok</p>" in item["body_html"]
    for needle in ("<script", "onerror", "onload", "<svg", "<iframe"):
        assert needle not in item["body_html"].lower(), needle
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", item["body_html"], re.I)  # as text, not a link
    assert [s["url"] for s in item["sources"]] == [None, None]
    assert item["attachments"][0]["type"] == "application/octet-stream"  # never served as the HTML it claims
    campaign = requests.get(f"{system.url}/api/v1/learn/campaigns/{hostile['campaign']}", timeout=30).json()
    assert campaign["channels"][0]["url"] is None


def test_the_portal_on_a_phone(phone, hostile):
    """From the header's link to the portal, through its search box, to the item."""
    page = phone.new_page()
    page.goto("/indicators")
    page.locator("header a[href='/learn']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/learn") and page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "learn-home-phone")
    page.locator("input[name=q]").fill(RUN)
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(f".card a[href='/learn/{hostile['item']}']").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/learn/{hostile['item']}") and page.evaluate(INSPECT)["pwned"] is None
    page.close()
