"""The events of the organization register: past-tense names, payload schemas by version.

Payloads carry only what changed. Location changes always carry `center` (and the full
location), so a subscriber never needs the register's own state to place an organization."""
from __future__ import annotations

from marshmallow import Schema, fields

SOURCE = "orgs"
REGISTERED = "OrgRegistered"
AMENDED = "OrgAmended"
ARCHIVED = "OrgArchived"

LOCATION = ("province", "district", "subdistrict", "center")


def stream_of(org_id: str) -> str:
    return f"org-{org_id}"


def org_id_of(stream: str) -> str:
    return stream.removeprefix("org-")


class OrgRegisteredV1(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True)
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    village_no = fields.Integer(allow_none=True)
    founded_year = fields.Integer(allow_none=True)
    members = fields.Integer(allow_none=True)
    center = fields.String(required=True)


class OrgAmendedV1(OrgRegisteredV1):
    """Any subset of OrgRegisteredV1's fields: load with partial=True."""


class OrgArchivedV1(Schema):
    reason = fields.String(allow_none=True)


PAYLOADS = {(REGISTERED, 1): OrgRegisteredV1, (AMENDED, 1): OrgAmendedV1, (ARCHIVED, 1): OrgArchivedV1}
