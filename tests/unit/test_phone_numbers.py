"""A phone number dialled at home is checked without the library's parser (the bulk import's
fast path); its answer must be the parser's, for valid and impossible numbers alike."""
from __future__ import annotations

import random

import phonenumbers
import pytest
from marshmallow import ValidationError

from services.chassis.personal import phone_e164
from services.chassis.thai import to_arabic_digits


def parsed(typed: str) -> str:
    """The parser's answer, as phone_e164 gave it before the fast path."""
    try:
        number = phonenumbers.parse(to_arabic_digits(typed), "TH")
    except phonenumbers.NumberParseException:
        raise ValidationError("phone_format") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("phone_impossible")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def answer(check, typed: str):
    try:
        return check(typed)
    except ValidationError as error:
        return ("refused", error.messages)


def typed_numbers(count: int, seed: int = 5) -> list[str]:
    """Numbers of 9 and 10 digits from 0, written plain, dashed, spaced, in Thai digits."""
    rnd, out = random.Random(seed), []
    for _ in range(count):
        digits = f"0{rnd.randint(1, 9)}" + "".join(str(rnd.randint(0, 9)) for _ in range(rnd.choice((7, 8))))
        out.append(rnd.choice((
            digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", f" {digits[:2]} {digits[2:]} ",
            digits.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")), f"{digits[:3]}.{digits[3:]}")))
    return out


def test_the_fast_path_answers_as_the_parser_does():
    numbers = typed_numbers(4000)
    answers = [(answer(phone_e164, n), answer(parsed, n)) for n in numbers]
    assert all(ours == theirs for ours, theirs in answers)
    assert sum(not isinstance(ours, tuple) for ours, _ in answers) > 1000  # valid ones among them


@pytest.mark.parametrize("typed", ["0012345678", "+66 81 234 5678", "(081) 234-5678", "๐๘๑๒๓๔๕๖๗๘", "1669", "02-123-4567"])
def test_other_forms_take_the_parser(typed):
    assert answer(phone_e164, typed) == answer(parsed, typed)
