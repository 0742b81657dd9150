"""The browser side of tests/e2e: Playwright's sync API driving Debian's /usr/bin/chromium, in
a process of its own, without eventlet (see tests/e2e/browser.py for why).

It reads one JSON request a line on stdin and answers one JSON line on stdout:
  {"target": HANDLE, "op": "get", "name": ATTR}
  {"target": HANDLE, "op": "call", "name": METHOD, "args": [...], "kwargs": {...}}
Handle 0 is the root (`browser`, `expect`). A value that is not JSON (a Page, a Locator...) is
kept here and answered as {"handle": N}; bytes as {"bytes": base64}; a failure as
{"error": TYPE, "message": ...}."""
from __future__ import annotations

import base64
import json
import os
import re
import sys

from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("SANPHALANG_CHROMIUM", "/usr/bin/chromium")
# as root and without a network beyond loopback: no sandbox, no GPU, no calls home
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Root:
    def __init__(self, browser):
        self.browser = browser

    def new_page(self, **options):
        return self.browser.new_page(**options)

    def expect(self, actual, message=None):
        return expect(actual, message)


def main() -> None:
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        objects: dict[int, object] = {0: Root(browser)}

        def encode(value):
            if value is None or isinstance(value, (bool, int, float, str)):
                return {"value": value}
            if isinstance(value, (bytes, bytearray)):
                return {"bytes": base64.b64encode(value).decode()}
            if isinstance(value, (list, tuple, dict)):
                try:
                    return {"value": json.loads(json.dumps(value))}
                except TypeError:
                    pass
            objects[len(objects)] = value
            return {"handle": len(objects) - 1, "callable": callable(value), "type": type(value).__name__}

        def decode(value):
            if isinstance(value, dict) and set(value) == {"__handle__"}:
                return objects[value["__handle__"]]
            if isinstance(value, dict) and set(value) == {"__regex__", "flags"}:
                return re.compile(value["__regex__"], value["flags"])
            if isinstance(value, list):
                return [decode(v) for v in value]
            if isinstance(value, dict):
                return {k: decode(v) for k, v in value.items()}
            return value

        def handle(target, request):
            value = getattr(target, request["name"])
            if request["op"] == "call":
                return encode(value(*decode(request.get("args", [])), **decode(request.get("kwargs", {}))))
            if callable(value) and not isinstance(value, type) and hasattr(value, "__self__"):
                return {"method": True}  # a bound method: the client calls it by name
            return encode(value)

        out.write(json.dumps({"ready": True}) + "\n")
        out.flush()
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("op") == "quit":
                break
            try:
                answer = handle(objects[request["target"]], request)
            except Exception as error:  # noqa: BLE001  (every failure goes back to the test)
                answer = {"error": type(error).__name__, "message": str(error)}
            out.write(json.dumps(answer) + "\n")
            out.flush()
        browser.close()


if __name__ == "__main__":
    main()
