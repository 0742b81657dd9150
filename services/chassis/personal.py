"""Field types for personal data as Thai people write it: a phone number in any Thai format
(normalized to E.164), a Thai national ID (13 digits, its check digit; the 0-prefixed numbers
issued to people without Thai nationality included) and an e-mail address. Each error is a
catalogue code, never the value."""
from __future__ import annotations

import re

import phonenumbers
from marshmallow import ValidationError, fields
from stdnum.th import pin

from .thai import to_arabic_digits
from .validation import QuickValidation, Text

_NOT_DIGITS = re.compile(r"[\s\-.]")
_NATIONAL = re.compile(r"0[1-9][0-9]{7,8}")  # a Thai number as dialled at home: its prefix 0, then 8 or 9 digits
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def national_id(typed: str) -> str:
    """The 13 digits of a Thai national ID, or ValidationError. python-stdnum's `th.pin`
    refuses numbers starting with 0, which the Department of Provincial Administration issues
    to people without Thai nationality (volunteers among them); its check digit is used."""
    digits = _NOT_DIGITS.sub("", to_arabic_digits(typed))
    if len(digits) != 13 or not digits.isdigit():
        raise ValidationError("national_id_format")
    if digits[0] == "9" or digits[-1] != pin.calc_check_digit(digits):
        raise ValidationError("national_id_check_digit")
    return digits


def phone_e164(typed: str) -> str:
    """A Thai (or international, with +) phone number as E.164, or ValidationError. A number
    in the national format (0 and 8 or 9 digits, spaced or dashed) is checked against the
    library's metadata without its parser (a third of the time); anything else, and any
    number that check refuses, goes through the parser, which says why."""
    digits = _NOT_DIGITS.sub("", to_arabic_digits(typed))
    if _NATIONAL.fullmatch(digits):
        number = phonenumbers.PhoneNumber(country_code=66, national_number=int(digits[1:]))
        if phonenumbers.is_valid_number(number):
            return "+66" + digits[1:]
    try:
        number = phonenumbers.parse(to_arabic_digits(typed), "TH")
    except phonenumbers.NumberParseException:
        raise ValidationError("phone_format") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("phone_impossible")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NationalId(QuickValidation, fields.String):
    default_error_messages = {"invalid": "not_text"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:013d}"  # a spreadsheet cell read as a number lost its leading zero
        return national_id(super()._deserialize(value, attr, data, **kwargs))


class Phone(QuickValidation, fields.String):
    default_error_messages = {"invalid": "not_text"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"0{value}"  # a spreadsheet cell read as a number lost its leading zero
        return phone_e164(super()._deserialize(value, attr, data, **kwargs))


class Email(Text):
    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        if not _EMAIL.match(address):
            raise ValidationError("email_format")
        return address


def last_digits(value: str | None, keep: int = 4) -> str | None:
    """A value masked to its last `keep` characters (at most): x-xxxx-xxxxx-12-3 style."""
    if not value:
        return None
    return "•" * max(len(value) - keep, 0) + value[-keep:]


def masked_name(value: str | None) -> str | None:
    """A name masked to its first letter per word."""
    if not value:
        return None
    return " ".join(word[:1] + "•••" for word in value.split())


def masked_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return masked_name(value)
    local, _, domain = value.partition("@")
    return f"{local[:1]}•••@{domain}"
