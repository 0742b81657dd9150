"""The people register's data catalogue: each group of what it holds about a person, what it
is for, how long it is kept, who sees it in full or masked, and how it is protected. The
record of processing (PDPA s.39, the page `/privacy/processing`) is generated from it, in Thai
and English: every text is a catalogue code (`messages.py`), every field a field of the
register, and who sees what is checked against the service's masking by a test."""
from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import CONSENT_PURPOSES, LEGAL_BASES, RIGHTS

# Who reads the register, as the service decides it (services/people/masking.py and the
# permissions): each reader's text is `processing_reader_<reader>`
READERS = ("own_center", "other_center", "auditor", "auditor_reason", "admin", "person", "reporting", "public")

# How a reader sees a group: `processing_seen_<how>`
FULL = "full"  # every value as held
MASKED = "masked"  # masked as the group's `processing_masking_<group>` says
HIDDEN = "hidden"  # not shown at all
CLEAR = "clear"  # shown as it is: codes, places and dates, not personal on their own
COUNTED = "counted"  # only counted, without identity (the indicators)
NONE = "none"  # nothing
SEEN = (FULL, MASKED, HIDDEN, CLEAR, COUNTED, NONE)

# How long each group is kept: `processing_retention_<code>`
RETENTION = ("until_erased", "log_without_identity", "audit_record")

# The security measures: `processing_measure_<code>`
MEASURES = (
    "sealed_per_person",  # AES-256-GCM with the person's own key, field by field, in every event
    "key_store_apart",  # keys wrapped by a master key, in a key store apart from the event database
    "blind_indexes",  # exact look-ups by keyed HMAC of the national ID and the phone, never the value
    "masking_by_role",  # decided in the service, not only on the page
    "full_read_records",  # who read whose full record, when and why
    "erasure_ledger",  # erased ids, a fence against new keys, re-applied after a restore
    "secure_delete",  # deleted rows overwritten in the database files
    "signed_actors",  # every call signed; permissions enforced in the service
    "hash_chain",  # every event chained: nothing changed or removed unseen
    "no_sensitive_data",  # nothing of PDPA s.26 is collected
)


@dataclass(frozen=True)
class Group:
    """One group of what the register holds: `processing_group_<key>` names it and
    `processing_held_<key>` says what it is."""

    key: str
    fields: tuple[str, ...]  # the register's fields (of the Person answer) in the group
    purposes: tuple[str, ...]  # CONSENT_PURPOSES it serves
    retention: str
    seen: dict[str, str]  # reader -> how (SEEN); every reader is named
    measures: tuple[str, ...]
    masking: bool = False  # whether `processing_masking_<key>` explains its masking

    def how(self, reader: str) -> str:
        return self.seen[reader]


_PERSONAL_MEASURES = ("sealed_per_person", "key_store_apart", "masking_by_role", "full_read_records",
                      "erasure_ledger", "secure_delete")
_CLEAR_MEASURES = ("signed_actors", "hash_chain")


def _seen(own=FULL, other=FULL, auditor=FULL, auditor_reason=FULL, admin=FULL, person=FULL, reporting=NONE,
          public=NONE) -> dict[str, str]:
    return {"own_center": own, "other_center": other, "auditor": auditor, "auditor_reason": auditor_reason,
            "admin": admin, "person": person, "reporting": reporting, "public": public}


GROUPS: tuple[Group, ...] = (
    Group("names", ("given_name", "family_name", "name_en"), ("network_register", "capability", "contact"),
          "until_erased", _seen(auditor=MASKED), (*_PERSONAL_MEASURES, "signed_actors"), masking=True),
    Group("national_id", ("national_id",), ("network_register",), "until_erased",
          _seen(own=MASKED, other=MASKED, auditor=MASKED, auditor_reason=MASKED, admin=MASKED),
          (*_PERSONAL_MEASURES, "blind_indexes"), masking=True),
    Group("contact", ("phone", "email", "line_id"), ("contact",), "until_erased",
          _seen(other=MASKED, auditor=MASKED), (*_PERSONAL_MEASURES, "blind_indexes"), masking=True),
    Group("private", ("address", "birth_year", "notes"), ("network_register", "contact"), "until_erased",
          _seen(other=HIDDEN, auditor=HIDDEN), _PERSONAL_MEASURES),
    Group("home", ("province", "district", "subdistrict", "center"), ("network_register",),
          "log_without_identity", _seen(own=CLEAR, other=CLEAR, auditor=CLEAR, auditor_reason=CLEAR, admin=CLEAR,
                                        reporting=CLEAR, public=COUNTED), _CLEAR_MEASURES),
    Group("capability", ("skills", "languages", "years_experience", "work_areas", "roles", "trainings"),
          ("capability",), "log_without_identity",
          _seen(own=CLEAR, other=MASKED, auditor=MASKED, auditor_reason=CLEAR, admin=CLEAR, reporting=CLEAR,
                public=COUNTED), (*_CLEAR_MEASURES, "sealed_per_person"), masking=True),
    Group("affiliations", ("orgs",), ("network_register",), "log_without_identity",
          _seen(own=CLEAR, other=CLEAR, auditor=CLEAR, auditor_reason=CLEAR, admin=CLEAR), _CLEAR_MEASURES),
    Group("consent", ("legal_basis", "consent", "consents"), ("network_register",), "audit_record",
          _seen(own=CLEAR, other=MASKED, auditor=MASKED, auditor_reason=CLEAR, admin=CLEAR),
          (*_CLEAR_MEASURES, "sealed_per_person"), masking=True),
    Group("requests", ("requests",), ("network_register",), "audit_record",
          _seen(own=CLEAR, other=HIDDEN, auditor=HIDDEN, auditor_reason=HIDDEN, admin=CLEAR),
          (*_CLEAR_MEASURES, "sealed_per_person")),
    Group("reads", ("reads",), ("network_register",), "audit_record",
          _seen(own=CLEAR, other=HIDDEN, auditor=HIDDEN, auditor_reason=HIDDEN, admin=CLEAR),
          ("full_read_records",)),
)
BY_FIELD = {name: group for group in GROUPS for name in group.fields}

# What the record as a whole rests on and serves (the texts are the code lists' labels)
LEGAL_BASIS_CODES = tuple(LEGAL_BASES)
PURPOSE_CODES = tuple(CONSENT_PURPOSES)
RIGHT_CODES = tuple(RIGHTS)
