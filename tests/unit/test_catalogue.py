"""The message catalogue, split by owner (the chassis, each register's contract, the gateway)
and merged by one registry: no code is defined twice, every entry has both languages with the
same placeholders, and every code the code names is defined somewhere."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import gateway  # noqa: F401  (adds the gateway's texts)
from services.chassis import messages
from services.registry import BUILT_SOURCES

ROOT = Path(__file__).resolve().parents[2]
# the ways code names a catalogue code: t("..."), message("..."), both("..."), body("...",
# rejected(field, "..."), coded("..."), ValidationError("..."), _FileProblem("..."),
# problem(FILE, "..."), CATALOGUE["..."], a problem's "code": "...", error="..."
USES = re.compile(
    r"""\b(?:t|message|both|body|coded|ValidationError|_FileProblem)\(\s*["']([a-z_0-9A-Z]+)["']"""
    r"""|\b(?:rejected|problem)\([^,()]+,\s*["']([a-z_0-9A-Z]+)["']"""
    r"""|CATALOGUE\[["']([a-z_0-9A-Z]+)["']\]"""
    r"""|["']code["']:\s*["']([a-z_0-9A-Z]+)["']"""
    r"""|\berror=["']([a-z_0-9A-Z]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_each_owner_keeps_its_own_codes_and_none_is_defined_twice():
    parts = messages.parts()
    assert {"chassis", "gateway", *BUILT_SOURCES} <= set(parts)
    owners: dict[str, list[str]] = {}
    for owner, entries in parts.items():
        for code in entries:
            owners.setdefault(code, []).append(owner)
    assert {code: found for code, found in owners.items() if len(found) > 1} == {}
    assert len(messages.CATALOGUE) == sum(len(entries) for entries in parts.values())


def test_a_code_added_twice_is_refused(monkeypatch):
    monkeypatch.setattr(messages, "_added", dict(messages._added))
    messages.add("a-second-owner", {"not_found": ("ซ้ำ", "Again")})
    try:
        with pytest.raises(messages.DuplicateCode, match="not_found"):
            messages.message("not_found")
        with pytest.raises(messages.DuplicateCode):  # never a half-merged catalogue
            messages.message("invalid")
    finally:
        messages._added.pop("a-second-owner")
        messages._merged.clear()
    assert messages.message("not_found")["en"] == "The record was not found"


# codes whose Thai and English fill in their own values: B.E. and C.E. years, Thai and English
# headers, the closest codes by their Thai and their English labels
EACH_IN_ITS_OWN = {"year_too_early": ({"min_be"}, {"min_ce"}), "missing_column": ({"column"}, {"column_en"}),
                   "not_one_of_closest": ({"closest_th"}, {"closest_en"})}


def test_every_entry_says_the_same_in_thai_and_english():
    for code, (th, en) in messages.CATALOGUE.items():
        assert th.strip() and en.strip(), code
        assert (_placeholders(th), _placeholders(en)) == EACH_IN_ITS_OWN.get(code, (_placeholders(en),) * 2), code


def test_every_code_the_code_names_is_in_the_catalogue():
    sources = [p for top in ("services", "gateway", "sanphalang") for p in (ROOT / top).rglob("*") if
               p.suffix in (".py", ".html")]
    used = {code for path in sources for found in USES.findall(path.read_text()) for code in found if code}
    assert len(used) > 200  # the scan finds the codes: it is not looking at nothing
    assert sorted(used - set(messages.CATALOGUE)) == []
