import json
from pathlib import Path

import pytest

from services import reference as ref
from services.reference import geography
from services.reference._data import read_csv


def test_division_counts():
    provinces = ref.provinces()
    districts = [d for p in provinces for d in ref.districts(p.code)]
    subdistricts = [s for d in districts for s in ref.subdistricts(d.code)]
    assert len(provinces) == 77
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)
    assert len(districts) == 928
    assert len(ref.districts("10")) == 50
    assert len(subdistricts) == 7436


def test_lookups_and_thai_names():
    assert ref.province("50").name_th == "เชียงใหม่"
    assert ref.province("10").name_th == "กรุงเทพมหานคร"
    assert ref.province("84").name_en == "Surat Thani"
    assert ref.district("5001").name_th == "เมืองเชียงใหม่"
    assert ref.subdistrict("840503").name_th == "เกาะเต่า"
    assert ref.province("99") is None
    assert ref.district("9999") is None
    assert ref.subdistrict("999999") is None


def test_regions_cover_every_province_once():
    rows = read_csv("regions.csv")
    codes = [r["province_code"] for r in rows]
    assert sorted(codes) == [p.code for p in ref.provinces()]
    assert len(codes) == len(set(codes)) == 77
    assert {r["region"] for r in rows} == set(ref.REGIONS)


def test_region_mapping():
    assert list(ref.REGIONS) == ["north", "northeast", "central", "east", "west", "south", "bangkok"]
    assert ref.REGIONS["northeast"] == ("ภาคตะวันออกเฉียงเหนือ", "Northeast")
    assert ref.region_of("26") == "central"
    assert ref.region_of("10") == "bangkok"
    assert ref.region_of("50") == "north"
    assert ref.region_of("20") == "east"
    assert ref.region_of("99") is None
    counts = {r: sum(ref.region_of(p.code) == r for p in ref.provinces()) for r in ref.REGIONS}
    assert counts == {"north": 9, "northeast": 20, "central": 21, "east": 7, "west": 5, "south": 14,
                      "bangkok": 1}


def test_regions_agree_with_natural_earth_except_documented():
    shapes = Path(__file__).resolve().parents[2] / "gateway" / "web" / "static" / "geo" / "th-provinces.geojson"
    text = shapes.read_text("utf-8")  # the map's shapes, kept once, with the gateway's static files
    names = {"Northern": "north", "Northeastern": "northeast", "Central": "central",
             "Eastern": "east", "Western": "west", "Southern": "south"}
    differ = {f["properties"]["code"] for f in json.loads(text)["features"]
              if names[f["properties"]["region_ne"]] != ref.region_of(f["properties"]["code"])}
    assert differ == {"10", "26"}


def test_every_bangkok_district_in_exactly_one_zone():
    zoned = [d for c in ref.centers() if c.code.startswith("BKK") for d in c.districts]
    assert sorted(zoned) == sorted(d.code for d in ref.districts("10"))
    assert len(zoned) == len(set(zoned)) == 50
    sizes = [len(ref.center(f"BKK{n}").districts) for n in range(1, 7)]
    assert sizes == [9, 10, 7, 9, 8, 7]


def test_centers():
    centers = ref.centers()
    assert len(centers) == 82
    assert [c.code for c in centers] == sorted(c.code for c in centers)
    assert sum(c.code.startswith("P") for c in centers) == 76
    assert sum(c.code.startswith("BKK") for c in centers) == 6
    assert ref.center("P10") is None
    assert ref.center("P50") == ref.Center(
        "P50", "ศูนย์ประสานภาคีการพัฒนาจังหวัดเชียงใหม่", "Chiang Mai Provincial Coordination Center",
        "50", "north", ())
    bkk1 = ref.center("BKK1")
    assert bkk1.name_th == "ศูนย์ประสานภาคีการพัฒนา กทม. กลุ่มกรุงเทพกลาง"
    assert bkk1.name_en == "Bangkok Central Zone Coordination Center"
    assert ref.center("BKK6").name_th.endswith("กลุ่มกรุงธนใต้")
    assert ref.center("BKK6").name_en == "Bangkok South Thonburi Zone Coordination Center"
    assert {c.region for c in centers if c.code.startswith("BKK")} == {"bangkok"}


def test_center_for():
    s = ref.subdistrict("500101")
    assert ref.center_for(s.province_code, s.district_code).code == "P50"
    assert ref.center_for("50").code == "P50"
    assert ref.center_for("10", "1026").code == "BKK1"  # Din Daeng, Central Bangkok
    assert ref.center_for("10", "1001") in {ref.center(f"BKK{n}") for n in range(1, 7)}
    for province, district in [("10", None), ("10", "5001"), ("99", None)]:
        with pytest.raises(KeyError):
            ref.center_for(province, district)


def test_check_location_ok():
    assert ref.check_location("50") == []
    assert ref.check_location("50", "5001", "500101") == []
    assert ref.check_location("10", "1001", "100101") == []
    assert ref.check_location("50", subdistrict="500101") == []


@pytest.mark.parametrize("args, problems", [
    (("99",), [("province", "unknown_province")]),
    (("50", "9999"), [("district", "unknown_district")]),
    (("50", "5001", "999999"), [("subdistrict", "unknown_subdistrict")]),
    (("10", "5001"), [("district", "district_not_in_province")]),
    (("50", "5001", "500203"), [("subdistrict", "subdistrict_not_in_district")]),
    (("99", "5001", "100101"),
     [("province", "unknown_province"), ("subdistrict", "subdistrict_not_in_district")]),
    (("10",), [("district", "district_required_in_bangkok")]),
    (("10", None, "100101"), [("district", "district_required_in_bangkok")]),
    (("50", None, "100101"), [("subdistrict", "subdistrict_not_in_province")]),
    (("", ""), [("province", "unknown_province")]),
])
def test_check_location_problems(args, problems):
    assert ref.check_location(*args) == problems


def every_location():
    """Each subdistrict as it is, then with each of its codes swapped for another's or left out."""
    places = [(s.province_code, s.district_code, s.code)
              for p in ref.provinces() for d in ref.districts(p.code) for s in ref.subdistricts(d.code)]
    for n, (province, district, subdistrict) in enumerate(places):
        other = places[(n * 7919) % len(places)]
        yield province, district, subdistrict
        yield other[0], district, subdistrict
        yield province, other[1], subdistrict
        yield province, district, other[2]
        yield province, None, subdistrict
        yield province, district, ""


def test_known_locations_are_found_at_once_and_the_rest_checked_as_before(monkeypatch):
    quick = [ref.check_location(*location) for location in every_location()]
    assert quick.count([]) >= 7436
    monkeypatch.setattr(geography, "_places", frozenset)  # no shortcut: check every code
    assert [ref.check_location(*location) for location in every_location()] == quick


def test_the_location_gives_the_center_or_names_what_does_not_check_out():
    assert ref.locate({"province": "50", "district": "5001", "subdistrict": "500101"}) == ("P50", [])
    assert ref.center_of({"province": "10", "district": "1001", "subdistrict": "100101"}).startswith("BKK")
    assert ref.locate({"province": "10"}) == (None, [("district", "district_required_in_bangkok")])
    assert ref.locate({"province": "50", "district": "1001"}) == (None, [("district", "district_not_in_province")])
    assert ref.center_of({"province": 50, "district": 5001}) == "P50"  # codes as numbers, as a sheet may give them
    assert ref.center_of({}) is None and ref.center_of({"province": "99"}) is None
