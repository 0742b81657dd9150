"""The words of Thai (and any) text, for full-text search: Thai is written without spaces
between words, so text is segmented by pythainlp's dictionary-based maximal matching
(`newmm`), run by nlpO3, its Rust implementation (the same algorithm and dictionary, several
times faster: docs/knowledge.md has the figures). A word is then cut at anything that is not a
letter, digit or combining mark, case folded, with Thai digits as Arabic ones, so that the same
list of words goes into SQLite's FTS5 index and PostgreSQL's tsvector, and a query is cut the
same way as the text it looks for."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

from .thai import to_arabic_digits

ENGINE = "nlpo3"  # newmm, in Rust; "newmm" is pythainlp's own (pure Python) run of the same
WORD_MAX = 60  # characters; longer runs (an address, a code) are not words anyone searches for
# Cut at what is not a letter, digit or combining mark (Python's \w has no marks: Thai vowel and
# tone marks, and the common combining ranges, are added), so that no word holds a character
# FTS5's tokenizer ('L* N* Co M*') would cut it at: ฿, ๏, ๚ and ๛ are not word characters.
_NOT_WORD = re.compile(r"[^\w\u0E31\u0E34-\u0E3A\u0E47-\u0E4E\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF"
                       r"\u20D0-\u20FF\uFE20-\uFE2F]+|_")


def words(text: str | None) -> list[str]:
    """The words of `text` in order, repeats kept (a search ranks by them)."""
    if not text:
        return []
    out = []
    for token in word_tokenize(to_arabic_digits(unicodedata.normalize("NFC", text)), engine=ENGINE,
                               keep_whitespace=False):
        for part in _NOT_WORD.split(token.casefold()):
            if part and len(part) <= WORD_MAX:
                out.append(part)
    return out


@lru_cache(maxsize=1024)
def query_words(text: str) -> tuple[str, ...]:
    """The distinct words of a query, in the order typed."""
    return tuple(dict.fromkeys(words(text)))
