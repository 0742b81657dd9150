"""Marshmallow with errors as catalogue codes, and the field types Thai users need.

Every error a schema raises is a code from `messages.CATALOGUE`, optionally with parameters
(`too_long|max=200`), so one translator turns it into Thai and English for any caller."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from services import reference

from .errors import CommandRejected
from .thai import EARLIEST_BE, EARLIEST_CE, common_era, common_era_date_text, to_arabic_digits
from .vocabulary import Synonyms, closest, named, readings

_SEPARATORS = re.compile(r"[\s,]")
_DIGITS = re.compile(r"[+-]?\d{1,12}")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_CODES_BY_FIELD_KIND = {"invalid": "invalid", "required": "required", "null": "null"}


def coded(code: str, **params) -> str:
    """An error message that is a catalogue code with parameters."""
    return "|".join([code, *(f"{k}={v}" for k, v in params.items())])


def max_length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error=coded("too_long", max=limit))


def between(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error=coded("out_of_range", min=low, max=high))


def one_of(choices, synonyms: Synonyms | None = None) -> validate.OneOf:
    """One of `choices`: a code list (code -> Thai and English labels) or plain values. A value
    refused is `not_one_of`, or `not_one_of_closest` naming the closest codes (by their codes,
    labels and `synonyms`) with their labels, in Thai and in English."""
    return AllowedCodes(choices, synonyms)


KEPT_REFUSALS_UP_TO = 200  # characters: a refusal of a longer value is worked out again, not kept


class AllowedCodes(validate.OneOf):
    """marshmallow's OneOf whose refusal names the closest codes (worked out only on failure)."""

    def __init__(self, choices, synonyms: Synonyms | None = None):
        super().__init__(list(choices), error="not_one_of")
        self._named = choices if isinstance(choices, Mapping) else {}
        self._written = readings(choices, synonyms)
        self._refusal = lru_cache(maxsize=1024)(self._closest)  # a file repeats its wrong values

    def __deepcopy__(self, memo):  # unchanging: every copy of a schema shares it, and its cache
        return self

    def _format_error(self, value) -> str:
        if not isinstance(value, str):
            return "not_one_of"
        return self._refusal(value) if len(value) <= KEPT_REFUSALS_UP_TO else self._closest(value)

    def _closest(self, value: str) -> str:
        found = closest(value, self._written)
        if not found:
            return "not_one_of"
        th, en = (text.replace("|", "/") for text in named(self._named, found))  # "|" separates parameters
        return coded("not_one_of_closest", closest_th=th, closest_en=en)


class QuickValidation:
    """For a field class: marshmallow wraps a field's validators in a new validate.And for every
    value; a value that passes needs only the validators. When one fails, marshmallow's own
    path runs them all again, so the errors are exactly its own."""

    def _validate(self, value):
        try:
            for validator in self.validators:
                validator(value)
        except ValidationError:
            super()._validate(value)


class Code(QuickValidation, fields.String):
    """A code: a division code, or one from a vocabulary with `validate=one_of(...)`."""

    default_error_messages = {"invalid": "invalid"}

    def _deserialize(self, value, attr, data, **kwargs):
        return value if type(value) is str else super()._deserialize(value, attr, data, **kwargs)


class Codes(QuickValidation, fields.List):
    """A list of codes, each one of `choices` (refused naming the closest, as `one_of`)."""

    def __init__(self, choices, synonyms: Synonyms | None = None, **kwargs):
        super().__init__(Code(validate=one_of(choices, synonyms)), **kwargs)
        self._choices = frozenset(choices)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is list and all(type(code) is str and code in self._choices for code in value):
            return list(value)  # what the inner field makes of each of them
        return super()._deserialize(value, attr, data, **kwargs)


class Text(QuickValidation, fields.String):
    """Trimmed text without control characters; blank counts as missing when required."""

    default_error_messages = {"invalid": "not_text", "control": "control_characters", "blank": "blank"}

    def _deserialize(self, value, attr, data, **kwargs):
        text_ = value if type(value) is str else super()._deserialize(value, attr, data, **kwargs)
        text_ = unicodedata.normalize("NFC", text_).strip()
        if not text_.isprintable() and CONTROL.search(text_):  # control characters are not printable
            raise self.make_error("control")
        if not text_ and self.required:
            raise self.make_error("blank")
        return text_


class LongText(Text):
    """Text of several lines (a body, a problem statement): line breaks and tabs are kept,
    Windows line ends read as plain ones; other control characters are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not str:
            return super()._deserialize(value, attr, data, **kwargs)
        text_ = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
        if CONTROL.search(text_.replace("\n", "").replace("\t", "")):
            raise self.make_error("control")
        if not text_ and self.required:
            raise self.make_error("blank")
        return text_


_MARKUP = re.compile(r"<\s*[A-Za-z!/?]")


def no_markup(value: str) -> None:
    """Plain text holds no HTML or XML markup (a tag, a comment): it is shown as written, and
    markup in a title or a tag is somebody trying something."""
    if isinstance(value, str) and _MARKUP.search(value):
        raise ValidationError("markup_not_allowed")


class Url(Text):
    """A web address: http or https with a host, no spaces; `javascript:`, `data:` and every
    other scheme are refused."""

    default_error_messages = {**Text.default_error_messages, "scheme": "unsafe_link", "url": "invalid_url"}

    def _deserialize(self, value, attr, data, **kwargs):
        address = super()._deserialize(value, attr, data, **kwargs)
        if not address:
            return address
        try:
            parts = urlsplit(address)
        except ValueError:
            raise self.make_error("url") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise self.make_error("scheme")
        if not parts.netloc or any(c.isspace() for c in address) or "<" in address or ">" in address or '"' in address:
            raise self.make_error("url")
        return address


class WholeNumber(QuickValidation, fields.Integer):
    """An integer given as a number or as text in Thai or Arabic digits (๒๕๖๕, "1,200")."""

    default_error_messages = {"invalid": "not_integer"}

    def __init__(self, **kwargs):
        super().__init__(strict=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is int:  # the common case, and bool (an int subclass) is not it
            return value
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        if isinstance(value, str):
            value = _SEPARATORS.sub("", to_arabic_digits(value))
            if not _DIGITS.fullmatch(value):
                raise self.make_error("invalid")
            return int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class Year(WholeNumber):
    """A C.E. or B.E. year in Thai or Arabic digits, always loaded as C.E.; never in the future."""

    def _deserialize(self, value, attr, data, **kwargs):
        return past_year(common_era(super()._deserialize(value, attr, data, **kwargs)))


def past_year(year: int, today: date | None = None) -> int:
    """A C.E. year that is neither in the future nor before EARLIEST_CE, else ValidationError."""
    if year > (today or date.today()).year:
        raise ValidationError("year_in_future")
    if year < EARLIEST_CE:
        raise ValidationError(coded("year_too_early", min_ce=EARLIEST_CE, min_be=EARLIEST_BE))
    return year


class IsoDate(fields.Date):
    """An ISO date whose year may be B.E. (2568-03-15), in Thai or Arabic digits; never future
    unless `future=True` (a plan's dates)."""

    default_error_messages = {"invalid": "invalid_date"}

    def __init__(self, *args, future: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.future = future

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = common_era_date_text(value)
        day = super()._deserialize(value, attr, data, **kwargs)
        if not self.future and day > date.today():
            raise ValidationError("date_in_future")
        return day


def iso_day(typed: str) -> str:
    """A date as a person types it (B.E. or C.E., Thai or Arabic digits) as ISO C.E. text;
    raises ValidationError with the catalogue code of what is wrong."""
    return IsoDate().deserialize(typed).isoformat()


class StrictSchema(Schema):
    """Unknown fields are errors; every built-in message is a catalogue code."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown_field", "type": "invalid"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _coded(field)


def _coded(field: fields.Field) -> None:
    """marshmallow's own messages of `field` and of what it holds (a list's items, a dict's
    keys and values) as catalogue codes: `[null]` was "Field may not be null.", a list's bad
    id "Not a valid UUID."."""
    for key, text in field.error_messages.items():  # an English sentence is marshmallow's own
        if isinstance(text, str) and text.endswith("."):
            field.error_messages[key] = "invalid"
    for key in ("required", "null"):
        field.error_messages[key] = _CODES_BY_FIELD_KIND[key]
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None), getattr(field, "value_field", None),
                  *getattr(field, "tuple_fields", ())):
        if inner is not None:
            _coded(inner)


def located(location: dict, row: int | None = None) -> str:
    """The coordination center of a location (the location gives the center), once its codes
    check out against the reference data; CommandRejected naming each field that does not."""
    center, problems = reference.locate(location)
    if problems:
        raise CommandRejected([{"field": f, "code": c, "row": row, "params": {}} for f, c in problems])
    return center


def problems_from(error: ValidationError, row: int | None = None) -> list[dict]:
    """Flatten marshmallow's nested messages into {field, code, row, params} entries."""
    out: list[dict] = []
    _flatten(error.messages, "", row, out)
    return out


def _flatten(messages, prefix: str, row, out: list) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "_schema" if key == "_schema" and not prefix else (f"{prefix}.{key}" if prefix else str(key))
            _flatten(value, name, row, out)
    elif isinstance(messages, list):
        for item in messages:
            _flatten(item, prefix, row, out)
    else:
        code, *pairs = str(messages).split("|")
        params = dict(pair.split("=", 1) for pair in pairs)
        out.append({"field": prefix or "_schema", "code": code, "row": row, "params": params})


def load(schema: Schema, payload, row: int | None = None, **kwargs):
    """schema.load(), raising CommandRejected with coded problems instead of ValidationError."""
    fields_, problems = load_what_loads(schema, payload, row, **kwargs)
    if problems:
        raise CommandRejected(problems)
    return fields_


def load_what_loads(schema: Schema, payload, row: int | None = None, **kwargs) -> tuple[dict, list[dict]]:
    """(schema.load(), []) for a payload the schema takes; else (the fields it did load, the
    coded problems of the others), so a caller can go on checking what loaded and report
    every problem at once."""
    if not isinstance(payload, dict):
        return {}, [{"field": "_schema", "code": "invalid", "row": row, "params": {}}]
    try:
        return schema.load(payload, **kwargs), []
    except ValidationError as error:
        return (error.valid_data if isinstance(error.valid_data, dict) else {}), problems_from(error, row)


__all__ = [
    "EXCLUDE", "Code", "Codes", "IsoDate", "LongText", "StrictSchema", "Text", "Url", "WholeNumber", "no_markup", "Year", "between", "coded",
    "iso_day", "load", "load_what_loads", "located", "max_length", "one_of", "past_year", "problems_from",
]
