"""The monthly report (gateway/web/report.py) rendered by Flask's test client over the orgs,
people, knowledge and reporting services' own RPCs in this process, on SQLite files (no broker):
its numbers are reporting's, its dates Buddhist-era (Thai digits on request), what changed in
the month counts the module's own edits, the unverified organizations are the register's, and
its PDF (gateway/pdf.py: headless Chromium) is A4 with its fonts embedded and reads back, with
pdftotext, as the Thai the page shows.

One data set for the module, made before the first test and only read after: this month, six
organizations registered at P50 (one amended, two verified, one of them over a year ago, one
merged into another, one archived) and one at P57, two people registered at P50 and one of
them erased."""
from __future__ import annotations

import json
import re
import subprocess
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from pythainlp.tokenize import word_tokenize

from gateway.app import create_app
from services.chassis import permissions
from services.chassis.database import make_engine
from services.chassis.subscriber import CatchUpSubscriber
from services.chassis.thai import BANGKOK_TIME
from services.chassis.words import ENGINE
from services.orgs import handlers
from services.orgs.service import OrgsService
from services.registry import BUILT_SOURCES
from services.reporting import projections
from services.reporting.service import ReportingService
from tests import keys
from tests.inprocess import InProcess, Pool
from tests.keys import ADMIN, asker, signed, signing
from tests.knowledge import knowledge_service
from tests import pdf_checks
from tests.people import people_service, unique_people

from .conftest import orgs_store

STAFF = permissions.User("somchai", permissions.CENTER_STAFF, "P50")
SOMSRI = permissions.User("somsri", permissions.CENTER_STAFF, "P50")
PLACES = {
    "P50": {"province": "50", "district": "5001", "subdistrict": "500101"},
    "P57": {"province": "57", "district": "5701", "subdistrict": "570101"},
}
# names with stacked marks (a vowel and a tone mark on one letter, a mark below): they must be
# shaped and read back from the PDF as typed
NAMES = ("กลุ่มผู้สูงอายุบ้านนี้", "กลุ่มขนมเปี๊ยะเยิ้ม", "ชมรมรักษ์ถิ่นฐุ", "กลุ่มทอผ้าที่นี่", "กลุ่มน้ำพริกแม่ปี๊",
         "กลุ่มเลี้ยงผึ้งบ้านเหนือ")
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}
THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI = re.compile("[\u0e00-\u0e7f]")
SHORT_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


class Reporting(InProcess):
    """reporting as RPC shows it, caught up with every register's log before it answers."""

    def __getattr__(self, name: str):
        for source in BUILT_SOURCES:
            self.service.subscriber.catch_up(source, self.service._fetch)
        return super().__getattr__(name)


def today() -> date:
    from datetime import datetime

    return datetime.now(BANGKOK_TIME).date()


TODAY = today()
MONTH = TODAY.strftime("%Y-%m")


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """The gateway over the four services in this process, with the module's edits made."""
    import gateway.api as api
    import gateway.web as web

    tmp = tmp_path_factory.mktemp("report")
    store = orgs_store(f"sqlite:///{tmp / 'orgs.sqlite'}")
    engine = make_engine(f"sqlite:///{tmp / 'reporting.sqlite'}")
    subscriber = CatchUpSubscriber(engine, projections.apply, clear=projections.clear)
    subscriber.create_schema()
    projections.create_schema(engine)
    orgs = InProcess(OrgsService, log=store, asking=asker("orgs"))
    people = people_service(f"sqlite:///{tmp / 'people.sqlite'}", f"sqlite:///{tmp / 'keys.sqlite'}")
    knowledge = knowledge_service(f"sqlite:///{tmp / 'knowledge.sqlite'}", tmp / "files")
    reporting = Reporting(ReportingService, subscriber=subscriber, orgs=orgs, people=people.service,
                          knowledge=knowledge.service, asking=asker("reporting"), signing=signing())
    app = create_app(pool=Pool(orgs=orgs, people=people.service, knowledge=knowledge.service, reporting=reporting))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)

    made = {name: register(store, name, "P50") for name in NAMES}
    register(store, "กลุ่มออมทรัพย์เชียงราย", "P57")
    amended, recent, stale, duplicate, survivor, archived = (made[name]["id"] for name in NAMES)
    handlers.amend(store, actor(), amended, {"members": 30}, 1)
    handlers.confirm_current(store, actor(), recent, {}, 1)
    handlers.confirm_current(store, actor(), stale, {"on": (TODAY - timedelta(days=400)).isoformat()}, 1)
    handlers.merge(store, actor(), survivor, {"duplicate": duplicate, "duplicate_version": 1}, 1)
    handlers.archive(store, actor(), archived, 1)
    rows = unique_people(2, seed=15)
    admin = people.as_(ADMIN)
    persons = [admin.register({**{k: v for k, v in row.items() if v is not None}, **PLACES["P50"],
                               "legal_basis": "consent", "consent": CONSENT}) for row in rows]
    admin.erase([persons[1]["id"]])

    user = {"now": permissions.ANONYMOUS}
    with pytest.MonkeyPatch.context() as patch:
        for module in (web, api):  # the pages, and whom the gateway signs the calls for
            patch.setattr(module, "current_user", lambda: user["now"])
        client = app.test_client()
        client.sign_in = lambda who: user.update(now=who)
        client.reporting = signed(reporting, permissions.ANONYMOUS, "reporting")
        client.ids = {"amended": amended, "recent": recent, "stale": stale, "survivor": survivor}
        yield client
    for closing in (store.engine, engine):
        closing.dispose()
    people.close()
    knowledge.close()


@pytest.fixture
def client(system):
    """The module's client, signed in as P50's staff, in Thai."""
    system.sign_in(STAFF)
    system.delete_cookie("session")
    return system


def actor():
    return keys.actor(SOMSRI)  # each command a request of its own


def register(store, name: str, center: str) -> dict:
    payload = {"name": name, "type": "savings_group", **PLACES[center], "founded_year": "2559", "members": 25}
    return handlers.register(store, keys.actor(permissions.User("somsri", permissions.CENTER_STAFF, center)), payload)


class Tables(HTMLParser):
    """Every <table id="table-..."> of a page: id -> {row key: [cell texts]} (the rows with a
    `data-key`), in order; a cell's <small> note (a place's share of its target) left out."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, dict[str, list[str]]] = {}
        self._table = self._row = self._cell = None
        self._small = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._small = self._small or tag == "small"
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._table = attrs["id"].removeprefix("table-")
            self.found[self._table] = {}
        elif self._table and tag == "tr" and "data-key" in attrs:
            self._row = attrs["data-key"]
            self.found[self._table][self._row] = []
        elif self._row and tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        self._small = self._small and tag != "small"
        if tag == "table":
            self._table = self._row = None
        elif tag == "tr":
            self._row = None
        elif self._row and tag in ("td", "th") and self._cell is not None:
            self.found[self._table][self._row].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and not self._small:
            self._cell += data


def page(client, url: str, status: int = 200) -> str:
    answer = client.get(url)
    assert answer.status_code == status, answer.get_data(as_text=True)[:2000]
    return answer.get_data(as_text=True)


def visible(html: str) -> str:
    """A page's text as it reads (tags out: the report keeps each Thai word in a span)."""
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", "", html, flags=re.S)
    return " ".join(unescape(text).split())


def charts_of(html: str) -> dict[str, dict]:
    """The specs of a report's charts (the JSON report.js draws), by chart id."""
    return {found.group(1): json.loads(unescape(found.group(2))) for found in re.finditer(
        r'data-chart="([^"]+)">.*?<script type="application/json" class="chart-spec">(.*?)</script>', html, re.S)}


def number(text: str) -> int | float | None:
    """A cell as a number: "1,234" -> 1234, "33.3%" -> 33.3, "—" -> None."""
    if text in ("—", ""):
        return None
    value = text.replace(",", "").removesuffix("%")
    return float(value) if "." in value else int(value)


def counted(table: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """An activity table as {row key: {change: count}} (the header row names the changes)."""
    changes = table["changes"][1:]
    return {key: dict(zip(changes, map(number, cells[1:]))) for key, cells in table.items() if key != "changes"}


def test_the_report_shows_reportings_numbers_at_the_months_end(client):
    html = page(client, f"/report/center/P50/{MONTH}")
    tables = Tables(html).found
    answer = client.reporting.indicators("center", "P50", TODAY.isoformat())["places"][0]["indicators"]
    shown = tables["indicators"]
    assert {key: [number(c) for c in cells[1:4]] for key, cells in shown.items()} == {
        i["key"]: [i["value"], i["target"], i["share"]] for i in answer}
    assert number(shown["community_orgs"][1]) == 4  # six registered, one merged away, one archived

    series = client.reporting.series("center", "P50", TODAY.isoformat())
    last = {key: values[-1] for key, values in series["indicators"].items()}
    assert [number(c) for c in tables["series"][MONTH][1:]] == [last[key] for key in shown]

    breakdowns = client.reporting.breakdowns("center", "P50", TODAY.isoformat())["places"][0]["breakdowns"]
    verification = breakdowns["community_orgs"]["verification"]
    assert {key: number(cells[1]) for key, cells in tables["org_verification"].items()} == verification
    assert verification == {"recent": 1, "stale": 1, "never": 2}

    nation = Tables(page(client, f"/report/nation/TH/{MONTH}")).found
    provinces = {p["code"]: p for p in client.reporting.indicators("province", None, TODAY.isoformat())["places"]}
    assert number(nation["provinces"]["50"][3]) == next(
        i["value"] for i in provinces["50"]["indicators"] if i["key"] == "community_orgs") == 4
    assert number(nation["provinces"]["57"][3]) == 1 and number(nation["provinces"]["10"][3]) == 0
    assert set(nation["regions"]) == {"north", "northeast", "central", "east", "west", "south", "bangkok"}
    spec = charts_of(page(client, f"/report/nation/TH/{MONTH}?map=volunteers"))["map"]
    assert len(spec["areas"]) == len(spec["geo"]["features"]) == 77  # the map in the page: the PDF fetches nothing
    assert spec["name"] == "6. ข้อมูลพลเมืองจิตอาสา"
    chiang_mai = next(a for a in spec["areas"] if a["code"] == "50")
    assert chiang_mai["value"] == next(i["share"] for i in provinces["50"]["indicators"] if i["key"] == "volunteers")


def test_dates_are_buddhist_era_and_thai_digits_are_there_on_request(client):
    html = visible(page(client, f"/report/center/P50/{MONTH}"))
    be = TODAY.year + 543
    assert f"รายงานประจำเดือน{THAI_MONTHS[TODAY.month - 1]} {be}" in html
    assert f"ข้อมูล ณ สิ้นวันที่ {TODAY.day} {SHORT_MONTHS[TODAY.month - 1]} {be}" in html  # the month is not over
    last_year = visible(page(client, f"/report/center/P50/{TODAY.year - 1}-12"))
    assert f"ข้อมูล ณ สิ้นวันที่ 31 ธ.ค. {be - 1}" in last_year and "เดือนนี้ยังไม่สิ้นสุด" not in last_year

    thai_page = page(client, f"/report/center/P50/{MONTH}?digits=thai")
    thai = visible(thai_page)
    thai_year = str(be).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert f"รายงานประจำเดือน{THAI_MONTHS[TODAY.month - 1]} {thai_year}" in thai
    assert not re.search(r"[0-9]", thai)  # every number, date and count of the page's text
    assert "counter(page, thai)" in thai_page  # the page numbers of the print

    english = visible(page(client, f"/report/center/P50/{MONTH}?lang=en"))
    assert f"Monthly report, {TODAY.strftime('%B')} {TODAY.year}" in english


def test_what_changed_in_the_month_counts_the_edits_by_center(client):
    tables = Tables(page(client, f"/report/nation/TH/{MONTH}")).found
    answer = client.reporting.activity("nation", "TH", MONTH)
    orgs = counted(tables["activity-orgs"])
    assert orgs["P50"] == {"ลงทะเบียนใหม่": 6, "แก้ไขข้อมูล": 1, "ตรวจสอบข้อมูล": 2, "รวมรายการซ้ำ": 1, "จัดเก็บ": 1}
    assert orgs["P57"] == {"ลงทะเบียนใหม่": 1, "แก้ไขข้อมูล": 0, "ตรวจสอบข้อมูล": 0, "รวมรายการซ้ำ": 0, "จัดเก็บ": 0}
    assert list(orgs["total"].values()) == [answer["totals"][f"orgs.{change}"] for change in
                                            ("registered", "amended", "verified", "merged", "archived")]
    people = counted(tables["activity-people"])
    assert people["P50"]["ลงทะเบียนใหม่"] == 2 and people["P50"]["ลบข้อมูลส่วนบุคคล"] == 1
    assert set(people) == {"P50", "total"} and "activity-knowledge" not in tables  # no knowledge this month

    center = Tables(page(client, f"/report/center/P50/{MONTH}")).found
    assert set(center["activity-orgs"]) == {"changes", "P50", "total"}  # a center's report: its own changes
    old = page(client, f"/report/center/P50/{TODAY.year - 1}-01")
    assert "ไม่มีการเปลี่ยนแปลงในเดือนนี้" in visible(old) and 'id="table-activity-orgs"' not in old


def test_the_organizations_not_verified_for_a_year_are_listed_for_staff(client, system):
    html = page(client, f"/report/center/P50/{MONTH}")
    listed = Tables(html).found["unverified"]
    assert set(listed) == {system.ids["amended"], system.ids["stale"], system.ids["survivor"]}
    stale_day = TODAY - timedelta(days=400)
    assert listed[system.ids["stale"]][0] == NAMES[2]
    shown_day = f"{stale_day.day} {SHORT_MONTHS[stale_day.month - 1]} {stale_day.year + 543}"
    assert listed[system.ids["stale"]][2] == shown_day
    assert listed[system.ids["amended"]][2] == "ยังไม่เคยตรวจสอบ"
    assert "3 องค์กร: ตรวจสอบครั้งล่าสุดก่อนวันที่" in visible(html)
    assert "จำนวน 1 องค์กร และยังไม่เคยตรวจสอบ 2 องค์กร" in visible(html)

    whole = re.search(r'href="([^"]*export\.csv[^"]*)"', html).group(1)  # the whole list, as the register's CSV
    assert "unverified_since=" in whole and "status=active" in whole
    exported = client.get(unescape(whole)).get_data(as_text=True)
    assert all(name in exported for name in (NAMES[0], NAMES[2], NAMES[4])) and NAMES[1] not in exported

    client.sign_in(permissions.ANONYMOUS)  # the public reads the report, not the register's names
    public = page(client, f"/report/center/P50/{MONTH}")
    assert 'id="table-unverified"' not in public and NAMES[2] not in visible(public)
    assert "รายชื่อองค์กรแสดงเฉพาะเจ้าหน้าที่ที่เข้าสู่ระบบ" in visible(public)
    assert "จำนวน 1 องค์กร และยังไม่เคยตรวจสอบ 2 องค์กร" in visible(public)

    by_center = Tables(page(client, f"/report/nation/TH/{MONTH}")).found["unverified-centers"]
    assert [number(c) for c in by_center["P50"][1:]] == [4, 1, 2]
    assert [number(c) for c in by_center["P57"][1:]] == [1, 0, 1]
    assert len(by_center) == 82  # every center


def test_who_may_read_which_report(client):
    client.sign_in(permissions.ANONYMOUS)
    assert client.get(f"/report/nation/TH/{MONTH}").status_code == 200  # aggregates: READ_INDICATORS
    assert client.get(f"/report/region/north/{MONTH}").status_code == 200
    assert client.get(f"/report/province/50/{MONTH}").status_code == 200
    future = TODAY.replace(day=1) + timedelta(days=32)
    assert client.get(f"/report/center/P50/{future:%Y-%m}").status_code == 404
    for wrong in (f"/report/center/P99/{MONTH}", f"/report/nation/XX/{MONTH}", "/report/center/P50/2026-13",
                  "/report/center/P50/latest", f"/report/district/5001/{MONTH}"):
        assert client.get(wrong).status_code == 404, wrong
    be = client.get(f"/report/center/P50/{TODAY.year + 543}-{TODAY.month:02d}?digits=thai")
    assert be.status_code == 302 and be.headers["Location"].endswith(f"/report/center/P50/{MONTH}?digits=thai")
    assert "Content-Security-Policy" in client.get(f"/report/center/P50/{MONTH}").headers


def test_the_picker_opens_a_report_and_every_page_links_to_it(client):
    picker = page(client, "/report")
    assert '<option value="center:P50" selected>' in picker  # staff: their own center
    assert f'value="{TODAY.year - 1 if TODAY.month == 1 else TODAY.year}" selected' in picker
    chosen = client.get("/report?place=province:50&month=11&year=2568&digits=thai")
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/report/province/50/2025-11?digits=thai")
    assert 'href="/report"' in page(client, "/orgs")  # the header's link
    report = page(client, f"/report/center/P50/{MONTH}")
    assert f'href="/report/center/P50/{MONTH}.pdf"' in report and "/dashboard/center/P50?as_of=" in report


# --- the PDF

@pytest.fixture(scope="module")
def pdfs(system, tmp_path_factory):
    """The PDFs of P50's report and the nation's, with the pages they print."""
    system.sign_in(STAFF)
    where = tmp_path_factory.mktemp("pdf")
    made = {}
    for name, url in (("center", f"/report/center/P50/{MONTH}"), ("nation", f"/report/nation/TH/{MONTH}"),
                      ("thai", f"/report/center/P50/{MONTH}?digits=thai")):
        path, query = (url.split("?") + [""])[:2]
        answer = system.get(f"{path}.pdf" + (f"?{query}" if query else ""))
        assert answer.status_code == 200 and answer.content_type == "application/pdf"
        made[name] = (where / f"{name}.pdf", system.get(url).get_data(as_text=True), answer)
        made[name][0].write_bytes(answer.data)
    return made


def tool(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


class Blocks(HTMLParser):
    """The text of each heading, paragraph, caption and table cell of the report as printed
    (the tools above it, what is not printed and the charts' data left out): [(tag, text)]."""

    TAGS = {"h1", "h2", "p", "th", "td", "caption", "figcaption"}

    def __init__(self, html: str):
        super().__init__()
        self.blocks: list[list[str]] = []
        self._skipped, self._open = [], []  # the tags whose text is not printed, open
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "nav", "small") or "no-print" in (dict(attrs).get("class") or ""):
            self._skipped.append(tag)
        elif tag in self.TAGS and not self._skipped:
            self.blocks.append([tag, ""])
            self._open.append(len(self.blocks) - 1)

    def handle_endtag(self, tag):
        if self._skipped and tag == self._skipped[-1]:
            self._skipped.pop()
        elif tag in self.TAGS and self._open and not self._skipped:
            self._open.pop()

    def handle_data(self, data):
        if self._open and not self._skipped:
            self.blocks[self._open[-1]][1] += data


def blocks(html: str) -> list[tuple[str, str]]:
    """The page's blocks of text but the minute it was made (the PDF was made apart from it)."""
    return [(tag, b) for tag, b in Blocks(html).blocks if b.strip() and not b.strip().startswith("จัดทำเมื่อ")]


def unread(html: str, pdf_text: str) -> list[str]:
    """What of the page's text the PDF's does not hold letter for letter (spaces and line
    breaks aside): each heading, paragraph and caption whole; each word of a table's cells
    (pdftotext reads a row's cells line by line, so a cell on two lines is read in two parts)."""
    flat = re.sub(r"\s+", "", pdf_text)
    missing = []
    for tag, block in blocks(html):
        parts = words(block) if tag in ("th", "td") else [block]
        missing += [part.strip() for part in parts if re.sub(r"\s+", "", part) not in flat]
    return missing


def words(text: str) -> list[str]:
    return [w for w in word_tokenize(text, engine=ENGINE) if w.strip()]


def breaks_within_words(html: str, pdf_text: str) -> list[str]:
    """Where a line of the PDF's text ends inside a word of the page (a word of the project's
    segmenter, of the page's own text): 'การพัฒ|นา'."""
    known = {w for _, block in blocks(html) for w in words(block) if len(w) > 1}
    lines = [line for line in pdf_text.splitlines() if line.strip()]
    found = []
    for before, after in zip(lines, lines[1:]):
        tail, head = before.split()[-1], after.split()[0]
        if not (THAI.match(tail[-1]) and THAI.match(head[0])):
            continue
        for word in (w for w in known if tail[-1] + head[0] in w):
            if any(tail.endswith(word[:i]) and head.startswith(word[i:]) for i in range(1, len(word))):
                found.append(f"{tail}|{head} ({word})")
    return found


def unwrapped(text: str) -> str:
    """Text with its lines joined where a Thai line was broken (a line break between Thai
    letters is where a line ended, not a space)."""
    return re.sub(r"(?<=[\u0e00-\u0e7f])\n(?=[\u0e00-\u0e7f])", "", text)


def test_the_pdf_is_a4_with_every_font_embedded(pdfs):
    for name, (path, _, answer) in pdfs.items():
        assert answer.headers["Content-Disposition"].startswith("attachment; filename=\"sanphalang-report-")
        size, pages = pdf_checks.page_size(path)
        assert size.endswith("(A4)") and pages >= 2, (name, size)
        fonts = pdf_checks.fonts(path)
        assert fonts and all(embedded for _, embedded in fonts), fonts
        assert all("Sarabun" in font for font, _ in fonts), fonts  # no fallback font, no Type 3 outlines
        assert not pdf_checks.ghosts(path), name  # no stacked marks printed twice across a page break


def test_the_pdf_reads_back_as_the_thai_the_page_shows(pdfs):
    path, html, _ = pdfs["center"]
    text = tool("pdftotext", str(path), "-")
    be = TODAY.year + 543
    for heading in (f"รายงานประจำเดือน{THAI_MONTHS[TODAY.month - 1]} {be}", "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่",
                    "1. ตัวชี้วัดเทียบกับเป้าหมาย", "2. ตัวชี้วัดรายเดือน", "4. จำแนกตามลักษณะ",
                    "5. การเปลี่ยนแปลงในเดือน", "6. องค์กรชุมชนที่ไม่ได้ตรวจสอบข้อมูลเกิน 1 ปี",
                    "ผู้ปฏิบัติการชุมชนออนไลน์", "องค์ความรู้/กรณีศึกษา"):
        assert heading in text, heading
    for name in (NAMES[0], NAMES[2], NAMES[4]):  # stacked marks: นี้ ฐุ ปี๊ read back as typed
        assert name in text, name
    lines = {line.strip() for line in tool("pdftotext", "-layout", str(path), "-").splitlines()}
    indicators = Tables(html).found["indicators"]
    for cells in indicators.values():  # each indicator's row: its numbers, in the order the page shows
        assert any(re.search(r"\s+".join(map(re.escape, cells[1:4])), line) for line in lines), cells
    missing = unread(html, text)  # the page's text is in the PDF's, letter for letter
    assert not missing, missing[:10]
    assert "จัดทำเมื่อ" in text
    assert not breaks_within_words(html, text)  # lines end between words
    assert "ร้อยละของเป้าหมายที่ทำได้" in text and "100%" in text  # the charts' SVG text is text too


def test_the_national_pdf_holds_the_provinces_and_thai_digits_print_as_thai_digits(pdfs):
    path, html, _ = pdfs["nation"]
    text = unwrapped(tool("pdftotext", str(path), "-"))
    for name in ("ประเทศไทย", "ภาคตะวันออกเฉียงเหนือ", "เชียงใหม่", "เชียงราย", "กรุงเทพมหานคร"):
        assert name in text, name
    assert not unread(html, text)
    assert not breaks_within_words(html, tool("pdftotext", str(path), "-"))

    thai_text = tool("pdftotext", str(pdfs["thai"][0]), "-")
    thai_year = str(TODAY.year + 543).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert f"รายงานประจำเดือน{THAI_MONTHS[TODAY.month - 1]} {thai_year}" in thai_text
    assert "หน้า ๑ / " in thai_text  # the page numbers too
