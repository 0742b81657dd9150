"""Code lists: codes with their Thai and English labels, the variants people write for some of
them (documented synonyms), how a written value reads as a code, and the allowed values
closest to one that does not.

A register's contract keeps its code lists (`Vocabulary`) and, beside them, the synonyms of
each (`synonyms(codes, {variant: code})`, checked when the contract loads). A spreadsheet cell
reads a code, a label or a synonym as the code; a value still unknown is refused naming the
closest codes (standard library `difflib`, so every machine suggests the same)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

Vocabulary = Mapping[str, tuple[str, str]]  # code -> (Thai label, English label)
Synonyms = Mapping[str, str]  # a variant as people write it -> its code

CLOSEST = 3  # at most this many closest values are named
CLOSE_ENOUGH = 0.6  # difflib's ratio at or above which a value is close to a code, label or synonym
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)  # a file repeats a few labels (types, areas, sources) on every row
def label_key(text) -> str:
    """How a written code, label or synonym is compared: NFC, case folded, without spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFC", str(text)).casefold())


def synonyms(codes: Vocabulary, variants: Mapping[str, str]) -> dict[str, str]:
    """A code list's synonyms, checked: each names a code of the list, and none reads as a code
    or label already (of its own code or another's), nor as another synonym. ValueError if not."""
    written = readings(codes)
    for variant, code in variants.items():
        if code not in codes:
            raise ValueError(f"the synonym {variant!r} names {code!r}, which is not in the list")
        if label_key(variant) in written:
            raise ValueError(f"the synonym {variant!r} is already a code, label or synonym of the list")
        written[label_key(variant)] = code
    return dict(variants)


def readings(codes: Vocabulary | Iterable[str], variants: Synonyms | None = None) -> dict[str, str]:
    """Every way a value of the list may be written (its codes, their labels, its synonyms), as
    `label_key` compares them -> the code."""
    found: dict[str, str] = {}
    labelled = codes if isinstance(codes, Mapping) else {code: () for code in codes}
    for code, labels in labelled.items():
        for text in (code, *labels):
            found.setdefault(label_key(text), code)
    for variant, code in (variants or {}).items():
        found.setdefault(label_key(variant), code)
    return found


def closest(value, written: dict[str, str]) -> list[str]:
    """The codes whose ways of being written (`readings`) are closest to `value`, best first,
    at most CLOSEST; none when nothing is close enough or `value` is not text."""
    if not isinstance(value, str) or not value.strip() or not written:
        return []
    key = label_key(value)
    if len(key) > 3 * max(map(len, written)):  # too long for any ratio to reach CLOSE_ENOUGH
        return []
    found: list[str] = []
    for match in difflib.get_close_matches(key, list(written), n=len(written), cutoff=CLOSE_ENOUGH):
        if written[match] not in found:
            found.append(written[match])
    return found[:CLOSEST]


def named(codes: Vocabulary | Iterable[str], found: list[str]) -> tuple[str, str]:
    """Codes as a message names them, in Thai and in English: each label with its code."""
    labelled = codes if isinstance(codes, Mapping) else {}

    def one(code: str, language: int) -> str:
        label = labelled[code][language] if code in labelled else None
        return f"{label} ({code})" if label else code

    return ", ".join(one(code, 0) for code in found), ", ".join(one(code, 1) for code in found)
