"""Names as people write them, reduced to a key for finding the same record twice: spacing,
punctuation, Thai digits, Latin case, the order Thai marks were typed in, and the words a
register's names usually start or end with, aside."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

from services.chassis.thai import to_arabic_digits

# Thai marks typed in either order look the same: a vowel above or below the consonant
# first, then the tone mark, then nikhahit (of sara am), then the rest (thanthakhat...).
_THAI_VOWEL_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
_THAI_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
_NIKHAHIT = "\u0e4d"
_OTHER_MARKS = "\u0e4c\u0e4e"  # thanthakhat, yamakkan
_MARKS = _THAI_VOWEL_MARKS + _THAI_TONE_MARKS + _NIKHAHIT + _OTHER_MARKS
# sara am, also typed as nikhahit + sara aa (which NFKC makes of it), around a tone mark:
# น้ำ = น + ้ + ำ = น + ้ + ํ + า = น + ํ + ้ + า
_SARA_AM_PARTS = "\u0e4d\u0e32"
_SARA_AM = "\u0e33"
# everything but letters, digits and Thai or Latin combining marks: spaces, punctuation, symbols
_DROP = re.compile("[^\\w\u0300-\u036f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]|_")
_MARK_RUN = re.compile(f"[{_MARKS}]{{2,}}")
# All that putting marks in order changes: a vowel after a later mark, a tone mark after
# nikhahit or the rest, nikhahit after the rest, or one mark twice in a run. (Opening with one
# character class lets the regex engine skip ahead to the marks.)
_OUT_OF_ORDER = re.compile(
    f"([{_MARKS}])(?:(?<=[{_THAI_TONE_MARKS}{_NIKHAHIT}{_OTHER_MARKS}])[{_THAI_VOWEL_MARKS}]"
    f"|(?<=[{_NIKHAHIT}{_OTHER_MARKS}])[{_THAI_TONE_MARKS}]|(?<=[{_OTHER_MARKS}]){_NIKHAHIT}|[{_MARKS}]*\\1)"
)


def name_key(prefixes: tuple[str, ...] = (), suffixes: tuple[str, ...] = ()) -> Callable[[str], str]:
    """The key function of a register's names: NFC, Thai digits as Arabic, lower case, only
    letters, marks and digits (no spaces or punctuation), Thai marks in one order, without
    leading `prefixes` (tried longest first, and again after one is taken, as long as
    something of the name is left) and one trailing word of `suffixes`."""
    ordered = sorted(prefixes, key=len, reverse=True)
    prefix_at = re.compile(f"(?:{'|'.join(map(re.escape, ordered))})(?=.)", re.DOTALL) if ordered else None

    @lru_cache(maxsize=65_536)  # an import computes each row's key more than once
    def normalize(name: str) -> str:
        text = _DROP.sub("", unicodedata.normalize("NFC", to_arabic_digits(name or "")).lower())
        text = _thai_marks(text.replace(_SARA_AM, _SARA_AM_PARTS)).replace(_SARA_AM_PARTS, _SARA_AM)
        while prefix_at is not None and (prefix := prefix_at.match(text)):
            text = text[prefix.end():]
        for suffix in suffixes:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
        return text

    return normalize


def _rank(mark: str) -> int:
    return 0 if mark in _THAI_VOWEL_MARKS else 1 if mark in _THAI_TONE_MARKS else 2 if mark == _NIKHAHIT else 3


def _in_order(run: re.Match) -> str:
    return "".join(sorted(dict.fromkeys(run.group()), key=_rank))


def _thai_marks(text: str) -> str:
    """Each run of Thai combining marks in canonical order, a mark typed twice kept once."""
    return _MARK_RUN.sub(_in_order, text) if _OUT_OF_ORDER.search(text) else text
