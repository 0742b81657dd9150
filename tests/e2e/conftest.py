"""End-to-end tests: the real system (orgs, reporting and the gateway as processes, on SQLite,
over the real broker) driven through Debian's headless Chromium by Playwright.

The browser runs in a process of its own (tests/e2e/browser.py says why); `browser` and
`page` here are proxies that read like Playwright's sync API. Screenshots of key pages go to
var/test-artifacts/screenshots/ (`shot(page, name)`)."""
from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, running_system

from . import browser as remote

SCREENSHOTS = ROOT / "var" / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (in its worker process)."""
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run deploy/local/ensure-browser.sh (make test does)")
    worker, root = remote.start()
    try:
        yield root
    finally:
        worker.close()


@pytest.fixture(scope="session")
def system(tmp_path_factory):
    """One running system on SQLite for the e2e tests (each test makes records of its own), not
    the system tier's shared one: the pages are looked at as a nearly empty system shows them
    (the list's first page at a phone's width holds what the test registered)."""
    with running_system(tmp_path_factory.mktemp("e2e"), "sqlite") as running:
        yield running


@pytest.fixture(scope="session")
def make_user(system):
    """make_user(role, center=None) -> (name, password): a user made through the real CLI,
    `sanphalang users add NAME --role ROLE [--center CODE] --password-stdin`."""
    def make(role: str, center: str | None = None) -> tuple[str, str]:
        name = f"{role.replace('_', '')}{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        args = ["users", "add", name, "--role", role, *(["--center", center] if center else []), "--password-stdin"]
        done = subprocess.run([sys.executable, "-m", "sanphalang", *args], env=system.env, cwd=ROOT,
                              input=password + "\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr or done.stdout
        return name, password
    return make


@pytest.fixture
def page(browser, system, request):
    """A fresh browser context (no cookies) in Thai, based at the system's URL. On a failure
    the page is saved as var/test-artifacts/screenshots/failed-<test>.png."""
    context = browser.browser.new_context(base_url=system.url, locale="th-TH", timezone_id="Asia/Bangkok",
                                          viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        shot(page, f"failed-{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}")
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def shot(page, name: str, full_page: bool = True) -> Path:
    """Save a screenshot of `page` as var/test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, name: str, password: str) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto("/sign-in")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, page.locator("main").inner_text()
