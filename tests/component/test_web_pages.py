"""The organization pages rendered by Flask's test client over the orgs service's own RPCs
in this process, on a SQLite file (no broker): what a person sees and can do, in Thai and English."""
from __future__ import annotations

import re
from dataclasses import replace

from services.chassis import permissions
from services.orgs import handlers
from tests.component.org_pages import ACTOR, AUDITOR, CHIANG_MAI, OTHER_STAFF, register


def form(**values):
    base = {"name": "กลุ่มใหม่", "name_en": "", "type": "youth_group", **CHIANG_MAI, "village_no": "๓",
            "address": "", "founded_year": "๒๕๖๐", "members": "๔๐", "source": "survey"}
    return {**base, **values}


def field_problem(html: str, name: str) -> str:
    found = re.search(rf'<p class="problem" id="{name}-problem">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_the_list_shows_an_organization_with_thai_labels_and_exports(client, store):
    register(store)
    page = client.get("/orgs").get_data(as_text=True)
    assert '<html lang="th">' in page and 'name="viewport" content="width=device-width' in page
    assert "กลุ่มออมทรัพย์บ้านทดสอบ" in page and "กลุ่มออมทรัพย์" in page  # the type's Thai label
    assert "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่" in page and "พบ 1 องค์กร" in page
    assert "/api/v1/orgs/export.xlsx" in page and "/api/v1/orgs/export.csv" in page
    assert 'href="/orgs/new"' in page  # center staff may add to their own center


def test_filters_reach_the_search_and_the_exports(client, store):
    register(store)
    register(store, "กลุ่มเยาวชนบ้านดอย", type="youth_group")
    page = client.get("/orgs?type=youth_group&province=50&verified_since=").get_data(as_text=True)
    assert "กลุ่มเยาวชนบ้านดอย" in page and "กลุ่มออมทรัพย์บ้านทดสอบ" not in page
    assert "export.csv?province=50&amp;type=youth_group" in page
    assert '<option value="5001">เมืองเชียงใหม่</option>' in page  # the district list follows the province
    bad = client.get("/orgs?verified_since=๒๕๖๘-๑๓-๔๐").get_data(as_text=True)
    assert "วันที่ไม่ถูกต้อง" in field_problem(bad, "verified_since")


def test_a_capped_count_says_more_than_the_cap(client, store, monkeypatch):
    from services.orgs import search
    for village in (1, 2, 3):
        register(store, f"กลุ่มทอผ้าบ้านดง {village}")
    monkeypatch.setattr(search, "SEARCH", replace(search.SEARCH, count_cap=2))
    page = client.get("/orgs?q=ดง").get_data(as_text=True)  # two characters: counted up to the cap
    assert "พบมากกว่า 2 องค์กร" in page and "กลุ่มทอผ้าบ้านดง 3" in page
    assert "More than 2 organizations" in client.get("/orgs?q=ดง&lang=en").get_data(as_text=True)


def test_english_switch_is_remembered(client, store):
    register(store)
    page = client.get("/orgs?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Community organizations" in page and "Savings group" in page
    assert '<html lang="en">' in client.get("/orgs").get_data(as_text=True)
    assert '<html lang="th">' in client.get("/orgs?lang=th").get_data(as_text=True)


def test_the_record_shows_the_founding_year_in_the_readers_era(client, store):
    org = register(store)
    page = client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    assert "พ.ศ. 2559" in page and "ศรีภูมิ (500101)" in page and f'/orgs/{org["id"]}/edit' in page
    assert ">2016<" in client.get(f"/orgs/{org['id']}?lang=en").get_data(as_text=True)


def test_a_new_organization_in_thai_digits_and_be_year_is_saved(client, store):
    answer = client.post("/orgs/new", data={**form(), "areas": ["economy", "health"], "key": "k1"})
    assert answer.status_code == 302
    org = handlers.get(store, answer.headers["Location"].rsplit("/", 1)[1])
    assert (org["founded_year"], org["members"], org["village_no"], sorted(org["areas"])) == (
        2017, 40, 3, ["economy", "health"])
    assert "บันทึกแล้ว" in client.get(answer.headers["Location"]).get_data(as_text=True)


def test_a_bad_year_is_answered_next_to_the_field_keeping_every_input(client, store):
    answer = client.post("/orgs/new", data=form(founded_year="๒๖๙๙", name="<b>ชื่อที่พิมพ์ไว้</b>", members="abc"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert field_problem(page, "founded_year") == "ปีต้องไม่เกินปีปัจจุบัน"
    assert "เลขไทยหรือเลขอารบิก" in field_problem(page, "members")
    assert 'value="&lt;b&gt;ชื่อที่พิมพ์ไว้&lt;/b&gt;"' in page and 'value="๒๖๙๙"' in page
    assert 'aria-describedby="founded_year-hint founded_year-problem" aria-invalid="true"' in page
    english = client.post("/orgs/new?lang=en", data=form(founded_year="1700")).get_data(as_text=True)
    assert field_problem(english, "founded_year") == "The year is too early (before 1800)"


def test_a_location_that_does_not_agree_is_shown_at_its_field(client):
    page = client.post("/orgs/new", data=form(subdistrict="100101")).get_data(as_text=True)
    assert field_problem(page, "subdistrict") == "ตำบล/แขวงนี้ไม่อยู่ในอำเภอ/เขตที่เลือก"


def test_center_staff_cannot_create_or_edit_for_another_center(client, store, signed_in):
    org = register(store)
    signed_in(OTHER_STAFF)
    assert client.post("/orgs/new", data=form()).status_code == 403
    assert client.get(f"/orgs/{org['id']}/edit").status_code == 403
    assert f'/orgs/{org["id"]}/edit' not in client.get(f"/orgs/{org['id']}").get_data(as_text=True)
    signed_in(AUDITOR)
    assert client.post(f"/orgs/{org['id']}/edit", data=form(version="1")).status_code == 403
    assert 'href="/orgs/new"' not in client.get("/orgs").get_data(as_text=True)


def test_an_edit_sends_only_the_changed_fields(client, store):
    org = register(store, areas=["economy"])
    shown = client.get(f"/orgs/{org['id']}/edit").get_data(as_text=True)
    assert 'name="version" value="1"' in shown and 'value="2559"' in shown  # the year as B.E.
    posted = {**form(name=org["name"], type="savings_group", founded_year="2559", members="30", village_no=""),
              "areas": ["economy"], "version": "1"}
    assert client.post(f"/orgs/{org['id']}/edit", data=posted).status_code == 302
    events = handlers.history(store, org["id"])
    assert [e["type"] for e in events] == ["OrgRegistered", "OrgAmended"]
    assert events[1]["data"] == {"members": 30}
    assert events[1]["actor"]["user"] == "somchai"


def test_a_stale_edit_shows_both_versions_and_reapplies_onto_the_current(client, store):
    org = register(store)
    handlers.amend(store, ACTOR(), org["id"], {"name": "ชื่อที่คนอื่นแก้"}, 1)  # someone else saves first
    mine = {**form(name=org["name"], type="savings_group", founded_year="2559", members="99", village_no=""),
            "version": "1"}
    answer = client.post(f"/orgs/{org['id']}/edit", data=mine)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "มีผู้อื่นแก้ไขข้อมูลนี้ก่อนคุณ" in page
    assert "ชื่อที่คนอื่นแก้" in page and "กลุ่มออมทรัพย์บ้านทดสอบ" in page and ">99<" in page
    assert 'name="version" value="2"' in page and 'value="99"' in page  # my change onto the current version
    assert handlers.get(store, org["id"])["members"] == 25  # nothing overwritten
    reapplied = {**mine, "name": "ชื่อที่คนอื่นแก้", "version": "2"}
    assert client.post(f"/orgs/{org['id']}/edit", data=reapplied).status_code == 302
    assert (lambda o: (o["name"], o["members"]))(handlers.get(store, org["id"])) == ("ชื่อที่คนอื่นแก้", 99)


def test_history_shows_who_when_where_and_the_diff(client, store, signed_in):
    org = register(store)
    handlers.amend(store, ACTOR(), org["id"], {"members": "๓๐", "type": "youth_group"}, 1)
    page = client.get(f"/orgs/{org['id']}/history").get_data(as_text=True)
    assert "แก้ไขข้อมูล" in page and "ลงทะเบียนองค์กร" in page
    assert "somsri" in page and "เจ้าหน้าที่ศูนย์ประสานงาน" in page and "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่" in page
    assert "<del>กลุ่มออมทรัพย์</del>" in page and "<ins>กลุ่มเยาวชน</ins>" in page
    assert "<del>25</del>" in page and "<ins>30</ins>" in page
    assert re.search(r"\d{1,2} [ก-๙.]+ 25\d\d \d\d:\d\d", page)  # a B.E. date, Bangkok time
    assert 'name="as_of"' not in page  # as of a date is for auditors
    signed_in(AUDITOR)
    assert "ไม่มีข้อมูลองค์กรนี้" in client.get(f"/orgs/{org['id']}/history?as_of=2500-01-01").get_data(as_text=True)
    today = client.get(f"/orgs/{org['id']}/history?as_of=2599-01-01").get_data(as_text=True)
    assert "วันที่ต้องไม่เกินวันนี้" in today
    from datetime import date
    now = client.get(f"/orgs/{org['id']}/history?as_of={date.today().isoformat()}").get_data(as_text=True)
    assert "ข้อมูล ณ สิ้นวันที่" in now and "กลุ่มเยาวชน" in now


def test_a_script_in_a_name_is_inert_everywhere(client, store):
    org = register(store, "<script>alert(1)</script>")
    handlers.amend(store, ACTOR(), org["id"], {"name": "<img src=x onerror=alert(1)>"}, 1)
    for url in ("/orgs", f"/orgs/{org['id']}", f"/orgs/{org['id']}/history", f"/orgs/{org['id']}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/orgs/{org['id']}/history").get_data(as_text=True)


def test_signed_out_reader_is_sent_to_sign_in_or_refused(client, signed_in):
    signed_in(permissions.ANONYMOUS)
    answer = client.get("/orgs")
    assert answer.status_code in (302, 401)


def test_the_cascade_feed(client):
    districts = client.get("/web/places?province=50").get_json()["districts"]
    assert {"code": "5001", "th": "เมืองเชียงใหม่", "en": "Mueang Chiang Mai"} in districts
    assert client.get("/web/places?district=5001").get_json()["subdistricts"][0]["code"].startswith("5001")
    assert client.get("/web/places?province=zz").get_json() == {"districts": []}


def test_every_label_the_pages_use_is_in_the_catalogue():
    from pathlib import Path

    from services.chassis.messages import CATALOGUE

    web = Path(__file__).resolve().parents[2] / "gateway" / "web"
    sources = [p.read_text() for p in [*web.rglob("*.html"), *web.glob("*.py")]]
    used = {code for source in sources for code in re.findall(r"""\bt\(["']([a-z_0-9A-Z]+)["']""", source)}
    assert used and not used - set(CATALOGUE)
