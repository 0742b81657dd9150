"""Reference data read the same way by every service: divisions, regions, coordination centers."""

from .centers import BANGKOK_ZONES, Center, center, center_for, centers
from .geography import (
    BANGKOK,
    REGIONS,
    check_location,
    district,
    districts,
    province,
    provinces,
    region_of,
    subdistrict,
    subdistricts,
)

__all__ = [
    "BANGKOK",
    "BANGKOK_ZONES",
    "REGIONS",
    "Center",
    "center",
    "center_for",
    "centers",
    "check_location",
    "district",
    "districts",
    "province",
    "provinces",
    "region_of",
    "subdistrict",
    "subdistricts",
]
