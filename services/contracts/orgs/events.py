"""The events of the organization register: past-tense names, payload schemas by version.

Payloads carry only what changed. A relocation carries the whole location and its `center`,
so a subscriber never needs the register's own state to place an organization."""
from __future__ import annotations

from marshmallow import Schema, fields

SOURCE = "orgs"
REGISTERED = "OrgRegistered"
AMENDED = "OrgAmended"
RELOCATED = "OrgRelocated"
STRENGTH_ASSESSED = "OrgStrengthAssessed"
VERIFIED = "OrgVerified"
ARCHIVED = "OrgArchived"
RESTORED = "OrgRestored"
MERGED = "OrgMerged"  # on the duplicate
ABSORBED = "OrgAbsorbed"  # on the survivor
UNMERGED = "OrgUnmerged"  # on the duplicate
RELEASED = "OrgReleased"  # on the survivor


def stream_of(org_id: str) -> str:
    return f"org-{org_id}"


def org_id_of(stream: str) -> str:
    return stream.removeprefix("org-")


def is_org(stream: str) -> bool:
    return stream.startswith("org-")


class OrgRegisteredV1(Schema):
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True)
    type = fields.String(required=True)
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    village_no = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)
    founded_year = fields.Integer(allow_none=True)
    members = fields.Integer(allow_none=True)
    areas = fields.List(fields.String())
    contact_person = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    center = fields.String(required=True)


class OrgAmendedV1(OrgRegisteredV1):
    """Any subset of OrgRegisteredV1's fields but the location: load with partial=True."""


class OrgRelocatedV1(Schema):
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    village_no = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)
    center = fields.String(required=True)


class OrgStrengthAssessedV1(Schema):
    level = fields.String(required=True)
    criteria = fields.List(fields.String())
    assessed_on = fields.String(required=True)
    assessor = fields.String(required=True)


class OrgVerifiedV1(Schema):
    on = fields.String(required=True)
    by = fields.String(required=True)


class ReasonV1(Schema):
    reason = fields.String(allow_none=True)


class OrgMergedV1(Schema):
    into = fields.String(required=True)
    previous_status = fields.String(required=True)


class OrgAbsorbedV1(Schema):
    duplicate = fields.String(required=True)


class OrgUnmergedV1(Schema):
    from_ = fields.String(required=True, data_key="from")
    status = fields.String(required=True)


PAYLOADS = {
    (REGISTERED, 1): OrgRegisteredV1, (AMENDED, 1): OrgAmendedV1, (RELOCATED, 1): OrgRelocatedV1,
    (STRENGTH_ASSESSED, 1): OrgStrengthAssessedV1, (VERIFIED, 1): OrgVerifiedV1,
    (ARCHIVED, 1): ReasonV1, (RESTORED, 1): ReasonV1, (MERGED, 1): OrgMergedV1,
    (ABSORBED, 1): OrgAbsorbedV1, (UNMERGED, 1): OrgUnmergedV1, (RELEASED, 1): OrgAbsorbedV1,
}
EVENT_TYPES = tuple(dict.fromkeys(kind for kind, _ in PAYLOADS))
