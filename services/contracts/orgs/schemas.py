"""What a caller may send to the organization register and what it gets back: marshmallow
schemas shared by the orgs service, the gateway and the OpenAPI description."""
from __future__ import annotations

from marshmallow import ValidationError, fields

from services.chassis.validation import (
    Code, Codes, IsoDate, StrictSchema, Text, WholeNumber, Year, between, max_length, one_of,
)

from .vocabulary import (
    DATA_SOURCES, ORG_TYPE_SYNONYMS, ORG_TYPES, STATUSES, STRENGTH_CRITERIA, STRENGTH_LEVELS, WORK_AREA_SYNONYMS,
    WORK_AREAS,
)

NAME_MAX = 200
ADDRESS_MAX = 300
# The fields a center edits: what the organization is, and where it is (a location change
# relocates it, and its center follows the location)
EDITABLE = ("name", "name_en", "type", "founded_year", "members", "areas", "contact_person", "source")
LOCATION = ("province", "district", "subdistrict", "village_no", "address")
FIELDS = (*EDITABLE, *LOCATION)
READ_ONLY = ("id", "version", "center", "status", "strength", "verified", "merged_into", "created_at", "updated_at",
             "founded_year_be")


class OrgLocation(StrictSchema):
    """Where an organization is: the codes must agree with each other (checked by the domain)."""

    province = Code(required=True, metadata={"description": "DOPA province code, e.g. '50'"})
    district = Code(required=True, metadata={"description": "DOPA district code, e.g. '5001'"})
    subdistrict = Code(required=True, metadata={"description": "DOPA subdistrict code, e.g. '500101'"})
    village_no = WholeNumber(load_default=None, allow_none=True, validate=between(1, 99), metadata={"description": "หมู่ที่"})
    address = Text(load_default=None, allow_none=True, validate=max_length(ADDRESS_MAX))


class OrgFields(OrgLocation):
    """The fields a center edits. `center` is derived from the location and never sent."""

    name = Text(required=True, validate=max_length(NAME_MAX), metadata={"description": "ชื่อองค์กร (Thai name)"})
    name_en = Text(load_default=None, allow_none=True, validate=max_length(NAME_MAX))
    type = Code(required=True, validate=one_of(ORG_TYPES, ORG_TYPE_SYNONYMS), metadata={"enum": list(ORG_TYPES)})
    founded_year = Year(
        load_default=None, allow_none=True,
        metadata={"description": "ปีที่ก่อตั้ง: B.E. or C.E., Thai or Arabic digits; returned as C.E."},
    )
    members = WholeNumber(load_default=None, allow_none=True, validate=between(0, 1_000_000))
    areas = Codes(WORK_AREAS, WORK_AREA_SYNONYMS, load_default=list, validate=max_length(len(WORK_AREAS)),
                  metadata={"description": "areas of work (codes)"})
    contact_person = fields.UUID(load_default=None, allow_none=True, metadata={"description": "a person in the people service"})
    source = Code(load_default="survey", validate=one_of(DATA_SOURCES), metadata={"enum": list(DATA_SOURCES)})

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
    """Amend an organization: only the fields that change (location fields relocate it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class OrgRelocation(OrgLocation):
    """Move an organization: the whole new location."""


class StrengthAssessment(StrictSchema):
    level = Code(required=True, validate=one_of(STRENGTH_LEVELS), metadata={"enum": list(STRENGTH_LEVELS)})
    criteria = Codes(STRENGTH_CRITERIA, load_default=list,
                     metadata={"description": "criteria the organization meets (codes)"})
    assessed_on = IsoDate(load_default=None, allow_none=True, metadata={"description": "default: today"})


class Verification(StrictSchema):
    on = IsoDate(load_default=None, allow_none=True, metadata={"description": "the day the record was checked; default today"})


class Reason(StrictSchema):
    reason = Text(load_default=None, allow_none=True, validate=max_length(500))


class Merge(StrictSchema):
    duplicate = fields.UUID(required=True, metadata={"description": "the organization that is a duplicate of this one"})
    duplicate_version = fields.Integer(required=True, metadata={"description": "the duplicate's version you saw"})


class Strength(StrictSchema):
    level = fields.String(allow_none=True)
    criteria = fields.List(fields.String())
    assessed_on = fields.String(allow_none=True)
    assessor = fields.String(allow_none=True)


class Verified(StrictSchema):
    on = fields.String(allow_none=True)
    by = fields.String(allow_none=True)


class Organization(StrictSchema):
    """An organization as the register returns it."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    type = fields.String(required=True, metadata={"enum": list(ORG_TYPES)})
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    village_no = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)
    founded_year = fields.Integer(allow_none=True, metadata={"description": "C.E."})
    founded_year_be = fields.Integer(allow_none=True, metadata={"description": "ปีที่ก่อตั้ง in B.E. (พ.ศ.)"})
    members = fields.Integer(allow_none=True)
    areas = fields.List(fields.String())
    contact_person = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    center = fields.String(required=True, metadata={"description": "coordination center, derived from the location"})
    strength = fields.Nested(Strength, allow_none=True)
    verified = fields.Nested(Verified, allow_none=True)
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})
    merged_into = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
