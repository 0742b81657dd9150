"""The monthly report's PDF in Thai (gateway/pdf.py): a Thai page printed once by headless
Chromium, then read back with poppler (pdftotext, pdffonts, pdfinfo), as copy and search in a
PDF viewer would read it. Thai PDFs fail in ways a glance misses: a shared glyph mapped back to
the wrong letter (รายงาน read as รำยงำน), stacked marks drawn apart, lines broken inside a word,
a line's marks printed twice across a page break. docs/decisions.md, "Issue 15: reporting", has
the measurements that chose Chromium."""
from __future__ import annotations

import html
import http.server
import re
import tempfile
import threading

import pytest

from gateway import pdf
from tests import pdf_checks as check

TITLE = "รายงานผลการดำเนินงานประจำเดือนมีนาคม พ.ศ. 2569"
AS_OF = "ข้อมูล ณ วันที่ 31 มีนาคม 2569 เวลา 09:30 น."
MARKS = "คำที่มีวรรณยุกต์และสระซ้อน: นี้ ปี๊ เยิ้ม ฐุ ญู ฎุ ก็ กั้น"
PARAGRAPH = (
    "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่ได้ดำเนินงานสนับสนุนองค์กรชุมชนและภาคประชาสังคมอย่างต่อเนื่อง"
    "โดยในเดือนนี้มีการลงทะเบียนองค์กรใหม่เพิ่มขึ้นจากเดือนที่แล้ว มีการตรวจสอบข้อมูลองค์กรที่ไม่ได้ปรับปรุงมาเกินหนึ่งปี"
    "และได้จัดเวทีแลกเปลี่ยนเรียนรู้ระหว่างอาสาสมัครกับผู้นำชุมชนในหลายอำเภอ เพื่อพัฒนาศักยภาพของเครือข่าย"
    "ให้สามารถขับเคลื่อนประเด็นสาธารณะได้อย่างเข้มแข็ง ทั้งด้านสิ่งแวดล้อม สุขภาพ และการจัดการทรัพยากรธรรมชาติ"
    "ของท้องถิ่น ซึ่งเป็นเป้าหมายสำคัญของแผนงานในปีงบประมาณนี้"
)
TABLE = (
    ("ตัวชี้วัด", "ผลงาน", "เป้าหมาย", "ร้อยละ"),
    ("องค์กรชุมชนที่เข้มแข็ง", "1,245", "2,000", "62.3"),
    ("อาสาสมัครที่ผ่านการอบรม", "387", "500", "77.4"),
    ("ชุดความรู้ที่เผยแพร่", "42", "60", "70.0"),
)
BARS = (("ภาคเหนือ", 120), ("ภาคตะวันออกเฉียงเหนือ", 310), ("ภาคกลาง", 205), ("ภาคใต้", 98))
ECHARTS_LABELS = ("ภาคเหนือ", "ภาคใต้", "ภาคกลาง")
# every word a reader would search for, stacked marks and the sara am of ดำเนินงาน included
SEARCHED = ("นี้", "ปี๊", "เยิ้ม", "ฐุ", "ญู", "กั้น", "รายงาน", "ดำเนินงาน", "ประจำ", "ผู้นำ", "2569")


def blocks() -> list[str]:
    """The page's text, block by block, in the order it is printed (ECharts' chart comes last)."""
    out = [TITLE, AS_OF, MARKS, "รายงาน", PARAGRAPH]
    out += [cell for row in TABLE for cell in row]
    out += [part for label, value in BARS for part in (label, str(value))]
    out += [PARAGRAPH] * 4  # a narrow column, then the page breaks
    return out


def svg_chart() -> str:
    parts = []
    for i, (label, value) in enumerate(BARS):
        y = 10 + i * 36
        parts.append(f'<text x="0" y="{y + 18}" font-size="13">{label}</text>'
                     f'<rect x="190" y="{y + 4}" width="{value}" height="20" fill="#2e7d6b"/>'
                     f'<text x="{196 + value}" y="{y + 18}" font-size="13">{value}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="540" height="150" role="img">{"".join(parts)}</svg>'


def page(outside: str) -> str:
    """The Thai page, linking the print CSS by its URL, with a picture and a stylesheet at
    `outside` that must never be fetched."""
    w = pdf.thai_words
    rows = "".join("<tr>" + "".join(f"<td>{w(cell)}</td>" for cell in row) + "</tr>" for row in TABLE)
    chart = """
<div id="chart" class="chart" style="width: 160mm; height: 70mm"></div>
<script src="/static/web/vendor/echarts.min.js"></script>
<script>
document.fonts.load('16px Sarabun').then(function () {
  echarts.init(document.getElementById('chart'), null, { renderer: 'svg' }).setOption({
    animation: false, textStyle: { fontFamily: 'Sarabun' },
    xAxis: { type: 'category', data: %s }, yAxis: { type: 'value' },
    series: [{ type: 'bar', data: [120, 98, 205] }]
  });
});
</script>""" % list(ECHARTS_LABELS)
    return f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>{w(TITLE)}</title>
<link rel="stylesheet" href="/static/web/report-print.css">
<link rel="stylesheet" href="{outside}/outside.css">
</head><body>
<h1>{w(TITLE)}</h1>
<p class="muted">{w(AS_OF)}</p>
<p>{w(MARKS)}</p>
<p>รายงาน</p>
<p>{w(PARAGRAPH)}</p>
<table>{rows}</table>
{svg_chart()}
<img src="{outside}/pixel.png" alt="">
<p style="width: 55mm">{w(PARAGRAPH)}</p>
<p>{w(PARAGRAPH)}</p><p>{w(PARAGRAPH)}</p><p>{w(PARAGRAPH)}</p>
{chart}
</body></html>"""


class _Outside(http.server.BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.asked.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def outside():
    """A server on loopback standing for the rest of the world; it records what it is asked."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Outside)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Outside.asked
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def printed(outside, tmp_path_factory):
    """The page's PDF (a file), and what its rendering left in its temporary directory."""
    temp, saved = tmp_path_factory.mktemp("temp"), tempfile.tempdir
    tempfile.tempdir = str(temp)  # where pdf_from_html makes its working directory
    try:
        data = pdf.pdf_from_html(page(outside[0]))
    finally:
        tempfile.tempdir = saved
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(data)
    return path, sorted(temp.iterdir())


@pytest.fixture(scope="module")
def text(printed) -> str:
    return check.text(printed[0])


def test_the_extracted_text_is_the_pages_thai(text):
    source, read = check.no_space("".join(blocks())), check.no_space(text)
    assert read[:len(source)] == source  # no letter lost, changed, doubled or moved
    rest = read[len(source):]  # ECharts' axis labels and values, drawn last
    for label in ECHARTS_LABELS:
        assert label in rest


def test_words_with_stacked_marks_are_found_whole(text):
    lines = text.splitlines()
    for word in SEARCHED:
        assert any(word in line for line in lines), word


def test_lines_end_only_between_words(text):
    """Each line the PDF holds ends where the project's segmenter (newmm) ends a word."""
    assert len(text.splitlines()) > 40
    assert check.lines_ending_inside_words(text, blocks()) == []


def test_no_mark_is_printed_twice_across_a_page_break(printed):
    assert check.ghosts(printed[0]) == []


def test_a4_pages_and_more_than_one(printed):
    size, pages = check.page_size(printed[0])
    assert "(A4)" in size
    assert pages >= 2  # the text crosses a page break


def test_the_fonts_are_embedded_and_sarabun_sets_the_thai(printed):
    fonts = check.fonts(printed[0])
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("Sarabun" in name for name, _ in fonts), fonts  # the vendored web font, not a fallback


def test_nothing_is_fetched_from_outside_and_nothing_left_behind(printed, outside):
    assert outside[1] == []
    assert printed[1] == []


def test_static_urls_become_files_and_the_policy_comes_first():
    html = pdf.offline('<html><head><title>x</title><link rel="stylesheet" href="/static/web/report-print.css">'
                       '</head><body><img src="/static/web/geo/x.png"></body></html>')
    head = re.search(r"<head>(.*?)<title>", html).group(1)
    assert "Content-Security-Policy" in head and "default-src 'none'" in head
    assert f'href="{pdf.STATIC_DIR.resolve().as_uri()}/report-print.css"' in html
    assert f'src="{pdf.STATIC_DIR.resolve().as_uri()}/geo/x.png"' in html


def test_thai_words_keeps_each_word_whole_and_escapes():
    marked = str(pdf.thai_words("การพัฒนา <b>ชุมชน</b>"))
    assert "<b>" not in marked
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == "การพัฒนา <b>ชุมชน</b>"
    assert '<span class="w">การพัฒนา</span><wbr> <span class="w">&lt;</span>' in marked


def test_no_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pdf.PdfRendererMissing, match="ensure-browser.sh"):
        pdf.pdf_from_html("<p>รายงาน</p>")
