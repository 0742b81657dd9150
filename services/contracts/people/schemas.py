"""What a caller may send to the people register and what it gets back: marshmallow schemas
shared by the people service, the gateway and the OpenAPI description. Personal values arrive
here in plaintext over the signed RPC; the service seals them before anything is stored."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from services.chassis.personal import Email, NationalId, Phone
from services.chassis.validation import (
    Code, Codes, IsoDate, StrictSchema, Text, WholeNumber, Year, between, max_length, one_of,
)

from .vocabulary import (
    CONSENT_CHANNELS, CONSENT_PURPOSES, LANGUAGES, LEGAL_BASES, ORG_ROLES, OUTCOMES, REFUSAL_GROUNDS,
    REQUEST_CHANNELS, RESTRICTION_GROUNDS, RIGHTS, ROLES, SKILLS,
)

NAME_MAX = 100
# The fields of a person a center edits (corrections are amendments); the home area moves
# the person to its center
CONTACT = ("phone", "email", "line_id", "address")
EDITABLE = ("given_name", "family_name", "name_en", "national_id", *CONTACT, "birth_year", "notes",
            "skills", "languages", "years_experience", "work_areas")
HOME = ("province", "district", "subdistrict")
FIELDS = (*EDITABLE, *HOME)
READ_ONLY = ("version", "center", "status", "restricted", "roles", "trainings", "orgs", "consents",
             "created_at", "updated_at", "masked")


class Home(StrictSchema):
    """Where a person lives: it gives their center (and with their name, finds them again)."""

    province = Code(required=True, metadata={"description": "DOPA province code"})
    district = Code(required=True, metadata={"description": "DOPA district code"})
    subdistrict = Code(required=True, metadata={"description": "DOPA subdistrict code"})


class Consent(StrictSchema):
    """Consent as the person gave it (PDPA s.19)."""

    purposes = Codes(CONSENT_PURPOSES, required=True, validate=max_length(len(CONSENT_PURPOSES)))
    notice_version = Text(required=True, validate=max_length(40), metadata={"description": "the privacy notice's version"})
    given_on = IsoDate(required=True)
    channel = Code(required=True, validate=one_of(CONSENT_CHANNELS), metadata={"enum": list(CONSENT_CHANNELS)})
    witness = Text(load_default=None, allow_none=True, validate=max_length(NAME_MAX),
                   metadata={"description": "required for verbal consent"})
    expires_on = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _witnessed(self, data, **kwargs):
        if data.get("channel") == "verbal" and not data.get("witness"):
            raise ValidationError("witness_required", field_name="witness")
        if not data.get("purposes"):
            raise ValidationError("required", field_name="purposes")


class RoleStart(StrictSchema):
    """A role, for an area (default: the person's home area; its center decides who may assign it)."""

    role = Code(required=True, validate=one_of(ROLES), metadata={"enum": list(ROLES)})
    province = Code(load_default=None, allow_none=True)
    district = Code(load_default=None, allow_none=True)
    subdistrict = Code(load_default=None, allow_none=True)
    started_on = IsoDate(load_default=None, allow_none=True, metadata={"description": "default: today"})


class RoleEnd(StrictSchema):
    role = Code(required=True, validate=one_of(ROLES))
    ended_on = IsoDate(load_default=None, allow_none=True)


class PersonFields(Home):
    given_name = Text(required=True, validate=max_length(NAME_MAX), metadata={"description": "ชื่อ"})
    family_name = Text(load_default=None, allow_none=True, validate=max_length(NAME_MAX), metadata={"description": "นามสกุล"})
    name_en = Text(load_default=None, allow_none=True, validate=max_length(2 * NAME_MAX))
    national_id = NationalId(load_default=None, allow_none=True, metadata={"description": "13 digits; stored sealed, shown as its last 4"})
    phone = Phone(load_default=None, allow_none=True, metadata={"description": "any Thai format; stored as E.164"})
    email = Email(load_default=None, allow_none=True, validate=max_length(200))
    line_id = Text(load_default=None, allow_none=True, validate=max_length(50))
    address = Text(load_default=None, allow_none=True, validate=max_length(300))
    birth_year = Year(load_default=None, allow_none=True)
    notes = Text(load_default=None, allow_none=True, validate=max_length(1000))
    skills = Codes(SKILLS, load_default=list, validate=max_length(len(SKILLS)))
    languages = Codes(LANGUAGES, load_default=list, validate=max_length(len(LANGUAGES)))
    years_experience = WholeNumber(load_default=None, allow_none=True, validate=between(0, 80))
    work_areas = fields.List(Code(), load_default=list, validate=max_length(20),
                             metadata={"description": "province, district or subdistrict codes"})

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        for problems in error.messages.values() if many else [error.messages]:
            for name in READ_ONLY:
                if isinstance(problems, dict) and problems.get(name) == ["unknown_field"]:
                    problems[name] = ["read_only"]
        raise error


class PersonRegistration(PersonFields):
    """Register a person: with their consent, or another legal basis that is documented."""

    id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "keep an id given elsewhere"})
    legal_basis = Code(required=True, validate=one_of(LEGAL_BASES), metadata={"enum": list(LEGAL_BASES)})
    consent = fields.Nested(Consent, load_default=None, allow_none=True)
    roles = fields.List(fields.Nested(RoleStart), load_default=list, validate=max_length(len(ROLES)))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _lawful(self, data, original, **kwargs):
        """Also on a row with other problems (every problem at once); a consent given but
        refused for its own fields is not reported missing as well."""
        given = original.get("consent") if isinstance(original, dict) else None
        if data.get("legal_basis") == "consent" and not data.get("consent") and not given:
            raise ValidationError("consent_required", field_name="consent")


class PersonChanges(PersonFields):
    """Correct a person: only the fields that change (home fields move them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class Training(StrictSchema):
    name = Text(required=True, validate=max_length(200))
    on = IsoDate(required=True)
    organizer = Text(load_default=None, allow_none=True, validate=max_length(200))
    certificate = Text(load_default=None, allow_none=True, validate=max_length(100))


class OrgLink(StrictSchema):
    org = fields.UUID(required=True, metadata={"description": "an organization of the orgs register"})
    role_in_org = Code(load_default="member", validate=one_of(ORG_ROLES), metadata={"enum": list(ORG_ROLES)})


class ConsentWithdrawal(StrictSchema):
    consent = Text(required=True, validate=max_length(36))
    on = IsoDate(load_default=None, allow_none=True)


class Restriction(StrictSchema):
    ground = Code(required=True, validate=one_of(RESTRICTION_GROUNDS))
    request = fields.UUID(load_default=None, allow_none=True)


class Merge(StrictSchema):
    duplicate = fields.UUID(required=True)
    duplicate_version = fields.Integer(required=True)


class RequestReceipt(StrictSchema):
    """A data-subject request (PDPA s.30-36), received from the person."""

    person = fields.UUID(required=True)
    right = Code(required=True, validate=one_of(RIGHTS), metadata={"enum": list(RIGHTS)})
    received_on = IsoDate(load_default=None, allow_none=True)
    channel = Code(required=True, validate=one_of(REQUEST_CHANNELS))
    note = Text(load_default=None, allow_none=True, validate=max_length(1000))


class RequestOutcome(StrictSchema):
    outcome = Code(required=True, validate=one_of(OUTCOMES))
    ground = Code(load_default=None, allow_none=True, validate=one_of(REFUSAL_GROUNDS))
    note = Text(load_default=None, allow_none=True, validate=max_length(1000))

    @validates_schema(skip_on_field_errors=False)
    def _grounded(self, data, **kwargs):
        if data.get("outcome") == "refused" and not data.get("ground"):
            raise ValidationError("refusal_ground_required", field_name="ground")


class Erasure(StrictSchema):
    request = fields.UUID(load_default=None, allow_none=True, metadata={"description": "the erasure request it answers"})


class ReadReason(StrictSchema):
    reason = Text(required=True, validate=max_length(300))


class Person(StrictSchema):
    """A person as the register shows them to one caller: personal values full or masked (`masked`)."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    restricted = fields.String(allow_none=True, metadata={"description": "why the person is restricted, if they are"})
    masked = fields.Boolean(required=True, metadata={"description": "whether personal values are masked for this caller"})
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    national_id = fields.String(allow_none=True, metadata={"description": "never whole: its last 4 digits"})
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    line_id = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    birth_year = fields.Raw(allow_none=True)
    notes = fields.String(allow_none=True)
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    center = fields.String(required=True)
    skills = fields.List(fields.String())
    languages = fields.List(fields.String())
    years_experience = fields.Integer(allow_none=True)
    work_areas = fields.List(fields.String())
    legal_basis = fields.String(required=True)
    consent = fields.String(required=True, metadata={"description": "given, withdrawn or not_needed"})
    roles = fields.List(fields.Dict())
    trainings = fields.List(fields.Dict())
    orgs = fields.List(fields.Dict())
    consents = fields.List(fields.Dict())
    merged_into = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
