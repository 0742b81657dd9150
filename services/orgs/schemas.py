"""What a caller may send and what it gets back: marshmallow schemas shared by the orgs
service, the gateway and the OpenAPI description."""
from __future__ import annotations

from datetime import date

from marshmallow import ValidationError, fields

from services.chassis.validation import StrictSchema, Text, WholeNumber, between, coded, max_length, one_of

from .vocabulary import ORG_TYPES, STATUSES

NAME_MAX = 200
BE_OFFSET = 543
EARLIEST_CE = 1800
READ_ONLY = ("id", "version", "center", "status", "created_at", "updated_at")


def common_era(year: int, today: date | None = None) -> int:
    """A founding year as C.E. Years from 2343 (B.E. of the earliest C.E. year accepted) are
    read as Buddhist Era (พ.ศ. = ค.ศ. + 543); no C.E. year that late is valid anyway."""
    year = year - BE_OFFSET if year >= EARLIEST_CE + BE_OFFSET else year
    today = today or date.today()
    if year > today.year:
        raise ValidationError("year_in_future")
    if year < EARLIEST_CE:
        raise ValidationError(coded("year_too_early", min_ce=EARLIEST_CE, min_be=EARLIEST_CE + BE_OFFSET))
    return year


class Year(WholeNumber):
    """A C.E. or B.E. year in Thai or Arabic digits, always stored as C.E."""

    def _deserialize(self, value, attr, data, **kwargs):
        return common_era(super()._deserialize(value, attr, data, **kwargs))


class OrgFields(StrictSchema):
    """The fields a center edits. `center` is derived from the location and never sent."""

    name = Text(required=True, validate=max_length(NAME_MAX), metadata={"description": "ชื่อองค์กร / name"})
    type = fields.String(required=True, validate=one_of(ORG_TYPES), metadata={"enum": list(ORG_TYPES)})
    province = fields.String(required=True, metadata={"description": "DOPA province code, e.g. '50'"})
    district = fields.String(load_default=None, allow_none=True, metadata={"description": "DOPA district code, e.g. '5001'"})
    subdistrict = fields.String(load_default=None, allow_none=True, metadata={"description": "DOPA subdistrict code, e.g. '500101'"})
    village_no = WholeNumber(load_default=None, allow_none=True, validate=between(1, 99), metadata={"description": "หมู่ที่"})
    founded_year = Year(
        load_default=None, allow_none=True,
        metadata={"description": "ปีที่ก่อตั้ง: B.E. or C.E., Thai or Arabic digits; returned as C.E."},
    )
    members = WholeNumber(load_default=None, allow_none=True, validate=between(0, 1_000_000))

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        """A system-set field sent by the caller is read-only, not unknown (checked only on
        failure, so valid input pays nothing for it)."""
        for problems in error.messages.values() if many else [error.messages]:
            for name in READ_ONLY:
                if isinstance(problems, dict) and problems.get(name) == ["unknown_field"]:
                    problems[name] = ["read_only"]
        raise error


class OrgRegistration(OrgFields):
    """Register a new organization."""


class OrgChanges(OrgFields):
    """Amend an organization: only the fields that change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class Organization(StrictSchema):
    """An organization as the register returns it."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": list(ORG_TYPES)})
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    village_no = fields.Integer(allow_none=True)
    founded_year = fields.Integer(allow_none=True, metadata={"description": "C.E."})
    members = fields.Integer(allow_none=True)
    center = fields.String(required=True, metadata={"description": "coordination center, derived from the location"})
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    founded_year_be = fields.Integer(allow_none=True, metadata={"description": "ปีที่ก่อตั้ง in B.E. (พ.ศ.)"})
