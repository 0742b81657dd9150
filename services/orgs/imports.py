"""What a spreadsheet import does with the organization register's rows: the kit's import
flow, given the register's schema, its location rule, its natural key (subdistrict and name
key) and how a row registers or amends an organization."""
from __future__ import annotations

from services.chassis import permissions as can
from services.chassis.registers.importing import Importer
from services.contracts.orgs.limits import BATCH_MAX
from services.contracts.orgs.schemas import OrgRegistration

from . import domain, readmodel


def _amended(org: domain.Organization, given: dict) -> list:
    """An import amends an active organization with the fields its row gave; it leaves an
    archived one as it is."""
    return domain.amend(org, given) if org.status == "active" else []


IMPORTER = Importer(
    schema=OrgRegistration(),
    check=domain.locate,
    stage=readmodel.STAGE,
    find=readmodel.by_natural_key,
    find_staged=readmodel.at_keys_of,
    create=lambda fields, org_id, row: domain.register(fields, org_id, row=row),
    update=_amended,
    record_id=lambda org: org.id,
    project=readmodel.project,
    batch_max=BATCH_MAX,
    action=can.IMPORT_ORGS,
)
