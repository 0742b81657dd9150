"""Code lists (the kit's `services.chassis.vocabulary`): synonyms checked when a contract loads,
read as their codes in spreadsheet cells; a value still unknown refused naming the closest
allowed values, in Thai and English through the catalogue, never the value typed."""
from __future__ import annotations

import pytest

from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from services.chassis.validation import Code, Codes, StrictSchema, load, one_of
from services.chassis.vocabulary import CLOSEST, closest, readings, synonyms
from services.contracts.orgs.schemas import OrgRegistration
from services.contracts.orgs.sheet import CELLS
from services.contracts.orgs.vocabulary import ORG_TYPE_SYNONYMS, ORG_TYPES, SYNONYMS

VALID = {"name": "กลุ่มผู้สูงอายุบ้านโคกกรวด", "type": "elderly_group", "province": "30", "district": "3001",
         "subdistrict": "300101"}
LETTERS = {"a_group": ("กลุ่มเอ", "A group"), "b_group": ("กลุ่มบี", "B group")}


def problems(payload, schema=None) -> list[dict]:
    with pytest.raises(CommandRejected) as error:
        load(schema or OrgRegistration(), payload, row=4)
    return error.value.problems


def text(problem: dict) -> dict:
    return message(problem["code"], **problem["params"])


# -- synonyms -------------------------------------------------------------------------------


def test_a_synonym_names_a_code_of_its_list_and_reads_as_nothing_else():
    assert synonyms(LETTERS, {"ชมรมเอ": "a_group"}) == {"ชมรมเอ": "a_group"}
    for variants in ({"ชมรมซี": "c_group"},  # no such code
                     {"กลุ่ม บี": "a_group"},  # another code's label, spaced
                     {"B_GROUP": "a_group"},  # another code, in capitals
                     {"กลุ่มเอ": "a_group"},  # its own label already
                     {"ชมรมเอ": "a_group", "ชมรม เอ": "b_group"}):  # one variant for two codes
        with pytest.raises(ValueError):
            synonyms(LETTERS, variants)


def test_the_variants_of_the_korat_file_read_as_their_codes():
    assert CELLS.from_cells({"type": "ชมรมผู้สูงอายุ"}) == {"type": "elderly_group"}
    assert CELLS.from_cells({"type": " ชมรม ผู้สูงอายุ "}) == {"type": "elderly_group"}  # spaces as labels
    assert CELLS.from_cells({"type": "กลุ่มอนุรักษ์สิ่งแวดล้อม"}) == {"type": "environment_group"}
    assert CELLS.from_cells({"type": "Environmental Group"}) == {"type": "environment_group"}
    assert CELLS.from_cells({"areas": "สุขภาพ, การเกษตร, สุขภาวะ"}) == {"areas": ["health", "agriculture", "health"]}


def test_every_synonym_of_the_orgs_contract_reads_as_its_code_and_loads():
    assert set(SYNONYMS) <= set(CELLS.vocabularies)  # each by the name of its code list's column
    for name, variants in SYNONYMS.items():
        for variant, code in variants.items():
            read = CELLS.from_cells({name: variant})[name]
            assert read == ([code] if name in CELLS.lists else code), variant
            assert load(OrgRegistration(), {**VALID, name: read})[name] == read


# -- the closest allowed values --------------------------------------------------------------


def test_an_unknown_cell_is_refused_naming_the_closest_value_in_thai_and_english():
    (problem,) = problems({**VALID, "type": "กลุ่มผู้สูงอายุุ"})  # a typo: one vowel mark too many
    assert (problem["field"], problem["code"], problem["row"]) == ("type", "not_one_of_closest", 4)
    assert text(problem) == {
        "th": "ค่าไม่อยู่ในรายการที่กำหนด ค่าที่ใกล้เคียงที่สุด: กลุ่มผู้สูงอายุ (elderly_group)",
        "en": "Not one of the allowed values; the closest: Elderly group (elderly_group)",
    }


def test_the_closest_are_a_few_best_first_and_the_value_typed_is_never_echoed():
    typed = "กลุ่มอนุรักษ์สิ่งแวดล้อมป่าต้นน้ำ"
    (problem,) = problems({**VALID, "type": typed})
    assert problem["params"]["closest_th"].startswith("กลุ่มอนุรักษ์ทรัพยากรธรรมชาติและสิ่งแวดล้อม (environment_group)")
    assert typed not in text(problem)["th"] and typed not in text(problem)["en"]
    written = readings(ORG_TYPES, ORG_TYPE_SYNONYMS)
    assert closest("กลุ่มอาชีพทอผ้า", written)[0] == "occupational_group"
    assert all(len(closest(value, written)) <= CLOSEST for value in ("กลุ่ม", "group", "กลุ่มสตรีแม่บ้าน"))


def test_a_value_close_to_nothing_is_refused_as_before():
    written = readings(ORG_TYPES, ORG_TYPE_SYNONYMS)
    assert closest("ชมรมฟุตบอล", written) == [] and closest("x" * 5000, written) == []
    assert closest(5, written) == [] and closest("  ", written) == []
    assert [(p["field"], p["code"], p["params"]) for p in problems({**VALID, "type": "ชมรมฟุตบอล"})] == [
        ("type", "not_one_of", {})]
    assert [p["code"] for p in problems({**VALID, "type": 5})] == ["invalid"]


def test_the_api_field_takes_codes_and_names_the_code_a_variant_stands_for():
    (problem,) = problems({**VALID, "type": "ชมรมผู้สูงอายุ"})  # the API does not read variants
    assert problem["code"] == "not_one_of_closest"
    assert problem["params"]["closest_en"].split(", ")[0] == "Elderly group (elderly_group)"
    (area,) = problems({**VALID, "areas": ["health", "เกษตร"]})
    assert (area["field"], area["code"]) == ("areas.1", "not_one_of_closest")
    assert area["params"]["closest_th"].split(", ")[0] == "เกษตรกรรม (agriculture)"


class Plain(StrictSchema):
    role = Code(validate=one_of(("center_staff", "admin", "auditor")))
    marks = Codes({"x|y": ("เอ็กซ์|วาย", "X|Y")})


def test_a_list_without_labels_names_codes_and_a_bar_in_a_label_keeps_the_parameters_apart():
    (role,) = problems({"role": "admn"}, Plain())
    assert text(role) == {"th": "ค่าไม่อยู่ในรายการที่กำหนด ค่าที่ใกล้เคียงที่สุด: admin",
                          "en": "Not one of the allowed values; the closest: admin"}
    (mark,) = problems({"marks": ["x|yy"]}, Plain())
    assert mark["params"] == {"closest_th": "เอ็กซ์/วาย (x/y)", "closest_en": "X/Y (x/y)"}


def test_every_synonym_is_documented_beside_its_code():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "organizations.md").read_text()
    listed = {}  # (column, code) -> the variants its row of the table lists
    for line in doc.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name, code = (cells[0].strip("`"), cells[1].strip("`")) if len(cells) == 3 else (None, None)
        if name in SYNONYMS and code in CELLS.vocabularies[name]:
            listed[name, code] = cells[2].split(", ")
    assert listed == {(name, code): [v for v, c in variants.items() if c == code]
                      for name, variants in SYNONYMS.items() for code in set(variants.values())}
