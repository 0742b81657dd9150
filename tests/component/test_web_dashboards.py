"""The dashboards (gateway/web/dashboard*.py) rendered by Flask's test client over the orgs,
people, knowledge and reporting services' own RPCs in this process, on SQLite files (no
broker): each level's numbers are reporting's, the links drill down, the as-of day changes the
numbers, every table downloads as the same XLSX and CSV, staff land on their own center, and a
day that is not one is refused naming the field.

One data set for the module, made before the first test and only read after: organizations
registered, assessed and verified today through the orgs register's own commands; people's
events of January to March 2026 projected by reporting's own projector."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest

from gateway.app import create_app
from services.chassis import permissions
from services.chassis.database import make_engine
from services.chassis.subscriber import CatchUpSubscriber
from services.chassis.words import ENGINE
from services.orgs import handlers
from services.orgs.service import OrgsService
from services.registry import BUILT_SOURCES
from services.reporting import projections
from services.reporting.service import ReportingService
from tests import keys
from tests.inprocess import InProcess, Pool
from tests.keys import asker, signed, signing
from tests.knowledge import knowledge_service
from tests.people import people_service

from .conftest import orgs_store

STAFF = permissions.User("somchai", permissions.CENTER_STAFF, "P50")
PLACES = {
    "P50": {"province": "50", "district": "5001", "subdistrict": "500101"},
    "P57": {"province": "57", "district": "5701", "subdistrict": "570101"},
    "BKK1": {"province": "10", "district": "1001", "subdistrict": "100101"},
}
PAGES = {"nation": "/dashboard", "region": "/dashboard/region/north", "province": "/dashboard/province/50",
         "center": "/dashboard/center/P50"}


class Reporting(InProcess):
    """reporting as RPC shows it, caught up with every register's log before it answers, as its
    subscriber would be by then."""

    def __getattr__(self, name: str):
        for source in BUILT_SOURCES:
            self.service.subscriber.catch_up(source, self.service._fetch)
        return super().__getattr__(name)


def person(pid: str, month: int, role: str, center: str, province: str, skills: list[str]) -> dict:
    """A PersonRegistered event as the people register writes it (no personal value in clear)."""
    return {"source": "people", "seq": month, "stream": f"person-{pid}", "version": 1, "type": "PersonRegistered",
            "at": f"2026-0{month}-10T03:00:00.000000Z",
            "data": {"given_name": "sealed", "province": province, "center": center, "legal_basis": "consent",
                     "consent": None, "skills": skills,
                     "roles": [{"role": role, "province": province, "district": None, "subdistrict": None,
                                "center": center, "started_on": f"2026-0{month}-10"}]}}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """The gateway over the four services in this process, with the module's data."""
    import gateway.api as api
    import gateway.web as web

    tmp = tmp_path_factory.mktemp("dashboards")
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

    made = {center: [register(store, f"กลุ่มออมทรัพย์ {center} {n}", center) for n in range(count)]
            for center, count in (("P50", 3), ("P57", 1), ("BKK1", 2))}
    somsri = permissions.User("somsri", permissions.CENTER_STAFF, "P50")  # each command a request of its own
    handlers.assess(store, keys.actor(somsri), made["P50"][0]["id"], {"level": "strong"}, 1)
    handlers.assess(store, keys.actor(somsri), made["P50"][1]["id"], {"level": "moderate"}, 1)
    handlers.confirm_current(store, keys.actor(somsri), made["P50"][2]["id"], {}, 1)
    with engine.begin() as conn:
        projections.apply(conn, "people", [
            person("a", 1, "volunteer", "P50", "50", ["health", "media"]),
            person("b", 2, "facilitator", "P50", "50", []),
            person("c", 3, "volunteer", "P57", "57", ["agriculture"]),
        ])

    user = {"now": permissions.ANONYMOUS}
    with pytest.MonkeyPatch.context() as patch:
        for module in (web, api):  # the pages, and whom the gateway signs the calls for
            patch.setattr(module, "current_user", lambda: user["now"])
        client = app.test_client()
        client.sign_in = lambda who: user.update(now=who)
        client.reporting = signed(reporting, permissions.ANONYMOUS, "reporting")
        yield client
    for closing in (store.engine, engine):
        closing.dispose()
    people.close()
    knowledge.close()


@pytest.fixture
def client(system):
    """The module's client, signed out, in Thai (no language remembered from an earlier test)."""
    system.sign_in(permissions.ANONYMOUS)
    system.delete_cookie("session")
    return system


def register(store, name: str, center: str) -> dict:
    payload = {"name": name, "type": "savings_group", **PLACES[center], "founded_year": "2559", "members": 25}
    actor = keys.actor(permissions.User("somsri", permissions.CENTER_STAFF, center))
    return handlers.register(store, actor, payload)


class Tables(HTMLParser):
    """Every <table data-table> of a page: id -> rows of cell texts (header row first), and the
    links of its first column."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}
        self._table = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = attrs["data-table"]
            self.found[self._table], self.links[self._table] = [], []
        elif self._table and tag == "tr":
            self.found[self._table].append([])
        elif self._table and tag in ("td", "th"):
            self._cell = ""
        elif self._table and tag == "a" and self._cell is not None:
            self.links[self._table].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif self._table and tag in ("td", "th") and self._cell is not None:
            self.found[self._table][-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def page(client, url: str, status: int = 200) -> str:
    answer = client.get(url)
    assert answer.status_code == status, answer.get_data(as_text=True)[:2000]
    return answer.get_data(as_text=True)


def number(text: str) -> float | None:
    """A page's cell as a number ("1,234" -> 1234, "33.3%" -> 33.3, "—" -> None)."""
    if text in ("—", ""):
        return None
    value = float(text.replace(",", "").removesuffix("%"))
    return int(value) if value.is_integer() and "." not in text else value


def values_of(table: list[list[str]]) -> dict[str, float | None]:
    """An indicators table's values by the indicator's number ("3" -> its value)."""
    return {row[0].split(".")[0]: number(row[1]) for row in table[1:]}


def test_each_level_shows_reportings_numbers(client):
    for scope, url in PAGES.items():
        html = page(client, url)
        code = None if scope == "nation" else url.rsplit("/", 1)[1]
        answer = client.reporting.indicators(scope, code, None)["places"][0]["indicators"]
        shown = Tables(html).found["indicators"]
        assert values_of(shown) == {str(i["number"]): i["value"] for i in answer}, scope
        targets = {row[0].split(".")[0]: number(row[2]) for row in shown[1:]}
        assert targets == {str(i["number"]): i["target"] for i in answer}, scope
        shares = {row[0].split(".")[0]: number(row[3]) for row in shown[1:]}
        assert shares == {str(i["number"]): i["share"] for i in answer}, scope
    center = Tables(page(client, "/dashboard/center/P50")).found["indicators"]
    assert values_of(center)["3"] == 3 and values_of(center)["6"] == 1 and values_of(center)["4"] == 1
    nation = page(client, "/dashboard")
    assert "ข้อมูล ณ " in nation  # when the newest projected event was appended


def test_a_centers_default_target_says_so(client):
    html = page(client, "/dashboard/center/P50")
    kinds = {row[0].split(".")[0]: row[4] for row in Tables(html).found["indicators"][1:]}
    answer = client.reporting.indicators("center", "P50", None)["places"][0]["indicators"]
    for item in answer:
        if item["target_kind"] == "default":
            assert kinds[str(item["number"])] == "ค่าเริ่มต้น"
    if any(i["target_kind"] == "default" for i in answer):
        assert '<span class="tag">ค่าเริ่มต้น</span>' in html


def test_the_places_below_link_down_and_the_trail_links_up(client):
    nation = Tables(page(client, "/dashboard"))
    assert "/dashboard/region/north" in nation.links["regions"]
    assert len(nation.found["regions"]) == 1 + 7 and len(nation.found["provinces"]) == 1 + 77
    assert "/dashboard/province/50" in nation.links["provinces"]
    region = Tables(page(client, "/dashboard/region/north"))
    assert "/dashboard/province/50" in region.links["provinces"]
    assert "/dashboard/province/30" not in region.links["provinces"]  # Korat is in the northeast
    province = Tables(page(client, "/dashboard/province/50"))
    assert province.links["centers"] == ["/dashboard/center/P50"]
    bangkok = page(client, "/dashboard/province/10")
    assert Tables(bangkok).links["centers"] == [f"/dashboard/center/BKK{n}" for n in range(1, 7)]
    assert 'id="zones"' in bangkok  # its six zone centers, listed as such
    bangkok_rows = {row[0]: number(row[5]) for row in Tables(bangkok).found["centers"][1:]}  # indicator 3
    assert bangkok_rows["ศูนย์ประสานภาคีการพัฒนา กทม. กลุ่มกรุงเทพกลาง"] == 2
    center = page(client, "/dashboard/center/P50")
    trail = re.search(r'<nav class="trail".*?</nav>', center, re.S).group(0)
    for href in ('href="/dashboard"', 'href="/dashboard/region/north"', 'href="/dashboard/province/50"',
                 'href="/dashboard/center/P50" aria-current="page"'):
        assert href in trail
    assert page(client, "/dashboard/province/99", 404) and page(client, "/dashboard/center/P99", 404)
    assert page(client, "/dashboard/region/atlantis", 404)


def test_the_as_of_day_changes_the_numbers_and_stays_in_the_links(client):
    yesterday = date.today() - timedelta(days=1)
    typed = f"{yesterday.year + 543}-{yesterday:%m-%d}"  # B.E., as people type it
    before = page(client, f"/dashboard/center/P50?as_of={typed}")
    assert values_of(Tables(before).found["indicators"])["3"] == 0  # registered today
    assert values_of(Tables(before).found["indicators"])["6"] == 1  # January's volunteer
    answer = client.reporting.indicators("center", "P50", yesterday.isoformat())["places"]
    assert (answer[0]["indicators"][2]["value"] if answer else 0) == 0
    january = Tables(page(client, "/dashboard/center/P50?as_of=2026-01-31")).found
    assert values_of(january["indicators"])["4"] == 0 and values_of(january["indicators"])["6"] == 1
    assert [row[0] for row in january["series"][1:]] == ["ม.ค. 2569"]
    nation = page(client, f"/dashboard?as_of={typed}")
    assert f'href="/dashboard/region/north?as_of={typed}"' in nation
    assert f"download.xlsx?table=indicators&amp;as_of={typed}" in nation
    assert f'value="{typed}"' in nation


def test_the_series_is_reportings_month_by_month(client):
    html = page(client, "/dashboard/center/P50")
    shown = Tables(html).found["series"]
    answer = client.reporting.series("center", "P50", None)
    assert len(shown) == 1 + len(answer["months"])
    volunteers = [number(row[6]) for row in shown[1:]]
    assert volunteers == answer["indicators"]["volunteers"]
    assert shown[1][0] == "ม.ค. 2569" and [number(r[4]) for r in shown[1:4]] == [0, 1, 1]  # facilitators


def test_the_breakdowns_count_strength_against_the_goal_and_skills_per_role(client):
    html = page(client, "/dashboard/center/P50")
    found = Tables(html).found
    strength = {row[0]: (number(row[1]), number(row[2])) for row in found["org_strength"][1:]}
    assert strength["เข้มแข็ง"] == (1, 33.3) and strength["ปานกลาง"] == (1, 33.3) and strength["ยังไม่ประเมิน"][0] == 1
    assert "องค์กรเข้มแข็งร้อยละ 33.3% เป้าหมายอย่างน้อยร้อยละ 60" in html
    verification = {row[0]: number(row[1]) for row in found["org_verification"][1:]}
    assert verification["ตรวจสอบภายใน 12 เดือน"] == 1
    skills = {row[0]: row[1:] for row in found["people_skill"][1:]}
    header = found["people_skill"][0]
    volunteers = header.index("6. ข้อมูลพลเมืองจิตอาสา") - 1
    assert number(skills["สุขภาพ"][volunteers]) == 1 and number(skills["ไม่ระบุทักษะ"][header.index(
        "4. ข้อมูลวิทยากรกระบวนการ") - 1]) == 1
    for table in ("org_type", "knowledge_category", "knowledge_kind", "campaign_status", "campaign_channel"):
        assert table in found


def test_every_table_downloads_as_the_same_xlsx_and_csv(client):
    html = page(client, "/dashboard/center/P50?as_of=2026-03-31")
    shown = Tables(html).found
    assert set(shown) >= {"indicators", "series", "org_strength", "people_skill"}
    for table, rows in shown.items():
        xlsx = client.get(f"/dashboard/center/P50/download.xlsx?table={table}&as_of=2026-03-31")
        assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert cells[0] == rows[0], table
        assert [[_comparable(v) for v in r] for r in cells[1:]] == \
               [[_comparable(_shown(v) if n else v) for n, v in enumerate(r)] for r in rows[1:]], table
        text = client.get(f"/dashboard/center/P50/download.csv?table={table}&as_of=2026-03-31")
        body = text.data.decode("utf-8")
        assert body.startswith("\ufeff"), table
        parsed = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        assert parsed[0] == rows[0]
        assert [[_comparable(v) for v in r] for r in parsed[1:]] == \
               [[_comparable(_shown(v) if n else v) for n, v in enumerate(r)] for r in rows[1:]], table
    assert client.get("/dashboard/download.xlsx?table=regions").status_code == 200
    assert client.get("/dashboard/center/P50/download.xlsx?table=nothing").status_code == 404


def _shown(text: str):
    """A page's cell as a file would hold it: a number, or the text."""
    try:
        return number(text)
    except ValueError:
        return text


def _comparable(value):
    """A cell of a file or of the page, as a value to compare ("" and None are none)."""
    if value in ("", None, "—"):
        return None
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return float(value)


def test_staff_land_on_their_own_center(client):
    assert client.get("/").headers["Location"].endswith("/dashboard")  # the public: the nation
    client.sign_in(STAFF)
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/dashboard/center/P50")
    nation = page(client, "/dashboard")  # the nation is still theirs to open
    assert re.search(r'<a href="/dashboard/center/P50"[^>]*>ตัวชี้วัด</a>', nation)  # the header's link
    assert "/indicators" in nation and page(client, "/indicators")  # the one-table page still answers


def test_a_day_that_is_not_one_is_refused_naming_the_field(client):
    thai = page(client, "/dashboard/province/50?as_of=31-31-2569", 400)
    assert re.search(r'id="as_of-problem">ณ วันที่: วันที่ไม่ถูกต้อง', thai)
    english = page(client, "/dashboard/province/50?as_of=tomorrow&lang=en", 400)
    assert re.search(r'id="as_of-problem">As of: Not a valid date', english)
    future = page(client, f"/dashboard?as_of={date.today() + timedelta(days=3)}&lang=th", 400)
    assert "วันที่ต้องไม่เกินวันนี้" in future
    refused = client.get("/dashboard/center/P50/download.csv?table=indicators&as_of=nonsense")
    said = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "ณ วันที่ (as_of): วันที่ไม่ถูกต้อง" in said and "As of (as_of): Not a valid date" in said


def test_the_charts_are_data_for_the_script_and_the_map_is_the_projects(client):
    answer = client.get("/dashboard")
    html = answer.get_data(as_text=True)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)  # nothing inline runs
    specs = [json.loads(s) for s in re.findall(r'<script type="application/json" class="chart-spec">(.*?)</script>',
                                                html, re.S)]
    kinds = {s["kind"] for s in specs}
    assert kinds == {"line", "bars", "map"}
    chart_map = next(s for s in specs if s["kind"] == "map")
    assert chart_map["geo"] == "/static/web/geo/th-provinces.geojson"  # the gateway's own file
    names = {a["code"]: a["name"] for a in chart_map["areas"]}
    assert len(names) == 77 and names["10"] == "กรุงเทพมหานคร" and names["30"] == "นครราชสีมา"
    assert [s["key"] for s in chart_map["series"]][2] == "community_orgs"
    assert chart_map["series"][2]["values"][list(names).index("50")] == 3
    region = next(s for s in specs if s["kind"] == "bars" and s["table"] == "regions")
    assert region["categories"][0]["href"] == "/dashboard/region/north"
    assert "เชียงใหม่" not in json.dumps(region)  # regions, not provinces


def test_long_thai_labels_break_between_words(client):
    from pythainlp.tokenize import word_tokenize

    html = page(client, "/dashboard/province/10")
    specs = [json.loads(s) for s in re.findall(r'<script type="application/json" class="chart-spec">(.*?)</script>',
                                                html, re.S)]
    centers = next(s for s in specs if s.get("table") == "centers")
    for category in centers["categories"]:
        label, name = category["label"], category["name"]
        assert "\n" in label
        words = word_tokenize(name, engine=ENGINE, keep_whitespace=True)
        ends = {sum(len(w) for w in words[:n]) for n in range(len(words) + 1)}
        at = 0
        for line in label.split("\n"):  # the name, line by line; every break where a word ends
            assert name[at:at + len(line)] == line, (name, label)
            at += len(line)
            assert at in ends, (name, label)
            at += 1 if name[at:at + 1] == " " else 0
        assert at == len(name)


def test_the_api_gives_the_pages_tables(client):
    answer = client.get("/api/v1/dashboard?scope=center&code=P50&as_of=2569-03-31")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["as_of"] == "2026-03-31" and [p["code"] for p in body["trail"]] == [None, "north", "50", "P50"]
    tables = {t["id"]: t for t in body["tables"]}
    shown = Tables(page(client, "/dashboard/center/P50?as_of=2026-03-31")).found
    assert set(tables) == set(shown)
    indicators = tables["indicators"]
    assert [c["title"]["th"] for c in indicators["columns"]] == shown["indicators"][0]
    assert [r["cells"][1] for r in indicators["rows"]] == [number(r[1]) for r in shown["indicators"][1:]]
    assert indicators["rows"][0]["cells"][0] == {"th": "1. ผู้ปฏิบัติการชุมชนออนไลน์", "en": "1. Online community workers"}
    nation = client.get("/api/v1/dashboard").get_json()
    assert next(t for t in nation["tables"] if t["id"] == "regions")["rows"][0]["place"]["code"] == "north"
    assert client.get("/api/v1/dashboard?scope=province&code=99").status_code == 404
    refused = client.get("/api/v1/dashboard?as_of=2569-13-01")
    assert refused.status_code == 422 and refused.get_json()["error"]["fields"][0]["field"] == "as_of"


def test_in_english(client):
    html = page(client, "/dashboard/center/P50?lang=en&as_of=2026-02-28")
    assert "Indicators: Chiang Mai Provincial Coordination Center" in html
    found = Tables(html).found
    assert [row[0] for row in found["series"][1:]] == ["Jan 2026", "Feb 2026"]
    assert found["indicators"][0] == ["Indicator", "Value", "Target", "Share of target", "Target from"]
    assert "Processed up to" in html and "Figures at the end of 28 Feb 2026" in html
