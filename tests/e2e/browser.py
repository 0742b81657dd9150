"""Playwright for tests that run in an eventlet-patched pytest process.

tests/conftest.py monkey-patches eventlet for the whole pytest process (nameko needs it).
Playwright's sync API runs an asyncio loop in a greenlet of its own; under eventlet's patched
select and threads it works until it stops, then hangs for good (seen with 1.65.2: `stop()`
never returns). So the browser runs in a plain Python process (tests/e2e/browser_worker.py,
no eventlet) and the tests drive it through a thin proxy over a pipe: `Remote` objects stand
for the worker's Page, Locator, Response..., and read like Playwright's own sync API:

    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(url)
    page.get_by_label("ชื่อองค์กร").fill("กลุ่มออมทรัพย์")
    browser.expect(page.locator("h1")).to_contain_text("...")

Each attribute read or call is one round trip; values that are JSON come back as values,
bytes as bytes, anything else as another Remote; a compiled regex may be passed. A failure in the worker is raised here as
`BrowserError` (an AssertionError, so pytest shows the worker's message)."""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BrowserError(AssertionError):
    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind


class Worker:
    def __init__(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PSYCOPG_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.browser_worker"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        ready = self.process.stdout.readline()
        if not ready:
            raise RuntimeError(f"the browser worker did not start (exit {self.process.wait()})")

    def ask(self, request: dict):
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the browser worker died (exit {self.process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise BrowserError(answer["error"], answer["message"])
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write('{"op": "quit"}\n')
                self.process.stdin.flush()
                self.process.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


class Remote:
    """One object in the worker (handle 0: the root, with `new_page(**options)` and `expect`)."""

    def __init__(self, worker: Worker, handle: int, kind: str = "Browser"):
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_kind", kind)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        answer = self._worker.ask({"target": self._handle, "op": "get", "name": name})
        if answer.get("method"):
            return lambda *args, **kwargs: self._call(name, args, kwargs)
        return self._value(answer)

    def _call(self, name, args, kwargs):
        answer = self._worker.ask({"target": self._handle, "op": "call", "name": name,
                                   "args": _encode(list(args)), "kwargs": _encode(kwargs)})
        return self._value(answer)

    def _value(self, answer: dict):
        if "handle" in answer:
            return Remote(self._worker, answer["handle"], answer["type"])
        if "bytes" in answer:
            return base64.b64decode(answer["bytes"])
        return answer["value"]

    def __repr__(self) -> str:
        return f"<remote {self._kind} #{self._handle}>"


def _encode(value):
    if isinstance(value, Remote):
        return {"__handle__": value._handle}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, re.Pattern):
        return {"__regex__": value.pattern, "flags": int(value.flags)}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def start() -> tuple[Worker, Remote]:
    worker = Worker()
    return worker, Remote(worker, 0)
