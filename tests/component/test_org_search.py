"""Searching the register and listing duplicate candidates, on a real SQLite file and a real
PostgreSQL database: trigram substring search in Thai and English, filters, paging, LIKE
wildcards, the SQL triggers that keep SQLite's index in step, and duplicate groups."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from services.chassis.database import bulk_insert, make_engine
from services.chassis.envelope import new_ids
from services.chassis.errors import CommandRejected
from services.chassis.registers import search as kit
from services.orgs import readmodel, search
from services.orgs.names import normalize

CHIANG_MAI = {"province": "50", "district": "5001", "subdistrict": "500101", "center": "P50"}
CHIANG_MAI_2 = {"province": "50", "district": "5001", "subdistrict": "500102", "center": "P50"}
LAMPHUN = {"province": "51", "district": "5101", "subdistrict": "510101", "center": "P51"}
DIN_DAENG = {"province": "10", "district": "1026", "subdistrict": "102601", "center": "BKK1"}
AT = "2025-01-01T00:00:00.000000Z"


def row(name: str, place: dict = CHIANG_MAI, **values) -> dict:
    """A read-model row with every column, as bulk_insert (COPY) wants them all alike."""
    out = {
        "id": None, "version": 1, "status": "active", "name": name, "name_en": None, "name_key": normalize(name),
        "type": "other", **place, "village_no": None, "address": None, "founded_year": None, "members": None,
        "areas": "[]", "contact_person": None, "source": "survey", "strength_level": None, "strength_criteria": None,
        "strength_assessed_on": None, "strength_assessor": None, "verified_on": None, "verified_by": None,
        "merged_into": None, "created_at": AT, "updated_at": AT,
    }
    out.update(values)
    return out


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    readmodel.create_schema(engine)
    yield engine
    engine.dispose()


def insert(engine, rows: list[dict]) -> list[dict]:
    for r, new_id in zip(rows, new_ids(len(rows))):
        r["id"] = r["id"] or new_id
    with engine.begin() as conn:
        bulk_insert(conn, readmodel.organizations, rows)
    return rows


def names(result: dict) -> list[str]:
    return [r["name"] for r in result["items"]]


def find(engine, **filters) -> dict:
    return search.SEARCH.query(engine, filters, 1, 50)


def test_a_thai_substring_inside_a_word_is_found(engine):
    insert(engine, [row("วิสาหกิจชุมชนทอผ้าบ้านดง"), row("กลุ่มจักสานบ้านดอน"), row("ทอผ้าไหมหนองบัว")])
    assert names(find(engine, q="ทอผ้า")) == ["ทอผ้าไหมหนองบัว", "วิสาหกิจชุมชนทอผ้าบ้านดง"]
    assert names(find(engine, q="ผ้าบ้าน")) == ["วิสาหกิจชุมชนทอผ้าบ้านดง"]  # across what a reader sees as words
    assert names(find(engine, q="ชุมชนทอ")) == ["วิสาหกิจชุมชนทอผ้าบ้านดง"]
    assert find(engine, q="ทอผ้า")["total"] == 2
    assert find(engine, q="ทอเสื่อ") == {"items": [], "total": 0, "page": 1, "per_page": 50}


def test_english_names_match_whatever_the_case(engine):
    insert(engine, [row("กลุ่มทอผ้าบ้านดง", name_en="Ban Dong Weaving Group"),
                    row("กลุ่มจักสาน", name_en="Basketry Group"), row("กลุ่ม OTOP บ้านนา")])
    for q in ("weaving", "WEAVING", "Dong Weav", "g gRoUp"):
        assert names(find(engine, q=q)) == ["กลุ่มทอผ้าบ้านดง"], q
    assert names(find(engine, q="group")) == ["กลุ่มจักสาน", "กลุ่มทอผ้าบ้านดง"]
    assert names(find(engine, q="otop")) == ["กลุ่ม OTOP บ้านนา"]  # Latin inside a Thai name


def test_a_two_character_query_scans(engine):
    insert(engine, [row("กลุ่มบ้านดง"), row("กลุ่มบ้านนา"), row("ดงขี้เหล็ก", name_en="Dong Khi Lek")])
    assert names(find(engine, q="ดง")) == ["กลุ่มบ้านดง", "ดงขี้เหล็ก"]
    assert names(find(engine, q="dO")) == ["ดงขี้เหล็ก"]
    assert names(find(engine, q="นา")) == ["กลุ่มบ้านนา"]
    assert names(find(engine, q="ล็")) == ["ดงขี้เหล็ก"]


def test_each_filter_with_and_without_a_query(engine):
    insert(engine, [
        row("กลุ่มทอผ้า ก", CHIANG_MAI, type="occupational_group", strength_level="strong", verified_on="2025-03-01"),
        row("กลุ่มทอผ้า ข", CHIANG_MAI_2, type="savings_group", strength_level="moderate", verified_on="2024-12-31"),
        row("กลุ่มทอผ้า ค", LAMPHUN, type="occupational_group", status="archived"),
        row("กลุ่มทอผ้า ง", DIN_DAENG, type="women_group", status="merged", strength_level="strong"),
    ])
    cases = [
        ({"center": "P50"}, ["ก", "ข"]), ({"center": "BKK1"}, ["ง"]), ({"province": "51"}, ["ค"]),
        ({"district": "5001"}, ["ก", "ข"]), ({"subdistrict": "500102"}, ["ข"]),
        ({"type": "occupational_group"}, ["ก", "ค"]), ({"status": "archived"}, ["ค"]),
        ({"status": "active"}, ["ก", "ข"]), ({"strength": "strong"}, ["ก", "ง"]),
        ({"verified_since": "2025-01-01"}, ["ก"]), ({"verified_since": "2024-12-31"}, ["ก", "ข"]),
        ({"unverified_since": "2025-01-01"}, ["ข", "ค", "ง"]), ({"unverified_since": "2024-12-31"}, ["ค", "ง"]),
        ({"unverified_since": "2025-01-01", "status": "active"}, ["ข"]),
        ({"center": "P50", "type": "savings_group"}, ["ข"]), ({"strength": "strong", "status": "active"}, ["ก"]),
    ]
    for filters, expected in cases:
        for q in (None, "ทอผ้า", "ผ้"):
            found = find(engine, **filters, **({"q": q} if q else {}))
            assert names(found) == [f"กลุ่มทอผ้า {x}" for x in expected], (filters, q)
            assert found["total"] == len(expected)
    assert find(engine, q="ทอผ้า", center="P52")["total"] == 0
    with pytest.raises(CommandRejected):
        find(engine, verified_since="2025-13-01")
    with pytest.raises(CommandRejected):
        find(engine, unverified_since="not a day")


def test_paging_is_stable_over_equal_names(engine):
    rows = insert(engine, [row("กลุ่มทอผ้าบ้านดง") for _ in range(7)] + [row("กลุ่มทอผ้าบ้านนา") for _ in range(5)])
    expected = [r["id"] for r in sorted(rows, key=lambda r: (r["name"], r["id"]))]
    for filters in ({}, {"q": "ทอผ้า"}, {"q": "ผ้"}, {"q": "ทอผ้า", "center": "P50"}, {"q": "ทอผ้า", "status": "active"}):
        pages = [search.SEARCH.query(engine, filters, page, 5) for page in (1, 2, 3, 4)]
        assert [r["id"] for p in pages for r in p["items"]] == expected, filters
        assert [len(p["items"]) for p in pages] == [5, 5, 2, 0]
        assert all(p["total"] == 12 and p["page"] == n and p["per_page"] == 5 for n, p in enumerate(pages, 1))


def test_like_wildcards_in_the_query_are_plain_characters(engine):
    insert(engine, [row("กองทุน 100% บ้านดง"), row("กองทุน 1000 บ้านดง"), row("กลุ่ม a_b"), row("กลุ่ม axb"),
                    row("กลุ่ม back\\slash"), row("กลุ่ม \"quoted\"")])
    assert names(find(engine, q="00%")) == ["กองทุน 100% บ้านดง"]
    assert names(find(engine, q="%")) == ["กองทุน 100% บ้านดง"]
    assert names(find(engine, q="a_b")) == ["กลุ่ม a_b"]
    assert names(find(engine, q="_")) == ["กลุ่ม a_b"]
    assert names(find(engine, q="k\\s")) == ["กลุ่ม back\\slash"]
    assert names(find(engine, q='"quoted"')) == ["กลุ่ม \"quoted\""]  # FTS5 phrase quoting
    assert names(find(engine, q='d" OR "a')) == []


def test_updates_and_deletes_are_searched_as_they_stand(engine):
    first, second = insert(engine, [row("กลุ่มทอผ้าบ้านดง", name_en="Weavers"), row("กลุ่มจักสานบ้านดง")])
    orgs = readmodel.organizations
    with engine.begin() as conn:
        conn.execute(orgs.update().where(orgs.c.id == first["id"]).values(name="กลุ่มปั้นหม้อบ้านดง", name_en="Potters"))
    assert find(engine, q="ทอผ้า")["total"] == 0 and find(engine, q="weaver")["total"] == 0
    assert names(find(engine, q="ปั้นหม้อ")) == names(find(engine, q="potters")) == ["กลุ่มปั้นหม้อบ้านดง"]
    with engine.begin() as conn:  # a change that does not touch the name, then filter columns
        conn.execute(orgs.update().where(orgs.c.id == first["id"]).values(version=2, members=10))
        conn.execute(orgs.update().where(orgs.c.id == second["id"]).values(
            status="archived", type="savings_group", strength_level="strong", verified_on="2025-05-05"))
    assert names(find(engine, q="ปั้นหม้อ")) == ["กลุ่มปั้นหม้อบ้านดง"]
    assert names(find(engine, q="บ้านดง", status="archived")) == ["กลุ่มจักสานบ้านดง"]
    assert names(find(engine, q="บ้านดง", status="active")) == ["กลุ่มปั้นหม้อบ้านดง"]
    for filters in ({"type": "savings_group"}, {"strength": "strong"}, {"verified_since": "2025-05-01"}):
        assert names(find(engine, q="บ้านดง", **filters)) == ["กลุ่มจักสานบ้านดง"], filters
    with engine.begin() as conn:
        conn.execute(orgs.delete().where(orgs.c.id == first["id"]))
    assert find(engine, q="ปั้นหม้อ")["total"] == 0
    assert names(find(engine, q="บ้านดง")) == ["กลุ่มจักสานบ้านดง"]
    with engine.begin() as conn:
        conn.execute(orgs.delete())
    assert find(engine, q="บ้านดง")["total"] == 0


def test_the_index_is_built_for_rows_already_there(database_url):
    engine = make_engine(database_url)
    try:
        readmodel.metadata.create_all(engine)  # a read model from before search existed
        insert(engine, [row("วิสาหกิจชุมชนทอผ้าบ้านดง", name_en="Ban Dong Weavers"), row("กลุ่มจักสาน")])
        readmodel.create_schema(engine)
        readmodel.create_schema(engine)  # again: nothing to do
        assert names(find(engine, q="ทอผ้า")) == names(find(engine, q="weavers")) == ["วิสาหกิจชุมชนทอผ้าบ้านดง"]
        insert(engine, [row("กลุ่มทอผ้าบ้านนา")])
        assert find(engine, q="ทอผ้า")["total"] == 2
    finally:
        engine.dispose()


PIECES = ("กลุ่ม", "วิสาหกิจชุมชน", "ชมรม", "สหกรณ์", "ทอผ้า", "จักสาน", "ผู้สูงอายุ", "บ้านดง", "บ้านนา", "หนองบัว")


def test_every_plan_answers_like_a_plain_filter_and_sort(engine, monkeypatch):
    """Thresholds shrunk so that a few hundred rows take every path: sorting the matches,
    reading them off the name order, the walk giving up (SQLite), and a capped count with the
    page bounded by the matches counted or past them (PostgreSQL)."""
    rnd = random.Random(5)
    places = (CHIANG_MAI, CHIANG_MAI_2, LAMPHUN, DIN_DAENG)
    rows = []
    for n in range(400):
        first = rnd.choice(PIECES[:4]) if n % 3 else "สหกรณ์"  # a cluster late in the name order
        name = first + rnd.choice(PIECES[4:7]) + rnd.choice(PIECES[7:]) + (f" {rnd.randint(1, 30)}" if n % 2 else "")
        rows.append(row(name, rnd.choice(places), name_en=rnd.choice((None, "Ban Dong Group", "Na Weavers")),
                        type=rnd.choice(("savings_group", "other")), status=rnd.choice(("active", "active", "archived")),
                        strength_level=rnd.choice((None, "strong"))))
    insert(engine, rows)
    monkeypatch.setattr(kit, "SORT_MAX", 30)
    monkeypatch.setattr(search, "SEARCH", replace(search.SEARCH, count_cap=40))
    monkeypatch.setattr(kit, "WALK_BUDGET", 60)
    queries = ["", "ทอผ้า", "สหกรณ์", "กรณ์จัก", "บ้านดง", "ผู้สูง", "ดง", "weav", "GROUP", "an D", "สหกรณ์ทอผ้าหนองบัว", "xyz"]
    for q in queries:
        for filters in ({}, {"status": "active"}, {"type": "savings_group", "strength": "strong"}, {"center": "P50"}):
            expected = sorted((r for r in rows if _matches(r, q, filters)), key=lambda r: (r["name"], r["id"]))
            for page in (1, 2, 4, 9):
                got = search.SEARCH.query(engine, {"q": q, **filters}, page, 10)
                want = [r["id"] for r in expected[(page - 1) * 10:page * 10]]
                assert [r["id"] for r in got["items"]] == want, (q, filters, page)
                if got.get("total_capped"):
                    assert got["total"] == search.SEARCH.count_cap + 1 < len(expected), (q, filters)
                else:
                    assert got["total"] == len(expected), (q, filters)


def _matches(r: dict, q: str, filters: dict) -> bool:
    text_ = (r["name"] + "\n" + (r["name_en"] or "")).lower()
    return q.lower() in text_ and all(r[{"strength": "strength_level"}.get(k, k)] == v for k, v in filters.items())


def test_sqlite_counts_exactly_and_postgresql_caps_the_count(engine, monkeypatch):
    insert(engine, [row(f"กลุ่มทอผ้า {n}") for n in range(30)])
    monkeypatch.setattr(search, "SEARCH", replace(search.SEARCH, count_cap=10))
    found = find(engine, q="ทอผ้า")
    if engine.dialect.name == "postgresql":
        assert found["total"] == 11 and found["total_capped"] is True
    else:
        assert found["total"] == 30 and "total_capped" not in found
    assert len(found["items"]) == 30
    assert find(engine)["total"] == 30 and "total_capped" not in find(engine)  # no query: exact


# ------------------------------------------------------------------------------ duplicates

def _groups(engine, **filters) -> list[set[str]]:
    return [{o["name"] for o in g["orgs"]} for g in search.DUPLICATES.groups(engine, filters, 1, 50)["groups"]]


def test_duplicates_across_spacing_prefixes_and_thai_digits(engine):
    insert(engine, [
        row("วิสาหกิจชุมชนทอผ้าบ้านดง"), row("ทอผ้า บ้านดง"), row("กลุ่มวิสาหกิจชุมชน ทอผ้าบ้านดง"),
        row("กลุ่มออมทรัพย์บ้านดง หมู่ ๓"), row("กลุ่มออมทรัพย์บ้านดง หมู่ 3"),
        row("กลุ่มออมทรัพย์บ้านดง หมู่ 4"),  # another village: not the same group
        row("ชมรมผู้สูงอายุบ้านนา"), row("ชมรมผู้สูงอายุบ้านนาเหนือ"),  # one name inside the other
        row("กลุ่มจักสานหนองบัว"), row("กลุ่มจักสานหนองบัว", status="archived"),  # archived ones do not count
        row("ทอผ้าบ้านดง", CHIANG_MAI_2), row("ชมรมผู้สูงอายุบ้านนา", LAMPHUN),  # other subdistricts
    ])
    found = search.DUPLICATES.groups(engine, {}, 1, 50)
    assert found["total"] == 3 and found["page"] == 1 and found["per_page"] == 50
    assert _groups(engine) == [  # ordered by subdistrict, then key: ทอผ้า..., ผู้สูงอายุ..., ออมทรัพย์...
        {"ทอผ้า บ้านดง", "วิสาหกิจชุมชนทอผ้าบ้านดง", "กลุ่มวิสาหกิจชุมชน ทอผ้าบ้านดง"},
        {"ชมรมผู้สูงอายุบ้านนา", "ชมรมผู้สูงอายุบ้านนาเหนือ"},
        {"กลุ่มออมทรัพย์บ้านดง หมู่ ๓", "กลุ่มออมทรัพย์บ้านดง หมู่ 3"},
    ]
    group = found["groups"][0]
    assert group["subdistrict"] == "500101" and group["key"]
    assert {"id", "version", "name", "name_en", "type", "village_no"} <= set(group["orgs"][0])
    assert [g["key"] for g in found["groups"]] == sorted(g["key"] for g in found["groups"])


def test_duplicates_are_filtered_by_place_and_paged(engine):
    rows = []
    for place in (CHIANG_MAI, CHIANG_MAI_2, LAMPHUN, DIN_DAENG):
        rows += [row("กลุ่มทอผ้าบ้านดง", place), row("ทอผ้า บ้านดง", place)]
    insert(engine, rows)
    by_place = lambda **f: [g["subdistrict"] for g in search.DUPLICATES.groups(engine, f, 1, 50)["groups"]]  # noqa: E731
    assert by_place() == ["102601", "500101", "500102", "510101"]
    assert by_place(center="P50") == by_place(province="50") == by_place(district="5001") == ["500101", "500102"]
    assert by_place(subdistrict="510101") == ["510101"]
    assert by_place(center="BKK1") == ["102601"]
    assert by_place(province="99") == []
    second = search.DUPLICATES.groups(engine, {}, 2, 3)
    assert second["total"] == 4 and [g["subdistrict"] for g in second["groups"]] == ["510101"]
