"""PDFs of the gateway's own pages (the monthly report): the page's HTML printed by headless
Chromium (Debian's /usr/bin/chromium), offline. Chromium was chosen on measured Thai checks
(docs/decisions.md, "Issue 15: reporting"): the text pdftotext reads back equals the page's,
stacked marks are shaped, SVG <text> is shaped like the rest, and the page's own scripts run
(the charts are the dashboards' ECharts). Its own line breaking splits some compound words
(การ|พัฒนา), so Thai prose goes through `thai_words` first.

The page may refer to the gateway's static files by their URL (/static/web/...): they are read
from the files on disk. Nothing else is fetched: a Content-Security-Policy allows only local
files and the page's inline styles and scripts, and host names do not resolve."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess as _subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from eventlet.green import subprocess
from eventlet.semaphore import Semaphore
from markupsafe import Markup, escape
from pythainlp.tokenize import word_tokenize

from services.chassis.words import ENGINE

STATIC_DIR = Path(__file__).parent / "web" / "static"
STATIC_URL = "/static/web/"
TIMEOUT = 60.0  # seconds for one page, start to PDF
# Virtual time Chromium lets the page's timers and font loads run before printing: it only
# fast-forwards while the page is idle, so a page that is done costs no real time for it.
SETTLE_MS = 10_000
_RENDERS = Semaphore(1)  # one Chromium at a time per gateway: it takes about 350 MB (PSS) and a core

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--mute-audio", "--no-pdf-header-footer",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
POLICY = ("default-src 'none'; script-src file: 'unsafe-inline'; style-src file: 'unsafe-inline'; "
          "font-src file: data:; img-src file: data:")


class PdfError(RuntimeError):
    """A page could not be made into a PDF."""


class PdfRendererMissing(PdfError):
    """No Chromium on this machine (deploy/local/ensure-browser.sh installs it)."""


def chromium() -> str:
    """The Chromium to print with; PdfRendererMissing when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise PdfRendererMissing("no chromium on PATH: run deploy/local/ensure-browser.sh (make setup does)")
    return found


def pdf_from_html(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF of the page `html`: A4 unless its own CSS sets @page { size }; its scripts run and
    its fonts load first (PdfError if that takes over `timeout` seconds or Chromium fails)."""
    binary = chromium()
    work = Path(tempfile.mkdtemp(prefix="sanphalang-pdf-"))
    try:
        page, out, log = work / "page.html", work / "page.pdf", work / "chromium.log"
        page.write_text(offline(html), encoding="utf-8")
        env = {**os.environ, "HOME": str(work), "XDG_CONFIG_HOME": str(work / "config"),
               "XDG_CACHE_HOME": str(work / "cache")}
        command = [binary, *FLAGS, f"--user-data-dir={work / 'profile'}", f"--virtual-time-budget={SETTLE_MS}",
                   f"--print-to-pdf={out}", page.as_uri()]
        with _RENDERS, open(log, "wb") as errors:
            process = subprocess.Popen(command, stdin=_subprocess.DEVNULL, stdout=errors, stderr=errors,
                                       env=env, cwd=work, start_new_session=True)
            try:
                code = process.wait(timeout=timeout)
            except _subprocess.TimeoutExpired:
                raise PdfError(f"chromium took over {timeout:g} s to print the page") from None
            finally:
                _stop_group(process)
        data = out.read_bytes() if out.exists() else b""
        if code != 0 or not data.startswith(b"%PDF"):
            tail = log.read_text("utf-8", "replace")[-600:].strip()
            raise PdfError(f"chromium exited {code} without a PDF: {tail}")
        return data
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stop_group(process) -> None:
    """End what is left of the Chromium we started (its renderer and helper processes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait()


_STATIC_REF = re.compile(r"""((?:\b(?:src|href)\s*=\s*["']?)|url\(\s*["']?)""" + re.escape(STATIC_URL))
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def offline(html: str) -> str:
    """`html` with the gateway's static URLs as files on disk, and first in its <head> the
    policy that fetches nothing else and A4 (which the page's own CSS may override)."""
    html = _STATIC_REF.sub(lambda m: m.group(1) + STATIC_DIR.resolve().as_uri() + "/", html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}"><style>@page {{ size: A4; }}</style>'
    head = _HEAD.search(html)
    if head:
        return html[:head.end()] + meta + html[head.end():]
    return meta + html


def thai_words(text: str | int | None) -> Markup:
    """`text` escaped, each word (pythainlp's newmm, the project's segmenter) kept whole on a
    line: a line may end only between words. For Thai prose in a printed page; the words are
    spans of class "w" (report-print.css keeps them unbroken)."""
    return Markup(_thai_words("" if text is None else str(text)))


@lru_cache(maxsize=4096)
def _thai_words(text: str) -> str:
    parts = []
    for word in word_tokenize(text, engine=ENGINE, keep_whitespace=True):
        if word.isspace():
            parts.append(str(escape(word)))
        else:
            parts.append(f'<span class="w">{escape(word)}</span><wbr>')
    return "".join(parts)
