"""The knowledge register's rules as plain Python: Markdown made safe, Thai words for search,
files known by their bytes, and the workflow's steps."""
from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

import pytest

from services.chassis import richtext
from services.chassis.errors import CommandRejected
from services.chassis.registers.fulltext import tsvector
from services.chassis.words import query_words, words
from services.knowledge import domain
from services.knowledge.files import kind_of

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "[x](vbscript:msgbox(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
]


class _Elements(HTMLParser):
    """The elements and attributes of a piece of HTML, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_markdown_is_refused_and_renders_inert(markdown):
    assert richtext.problems(markdown)
    found = _Elements()
    found.feed(richtext.render(markdown))
    assert not set(found.tags) & {"script", "iframe", "svg", "div", "object", "embed", "style"}
    assert not [name for name, _ in found.attributes if name.startswith("on") or name == "style"]
    assert not [v for name, v in found.attributes if name in ("href", "src")
                and v.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]


def test_markdown_renders_headings_lists_tables_and_safe_links():
    html = richtext.render("## หัวข้อ\n\n- หนึ่ง\n- สอง\n\n| ก | ข |\n|---|--:|\n| 1 | 2 |\n\n[ลิงก์](https://example.org)")
    assert "<h2>หัวข้อ</h2>" in html and "<li>หนึ่ง</li>" in html and "<table>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ลิงก์</a>' in html
    assert richtext.problems("## หัวข้อ\n\n[ภายใน](/learn/1) [อีเมล](mailto:a@b.org) a < b > c") == []
    assert richtext.plain("## หัวข้อ\n\nย่อหน้า **หนึ่ง**") == "หัวข้อ\nย่อหน้า หนึ่ง"


def test_thai_text_is_cut_into_words_the_same_way_for_the_index_and_the_query():
    text = "ธนาคารขยะชุมชนบ้านหนองบัว ปี ๒๕๖๗ COVID-19"
    assert words(text) == ["ธนาคาร", "ขยะ", "ชุมชน", "บ้าน", "หนอง", "บัว", "ปี", "2567", "covid", "19"]
    assert query_words("ธนาคารขยะ ขยะ") == ("ธนาคาร", "ขยะ")
    assert words("") == [] and words(None) == []
    assert words("ราคา 100฿ ๏ ขยะ๚") == ["ราคา", "100", "ขยะ"]  # signs FTS5 would cut a word at are cut here too
    assert all(words(w) == [w] for w in words(text))  # each word is a word again: nothing split twice


def test_a_tsvector_holds_exactly_the_words_with_their_parts_weights():
    vector = tsvector([["ขยะ", "ชุมชน"], ["ขยะ"], [], ["it's"]])
    assert vector == "'ขยะ':1A,3B 'ชุมชน':2A 'it''s':4D"


def _zip(*names: str, mimetype: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize("name,data,expected", [
    ("รายงาน.pdf", b"%PDF-1.7\n%\xe2\xe3\n", "application/pdf"),
    ("ภาพ.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
    ("ภาพ.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
    ("เอกสาร.docx", _zip("[Content_Types].xml", "word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("ตาราง.ods", _zip("content.xml", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_a_file_is_taken_when_its_bytes_are_what_its_name_says(name, data, expected):
    assert kind_of(name, data) == expected


def test_an_opendocument_whose_name_entry_is_a_bomb_is_refused_without_reading_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" + " " * 50_000_000)
        archive.writestr("content.xml", "<x/>")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(CommandRejected) as error:
        kind_of("เอกสาร.odt", out.getvalue())
    assert [p["code"] for p in error.value.problems] == ["file_not_what_named"]


@pytest.mark.parametrize("name,data,code", [
    ("โปรแกรม.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "file_not_what_named"),
    ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, "file_not_what_named"),
    ("หน้าเว็บ.pdf", b"<html><script>alert(1)</script></html>", "file_not_what_named"),
    ("archive.docx", _zip("payload.exe"), "file_not_what_named"),
    ("ภาพ.png", b"%PDF-1.4\n", "file_not_what_named"),
    ("ภาพ.svg", b"<svg onload=alert(1)></svg>", "file_type_refused"),
    ("run.exe", b"MZ\x90\x00", "file_type_refused"),
    ("ไม่มีนามสกุล", b"%PDF-1.4\n", "file_type_refused"),
])
def test_a_file_is_refused_when_its_bytes_are_not_what_its_name_says(name, data, code):
    with pytest.raises(CommandRejected) as error:
        kind_of(name, data)
    assert [p["code"] for p in error.value.problems] == [code]


def _item(status: str) -> domain.Item:
    return domain.Item(id="i", version=3, status=status, values={"center": "P50", "category": "other", "kind": "manual"})


@pytest.mark.parametrize("step,start", [("submit", "draft"), ("return", "in_review"), ("publish", "in_review"),
                                        ("archive", "published"), ("restore", "archived")])
def test_each_step_of_the_workflow_starts_from_one_state(step, start):
    (event,) = domain.take_step(_item(start), step, "หมายเหตุ")
    assert (event.version, event.data) == (4, {"center": "P50", "category": "other", "kind": "manual",
                                               "revision": 1, "note": "หมายเหตุ"})
    for other in {"draft", "in_review", "published", "archived"} - {start}:
        with pytest.raises(CommandRejected) as error:
            domain.take_step(_item(other), step)
        assert error.value.problems[0]["code"] == f"step_needs_{start}"


def test_a_place_must_agree_with_itself_and_a_center_must_exist():
    with pytest.raises(CommandRejected) as error:
        domain.draft({"title": "x", "body": "y", "category": "other", "kind": "manual", "province": "50",
                      "district": "1001"}, "P50")
    assert [p["field"] for p in error.value.problems] == ["district"]
    with pytest.raises(CommandRejected) as error:
        domain.draft({"title": "x", "body": "y", "category": "other", "kind": "manual"}, "P99")
    assert [p["code"] for p in error.value.problems] == ["knowledge_unknown_center"]
    assert domain.draft({"title": "x", "body": "y", "category": "other", "kind": "manual", "province": "10"},
                        "BKK1").data["center"] == "BKK1"  # Bangkok without a district: the zone is the center's
