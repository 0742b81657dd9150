"""Markdown, the body of a knowledge item: what a body may hold, its HTML, and its plain text.

A body is parsed by markdown-it-py (CommonMark, with tables and strikethrough) with raw HTML
off, and the HTML it renders is cleaned again by nh3 (the Ammonia sanitizer) with an
allow-list of tags, attributes and URL schemes: no script, no event attribute, no
`javascript:` or `data:` link can come out of stored content, whatever got stored. Before a
body is stored at all, `problems` refuses raw HTML and unsafe links, so a writer learns at once
rather than finding text missing later."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
})
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"},
              "th": {"style"}, "td": {"style"}}
# table cells' alignment is the one style markdown-it writes
_STYLES = {"text-align"}


def _parser(checking: bool) -> MarkdownIt:
    """The renderer, or (`checking`) a parser that sees raw HTML and every link as written,
    to refuse them."""
    md = MarkdownIt("commonmark", {"html": checking, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    if checking:
        md.validateLink = lambda url: True
    return md


_RENDER = _parser(checking=False)
_CHECK = _parser(checking=True)


def _safe_url(url: str) -> bool:
    """http(s) or mailto, or a link within the site (a path or an anchor)."""
    address = url.strip()
    scheme = urlsplit(address).scheme.lower() if ":" in address.split("/", 1)[0] else ""
    return scheme in SAFE_SCHEMES or (not scheme and not address.startswith("//"))


def problems(markdown: str) -> list[str]:
    """The catalogue codes of what a body may not hold: raw HTML, unsafe links or images."""
    found = []
    for token in _walk(_CHECK.parse(markdown or "")):
        if token.type in ("html_block", "html_inline") and "html_not_allowed" not in found:
            found.append("html_not_allowed")
        url = token.attrGet("href") if token.type == "link_open" else token.attrGet("src") if token.type == "image" else None
        if url is not None and not _safe_url(str(url)) and "unsafe_link" not in found:
            found.append("unsafe_link")
    return found


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


@lru_cache(maxsize=256)
def render(markdown: str) -> str:
    """Safe HTML of a body: rendered without raw HTML, then cleaned by the allow-list."""
    return clean(_RENDER.render(markdown or ""))


def clean(html: str | None) -> str:
    """HTML through the allow-list of tags, attributes and URL schemes (what any HTML read
    back from storage goes through again before a page shows it)."""
    return nh3.clean(html or "", tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(SAFE_SCHEMES), link_rel="noopener noreferrer nofollow",
                     filter_style_properties=_STYLES, strip_comments=True)


def plain(markdown: str) -> str:
    """The words of a body without its Markdown, for search and summaries."""
    words = []
    for token in _walk(_RENDER.parse(markdown or "")):
        if token.type in ("text", "code_inline", "code_block", "fence"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak", "paragraph_close", "heading_close", "list_item_close",
                            "th_close", "td_close"):
            words.append("\n")
        elif token.type == "image":
            words.append(token.content)
    return "".join(words).strip()
