"""Names as people write them, reduced to a key for finding the same organization twice:
spacing, punctuation, Thai digits, Latin case, the order Thai marks were typed in and the
usual organizational prefixes aside."""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

from services.chassis.validation import to_arabic_digits

# Words an organization's name often starts with; tried longest first, and again after one
# is taken, so "กลุ่มวิสาหกิจชุมชนทอผ้า" and "วิสาหกิจชุมชนทอผ้า" both become "ทอผ้า".
PREFIXES = tuple(sorted((
    "กลุ่ม", "ชมรม", "สมาคม", "มูลนิธิ", "วิสาหกิจชุมชน", "กองทุน", "สหกรณ์", "ศูนย์", "เครือข่าย",
    "สภาองค์กรชุมชน", "สถาบัน",
), key=len, reverse=True))
# ...and ends with (a registered cooperative or company: "... จำกัด")
SUFFIXES = ("จำกัด",)
# The first prefix, in that order, that leaves something of the name
_PREFIX = re.compile(f"(?:{'|'.join(map(re.escape, PREFIXES))})(?=.)", re.DOTALL)

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


@lru_cache(maxsize=65_536)  # an import computes each row's key more than once
def normalize(name: str) -> str:
    """The duplicate-detection key of a name: NFC, Thai digits as Arabic, lower case, only
    letters, marks and digits (no spaces or punctuation), Thai marks in one order, without
    the leading organizational words in PREFIXES and a trailing "จำกัด"."""
    text = _DROP.sub("", unicodedata.normalize("NFC", to_arabic_digits(name or "")).lower())
    text = _thai_marks(text.replace(_SARA_AM, _SARA_AM_PARTS)).replace(_SARA_AM_PARTS, _SARA_AM)
    while prefix := _PREFIX.match(text):
        text = text[prefix.end():]
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return text


def _rank(mark: str) -> int:
    return 0 if mark in _THAI_VOWEL_MARKS else 1 if mark in _THAI_TONE_MARKS else 2 if mark == _NIKHAHIT else 3


def _in_order(run: re.Match) -> str:
    return "".join(sorted(dict.fromkeys(run.group()), key=_rank))


def _thai_marks(text: str) -> str:
    """Each run of Thai combining marks in canonical order, a mark typed twice kept once."""
    return _MARK_RUN.sub(_in_order, text) if _OUT_OF_ORDER.search(text) else text
