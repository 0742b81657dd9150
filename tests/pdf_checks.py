"""Reading a Thai PDF back as a PDF viewer's copy and search would, with poppler's tools
(Debian's poppler-utils, installed by deploy/local/ensure-browser.sh). Used by the tests of
the monthly report's PDF (gateway/pdf.py; docs/decisions.md, "Issue 15: reporting")."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pythainlp.tokenize import word_tokenize

from services.chassis.words import ENGINE

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True, timeout=60).stdout


def text(pdf: Path) -> str:
    """The PDF's text in the order it is drawn (`pdftotext -raw`: a table's row stays a row)."""
    return poppler("pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-")


def no_space(s: str) -> str:
    return re.sub(r"\s+", "", s)


def ghosts(pdf: Path) -> list[str]:
    """Words of no width: marks of a page's first line that Chromium also printed at the foot of
    the page before (a line height too small for the font's stacked marks)."""
    return [m.group(3) for m in _WORD.finditer(poppler("pdftotext", "-bbox", str(pdf), "-"))
            if float(m.group(2)) - float(m.group(1)) < 0.01]


def word_ends(blocks: list[str]) -> set[int]:
    """Where newmm ends a word, as offsets in the text of `blocks` without whitespace."""
    ends, offset = set(), 0
    for block in blocks:
        for word in word_tokenize(block, engine=ENGINE, keep_whitespace=True):
            offset += len(no_space(word))
            ends.add(offset)
    return ends


def lines_ending_inside_words(read: str, blocks: list[str]) -> list[str]:
    """The lines of `read` (the PDF's text, which begins with `blocks`) that end inside a word
    of `blocks`, each shown as "...|..." around where it ends."""
    ends, body = word_ends(blocks), no_space("".join(blocks))
    offset, inside = 0, []
    for line in read.splitlines():
        offset += len(no_space(line))
        if offset >= len(body):
            break
        if offset not in ends:
            inside.append(f"{body[max(0, offset - 10):offset]}|{body[offset:offset + 10]}")
    return inside


def page_size(pdf: Path) -> tuple[str, int]:
    """(pdfinfo's page size, e.g. "595.28 x 841.89 pts (A4)", the number of pages)."""
    info = poppler("pdfinfo", str(pdf))
    return re.search(r"Page size:\s*(.*)", info).group(1), int(re.search(r"Pages:\s*(\d+)", info).group(1))


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(name, embedded) of each font, as pdffonts lists them."""
    rows = poppler("pdffonts", str(pdf)).splitlines()[2:]
    return [(row.split()[0], row.split()[-5] == "yes") for row in rows]
