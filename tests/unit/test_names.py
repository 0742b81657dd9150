"""The duplicate-detection key of an organization's name, and when two keys are alike."""
from __future__ import annotations

import unicodedata

import pytest

from services.orgs.names import PREFIXES, SUFFIXES, normalize
from services.orgs.search import similar


@pytest.mark.parametrize("variant", [
    "วิสาหกิจชุมชนทอผ้าบ้านดง",
    "วิสาหกิจชุมชน ทอผ้า บ้านดง",
    "  วิสาหกิจชุมชน\tทอผ้า\u00a0บ้านดง  ",
    "กลุ่มทอผ้าบ้านดง",
    "กลุ่มวิสาหกิจชุมชนทอผ้าบ้านดง",  # two prefixes
    "วิสาหกิจชุมชนกลุ่มทอผ้า (บ้านดง)",
    "ทอผ้า-บ้านดง.",
    "ทอผ้าบ้านดง",
])
def test_spacing_punctuation_and_prefixes_do_not_count(variant):
    assert normalize(variant) == "ทอผ้าบ้านดง"


def test_thai_digits_are_arabic():
    assert normalize("กลุ่มออมทรัพย์บ้านดง หมู่ ๑๒") == normalize("กลุ่มออมทรัพย์บ้านดง หมู่ 12") == "ออมทรัพย์บ้านดงหมู่12"


def test_latin_is_lower_case_and_loses_punctuation():
    assert normalize("Ban Dong Weaving Group (OTOP)") == "bandongweavinggroupotop"
    assert normalize("BAN_DONG & co.") == "bandongco"


def test_nfc_and_the_order_thai_marks_were_typed_in():
    assert normalize(unicodedata.normalize("NFD", "Café")) == normalize("café") == "café"
    # tone mark typed before the vowel above; the same tone mark typed twice
    assert normalize("ก\u0e48\u0e34ง") == normalize("ก\u0e34\u0e48ง") == normalize("ก\u0e34\u0e48\u0e48ง")
    # sara am as one character, or nikhahit + sara aa on either side of the tone mark
    water = normalize("น้ำพอง")
    assert normalize("น\u0e49\u0e4d\u0e32พอง") == normalize("น\u0e4d\u0e49\u0e32พอง") == water == "น้ำพอง"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_each_prefix_is_stripped(prefix):
    assert normalize(f"{prefix}บ้านดง") == "บ้านดง"


def test_the_trailing_jamkat_is_stripped_and_a_name_that_is_only_a_prefix_stays():
    assert SUFFIXES == ("จำกัด",)
    assert normalize("สหกรณ์การเกษตรบ้านดง จำกัด") == normalize("สหกรณ์การเกษตรบ้านดง") == "การเกษตรบ้านดง"
    assert normalize("กลุ่ม") == "กลุ่ม"
    assert normalize("กลุ่มสหกรณ์") == "สหกรณ์"
    assert normalize("") == normalize(None) == ""


def test_a_village_prefix_is_part_of_the_name():
    assert normalize("บ้านดงทอผ้า") == "บ้านดงทอผ้า"


@pytest.mark.parametrize("a, b, alike", [
    ("ทอผ้าบ้านดง", "ทอผ้าบ้านดง", True),
    ("ทอผ้าบ้านดง", "ทอผ้าบ้านดงเหนือ", True),  # one inside the other
    ("ทอผ้าบ้านดง", "ทอผ่าบ้านดง", True),  # a typo: ratio >= 0.9
    ("ออมทรัพย์บ้านดงหมู่1", "ออมทรัพย์บ้านดงหมู่2", False),  # different numbers
    ("ออมทรัพย์บ้านดง", "ออมทรัพย์บ้านดงหมู่2", True),  # a number on one side only
    ("ทอผ้าบ้านดง", "จักสานบ้านดง", False),
    ("ดง", "ทอผ้าบ้านดง", False),  # too short to count as contained
])
def test_similar(a, b, alike):
    assert similar(a, b) is alike
    assert similar(b, a) is alike
