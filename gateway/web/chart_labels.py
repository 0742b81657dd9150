"""Chart labels broken at word boundaries. Thai has no spaces between words, and ECharts'
`overflow: "break"` cuts anywhere (between a letter and its tone mark too), so the server cuts
a long label into lines at the words of the project's segmenter (services/chassis/words.py:
pythainlp's newmm) and the chart draws the lines it is given."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

from services.chassis.words import ENGINE

LINE = 14  # letters a line, about 100 px of 12 px Sarabun: a label column on a 360-px phone


def _width(text: str) -> int:
    """Letters as they take room: Thai vowel and tone marks above or below take none."""
    return sum(1 for ch in text if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=4096)
def wrap(text: str, width: int = LINE) -> str:
    """`text` with "\\n" between words where a line would grow past `width` letters; a word
    longer than a line keeps a line of its own (whole: a word is never cut)."""
    lines: list[str] = []
    line = ""
    for word in word_tokenize(unicodedata.normalize("NFC", text or ""), engine=ENGINE, keep_whitespace=True):
        if line and _width(line + word) > width and word.strip():
            lines.append(line.rstrip())
            line = word
        elif line or word.strip():
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)
