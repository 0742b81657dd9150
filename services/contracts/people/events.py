"""The events of the people register: past-tense names, payload schemas by version.

A person's personal values (`PERSONAL`, a training's certificate, a consent's witness, a
request's note) are sealed in `data`: each is a token (`sealing.TOKEN_PREFIX`...) that only the
people service, holding that person's key, can open; after an erasure nobody can. Everything
else (ids, codes, centers, dates) is in clear and is not personal on its own (DESIGN §2b):
reporting counts from it and never sees a personal value."""
from __future__ import annotations

from marshmallow import Schema, fields

SOURCE = "people"
REGISTERED = "PersonRegistered"
AMENDED = "PersonAmended"  # a correction; a changed home area carries the new center
ROLE_STARTED = "RoleStarted"
ROLE_ENDED = "RoleEnded"
TRAINING_RECORDED = "TrainingRecorded"
ORG_LINKED = "OrgLinked"
ORG_UNLINKED = "OrgUnlinked"
CONSENT_RECORDED = "ConsentRecorded"
CONSENT_WITHDRAWN = "ConsentWithdrawn"
RESTRICTED = "ProcessingRestricted"
RESTRICTION_LIFTED = "RestrictionLifted"
MERGED = "PersonMerged"  # on the duplicate
ABSORBED = "PersonAbsorbed"  # on the survivor
UNMERGED = "PersonUnmerged"  # on the duplicate
RELEASED = "PersonReleased"  # on the survivor
ERASED = "PersonErased"
REQUEST_RECEIVED = "RequestReceived"  # a data-subject request, on its own stream
REQUEST_HANDLED = "RequestHandled"

# The personal values of a person, sealed field by field with the person's own key
PERSONAL = ("given_name", "family_name", "name_en", "national_id", "phone", "email", "line_id", "address",
            "birth_year", "notes")
PROFILE = ("skills", "languages", "years_experience", "work_areas")
HOME = ("province", "district", "subdistrict")


def stream_of(person_id: str) -> str:
    return f"person-{person_id}"


def person_id_of(stream: str) -> str:
    return stream.removeprefix("person-")


def request_stream(request_id: str) -> str:
    return f"request-{request_id}"


def request_id_of(stream: str) -> str:
    return stream.removeprefix("request-")


def is_person(stream: str) -> bool:
    return stream.startswith("person-")


Sealed = fields.String  # a sealed personal value (a token), or None


class ConsentV1(Schema):
    consent = fields.String(required=True)  # its id within the person
    purposes = fields.List(fields.String(), required=True)
    notice_version = fields.String(required=True)
    given_on = fields.String(required=True)
    channel = fields.String(required=True)
    recorded_by = fields.String(required=True)
    witness = Sealed(allow_none=True)
    expires_on = fields.String(allow_none=True)


class RoleV1(Schema):
    role = fields.String(required=True)
    center = fields.String(required=True)
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    started_on = fields.String(required=True)


class PersonRegisteredV1(Schema):
    given_name = Sealed(required=True)
    family_name = Sealed(allow_none=True)
    name_en = Sealed(allow_none=True)
    national_id = Sealed(allow_none=True)
    phone = Sealed(allow_none=True)
    email = Sealed(allow_none=True)
    line_id = Sealed(allow_none=True)
    address = Sealed(allow_none=True)
    birth_year = Sealed(allow_none=True)
    notes = Sealed(allow_none=True)
    province = fields.String(required=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    center = fields.String(required=True)
    skills = fields.List(fields.String())
    languages = fields.List(fields.String())
    years_experience = fields.Integer(allow_none=True)
    work_areas = fields.List(fields.String())
    legal_basis = fields.String(required=True)
    consent = fields.Nested(ConsentV1, allow_none=True)
    roles = fields.List(fields.Nested(RoleV1))


class PersonAmendedV1(PersonRegisteredV1):
    """Any subset of the registration's own fields (load with partial=True); a new home
    area carries all of `HOME` and its `center`."""


class RoleEndedV1(Schema):
    role = fields.String(required=True)
    ended_on = fields.String(required=True)


class TrainingRecordedV1(Schema):
    training = fields.String(required=True)  # its id within the person
    name = fields.String(required=True)
    on = fields.String(required=True)
    organizer = fields.String(allow_none=True)
    certificate = Sealed(allow_none=True)


class OrgLinkedV1(Schema):
    org = fields.String(required=True)
    role_in_org = fields.String(required=True)


class OrgUnlinkedV1(Schema):
    org = fields.String(required=True)


class ConsentWithdrawnV1(Schema):
    consent = fields.String(required=True)
    on = fields.String(required=True)


class RestrictedV1(Schema):
    ground = fields.String(required=True)
    request = fields.String(allow_none=True)


class RestrictionLiftedV1(Schema):
    request = fields.String(allow_none=True)


class PersonMergedV1(Schema):
    into = fields.String(required=True)
    previous_status = fields.String(required=True)


class PersonAbsorbedV1(Schema):
    duplicate = fields.String(required=True)


class PersonUnmergedV1(Schema):
    from_ = fields.String(required=True, data_key="from")
    status = fields.String(required=True)


class PersonErasedV1(Schema):
    request = fields.String(allow_none=True)
    on = fields.String(required=True)


class RequestReceivedV1(Schema):
    person = fields.String(required=True)
    right = fields.String(required=True)
    received_on = fields.String(required=True)
    due_on = fields.String(required=True)
    channel = fields.String(required=True)
    center = fields.String(required=True)
    note = Sealed(allow_none=True)


class RequestHandledV1(Schema):
    person = fields.String(required=True)
    outcome = fields.String(required=True)
    ground = fields.String(allow_none=True)  # a refusal's, from REFUSAL_GROUNDS
    on = fields.String(required=True)
    note = Sealed(allow_none=True)


# The sealed values of each event type: field names, or (nested object, field)
SEALED = {
    REGISTERED: (*PERSONAL, ("consent", "witness")), AMENDED: PERSONAL, TRAINING_RECORDED: ("certificate",),
    CONSENT_RECORDED: ("witness",), REQUEST_RECEIVED: ("note",), REQUEST_HANDLED: ("note",),
}

PAYLOADS = {
    (REGISTERED, 1): PersonRegisteredV1, (AMENDED, 1): PersonAmendedV1, (ROLE_STARTED, 1): RoleV1,
    (ROLE_ENDED, 1): RoleEndedV1, (TRAINING_RECORDED, 1): TrainingRecordedV1, (ORG_LINKED, 1): OrgLinkedV1,
    (ORG_UNLINKED, 1): OrgUnlinkedV1, (CONSENT_RECORDED, 1): ConsentV1, (CONSENT_WITHDRAWN, 1): ConsentWithdrawnV1,
    (RESTRICTED, 1): RestrictedV1, (RESTRICTION_LIFTED, 1): RestrictionLiftedV1, (MERGED, 1): PersonMergedV1,
    (ABSORBED, 1): PersonAbsorbedV1, (UNMERGED, 1): PersonUnmergedV1, (RELEASED, 1): PersonAbsorbedV1,
    (ERASED, 1): PersonErasedV1, (REQUEST_RECEIVED, 1): RequestReceivedV1, (REQUEST_HANDLED, 1): RequestHandledV1,
}
EVENT_TYPES = tuple(dict.fromkeys(kind for kind, _ in PAYLOADS))
