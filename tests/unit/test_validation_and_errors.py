"""Input validation as catalogue codes, and errors that survive the trip over nameko RPC."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.chassis import messages
from services.chassis.errors import CALLER_ERRORS, Archived, CommandRejected, Conflict, NotFound, rejected
from services.chassis.validation import Code, StrictSchema, load, max_length, one_of, to_arabic_digits
from services.contracts.orgs.schemas import OrgChanges, OrgRegistration

THIS_YEAR = date.today().year
VALID = {"name": "กลุ่มออมทรัพย์บ้านหนองบัว", "type": "savings_group", "province": "50",
         "district": "5001", "subdistrict": "500101"}



def register(**changes):
    return load(OrgRegistration(), {**VALID, **changes})


def problems(payload, schema=None, row=None) -> list[dict]:
    with pytest.raises(CommandRejected) as error:
        load(schema or OrgRegistration(), payload, row=row)
    return error.value.problems


def codes(payload, schema=None) -> dict[str, str]:
    return {p["field"]: p["code"] for p in problems(payload, schema)}


# -- numbers and years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, stored",
    [
        ("๑,๒๐๐", 1200), ("1,200", 1200), (" ๔๒ ", 42), ("๐", 0), (35, 35), (35.0, 35), ("1 000", 1000),
    ],
)
def test_members_accept_thai_digits_and_thousands_separators(given, stored):
    assert register(members=given)["members"] == stored


@pytest.mark.parametrize("given", ["๑๒a", "1.5", 1.5, True, "", "--1", "1e3", "๑๒๓๔๕๖๗๘๙๐๑๒๓"])
def test_members_reject_what_is_not_a_whole_number(given):
    assert codes({**VALID, "members": given}) == {"members": "not_integer"}


@pytest.mark.parametrize(
    "given, stored",
    [
        ("๒๕๖๐", 2017), (2560, 2017), ("2560", 2017), (2017, 2017), ("๒๐๑๗", 2017),
        (1800, 1800), (THIS_YEAR, THIS_YEAR), (THIS_YEAR + 543, THIS_YEAR), (str(THIS_YEAR + 543), THIS_YEAR),
    ],
)
def test_founded_year_accepts_buddhist_or_common_era_and_stores_common_era(given, stored):
    assert register(founded_year=given)["founded_year"] == stored


@pytest.mark.parametrize("given", [THIS_YEAR + 1, THIS_YEAR + 544, "๒๖๗๐", 2300])
def test_founded_year_in_the_future_is_rejected(given):
    assert codes({**VALID, "founded_year": given}) == {"founded_year": "year_in_future"}


@pytest.mark.parametrize("given", [1799, 1066, 0, "๑๗๙๙"])
def test_founded_year_too_early_is_rejected_with_both_eras_named(given):
    (problem,) = problems({**VALID, "founded_year": given})
    assert (problem["field"], problem["code"]) == ("founded_year", "year_too_early")
    text = messages.message(problem["code"], **problem["params"])
    assert "2343" in text["th"] and "1800" in text["en"]


@pytest.mark.parametrize("be, ce", [(2343, 1800), (2350, 1807), (2400, 1857)])
def test_founded_year_every_buddhist_year_the_error_allows_is_accepted(be, ce):
    """year_too_early says anything from พ.ศ. 2343 is fine, so พ.ศ. 2343-2400 must load as B.E."""
    assert register(founded_year=be)["founded_year"] == ce


def test_village_number_range_carries_its_bounds():
    (problem,) = problems({**VALID, "village_no": "๑๐๐"})
    assert (problem["field"], problem["code"], problem["params"]) == (
        "village_no", "out_of_range", {"min": "1", "max": "99"})
    assert register(village_no="๙๙")["village_no"] == 99


# -- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["กลุ่ม\x00ออม", "a\x07b", "line\nbreak", "tab\there", "\x1b[31mred"])
def test_control_characters_in_text_are_rejected(name):
    assert codes({**VALID, "name": name}) == {"name": "control_characters"}


@pytest.mark.parametrize("name", ["a\u00a0b\x07", "\u200b\x1fx", "ก\u2028ข\x85ค", "\x7f", "x\x9f"])
def test_control_characters_after_other_unprintable_ones_are_rejected(name):
    assert codes({**VALID, "name": name}) == {"name": "control_characters"}


@pytest.mark.parametrize("name", ["a\u00a0b", "a\u200bb", "ก\u2028ข", "x\u00adz"])
def test_unprintable_characters_that_are_not_control_characters_are_kept(name):
    assert register(name=name)["name"] == name


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_blank_name_is_rejected(name):
    assert codes({**VALID, "name": name}) == {"name": "blank"}


def test_text_is_trimmed_and_normalized_to_nfc():
    decomposed = "cafe\u0301"
    assert register(name=f"  {decomposed}  ")["name"] == "caf\u00e9"


def test_thai_digits_become_arabic_and_other_text_stays_as_it_is():
    assert to_arabic_digits("หมู่ ๑๒ ซอย 3/๔") == "หมู่ 12 ซอย 3/4"
    assert to_arabic_digits("บ้านดง 12") == "บ้านดง 12"


def test_name_longer_than_the_limit_names_the_limit():
    (problem,) = problems({**VALID, "name": "ก" * 201})
    assert (problem["code"], problem["params"]) == ("too_long", {"max": "200"})
    assert register(name="ก" * 200)["name"] == "ก" * 200


# -- codes ----------------------------------------------------------------------------------


def test_areas_are_a_new_list_of_vocabulary_codes():
    given = ["health", "welfare"]
    loaded = register(areas=given)["areas"]
    assert loaded == given and loaded is not given
    assert register(areas=("health",))["areas"] == ["health"]
    assert register()["areas"] == []


def test_areas_that_are_not_vocabulary_codes_are_named_by_position():
    found = problems({**VALID, "areas": ["health", "flying", 5]})
    assert [p["field"] for p in found] == ["areas.1", "areas.2"]
    assert found[0]["code"] == "not_one_of"
    assert codes({**VALID, "areas": "health"}) == {"areas": "invalid"}
    assert codes({**VALID, "areas": None}) == {"areas": "null"}


class TwoRules(StrictSchema):
    code = Code(validate=[one_of(["a", "bb"]), max_length(1)])


def test_every_validator_that_fails_is_reported():
    assert [p["code"] for p in problems({"code": "ccc"}, TwoRules())] == ["not_one_of", "too_long"]
    assert [p["code"] for p in problems({"code": "bb"}, TwoRules())] == ["too_long"]
    assert load(TwoRules(), {"code": "a"}) == {"code": "a"}
    assert codes({"code": 5}, TwoRules()) == {"code": "invalid"}


# -- shape of the payload --------------------------------------------------------------------


def test_unknown_field_is_named():
    assert codes({**VALID, "colour": "red"}) == {"colour": "unknown_field"}


@pytest.mark.parametrize("field", ["center", "id", "version", "status"])
def test_read_only_fields_are_refused(field):
    assert codes({**VALID, field: "P50"}) == {field: "read_only"}
    assert codes({"name": "x", field: "P50"}, OrgChanges()) == {field: "read_only"}


def test_missing_required_and_null_and_not_one_of():
    assert codes({"name": None, "type": "club"}) == {"name": "null", "type": "not_one_of", "province": "required",
                                                     "district": "required", "subdistrict": "required"}


def test_wrong_types_are_coded():
    assert codes({**VALID, "name": 5, "province": 50}) == {"name": "not_text", "province": "invalid"}


def test_payload_that_is_not_an_object_is_rejected():
    assert problems(["not", "a", "dict"], row=7) == [{"field": "_schema", "code": "invalid", "row": 7, "params": {}}]


def test_every_problem_carries_the_row():
    found = problems({**VALID, "name": "", "members": "x"}, row=12)
    assert {p["row"] for p in found} == {12}
    assert {p["field"] for p in found} == {"name", "members"}


def test_changes_are_partial():
    assert load(OrgChanges(), {"members": "๑๐"}) == {"members": 10}
    assert load(OrgChanges(), {}) == {}
    assert codes({"members": "x", "founded_year": THIS_YEAR + 1}, OrgChanges()) == {
        "members": "not_integer", "founded_year": "year_in_future"}


# -- the catalogue --------------------------------------------------------------------------


def test_catalogue_entries_have_thai_and_english():
    for code, (th, en) in messages.CATALOGUE.items():
        assert th.strip() and en.strip(), code
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in th), code
        assert en.isascii(), code


# One payload per way of going wrong; each may produce several codes.
BAD_PAYLOADS = [
    (OrgRegistration, {"name": None, "type": "club"}),
    (OrgRegistration, {**VALID, "name": 5, "province": 50, "members": "x", "village_no": 100}),
    (OrgRegistration, {**VALID, "name": "a\x07", "founded_year": THIS_YEAR + 1}),
    (OrgRegistration, {**VALID, "name": " ", "founded_year": 1700}),
    (OrgRegistration, {**VALID, "name": "ก" * 201, "colour": "red"}),
    (OrgRegistration, {**VALID, "center": "P10"}),
    (OrgRegistration, "not a dict"),
    (OrgChanges, {"status": "archived"}),
]


def test_every_code_produced_is_in_the_catalogue_and_formats():
    produced = [p for schema, payload in BAD_PAYLOADS for p in problems(payload, schema())]
    assert {p["code"] for p in produced} >= {
        "null", "required", "not_one_of", "not_text", "invalid", "not_integer", "out_of_range",
        "control_characters", "year_in_future", "blank", "year_too_early", "too_long",
        "unknown_field", "read_only"}
    for problem in produced:
        assert problem["code"] in messages.CATALOGUE, problem
        text = messages.message(problem["code"], **problem["params"])  # every placeholder filled
        assert "{" not in text["th"] + text["en"], problem
    assert {cls.code for cls in CALLER_ERRORS} <= set(messages.CATALOGUE)


# -- errors over the wire -------------------------------------------------------------------

ERRORS = [
    CommandRejected([{"field": "name", "code": "blank", "row": 3, "params": {}},
                     {"field": "founded_year", "code": "year_too_early", "row": 3,
                      "params": {"min_ce": "1800", "min_be": "2343"}}]),
    rejected("district", "district_not_in_province", row=9),
    rejected("_schema", "too_many", max=5000),
    Conflict("org-6c8d", 4),
    NotFound("org-ไม่มี"),
    Archived("org-1"),
]


def over_the_wire(error: Exception) -> Exception:
    """As nameko sends an error: its args through JSON, then the class called with them."""
    return type(error)(*json.loads(json.dumps(error.args)))


def state(error: Exception) -> dict:
    return dict(vars(error))


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_errors_round_trip_through_their_args(error):
    again = over_the_wire(error)
    assert type(again) is type(error)
    assert state(again) == state(error)
    assert again.to_dict() == error.to_dict()
    assert str(again) == str(error)
    assert state(over_the_wire(again)) == state(error)


def test_error_details_survive_the_wire():
    conflict = over_the_wire(Conflict("org-6c8d", 4))
    assert (conflict.stream, conflict.current_version) == ("org-6c8d", 4)
    assert conflict.to_dict()["current_version"] == 4
    assert "4" in conflict.to_dict()["message"]["th"]
    rejected_ = over_the_wire(ERRORS[0])
    assert rejected_.problems == ERRORS[0].problems
    assert [f["field"] for f in rejected_.to_dict()["fields"]] == ["name", "founded_year"]
    assert "1800" in rejected_.to_dict()["fields"][1]["message"]["en"]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_error_codes_and_messages_come_from_the_catalogue(error):
    body = error.to_dict()
    assert body["code"] in messages.CATALOGUE
    assert body["message"]["th"] and body["message"]["en"]
    for field in body.get("fields", []):
        assert field["code"] in messages.CATALOGUE
        assert "{" not in field["message"]["th"] + field["message"]["en"]


def test_integers_past_64_bits_cross_the_wire_for_the_schema_to_refuse():
    from services.chassis import wire

    payload = {"members": 10**30, "name": "กลุ่ม"}
    decoded = wire.loads(wire.dumps(payload))
    assert decoded["name"] == "กลุ่ม" and decoded["members"] == float(10**30)
    assert codes({**VALID, "members": decoded["members"]}) == {"members": "out_of_range"}
