"""The duplicate-detection key of an organization's name, and when two keys are alike."""
from __future__ import annotations

import itertools
import unicodedata

import pytest

from services.chassis.registers import names  # the Thai mark machinery every register's keys share
from services.orgs.names import PREFIXES, SUFFIXES, normalize
from services.chassis.registers.duplicates import similar


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


def test_a_prefix_is_taken_only_when_something_of_the_name_is_left():
    assert normalize("กลุ่มกลุ่ม") == "กลุ่ม"
    assert normalize("วิสาหกิจชุมชน") == "วิสาหกิจชุมชน"
    assert normalize("กลุ่มวิสาหกิจชุมชน") == "วิสาหกิจชุมชน"
    assert normalize("สภาองค์กรชุมชนตำบลบ้านดง") == "ตำบลบ้านดง"
    assert normalize("กลุ่ม กลุ่ม ทอผ้า") == "ทอผ้า"


def reordered(text: str) -> str:
    """Every run of marks through the full reordering, which `names._thai_marks` skips when
    it would change nothing."""
    return names._MARK_RUN.sub(names._in_order, text)


@pytest.mark.parametrize("length", [1, 2, 3])
def test_skipping_marks_already_in_order_changes_no_key(length):
    for marks in itertools.product(names._MARKS, repeat=length):
        text = f"ก{''.join(marks)}งา{''.join(reversed(marks))}"
        assert names._thai_marks(text) == reordered(text), text.encode("unicode_escape")


@pytest.mark.parametrize("name", [
    "ผู้สูงอายุ", "เลี้ยงปลา", "น\u0e49\u0e4d\u0e32พอง", "น\u0e4d\u0e49\u0e32พอง", "ก\u0e48\u0e34ง",
    "ก\u0e34\u0e48\u0e48ง", "ก\u0e34\u0e35\u0e34", "ก\u0e4c\u0e34", "ก\u0e4e\u0e4c\u0e4d", "ก\u0e38\u0e49\u0e49\u0e38",
    "กุ้งก\u0e49\u0e38ง", "ศักดิ์สิทธิ์", "ก\u0e31\u0e4c\u0e49\u0e4d\u0e47", "",
])
def test_tricky_marks_get_the_same_key_as_with_the_full_reordering(name):
    assert names._thai_marks(name) == reordered(name)
    assert normalize(name) == normalize(reordered(name))


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
